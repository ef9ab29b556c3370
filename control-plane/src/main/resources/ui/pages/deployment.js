import { h, mount } from '../lib/dom.js';
import { get, post, patch, seg, newIdempotencyKey, ApiError } from '../lib/api.js';
import { timeEl, fmtDateTime } from '../lib/format.js';
import { schemaForm } from '../lib/schema-form.js';
import { pageHeader, card, kv, notice, table } from './common.js';
import { COLUMNS as RUN_COLUMNS } from './runs.js';

export async function render(ctx) {
  const ref = ctx.params[0];
  const head = h('div');
  const msg = notice();
  const schedules = h('div', { id: 'schedules' });
  const recent = h('div', { id: 'deployment-runs' });
  const backfills = h('div', { id: 'backfills' });
  const runFormBox = h('div', { id: 'run-form-box' });
  const backfillFormBox = h('div', { id: 'backfill-form-box' });
  ctx.root.append(head, msg.el,
    h('div', { class: 'grid2' }, card('Run this deployment', runFormBox), card('Schedules', schedules)),
    card('Recent runs', recent),
    h('div', { class: 'grid2' }, card('Backfill', backfillFormBox), card('Backfills', backfills)));

  let d = await get('/deployments/' + seg(ref), { signal: ctx.signal });
  async function refreshHead() {
    d = await get('/deployments/' + seg(ref), { signal: ctx.signal });
    mount(head, header(ctx, d, msg, refreshHead));
  }
  mount(head, header(ctx, d, msg, refreshHead));
  const scheduleList = await get('/deployments/' + seg(ref) + '/schedules', { signal: ctx.signal });
  mount(schedules, scheduleView(scheduleList));
  async function refreshRuns() {
    const page = await get('/flow-runs?limit=10&deployment=' + seg(ref), { signal: ctx.signal });
    mount(recent, table(RUN_COLUMNS.filter((c) => c.label !== 'Deployment'), page.items, { empty: 'No runs yet.' }),
      h('a', { href: '#/runs?deployment=' + seg(ref) }, 'All runs of ' + d.name + ' →'));
  }
  async function refreshBackfills() {
    const list = await get('/deployments/' + seg(ref) + '/backfills', { signal: ctx.signal });
    mount(backfills, list.length ? list.map(backfillView) : h('p', { class: 'muted' }, 'No backfills.'));
  }
  await Promise.all([refreshRuns(), refreshBackfills()]);
  if (ctx.can('write')) {
    runFormBox.append(runForm(d, async (run) => { msg.ok('Started run ' + run.name + '.'); await refreshRuns(); }));
    backfillFormBox.append(backfillForm(d, scheduleList, async () => { await refreshBackfills(); await refreshRuns(); }));
  } else {
    runFormBox.append(h('p', { class: 'muted', id: 'read-only-note' }, 'Your key is read-only (' + ctx.me.role + '): starting runs needs a developer or admin key.'));
    backfillFormBox.append(h('p', { class: 'muted' }, 'Backfills need a developer or admin key.'));
  }
  const timer = setInterval(() => { refreshRuns().catch(() => {}); refreshBackfills().catch(() => {}); }, 5000);
  ctx.signal.addEventListener('abort', () => clearInterval(timer));
}

function header(ctx, d, msg, refresh) {
  const s = d.spec;
  const actions = [];
  if (ctx.can('write')) {
    actions.push(h('button', { class: d.paused ? 'primary' : 'ghost', id: d.paused ? 'resume-deployment' : 'pause-deployment',
      on: { click: async () => {
        try {
          await patch('/deployments/' + seg(d.name), { paused: !d.paused });
          msg.ok(d.paused ? 'Resumed: its schedules run again.' : 'Paused: no new scheduled runs until resumed.');
          await refresh();
        } catch (err) { msg.error(err); }
      } } }, d.paused ? 'Resume' : 'Pause'));
  }
  return h('div', null,
    h('div', { class: 'crumbs' }, h('a', { href: '#/deployments' }, 'Deployments'), ' / ', d.name),
    pageHeader(h('span', { class: 'title-with-badge' }, d.name, ' ', d.paused ? h('span', { class: 'chip warn', id: 'paused-chip' }, 'paused') : h('span', { class: 'chip ok' }, 'active')),
      s.description || ('flow ' + s.flowName), actions),
    card(null, kv([
      ['Flow', s.flowName], ['Work pool', s.workPool + ' / ' + s.workQueue],
      ['Command', h('span', { class: 'mono small' }, (s.entrypoint.command || []).join(' '))],
      ['Retries', s.retries + (s.retryDelaysSeconds.length ? ' (delays ' + s.retryDelaysSeconds.join(', ') + ' s)' : '')],
      ['Timeout', s.timeoutSeconds ? s.timeoutSeconds + ' s' : 'none'],
      ['Concurrency', s.concurrencyLimit ? String(s.concurrencyLimit) : 'no limit'],
      ['Catch-up', s.catchup], ['Tags', s.tags.length ? s.tags.map((t) => h('span', { class: 'chip' }, t)) : '—'],
      ['Updated', timeEl(d.updatedAt)],
    ])));
}

