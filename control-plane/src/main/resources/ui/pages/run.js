import { h, mount, isSafeExternal } from '../lib/dom.js';
import { get, post, seg, newIdempotencyKey, watchRunChanges, sleep, newestOnly } from '../lib/api.js';
import { stateBadge, timeEl, fmtDuration, runDuration, TERMINAL, fmtTime } from '../lib/format.js';
import { stateTimeline, gantt } from '../lib/charts.js';
import { renderMarkdown } from '../lib/markdown.js';
import { pageHeader, card, kv, notice, table } from './common.js';

export async function render(ctx) {
  const id = ctx.params[0];
  const head = h('div');
  const msg = notice();
  const timeline = h('div', { id: 'run-timeline' });
  const tasks = h('div', { id: 'run-tasks' });
  const artifacts = h('div', { id: 'run-artifacts' });
  const results = h('div', { id: 'run-results' });
  const logs = logPanel(ctx, id);
  ctx.root.append(head, msg.el,
    h('div', { class: 'grid2' }, card('State history', timeline), card('Task runs', tasks)),
    card('Logs', logs.el), card('Artifacts', artifacts), card('Results', results));

  let taskList = [];
  let shownRun = '';
  const started = newestOnly();
  const artifactsStarted = newestOnly();
  logs.follow();
  async function refresh() {
    const current = started();
    const [r, history, taskRuns] = await Promise.all([get('/flow-runs/' + seg(id), { signal: ctx.signal }),
      get('/flow-runs/' + seg(id) + '/states', { signal: ctx.signal }),
      get('/flow-runs/' + seg(id) + '/task-runs', { signal: ctx.signal })]);
    if (!current()) return r;
    taskList = taskRuns;
    logs.setTasks(taskRuns);
    // The header is a pure function of the run: rebuilding it when nothing changed would replace
    // the Cancel button under the user's pointer and swallow the click.
    const runKey = JSON.stringify(r);
    if (runKey !== shownRun) {
      shownRun = runKey;
      mount(head, header(ctx, r, msg, refresh));
    }
    mount(timeline, stateTimeline(history, r.endedAt));
    mount(tasks, gantt(taskRuns, r.startedAt, r.endedAt));
    mount(results, resultRefs(taskRuns));
    return r;
  }
  async function refreshArtifacts() {
    const current = artifactsStarted();
    const list = await get('/flow-runs/' + seg(id) + '/artifacts', { signal: ctx.signal });
    if (!current()) return;
    mount(artifacts, list.length ? list.map((a) => artifactView(a, taskList)) : h('p', { class: 'muted' }, 'No artifacts.'));
  }
  await Promise.all([refresh(), refreshArtifacts()]);
  watchRunChanges(ctx.signal, async () => { await refresh(); await refreshArtifacts(); });
}

