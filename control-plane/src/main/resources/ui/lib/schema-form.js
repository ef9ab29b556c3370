// A form generated from a deployment's parameter JSON Schema. The browser only shapes the input:
// the server validates it against the same schema, and its 422 field errors are shown next to
// the fields they name ("parameters.rows" → the rows field).

import { h } from './dom.js';

function kind(prop) {
  if (!prop || typeof prop !== 'object') return 'json';
  const t = Array.isArray(prop.type) ? prop.type.find((x) => x !== 'null') : prop.type;
  if (Array.isArray(prop.enum)) return 'enum';
  if (t === 'string') return 'string';
  if (t === 'integer') return 'integer';
  if (t === 'number') return 'number';
  if (t === 'boolean') return 'boolean';
  return 'json';
}

/**
 * Builds the fields into {@code container}; returns {read(), showErrors(errors), clearErrors()}.
 * read() gives the parameters object, or throws {field, message} for input that is not JSON at all.
 */
export function schemaForm(container, schema, defaults) {
  const props = (schema && schema.properties) || {};
  const required = new Set((schema && schema.required) || []);
  // Required fields first, each group in the schema's order.
  const names = Object.keys(props).sort((a, b) => Number(required.has(b)) - Number(required.has(a)));
  const fields = new Map();
  // Defaults the schema does not describe still belong to the run: kept as they are.
  for (const extra of Object.keys(defaults || {})) if (!names.includes(extra)) names.push(extra);
  if (!names.length) container.append(h('p', { class: 'muted' }, 'This deployment takes no parameters.'));

  for (const name of names) {
    const prop = props[name] || {};
    const k = props[name] ? kind(prop) : 'json';
    const id = 'param-' + name.replace(/[^A-Za-z0-9_-]/g, '_');
    const initial = defaults && name in defaults ? defaults[name] : prop.default;
    let input;
    if (k === 'enum') {
      input = h('select', { id }, required.has(name) ? null : h('option', { value: '' }, '(none)'),
        prop.enum.map((v) => h('option', { value: JSON.stringify(v) }, String(v))));
      if (initial !== undefined) input.value = JSON.stringify(initial);
    } else if (k === 'boolean') {
      input = h('input', { id, type: 'checkbox', checked: !!initial });
    } else if (k === 'json') {
      input = h('textarea', { id, rows: 3, spellcheck: 'false', class: 'mono' });
      input.value = initial === undefined ? '' : JSON.stringify(initial, null, 2);
    } else {
      input = h('input', { id, type: k === 'string' ? 'text' : 'number', step: k === 'integer' ? '1' : 'any',
        autocomplete: 'off' });
      if (initial !== undefined && initial !== null) input.value = String(initial);
    }
    const hint = [prop.description, k === 'json' ? 'JSON' : prop.type, hintOf(prop)].filter(Boolean).join(' · ');
    const error = h('div', { class: 'field-error', role: 'alert' });
    const row = h('div', { class: 'field', dataset: { field: name } },
      h('label', { for: id }, name, required.has(name) ? h('span', { class: 'req', title: 'required' }, ' *') : null),
      input, hint ? h('div', { class: 'hint' }, hint) : null, error);
    fields.set(name, { input, kind: k, error, row });
    container.append(row);
  }
  const formError = h('div', { class: 'form-error', role: 'alert' });
  container.append(formError);

  function read() {
    const out = {};
    for (const [name, f] of fields) {
      const v = f.input.type === 'checkbox' ? f.input.checked : f.input.value;
      if (f.kind === 'boolean') { out[name] = v; continue; }
      if (v === '') continue;
      if (f.kind === 'string') out[name] = v;
      else if (f.kind === 'integer' || f.kind === 'number') out[name] = Number(v);
      else {
        try { out[name] = JSON.parse(v); } catch (e) { throw { field: name, message: 'is not valid JSON' }; }
      }
    }
    return out;
  }

  function clearErrors() {
    formError.textContent = '';
    for (const f of fields.values()) { f.error.textContent = ''; f.row.classList.remove('invalid'); }
  }

  /** Server field errors ({field: 'parameters.rows', message}) next to their fields; the rest above the button. */
  function showErrors(errors, detail) {
    clearErrors();
    const rest = [];
    for (const e of errors || []) {
      const path = String(e.field || '').replace(/^parameters\.?/, '');
      const top = path.split(/[.[]/)[0];
      const f = fields.get(top);
      if (f) {
        f.error.textContent = (f.error.textContent ? f.error.textContent + '; ' : '') + (path === top ? '' : path + ' ') + e.message;
        f.row.classList.add('invalid');
      } else {
        rest.push((e.field ? e.field + ' ' : '') + e.message);
      }
    }
    if (rest.length || (!errors || !errors.length)) formError.textContent = rest.length ? rest.join('; ') : (detail || '');
  }
  return { read, showErrors, clearErrors };
}

function hintOf(p) {
  const parts = [];
  if (p.minimum !== undefined) parts.push('≥ ' + p.minimum);
  if (p.maximum !== undefined) parts.push('≤ ' + p.maximum);
  if (p.minLength !== undefined) parts.push('at least ' + p.minLength + ' characters');
  if (p.maxLength !== undefined) parts.push('at most ' + p.maxLength + ' characters');
  if (p.pattern) parts.push('matches ' + p.pattern);
  return parts.join(', ');
}
