// The Flowplane web UI: a shell (sign-in, navigation) and hash-routed pages. Every page reads and
// writes through the public REST API with the signed-in key; what the key's role may not do is
// not offered (and the server refuses it anyway).

import { h, mount } from './lib/dom.js';
import { get, session, ApiError } from './lib/api.js';
import * as runs from './pages/runs.js';
import * as run from './pages/run.js';
import * as deployments from './pages/deployments.js';
import * as deployment from './pages/deployment.js';
import * as pools from './pages/pools.js';
import * as agents from './pages/agents.js';
import * as keys from './pages/keys.js';
import * as dashboard from './pages/dashboard.js';

const ROUTES = [
  { re: /^\/dashboard$/, page: dashboard, nav: 'dashboard' },
  { re: /^\/runs$/, page: runs, nav: 'runs' },
  { re: /^\/runs\/([^/]+)$/, page: run, nav: 'runs' },
  { re: /^\/deployments$/, page: deployments, nav: 'deployments' },
  { re: /^\/deployments\/([^/]+)$/, page: deployment, nav: 'deployments' },
  { re: /^\/work-pools$/, page: pools, nav: 'work-pools' },
  { re: /^\/agents$/, page: agents, nav: 'agents' },
  { re: /^\/api-keys$/, page: keys, nav: 'api-keys', admin: true },
];

const NAV = [['dashboard', 'Dashboard'], ['runs', 'Runs'], ['deployments', 'Deployments'], ['work-pools', 'Work pools'],
  ['agents', 'Agents'], ['api-keys', 'API keys']];

const app = document.getElementById('app');
let me = null;
let current = null; // {controller} of the page on screen

function parseHash() {
  const raw = location.hash.replace(/^#/, '') || '/runs';
  const [path, query] = raw.split('?');
  return { path, query: new URLSearchParams(query || '') };
}

function showLogin(message) {
  stopPage();
  me = null;
  const input = h('input', { id: 'api-key', type: 'password', autocomplete: 'off', spellcheck: 'false',
    placeholder: 'fp_…', required: true });
  const error = h('div', { class: 'form-error', id: 'login-error', role: 'alert' }, message || '');
  const button = h('button', { type: 'submit', class: 'primary', id: 'login-submit' }, 'Sign in');
  const form = h('form', { class: 'login-card', id: 'login-form', on: { submit: async (e) => {
    e.preventDefault();
    button.disabled = true;
    error.textContent = '';
    const key = input.value.trim();
    try {
      const who = await get('/whoami', { key });
      session.set(key);
      input.value = '';
      me = who;
      renderShell();
    } catch (err) {
      error.textContent = err instanceof ApiError && err.status === 401 ? 'That key is unknown or revoked.'
        : err instanceof ApiError && err.status === 403 ? 'This key cannot read runs (agent keys are for agents only).'
          : 'Sign-in failed: ' + err.message;
    } finally {
      button.disabled = false;
    }
  } } },
  h('div', { class: 'brand big' }, logo(), 'Flowplane'),
  h('p', { class: 'muted' }, 'Sign in with an API key. It is kept for this browser tab only and sent as a Bearer header, never in a URL.'),
  h('label', { for: 'api-key' }, 'API key'), input, error, button);
  mount(app, h('main', { class: 'login' }, form));
  input.focus();
}

function logo() {
  return h('img', { src: '/ui/favicon.svg', alt: '', class: 'logo', width: 22, height: 22 });
}

function renderShell() {
  const nav = h('nav', { class: 'nav' }, NAV.filter(([id]) => id !== 'api-keys' || can('admin')).map(([id, label]) =>
    h('a', { href: '#/' + id, class: 'nav-link', dataset: { nav: id } }, label)));
  const who = h('div', { class: 'who' },
    h('span', { class: 'who-name', title: 'signed in as' }, me.name),
    h('span', { class: 'role role-' + me.role, id: 'who-role' }, me.role),
    h('button', { class: 'ghost', id: 'sign-out', on: { click: () => { session.clear(); showLogin('Signed out.'); } } }, 'Sign out'));
  const main = h('main', { id: 'page', class: 'page' });
  mount(app, h('header', { class: 'top' }, h('a', { class: 'brand', href: '#/dashboard' }, logo(), 'Flowplane'), nav, who), main);
  route();
}

function stopPage() {
  if (current) current.controller.abort();
  current = null;
}

export function can(permission) {
  return !!me && me.permissions.includes(permission);
}

function route() {
  if (!me) return;
  const { path, query } = parseHash();
  const match = ROUTES.map((r) => ({ r, m: path.match(r.re) })).find((x) => x.m);
  stopPage();
  const main = document.getElementById('page');
  if (!main) return;
  document.querySelectorAll('.nav-link').forEach((a) => a.classList.toggle('active', !!match && a.dataset.nav === match.r.nav));
  if (!match || (match.r.admin && !can('admin'))) {
    mount(main, h('div', { class: 'empty' }, h('h1', null, 'Not found'), h('p', null, 'No page at ', path, '. '),
      h('a', { href: '#/runs' }, 'Go to runs')));
    return;
  }
  const controller = new AbortController();
  current = { controller };
  main.replaceChildren();
  const ctx = { root: main, params: match.m.slice(1).map(decodeURIComponent), query, signal: controller.signal, can, me };
  Promise.resolve(match.r.page.render(ctx)).catch((err) => {
    if (controller.signal.aborted) return;
    mount(main, h('div', { class: 'empty' }, h('h1', null, 'Could not load this page'), h('p', { class: 'form-error' }, err.message)));
  });
}

window.addEventListener('hashchange', route);
window.addEventListener('flowplane:logout', (e) => showLogin(e.detail));

async function start() {
  if (!session.key()) { showLogin(); return; }
  try {
    me = await get('/whoami');
    renderShell();
  } catch (e) {
    showLogin(e instanceof ApiError && e.status === 401 ? 'Your key was refused: sign in again.' : e.message);
  }
}
start();