function header(ctx, r, msg, refresh) {
  const actions = [];
  if (ctx.can('write')) {
    if (!TERMINAL.has(r.state.type) && r.state.type !== 'CANCELLING') {
      actions.push(h('button', { class: 'danger', id: 'cancel-run', on: { click: async (e) => {
        e.target.disabled = true;
        try {
          await post('/flow-runs/' + seg(r.id) + '/cancel', undefined, { idempotencyKey: newIdempotencyKey() });
          msg.ok('Cancel requested.');
          await refresh();
        } catch (err) { msg.error(err); e.target.disabled = false; }
      } } }, 'Cancel run'));
    }
    if (['FAILED', 'CRASHED', 'CANCELLED'].includes(r.state.type)) {
      actions.push(h('button', { class: 'primary', id: 'retry-run', on: { click: async (e) => {
        e.target.disabled = true;
        try {
          await post('/flow-runs/' + seg(r.id) + '/retry', undefined, { idempotencyKey: newIdempotencyKey() });
          msg.ok('Retry scheduled.');
          await refresh();
        } catch (err) { msg.error(err); e.target.disabled = false; }
      } } }, 'Retry'));
    }
  }
  const title = h('span', { class: 'title-with-badge' }, r.name, ' ', h('span', { id: 'run-state' }, stateBadge(r.state)));
  return h('div', null,
    h('div', { class: 'crumbs' }, h('a', { href: '#/runs' }, 'Runs'), ' / ', r.name),
    pageHeader(title, [r.flowName, ' · ', r.deploymentName
      ? h('a', { href: '#/deployments/' + seg(r.deploymentName) }, r.deploymentName) : 'ad-hoc run', ' · ',
    h('span', { class: 'mono small' }, r.id)], actions),
    h('div', { class: 'grid2' },
      card('Timing', kv([
        ['Scheduled', timeEl(r.scheduledAt)], ['Started', timeEl(r.startedAt)], ['Ended', timeEl(r.endedAt)],
        ['Duration', fmtDuration(runDuration(r.startedAt, r.endedAt))],
        ['Attempt', r.attempt + ' of ' + (r.maxRetries + 1)],
        ['Agent', r.agentId ? h('span', { class: 'mono small' }, r.agentId) : '—'],
        ['State message', r.state.message || '—'],
        ['Tags', r.tags.length ? r.tags.map((t) => h('span', { class: 'chip' }, t)) : '—'],
      ])),
      card('Parameters', h('pre', { class: 'json', id: 'run-parameters' }, JSON.stringify(r.parameters, null, 2)))));
}

function resultRefs(tasks) {
  const withResult = tasks.filter((t) => t.resultUri || t.resultHash);
  if (!withResult.length) return h('p', { class: 'muted' }, 'No result references. (Results stay where the flow ran; only a URI and a hash are reported.)');
  return table([
    { label: 'Task', cell: (t) => t.name || t.taskKey },
    { label: 'Result URI', cell: (t) => h('span', { class: 'mono small' }, t.resultUri || '—') },
    { label: 'Hash', cell: (t) => h('span', { class: 'mono small', title: t.resultHash || '' }, shortHash(t.resultHash)) },
    { label: 'Cache key', cell: (t) => h('span', { class: 'mono small' }, t.cacheKey || '—') },
  ], withResult);
}

function shortHash(hash) {
  if (!hash) return '—';
  const i = hash.indexOf(':');
  return hash.length > 24 ? hash.slice(0, i + 13) + '…' : hash;
}

function artifactView(a, tasks) {
  let body;
  if (a.type === 'markdown') body = renderMarkdown(a.data);
  else if (a.type === 'table') body = tableArtifact(a.data);
  else if (a.type === 'link') {
    body = isSafeExternal(a.data)
      ? h('a', { href: a.data, rel: 'noopener noreferrer nofollow', target: '_blank' }, a.description || a.data)
      : h('span', { class: 'mono' }, a.data);
  } else body = h('pre', { class: 'json' }, a.data);
  const task = tasks.find((t) => t.id === a.taskRunId);
  return h('article', { class: 'artifact', dataset: { artifactKey: a.key || '' } },
    h('div', { class: 'artifact-head' }, h('b', null, a.key || '(no key)'), h('span', { class: 'chip' }, a.type),
      task ? h('span', { class: 'muted' }, 'from ' + (task.name || task.taskKey)) : null,
      h('span', { class: 'muted right' }, fmtTime(a.createdAt))),
    a.description && a.type !== 'link' ? h('p', { class: 'muted' }, a.description) : null, body);
}

function tableArtifact(data) {
  let rows;
  try { rows = JSON.parse(data); } catch (e) { return h('pre', { class: 'json' }, data); }
  if (!Array.isArray(rows)) return h('pre', { class: 'json' }, JSON.stringify(rows, null, 2));
  const cols = [...new Set(rows.flatMap((r) => (r && typeof r === 'object' ? Object.keys(r) : [])))];
  return table(cols.map((c) => ({ label: c, cell: (r) => {
    const v = r ? r[c] : undefined;
    return v === null || v === undefined ? '' : typeof v === 'object' ? JSON.stringify(v) : String(v);
  } })), rows);
}

