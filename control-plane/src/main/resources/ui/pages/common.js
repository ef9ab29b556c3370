import { h } from '../lib/dom.js';

/** A page title row with actions on the right. */
export function pageHeader(title, subtitle, ...actions) {
  return h('div', { class: 'page-head' },
    h('div', null, h('h1', null, title), subtitle ? h('div', { class: 'subtitle' }, subtitle) : null),
    h('div', { class: 'actions' }, actions));
}

export function card(title, ...children) {
  return h('section', { class: 'card' }, title ? h('h2', null, title) : null, children);
}

/** A table from column definitions [{label, cell(row) → node|string, class}]. */
export function table(columns, rows, options = {}) {
  return h('div', { class: 'table-wrap' }, h('table', { class: 'data', id: options.id },
    h('thead', null, h('tr', null, columns.map((c) => h('th', { class: c.class }, c.label)))),
    h('tbody', null, rows.length ? rows.map((r) => h('tr', options.rowAttrs ? options.rowAttrs(r) : null,
      columns.map((c) => h('td', { class: c.class }, c.cell(r)))))
      : h('tr', null, h('td', { colspan: columns.length, class: 'muted empty-row' }, options.empty || 'Nothing here yet.')))));
}

/** A notice line for the result of an action (ok or error), replaced by the next one. */
export function notice() {
  const el = h('div', { class: 'notice', role: 'status' });
  return {
    el,
    ok(text) { el.className = 'notice ok'; el.textContent = text; },
    error(err) { el.className = 'notice error'; el.textContent = (err && err.message) || String(err); },
    clear() { el.className = 'notice'; el.textContent = ''; },
  };
}

export function kv(pairs) {
  return h('dl', { class: 'kv' }, pairs.filter(Boolean).map(([k, v]) => [h('dt', null, k), h('dd', null, v)]));
}
