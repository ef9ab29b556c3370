import { h, mount } from '../lib/dom.js';
import { get, patch, seg, watchRunChanges } from '../lib/api.js';
import { pageHeader, card, notice, table } from './common.js';

export async function render(ctx) {
  const box = h('div', { id: 'pools' });
  const msg = notice();
  ctx.root.append(pageHeader('Work pools', 'Where runs wait for agents: limits, slots in use, queues by priority'), msg.el, box);
  async function refresh() {
    const [pools, slots] = await Promise.all([get('/work-pools', { signal: ctx.signal }), get('/run-stats/slots', { signal: ctx.signal })]);
    const queues = await Promise.all(pools.map((p) => get('/work-pools/' + seg(p.name) + '/queues', { signal: ctx.signal })));
    const inPool = (id) => slots.filter((x) => x.poolId === id).reduce((a, x) => a + x.active, 0);
    const inQueue = (id) => slots.filter((x) => x.queueId === id).reduce((a, x) => a + x.active, 0);
    const toggle = (label, id, path, paused) => ctx.can('write') ? h('button', { class: 'ghost small', id, on: { click: async () => {
      try { await patch(path, { paused: !paused }); msg.ok(label + (paused ? ' resumed.' : ' paused.')); await refresh(); } catch (e) { msg.error(e); }
    } } }, paused ? 'Resume' : 'Pause') : null;
    mount(box, pools.length ? pools.map((p, i) => card(null,
      h('div', { class: 'pool-head', dataset: { pool: p.name } },
        h('h2', null, p.name), h('span', { class: 'chip' }, p.type),
        p.paused ? h('span', { class: 'chip warn' }, 'paused') : h('span', { class: 'chip ok' }, 'accepting runs'),
        slotsMeter(inPool(p.id), p.concurrencyLimit),
        toggle('Pool ' + p.name, 'toggle-pool-' + p.name, '/work-pools/' + seg(p.name), p.paused)),
      p.description ? h('p', { class: 'muted' }, p.description) : null,
      table([
        { label: 'Queue', cell: (q) => q.name },
        { label: 'Priority', class: 'num', cell: (q) => String(q.priority) },
        { label: 'Slots in use', cell: (q) => slotsMeter(inQueue(q.id), q.concurrencyLimit) },
        { label: 'Status', cell: (q) => q.paused ? h('span', { class: 'chip warn' }, 'paused') : h('span', { class: 'chip ok' }, 'active') },
        { label: '', cell: (q) => toggle('Queue ' + q.name, null, '/work-pools/' + seg(p.name) + '/queues/' + seg(q.name), q.paused) },
      ], queues[i]))) : h('p', { class: 'muted' }, 'No work pools yet.'));
  }
  await refresh();
  watchRunChanges(ctx.signal, refresh, 2000);
}

function slotsMeter(used, limit) {
  const fill = h('div', { class: 'progress-fill' });
  fill.style.width = limit ? Math.min(100, (used / limit) * 100) + '%' : (used ? '100%' : '0');
  return h('span', { class: 'slots', title: limit ? used + ' of ' + limit + ' slots in use' : used + ' running, no limit' },
    h('span', { class: 'progress small' + (limit ? '' : ' unlimited') }, fill), used + ' / ' + (limit || '∞'));
}