/** Logs with live follow (long poll on /logs?after=…&wait=20) and level, stream, task and text filters. */
function logPanel(ctx, runId) {
  const lines = [];
  const level = h('select', { id: 'log-level' }, ['', 'DEBUG', 'INFO', 'WARN', 'ERROR'].map((l) => h('option', { value: l }, l || 'All levels')));
  const stream = h('select', { id: 'log-stream' }, [['', 'All streams'], ['STDOUT', 'stdout'], ['STDERR', 'stderr'], ['LOGGER', 'logger']]
    .map(([v, l]) => h('option', { value: v }, l)));
  const task = h('select', { id: 'log-task' }, h('option', { value: '' }, 'All tasks'));
  const search = h('input', { id: 'log-search', type: 'search', placeholder: 'Search logs' });
  const followBox = h('input', { type: 'checkbox', id: 'log-follow', checked: true });
  const status = h('span', { class: 'muted', id: 'log-status' });
  const out = h('div', { class: 'logs', id: 'log-lines', role: 'log' });
  [level, stream, task].forEach((el) => el.addEventListener('change', redraw));
  search.addEventListener('input', redraw);
  const knownTasks = new Map();

  function matches(l) {
    if (level.value && (l.level || '').toUpperCase() !== level.value) return false;
    if (stream.value && l.stream !== stream.value) return false;
    if (task.value && (task.value === 'flow' ? l.taskRunId : l.taskRunId !== task.value)) return false;
    return !search.value || l.message.toLowerCase().includes(search.value.toLowerCase());
  }
  function lineEl(l) {
    return h('div', { class: ['line', 'lvl-' + (l.level || '').toLowerCase(), l.stream === 'STDERR' ? 'stderr' : null],
      dataset: { seq: l.seq } },
    h('span', { class: 'ts' }, new Date(l.at).toLocaleTimeString()),
    h('span', { class: 'lvl' }, l.level || ''),
    h('span', { class: 'msg' }, l.message));
  }
  function redraw() {
    mount(out, lines.filter(matches).map(lineEl));
    scroll();
  }
  function scroll() {
    if (followBox.checked) out.scrollTop = out.scrollHeight;
  }
  async function follow() {
    let after = 0;
    while (!ctx.signal.aborted) {
      try {
        const page = await get('/flow-runs/' + seg(runId) + '/logs?after=' + after + '&limit=1000&wait=' + (followBox.checked ? 20 : 0),
          { signal: ctx.signal });
        for (const l of page.lines) {
          lines.push(l);
          if (matches(l)) out.append(lineEl(l));
        }
        if (page.lines.length) scroll();
        after = page.next;
        status.textContent = lines.length + ' lines' + (page.runFinished ? ' · run finished' : followBox.checked ? ' · following' : '');
        if (page.runFinished && !page.lines.length) return;
        if (!followBox.checked && !page.lines.length) await sleep(2000, ctx.signal);
      } catch (e) {
        if (ctx.signal.aborted) return;
        status.textContent = 'log stream interrupted: ' + e.message + ' (retrying)';
        await sleep(2000, ctx.signal);
      }
    }
  }
  function setTasks(taskRuns) {
    for (const t of taskRuns) {
      if (!knownTasks.has(t.id)) {
        knownTasks.set(t.id, t);
        task.append(h('option', { value: t.id }, t.name || t.taskKey));
      }
    }
    if (taskRuns.length && !task.querySelector('option[value="flow"]')) task.insertBefore(h('option', { value: 'flow' }, 'Flow only'), task.children[1] || null);
  }
  const el = h('div', null, h('div', { class: 'filters' }, level, stream, task, search,
    h('label', { class: 'check' }, followBox, 'Follow'), status), out);
  return { el, follow, setTasks };
}
