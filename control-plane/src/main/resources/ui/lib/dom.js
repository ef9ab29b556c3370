// Building DOM nodes without HTML strings: text always goes in as text nodes (never parsed as HTML),
// so data from runs, logs and artifacts can never become markup or script.

const SVG_NS = 'http://www.w3.org/2000/svg';

function apply(el, attrs) {
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === null || v === undefined || v === false) continue;
    if (k === 'class') el.setAttribute('class', Array.isArray(v) ? v.filter(Boolean).join(' ') : v);
    else if (k === 'text') el.textContent = String(v);
    else if (k === 'on') for (const [ev, fn] of Object.entries(v)) el.addEventListener(ev, fn);
    else if (k === 'dataset') for (const [dk, dv] of Object.entries(v)) el.dataset[dk] = String(dv);
    else if (k === 'value') el.value = v;
    else if (k === 'checked') el.checked = !!v;
    else if (k === 'href') el.setAttribute('href', safeHref(String(v)));
    else if (k.startsWith('on') || k === 'style' || k === 'srcdoc') throw new Error('refusing attribute ' + k);
    else el.setAttribute(k, v === true ? '' : String(v));
  }
}

function append(el, children) {
  for (const c of children.flat(Infinity)) {
    if (c === null || c === undefined || c === false) continue;
    el.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
}

/** An HTML element: h('a', {href: '#/runs', class: 'x'}, 'text', child, [more]). */
export function h(tag, attrs, ...children) {
  const el = document.createElement(tag);
  apply(el, attrs);
  append(el, children);
  return el;
}

/** An SVG element. */
export function s(tag, attrs, ...children) {
  const el = document.createElementNS(SVG_NS, tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === null || v === undefined) continue;
    if (k === 'class') el.setAttribute('class', v);
    else if (k === 'text') el.textContent = String(v);
    else if (k.startsWith('on') || k === 'style' || k === 'href') throw new Error('refusing attribute ' + k);
    else el.setAttribute(k, String(v));
  }
  append(el, children);
  return el;
}

/** Replaces an element's children. */
export function mount(el, ...children) {
  el.replaceChildren();
  append(el, children);
  return el;
}

/** Only web, mail and in-app links; anything else (javascript:, data:, …) becomes inert. */
export function safeHref(url) {
  const u = String(url).trim();
  if (u.startsWith('#') || u.startsWith('/')) return u.startsWith('//') ? '#' : u;
  try {
    const parsed = new URL(u);
    return ['http:', 'https:', 'mailto:'].includes(parsed.protocol) ? parsed.href : '#';
  } catch (e) {
    return '#';
  }
}

export function isSafeExternal(url) {
  try {
    return ['http:', 'https:'].includes(new URL(String(url)).protocol);
  } catch (e) {
    return false;
  }
}
