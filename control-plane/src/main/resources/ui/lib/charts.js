// Small SVG charts drawn from data with DOM calls (no library, no HTML strings).

import { h, s } from './dom.js';
import { STATE_TYPES, stateClass, typeLabel, fmtDuration, fmtTime } from './format.js';

/** Stacked bars: one per bucket, a segment per state type. buckets: [{start, counts: {TYPE: n}}]. */
export function stackedBars(buckets, bucketSeconds) {
  const W = 960, H = 220, left = 36, bottom = 26, top = 8;
  const max = Math.max(1, ...buckets.map((b) => Object.values(b.counts).reduce((a, x) => a + x, 0)));
  const step = niceStep(max);
  const yMax = Math.ceil(max / step) * step;
  const bw = (W - left - 8) / Math.max(1, buckets.length);
  const y = (v) => top + (H - top - bottom) * (1 - v / yMax);
  const svg = s('svg', { viewBox: `0 0 ${W} ${H}`, class: 'chart', role: 'img', 'aria-label': 'runs per state over time' });
  for (let v = 0; v <= yMax; v += step) {
    svg.append(s('line', { x1: left, x2: W - 4, y1: y(v), y2: y(v), class: 'grid' }));
    svg.append(s('text', { x: left - 6, y: y(v) + 4, class: 'axis', 'text-anchor': 'end', text: v }));
  }
  buckets.forEach((b, i) => {
    let acc = 0;
    const x = left + i * bw + 2;
    for (const t of STATE_TYPES) {
      const n = b.counts[t] || 0;
      if (!n) continue;
      const rect = s('rect', { x, width: Math.max(1, bw - 4), y: y(acc + n), height: y(acc) - y(acc + n),
        class: 'bar ' + stateClass(t) });
      rect.append(s('title', { text: `${fmtTime(b.start)}: ${n} ${typeLabel(t)}` }));
      svg.append(rect);
      acc += n;
    }
    if (i % Math.ceil(buckets.length / 12) === 0) {
      const d = new Date(b.start);
      const label = bucketSeconds >= 86400 ? d.toLocaleDateString(undefined, { month: 'short', day: 'numeric' })
        : d.toLocaleTimeString(undefined, { hour: '2-digit', minute: '2-digit' });
      svg.append(s('text', { x: x + bw / 2, y: H - 8, class: 'axis', 'text-anchor': 'middle', text: label }));
    }
  });
  const legend = h('div', { class: 'legend' }, STATE_TYPES.map((t) =>
    h('span', { class: 'legend-item' }, h('i', { class: 'swatch ' + stateClass(t) }), typeLabel(t))));
  return h('div', { class: 'chart-box' }, svg, legend);
}

function niceStep(max) {
  const raw = max / 4;
  const mag = 10 ** Math.floor(Math.log10(raw || 1));
  return [1, 2, 5, 10].map((m) => m * mag).find((m) => m >= raw) || mag;
}

/** The run's state history as a strip: each state's share of the run's time, then the list. */
export function stateTimeline(history, endIso) {
  if (!history.length) return h('p', { class: 'muted' }, 'No states yet.');
  const t0 = new Date(history[0].at).getTime();
  const tEnd = Math.max(endIso ? new Date(endIso).getTime() : Date.now(), new Date(history[history.length - 1].at).getTime());
  const span = Math.max(1, tEnd - t0);
  const strip = h('div', { class: 'strip' });
  history.forEach((st, i) => {
    const from = new Date(st.at).getTime();
    const to = i + 1 < history.length ? new Date(history[i + 1].at).getTime() : tEnd;
    const seg = h('div', { class: 'seg ' + stateClass(st.type, st.name), title: `${st.name}: ${fmtDuration(to - from)}` });
    seg.style.flexGrow = String(Math.max(span / 200, to - from));
    strip.append(seg);
  });
  const list = h('ol', { class: 'timeline' }, history.map((st, i) => {
    const next = history[i + 1];
    const dur = next ? new Date(next.at) - new Date(st.at) : null;
    return h('li', { class: stateClass(st.type, st.name) },
      h('i', { class: 'dot' }),
      h('span', { class: 'tl-name' }, st.name),
      h('time', { datetime: st.at, title: st.at }, fmtTime(st.at)),
      h('span', { class: 'tl-meta' }, [st.actor, 'attempt ' + st.attempt, dur === null ? null : 'for ' + fmtDuration(dur)]
        .filter(Boolean).join(' · ')),
      st.message ? h('span', { class: 'tl-msg' }, st.message) : null);
  }));
  return h('div', null, strip, list);
}

/** Task runs as a Gantt chart: one row each, a bar from start to end on the run's time axis. */
export function gantt(tasks, runStart, runEnd) {
  if (!tasks.length) return h('p', { class: 'muted' }, 'This run reported no task runs.');
  tasks = [...tasks].sort((a, b) => new Date(a.startedAt || a.createdAt) - new Date(b.startedAt || b.createdAt));
  const starts = tasks.map((t) => new Date(t.startedAt || t.createdAt).getTime());
  const ends = tasks.map((t) => (t.endedAt ? new Date(t.endedAt).getTime() : Date.now()));
  const t0 = Math.min(runStart ? new Date(runStart).getTime() : Infinity, ...starts);
  const t1 = Math.max(runEnd ? new Date(runEnd).getTime() : 0, ...ends);
  const span = Math.max(1, t1 - t0);
  const rows = tasks.map((t, i) => {
    const bar = h('div', { class: 'gbar ' + stateClass(t.state.type, t.state.name),
      title: `${t.name || t.taskKey}: ${t.state.name}, ${fmtDuration(ends[i] - starts[i])}` });
    bar.style.left = ((starts[i] - t0) / span) * 100 + '%';
    bar.style.width = Math.max(0.4, ((ends[i] - starts[i]) / span) * 100) + '%';
    const cached = t.state.name === 'Cached';
    return h('div', { class: 'g-row', dataset: { taskRunId: t.id } },
      h('div', { class: 'glabel', title: t.taskKey }, t.name || t.taskKey,
        cached ? h('span', { class: 'chip' }, 'cache hit') : null,
        t.attempt > 1 ? h('span', { class: 'chip warn' }, (t.attempt - 1) + (t.attempt === 2 ? ' retry' : ' retries')) : null),
      h('div', { class: 'gtrack' }, bar),
      h('div', { class: 'gdur' }, t.state.name + ' · ' + fmtDuration(ends[i] - starts[i])));
  });
  return h('div', { class: 'gantt' },
    h('div', { class: 'gaxis' }, h('span', null, fmtTime(new Date(t0).toISOString())), h('span', null, fmtDuration(span)),
      h('span', null, fmtTime(new Date(t1).toISOString()))), rows);
}
