import { h, mount } from '../lib/dom.js';
import { get } from '../lib/api.js';
import { fmtAgo, timeEl } from '../lib/format.js';
import { pageHeader, table } from './common.js';

export async function render(ctx) {
  const box = h('div', { id: 'agents' });
  ctx.root.append(pageHeader('Agents', 'Processes in your network that poll work pools and run flows'), box);
  async function refresh() {
    const agents = await get('/agents', { signal: ctx.signal });
    agents.sort((a, b) => (a.status === b.status ? a.name.localeCompare(b.name) : a.status === 'online' ? -1 : 1));
    mount(box, table([
      { label: 'Agent', cell: (a) => h('div', null, h('b', null, a.name), h('div', { class: 'mono small muted' }, a.id)) },
      { label: 'Status', cell: (a) => h('span', { class: 'badge ' + (a.status === 'online' ? 'st-completed' : 'st-cancelled') }, h('i', { class: 'dot' }), a.status) },
      { label: 'Pools', cell: (a) => a.pools.map((p) => h('span', { class: 'chip' }, p)) },
      { label: 'Slots (busy / total)', class: 'num', cell: (a) => (a.slots - a.freeSlots) + ' / ' + a.slots },
      { label: 'Last heartbeat', cell: (a) => h('span', { title: a.lastHeartbeatAt }, fmtAgo(a.lastHeartbeatAt)) },
      { label: 'Version', cell: (a) => a.version || '—' },
      { label: 'Host', cell: (a) => a.hostname || '—' },
      { label: 'Registered', cell: (a) => timeEl(a.registeredAt) },
    ], agents, { id: 'agents-table', empty: 'No agent has connected yet: start one with `flowplane agent`.' }));
  }
  await refresh();
  const timer = setInterval(() => refresh().catch(() => {}), 5000);
  ctx.signal.addEventListener('abort', () => clearInterval(timer));
}
