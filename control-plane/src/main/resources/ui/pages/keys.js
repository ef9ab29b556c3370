import { h, mount } from '../lib/dom.js';
import { get, post, del, seg, ApiError } from '../lib/api.js';
import { timeEl } from '../lib/format.js';
import { pageHeader, card, notice, table } from './common.js';

export async function render(ctx) {
  const box = h('div', { id: 'keys' });
  const msg = notice();
  const shown = h('div', { id: 'new-key-box' });
  const name = h('input', { id: 'key-name', required: true, placeholder: 'ci-deployer', autocomplete: 'off' });
  const role = h('select', { id: 'key-role' }, ['viewer', 'developer', 'agent', 'admin'].map((r) => h('option', { value: r }, r)));
  const pools = h('input', { id: 'key-pools', placeholder: 'default, gpu (agent keys: empty for all pools)', autocomplete: 'off' });
  const error = h('div', { class: 'form-error', role: 'alert' });
  const form = h('form', { id: 'key-form', on: { submit: async (e) => {
    e.preventDefault();
    error.textContent = '';
    try {
      const created = await post('/api-keys', { name: name.value.trim(), role: role.value,
        pools: pools.value.split(',').map((p) => p.trim()).filter(Boolean) });
      name.value = '';
      pools.value = '';
      const keyText = h('code', { class: 'secret', id: 'new-key' }, created.key);
      mount(shown, h('div', { class: 'notice ok' },
        h('p', null, h('b', null, 'Key for ' + created.name + ' (' + created.role + '). '), 'Copy it now: it is shown only this once.'),
        keyText, ' ', h('button', { class: 'ghost small', type: 'button', on: { click: () => navigator.clipboard.writeText(created.key).then(() => msg.ok('Copied.'), () => msg.error('Copy failed: select the key and copy it by hand.')) } }, 'Copy'),
        ' ', h('button', { class: 'ghost small', type: 'button', on: { click: () => shown.replaceChildren() } }, 'Done')));
      await refresh();
    } catch (err) {
      error.textContent = err instanceof ApiError && err.errors.length ? err.errors.map((x) => x.field + ' ' + x.message).join('; ') : err.message;
    }
  } } },
  h('div', { class: 'field-row' },
    h('div', { class: 'field' }, h('label', { for: 'key-name' }, 'Name'), name),
    h('div', { class: 'field' }, h('label', { for: 'key-role' }, 'Role'), role),
    h('div', { class: 'field grow' }, h('label', { for: 'key-pools' }, 'Pools (agent keys)'), pools)),
  error, h('div', { class: 'form-actions' }, h('button', { type: 'submit', class: 'primary' }, 'Create key')));
  ctx.root.append(pageHeader('API keys', 'Keys are stored as hashes: a key is shown once, when it is created'), msg.el,
    card('New key', form, shown), card('Keys', box));

  async function refresh() {
    const keys = await get('/api-keys', { signal: ctx.signal });
    mount(box, table([
      { label: 'Name', cell: (k) => h('b', null, k.name) },
      { label: 'Role', cell: (k) => h('span', { class: 'role role-' + k.role }, k.role) },
      { label: 'Key', cell: (k) => h('span', { class: 'mono small' }, k.prefix + '…') },
      { label: 'Pools', cell: (k) => k.pools.length ? k.pools.map((p) => h('span', { class: 'chip' }, p)) : h('span', { class: 'muted' }, 'all') },
      { label: 'Created', cell: (k) => timeEl(k.createdAt) },
      { label: 'Status', cell: (k) => k.revokedAt ? h('span', { class: 'chip bad' }, 'revoked') : h('span', { class: 'chip ok' }, 'active') },
      { label: '', cell: (k) => k.revokedAt ? null : h('button', { class: 'danger small', on: { click: async () => {
        if (!confirm('Revoke the key "' + k.name + '"? Anything using it stops working at once.')) return;
        try { await del('/api-keys/' + seg(k.id)); msg.ok('Revoked ' + k.name + '.'); await refresh(); } catch (err) { msg.error(err); }
      } } }, 'Revoke') },
    ], keys, { id: 'keys-table' }));
  }
  await refresh();
}
