import { h } from './dom.js';

export const STATE_TYPES = ['SCHEDULED', 'PENDING', 'RUNNING', 'PAUSED', 'CANCELLING', 'COMPLETED', 'FAILED',
  'CANCELLED', 'CRASHED'];
export const TERMINAL = new Set(['COMPLETED', 'FAILED', 'CANCELLED', 'CRASHED']);

const TYPE_LABEL = { SCHEDULED: 'Scheduled', PENDING: 'Pending', RUNNING: 'Running', PAUSED: 'Paused',
  CANCELLING: 'Cancelling', COMPLETED: 'Completed', FAILED: 'Failed', CANCELLED: 'Cancelled', CRASHED: 'Crashed' };

export const typeLabel = (t) => TYPE_LABEL[t] || t;

/** The CSS class of a state: by its name where the name has its own colour (Late), else by type. */
export function stateClass(type, name) {
  if (name === 'Late') return 'st-late';
  return 'st-' + String(type || '').toLowerCase();
}

/** A coloured badge with the state's name (the refined name, e.g. Late, Retrying, Cached). */
export function stateBadge(state) {
  if (!state) return h('span', { class: 'badge' }, '—');
  return h('span', { class: ['badge', stateClass(state.type, state.name)], title: state.message || typeLabel(state.type),
    dataset: { stateType: state.type, stateName: state.name || '' } }, h('i', { class: 'dot' }), state.name || typeLabel(state.type));
}

const dateTime = new Intl.DateTimeFormat(undefined, { year: 'numeric', month: 'short', day: '2-digit',
  hour: '2-digit', minute: '2-digit', second: '2-digit' });
const timeOnly = new Intl.DateTimeFormat(undefined, { hour: '2-digit', minute: '2-digit', second: '2-digit' });

export function fmtTime(iso) {
  if (!iso) return '—';
  const d = new Date(iso);
  const today = new Date();
  return d.toDateString() === today.toDateString() ? timeOnly.format(d) : dateTime.format(d);
}

export function fmtDateTime(iso) {
  return iso ? dateTime.format(new Date(iso)) : '—';
}

/** An element showing a time, with the full instant on hover. */
export function timeEl(iso) {
  return iso ? h('time', { datetime: iso, title: new Date(iso).toISOString() }, fmtTime(iso)) : h('span', { class: 'muted' }, '—');
}

export function fmtDuration(ms) {
  if (ms === null || ms === undefined || isNaN(ms)) return '—';
  if (ms < 1000) return Math.max(0, Math.round(ms)) + ' ms';
  const s = ms / 1000;
  if (s < 60) return s.toFixed(s < 10 ? 1 : 0) + ' s';
  const m = Math.floor(s / 60);
  if (m < 60) return m + ' min ' + Math.round(s % 60) + ' s';
  const hr = Math.floor(m / 60);
  if (hr < 48) return hr + ' h ' + (m % 60) + ' min';
  return Math.floor(hr / 24) + ' d ' + (hr % 24) + ' h';
}

/** Duration of something that started and may still be running. */
export function runDuration(startedAt, endedAt) {
  if (!startedAt) return null;
  return (endedAt ? new Date(endedAt) : new Date()) - new Date(startedAt);
}

export function fmtAgo(iso) {
  if (!iso) return '—';
  const ms = Date.now() - new Date(iso);
  if (ms < 0) return 'in ' + fmtDuration(-ms);
  if (ms < 5000) return 'just now';
  return fmtDuration(ms) + ' ago';
}

export function fmtPercent(x) {
  return x === null || x === undefined ? '—' : Math.round(x * 1000) / 10 + ' %';
}

export function shortId(id) {
  return id ? String(id).slice(0, 8) : '—';
}
