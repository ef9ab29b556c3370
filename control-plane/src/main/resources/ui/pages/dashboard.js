import { h, mount } from '../lib/dom.js';
import { get, seg, watchRunChanges } from '../lib/api.js';
import { STATE_TYPES, stateClass, typeLabel, stateBadge, fmtAgo, timeEl } from '../lib/format.js';
import { stackedBars } from '../lib/charts.js';
import { pageHeader, card, table } from './common.js';
import { successCell } from './deployments.js';

export async function render(ctx) {
  const tiles = h('div', { class: 'tiles', id: 'dashboard-tiles' });
  const chart = h('div', { id: 'activity-chart' });
  const late = h('div', { id: 'late-runs' });
  const failing = h('div', { id: 'failing-deployments' });
  ctx.root.append(pageHeader('Dashboard', 'The last 24 hours'), tiles, card('Runs per state, last 24 hours', chart),
    h('div', { class: 'grid2' }, card('Late runs', late), card('Failing deployments', failing)));
  async function refresh() {
    const since = new Date(Date.now() - 24 * 3600e3).toISOString();
    const [counts, activity, lateRuns, health] = await Promise.all([
      get('/run-stats/counts?created-after=' + encodeURIComponent(since), { signal: ctx.signal }),
      get('/run-stats/activity?hours=24&bucket-minutes=60', { signal: ctx.signal }),
      get('/run-stats/late?limit=10', { signal: ctx.signal }),
      get('/run-stats/deployments?hours=24', { signal: ctx.signal })]);
    mount(tiles, h('a', { class: 'tile', href: '#/runs?hours=24' }, h('b', null, String(counts.total)), 'runs'),
      STATE_TYPES.filter((t) => counts.byType[t]).map((t) => h('a', { class: 'tile ' + stateClass(t), href: '#/runs?hours=24&state=' + t },
        h('b', null, String(counts.byType[t])), typeLabel(t))));
    mount(chart, stackedBars(activity.buckets, activity.bucketSeconds));
    mount(late, table([
      { label: 'Run', cell: (r) => h('a', { href: '#/runs/' + seg(r.id) }, r.name) },
      { label: 'Deployment', cell: (r) => r.deploymentName || '—' },
      { label: 'Due', cell: (r) => h('span', { title: r.nextAt }, fmtAgo(r.nextAt)) },
      { label: 'State', cell: (r) => stateBadge(r.state) },
    ], lateRuns, { empty: 'No late runs: every due run has been picked up.' }));
    const bad = health.filter((x) => x.failed > 0).sort((a, b) => (a.successRate ?? 1) - (b.successRate ?? 1));
    mount(failing, table([
      { label: 'Deployment', cell: (x) => h('a', { href: '#/deployments/' + seg(x.name) }, x.name) },
      { label: 'Failed', class: 'num', cell: (x) => String(x.failed) },
      { label: 'Success', class: 'num', cell: (x) => successCell(x) },
      { label: 'Last run', cell: (x) => x.lastStateType ? stateBadge({ type: x.lastStateType, name: x.lastStateName }) : '—' },
      { label: 'When', cell: (x) => timeEl(x.lastStateAt) },
    ], bad, { empty: 'No deployment failed in the last 24 hours.' }));
  }
  await refresh();
  watchRunChanges(ctx.signal, refresh, 3000);
}
