// Markdown rendered into DOM nodes, never through HTML: every piece of text becomes a text node,
// raw HTML in the source stays visible text, and links keep only http(s)/mailto targets. So an
// artifact can hold <script> or <img onerror> and it shows as those characters, nothing more.
// Covers what run reports use: headings, paragraphs, lists, quotes, code, tables, rules, emphasis
// and links.

import { h, isSafeExternal } from './dom.js';

const INLINE = /(`+)([\s\S]*?)\1|\*\*([\s\S]+?)\*\*|__([\s\S]+?)__|\*([^*\s][^*]*?)\*|_([^_\s][^_]*?)_|\[([^\]]+)\]\(([^)\s]+)\)|(https?:\/\/[^\s<>()]+[^\s<>().,;:!?'"])/;

export function inline(text) {
  const out = [];
  let rest = text;
  while (rest.length) {
    const m = INLINE.exec(rest);
    if (!m) { out.push(rest); break; }
    if (m.index > 0) out.push(rest.slice(0, m.index));
    if (m[1]) out.push(h('code', null, m[2]));
    else if (m[3] !== undefined || m[4] !== undefined) out.push(h('strong', null, inline(m[3] ?? m[4])));
    else if (m[5] !== undefined || m[6] !== undefined) out.push(h('em', null, inline(m[5] ?? m[6])));
    else if (m[7] !== undefined) out.push(link(m[8], inline(m[7])));
    else if (m[9] !== undefined) out.push(link(m[9], [m[9]]));
    rest = rest.slice(m.index + m[0].length);
  }
  return out;
}

function link(url, children) {
  if (!isSafeExternal(url) && !url.startsWith('mailto:')) return h('span', { class: 'md-inert-link', title: url }, children);
  return h('a', { href: url, rel: 'noopener noreferrer nofollow', target: '_blank' }, children);
}

const TABLE_SEP = /^\s*\|?\s*:?-{3,}:?\s*(\|\s*:?-{3,}:?\s*)*\|?\s*$/;

function cells(line) {
  let l = line.trim();
  if (l.startsWith('|')) l = l.slice(1);
  if (l.endsWith('|') && !l.endsWith('\\|')) l = l.slice(0, -1);
  return l.split(/(?<!\\)\|/).map((c) => c.trim().replace(/\\\|/g, '|'));
}

/** The markdown source as a <div class="md"> of DOM nodes. */
export function renderMarkdown(source) {
  const lines = String(source ?? '').replace(/\r\n?/g, '\n').split('\n');
  const root = h('div', { class: 'md' });
  let i = 0;
  while (i < lines.length) {
    const line = lines[i];
    if (!line.trim()) { i++; continue; }
    const fence = line.match(/^\s*(```|~~~)\s*([\w-]*)\s*$/);
    if (fence) {
      const body = [];
      i++;
      while (i < lines.length && !lines[i].trim().startsWith(fence[1])) body.push(lines[i++]);
      i++;
      root.append(h('pre', { class: 'md-code' }, h('code', fence[2] ? { 'data-lang': fence[2] } : null, body.join('\n'))));
      continue;
    }
    const heading = line.match(/^(#{1,6})\s+(.*?)\s*#*\s*$/);
    if (heading) {
      root.append(h('h' + Math.min(6, heading[1].length + 2), null, inline(heading[2])));
      i++;
      continue;
    }
    if (/^\s*([-*_])(\s*\1){2,}\s*$/.test(line)) { root.append(h('hr')); i++; continue; }
    if (line.includes('|') && i + 1 < lines.length && TABLE_SEP.test(lines[i + 1])) {
      const head = cells(line);
      i += 2;
      const rows = [];
      while (i < lines.length && lines[i].includes('|') && lines[i].trim()) rows.push(cells(lines[i++]));
      root.append(h('div', { class: 'table-wrap' }, h('table', { class: 'data' },
        h('thead', null, h('tr', null, head.map((c) => h('th', null, inline(c))))),
        h('tbody', null, rows.map((r) => h('tr', null, head.map((_, k) => h('td', null, inline(r[k] ?? '')))))))));
      continue;
    }
    if (/^\s*>/.test(line)) {
      const body = [];
      while (i < lines.length && /^\s*>/.test(lines[i])) body.push(lines[i++].replace(/^\s*>\s?/, ''));
      const quote = renderMarkdown(body.join('\n'));
      root.append(h('blockquote', null, [...quote.childNodes]));
      continue;
    }
    const bullet = /^\s*[-*+]\s+(.*)$/;
    const numbered = /^\s*\d+[.)]\s+(.*)$/;
    if (bullet.test(line) || numbered.test(line)) {
      const re = bullet.test(line) ? bullet : numbered;
      const list = h(re === bullet ? 'ul' : 'ol');
      while (i < lines.length && re.test(lines[i])) {
        const item = lines[i++].match(re)[1];
        const task = item.match(/^\[( |x|X)\]\s+(.*)$/);
        list.append(task
          ? h('li', { class: 'md-task' }, task[1] === ' ' ? '☐ ' : '☑ ', inline(task[2]))
          : h('li', null, inline(item)));
      }
      root.append(list);
      continue;
    }
    const para = [];
    while (i < lines.length && lines[i].trim() && !/^(#{1,6}\s|\s*(```|~~~)|\s*>|\s*[-*+]\s|\s*\d+[.)]\s)/.test(lines[i])) {
      para.push(lines[i++].trim());
    }
    if (!para.length) para.push(lines[i++].trim());
    root.append(h('p', null, inline(para.join(' '))));
  }
  return root;
}
