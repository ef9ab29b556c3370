// The only way the UI talks to the server: the public REST API under /api/v1, with the key the
// user entered. The key lives in sessionStorage (gone when the tab closes), never in a URL, a
// cookie or localStorage, and is never written to the console.

const KEY = 'flowplane.apiKey';

export const session = {
  key: () => sessionStorage.getItem(KEY),
  set: (key) => sessionStorage.setItem(KEY, key),
  clear: () => sessionStorage.removeItem(KEY),
};

/** A refused call: status, title and the server's per-field errors ({field, message}). */
export class ApiError extends Error {
  constructor(status, problem) {
    super((problem && (problem.detail || problem.title)) || ('HTTP ' + status));
    this.status = status;
    this.problem = problem || {};
    this.errors = (problem && problem.errors) || [];
  }
}

export async function api(method, path, body, options = {}) {
  const headers = { Accept: 'application/json' };
  const key = options.key || session.key();
  if (key) headers.Authorization = 'Bearer ' + key;
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  if (options.idempotencyKey) headers['Idempotency-Key'] = options.idempotencyKey;
  let res;
  try {
    res = await fetch('/api/v1' + path, {
      method, headers, body: body === undefined ? undefined : JSON.stringify(body),
      signal: options.signal, cache: 'no-store', credentials: 'omit',
    });
  } catch (e) {
    if (e.name === 'AbortError') throw e;
    throw new ApiError(0, { title: 'Network error', detail: 'the control plane did not answer' });
  }
  if (res.status === 401 && !options.key) {
    session.clear();
    window.dispatchEvent(new CustomEvent('flowplane:logout', { detail: 'Your key was refused: sign in again.' }));
  }
  if (!res.ok) {
    let problem = null;
    try { problem = await res.json(); } catch (e) { /* not a problem document */ }
    throw new ApiError(res.status, problem);
  }
  if (res.status === 204) return null;
  const text = await res.text();
  return text ? JSON.parse(text) : null;
}

export const get = (path, options) => api('GET', path, undefined, options);
export const post = (path, body, options) => api('POST', path, body, options);
export const patch = (path, body, options) => api('PATCH', path, body, options);
export const del = (path, options) => api('DELETE', path, undefined, options);

export function newIdempotencyKey() {
  return 'ui-' + crypto.randomUUID();
}

/** Path segment: names and ids go into URLs encoded. */
export const seg = (v) => encodeURIComponent(String(v));

/**
 * Calls {@code onChange} whenever runs change on the server (long poll on /run-changes), at most
 * every {@code minGapMs}, until {@code signal} aborts.
 */
export async function watchRunChanges(signal, onChange, minGapMs = 400) {
  let since = null;
  let failures = 0;
  while (!signal.aborted) {
    try {
      const q = since === null ? '' : '?since=' + since + '&wait=20';
      const r = await get('/run-changes' + q, { signal });
      failures = 0;
      if (since !== null && r.changed) {
        await onChange();
        await sleep(minGapMs, signal);
      }
      since = r.version;
    } catch (e) {
      if (signal.aborted) return;
      failures++;
      await sleep(Math.min(10000, 500 * 2 ** failures), signal);
    }
  }
}

/**
 * For refreshes that can overlap (a live change and a click each start one): call it when a
 * refresh starts; the function it returns says whether that refresh is still the newest, so an
 * older one whose answers arrive late never paints over a newer one.
 */
export function newestOnly() {
  let latest = 0;
  return () => {
    const mine = ++latest;
    return () => mine === latest;
  };
}

export function sleep(ms, signal) {
  return new Promise((resolve) => {
    const t = setTimeout(resolve, ms);
    if (signal) signal.addEventListener('abort', () => { clearTimeout(t); resolve(); }, { once: true });
  });
}
