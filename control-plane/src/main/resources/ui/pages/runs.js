import { h, mount } from '../lib/dom.js';
import { get, seg, watchRunChanges, newestOnly } from '../lib/api.js';
import { STATE_TYPES, stateBadge, stateClass, typeLabel, timeEl, fmtDuration, runDuration } from '../lib/format.js';
import { pageHeader, table } from './common.js';

const RANGES = [['', 'Any time'], ['1', 'Last hour'], ['24', 'Last 24 hours'], ['168', 'Last 7 days'], ['720', 'Last 30 days']];
const PAGE = 50;

export async function render(ctx) {
  const q = ctx.query;
  const state = { states: new Set((q.get('state') || '').split(',').filter(Boolean)), deployment: q.get('deployment') || '',
    tag: q.get('tag') || '', hours: q.get('hours') || '', cursors: [null] };
  const deploymentSelect = h('select', { id: 'filter-deployment', on: { change: () => { state.deployment = deploymentSelect.value; reset(); } } },
    h('option', { value: '' }, 'All deployments'));
  const rangeSelect = h('select', { id: 'filter-range', on: { change: () => { state.hours = rangeSelect.value; reset(); } } },
    RANGES.map(([v, l]) => h('option', { value: v }, l)));
  rangeSelect.value = state.hours;
  // Applied on Enter or when the field loses focus, not per keystroke: each change is a new query.
  const tagInput = h('input', { id: 'filter-tag', type: 'search', placeholder: 'Tag', value: state.tag, 'aria-label': 'Filter by tag',
    on: { change: () => { state.tag = tagInput.value.trim(); reset(); } } });
  const counts = h('div', { class: 'state-chips', id: 'state-counts' });
  const list = h('div', { id: 'runs-list' });
  const pager = h('div', { class: 'pager' });
  const live = h('span', { class: 'live', title: 'new runs and state changes appear as they happen' }, h('i', { class: 'pulse' }), 'Live');
  ctx.root.append(pageHeader('Runs', 'Every flow run, newest first', live),
    h('div', { class: 'filters' }, deploymentSelect, tagInput, rangeSelect), counts, list, pager);

  get('/deployments', { signal: ctx.signal }).then((ds) => {
    for (const d of ds) deploymentSelect.append(h('option', { value: d.name }, d.name));
    deploymentSelect.value = state.deployment;
  }).catch(() => {});

  function params(withStates) {
    const p = new URLSearchParams();
    if (state.deployment) p.set('deployment', state.deployment);
    if (state.tag) p.set('tag', state.tag);
    if (state.hours) p.set('created-after', new Date(Date.now() - Number(state.hours) * 3600e3).toISOString());
    if (withStates && state.states.size) p.set('state', [...state.states].join(','));
    return p;
  }

  function reset() {
    state.cursors = [null];
    const p = params(true);
    p.delete('created-after');
    if (state.hours) p.set('hours', state.hours);
    history.replaceState(null, '', '#/runs' + (p.toString() ? '?' + p : ''));
    refresh();
  }

  const started = newestOnly();
  async function refresh() {
    const current = started();
    const p = params(true);
    p.set('limit', String(PAGE));
    const cursor = state.cursors[state.cursors.length - 1];
    if (cursor) p.set('cursor', cursor);
    const [page, c] = await Promise.all([get('/flow-runs?' + p, { signal: ctx.signal }),
      get('/run-stats/counts?' + params(false), { signal: ctx.signal })]);
    if (!current()) return;
    renderCounts(c);
    mount(list, table(COLUMNS, page.items, { id: 'runs-table', empty: 'No runs match these filters.',
      rowAttrs: (r) => ({ dataset: { runId: r.id, state: r.state.type } }) }));
    const n = state.cursors.length;
    mount(pager,
      h('button', { class: 'ghost', disabled: n === 1, on: { click: () => { state.cursors.pop(); refresh(); } } }, '← Newer'),
      h('span', { class: 'muted' }, 'Page ' + n),
      h('button', { class: 'ghost', id: 'next-page', disabled: !page.nextCursor,
        on: { click: () => { state.cursors.push(page.nextCursor); refresh(); } } }, 'Older →'));
  }

  function renderCounts(c) {
    const chip = (type, label, n) => h('button', { class: ['chip-btn', stateClass(type), state.states.has(type) ? 'on' : null],
      dataset: { stateType: type }, on: { click: () => {
        if (type === '') state.states.clear();
        else if (state.states.has(type)) state.states.delete(type); else state.states.add(type);
        reset();
      } } }, h('i', { class: 'dot' }), label, h('b', null, String(n)));
    mount(counts, chip('', 'All', c.total),
      STATE_TYPES.filter((t) => c.byType[t] || state.states.has(t)).map((t) => chip(t, typeLabel(t), c.byType[t] || 0)),
      c.byName.Late ? h('span', { class: 'chip st-late' }, c.byName.Late + ' late') : null);
  }

  await refresh();
  watchRunChanges(ctx.signal, refresh);
}

export const COLUMNS = [
  { label: 'State', cell: (r) => stateBadge(r.state) },
  { label: 'Run', cell: (r) => h('a', { href: '#/runs/' + seg(r.id), class: 'run-link' }, r.name) },
  { label: 'Deployment', cell: (r) => r.deploymentName ? h('a', { href: '#/deployments/' + seg(r.deploymentName) }, r.deploymentName) : h('span', { class: 'muted' }, 'ad hoc') },
  { label: 'Flow', cell: (r) => r.flowName },
  { label: 'Scheduled', cell: (r) => timeEl(r.scheduledAt) },
  { label: 'Started', cell: (r) => timeEl(r.startedAt) },
  { label: 'Duration', class: 'num', cell: (r) => fmtDuration(runDuration(r.startedAt, r.endedAt)) },
  { label: 'Attempt', class: 'num', cell: (r) => String(r.attempt) },
  { label: 'Agent', cell: (r) => r.agentId ? h('span', { class: 'mono small', title: r.agentId }, r.agentId.slice(0, 12)) : h('span', { class: 'muted' }, '—') },
];
