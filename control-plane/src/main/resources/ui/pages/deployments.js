import { h, mount } from '../lib/dom.js';
import { get, seg, watchRunChanges } from '../lib/api.js';
import { stateBadge, timeEl, fmtPercent } from '../lib/format.js';
import { pageHeader, table } from './common.js';

export async function render(ctx) {
  const list = h('div', { id: 'deployments-list' });
  ctx.root.append(pageHeader('Deployments', 'Registered flows, their health over the last 7 days and their next run'), list);
  async function refresh() {
    const [deployments, health] = await Promise.all([get('/deployments', { signal: ctx.signal }),
      get('/run-stats/deployments?hours=168', { signal: ctx.signal })]);
    const byId = new Map(health.map((x) => [x.deploymentId, x]));
    mount(list, table([
      { label: 'Deployment', cell: (d) => h('a', { href: '#/deployments/' + seg(d.name), class: 'deployment-link' }, d.name) },
      { label: 'Flow', cell: (d) => d.spec.flowName },
      { label: 'Work pool', cell: (d) => d.spec.workPool + (d.spec.workQueue && d.spec.workQueue !== 'default' ? ' / ' + d.spec.workQueue : '') },
      { label: 'Schedules', cell: (d) => d.spec.schedules.length ? String(d.spec.schedules.length) : h('span', { class: 'muted' }, 'none') },
      { label: 'Status', cell: (d) => d.paused ? h('span', { class: 'chip warn' }, 'paused') : h('span', { class: 'chip ok' }, 'active') },
      { label: 'Last run', cell: (d) => { const x = byId.get(d.id); return x && x.lastStateType ? stateBadge({ type: x.lastStateType, name: x.lastStateName }) : h('span', { class: 'muted' }, 'never'); } },
      { label: 'Success (7 d)', class: 'num', cell: (d) => { const x = byId.get(d.id); return x ? successCell(x) : '—'; } },
      { label: 'Next run', cell: (d) => { const x = byId.get(d.id); return timeEl(x && x.nextRunAt); } },
    ], deployments, { id: 'deployments-table', empty: 'No deployments yet: register one with `flowplane deploy` or POST /api/v1/deployments.',
      rowAttrs: (d) => ({ dataset: { deployment: d.name } }) }));
  }
  await refresh();
  watchRunChanges(ctx.signal, refresh, 2000);
}

export function successCell(x) {
  const n = x.completed + x.failed;
  if (!n) return h('span', { class: 'muted' }, 'no finished runs');
  const cls = x.successRate >= 0.95 ? 'ok' : x.successRate >= 0.7 ? 'warn' : 'bad';
  return h('span', { class: 'rate ' + cls, title: x.completed + ' completed, ' + x.failed + ' failed or crashed' },
    fmtPercent(x.successRate), h('span', { class: 'muted' }, ' of ' + n));
}