/** Each schedule in words, and its next runs in the schedule's zone and the browser's, with DST changes marked. */
function scheduleView(list) {
  if (!list.length) return h('p', { class: 'muted' }, 'No schedules: runs start only when asked.');
  return list.map((sc) => {
    const zone = (sc.spec && sc.spec.timezone) || 'UTC';
    let prevOffset = null;
    const next = sc.next.map((iso) => {
      const offset = zoneOffset(iso, zone);
      const changed = prevOffset !== null && offset !== prevOffset;
      prevOffset = offset;
      return h('li', { class: changed ? 'dst' : null },
        h('span', null, zoned(iso, zone)), h('span', { class: 'muted' }, ' · your time ' + fmtDateTime(iso)),
        changed ? h('span', { class: 'chip warn', title: 'the UTC offset of ' + zone + ' changes before this run' }, 'DST: now ' + offset) : null);
    });
    return h('div', { class: 'schedule', dataset: { schedule: sc.name } },
      h('div', { class: 'schedule-head' }, h('b', { class: 'schedule-words' }, sc.description || sc.name),
        sc.running ? h('span', { class: 'chip ok' }, 'active') : h('span', { class: 'chip warn' }, 'not running')),
      h('div', { class: 'muted small' }, sc.name + ' · ' + (sc.spec ? (sc.spec.cron ? 'cron ' + sc.spec.cron
        : sc.spec.rrule ? sc.spec.rrule : 'every ' + sc.spec.intervalSeconds + ' s') : '')),
      next.length ? h('ol', { class: 'next-runs' }, next) : h('p', { class: 'muted' }, 'No further runs.'));
  });
}

function zoned(iso, zone) {
  return new Intl.DateTimeFormat(undefined, { timeZone: zone, weekday: 'short', year: 'numeric', month: 'short',
    day: '2-digit', hour: '2-digit', minute: '2-digit', timeZoneName: 'short' }).format(new Date(iso));
}

function zoneOffset(iso, zone) {
  const part = new Intl.DateTimeFormat('en-US', { timeZone: zone, timeZoneName: 'shortOffset' })
    .formatToParts(new Date(iso)).find((p) => p.type === 'timeZoneName');
  return part ? part.value : '';
}

function runForm(d, started) {
  const fields = h('div', { class: 'fields' });
  const form = schemaForm(fields, d.spec.parameterSchema, d.spec.parameters);
  const button = h('button', { type: 'submit', class: 'primary', id: 'start-run' }, 'Start run');
  const done = h('div', { class: 'form-ok', role: 'status', id: 'run-form-result' });
  return h('form', { id: 'run-form', novalidate: true, on: { submit: async (e) => {
    e.preventDefault();
    done.textContent = '';
    let parameters;
    try { parameters = form.read(); } catch (bad) { form.showErrors([{ field: 'parameters.' + bad.field, message: bad.message }]); return; }
    button.disabled = true;
    try {
      const run = await post('/deployments/' + seg(d.name) + '/runs', { parameters }, { idempotencyKey: newIdempotencyKey() });
      form.clearErrors();
      done.replaceChildren('Started ', h('a', { href: '#/runs/' + encodeURIComponent(run.id), id: 'started-run-link' }, run.name), '.');
      await started(run);
    } catch (err) {
      if (err instanceof ApiError) form.showErrors(err.errors, err.message); else throw err;
    } finally {
      button.disabled = false;
    }
  } } }, fields, h('div', { class: 'form-actions' }, button, done));
}

function backfillForm(d, schedules, created) {
  const from = h('input', { type: 'datetime-local', id: 'backfill-from', required: true });
  const to = h('input', { type: 'datetime-local', id: 'backfill-to', required: true });
  const schedule = h('select', { id: 'backfill-schedule' }, schedules.map((s) => h('option', { value: s.name }, s.description || s.name)));
  const maxActive = h('input', { type: 'number', id: 'backfill-max-active', min: 1, value: 1 });
  const error = h('div', { class: 'form-error', role: 'alert' });
  if (!schedules.length) return h('p', { class: 'muted' }, 'Backfills replay a schedule over a past range; this deployment has none.');
  return h('form', { id: 'backfill-form', on: { submit: async (e) => {
    e.preventDefault();
    error.textContent = '';
    try {
      await post('/deployments/' + seg(d.name) + '/backfills', {
        from: new Date(from.value).toISOString(), to: new Date(to.value).toISOString(),
        schedule: schedule.value, maxActive: Number(maxActive.value) });
      await created();
    } catch (err) {
      error.textContent = err instanceof ApiError && err.errors.length
        ? err.errors.map((x) => x.field + ' ' + x.message).join('; ') : err.message;
    }
  } } },
  h('div', { class: 'field' }, h('label', { for: 'backfill-schedule' }, 'Schedule'), schedule),
  h('div', { class: 'field-row' },
    h('div', { class: 'field' }, h('label', { for: 'backfill-from' }, 'From (your time)'), from),
    h('div', { class: 'field' }, h('label', { for: 'backfill-to' }, 'To'), to),
    h('div', { class: 'field' }, h('label', { for: 'backfill-max-active' }, 'At most at once'), maxActive)),
  error, h('div', { class: 'form-actions' }, h('button', { type: 'submit', class: 'primary' }, 'Start backfill')));
}

function backfillView(b) {
  const done = b.completed + b.failed + b.cancelled;
  const bar = h('div', { class: 'progress-fill' });
  bar.style.width = (b.total ? (done / b.total) * 100 : 0) + '%';
  return h('div', { class: 'backfill' },
    h('div', null, h('b', null, fmtDateTime(b.from) + ' → ' + fmtDateTime(b.to)), ' ', h('span', { class: 'chip' }, b.state)),
    h('div', { class: 'progress' }, bar),
    h('div', { class: 'muted small' }, `${done} of ${b.total} done · ${b.completed} completed, ${b.failed} failed, ${b.running} running, ${b.scheduled + b.waiting} waiting`));
}
