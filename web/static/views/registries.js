// #/registries: connected registries, the form to connect one, sync and
// removal, and the notification endpoint a registry must call.

import {Unauthorized, api} from '../api.js';
import {h, replace} from '../dom.js';
import {button, card, emptyState, errorBanner, pageHeader, table} from '../components.js';
import {num, when} from '../format.js';

export const registriesView = {
  name: 'registries',
  nav: 'registries',
  title: 'Registries',
  async render(ctx) {
    const data = await api('/registries', {signal: ctx.signal});
    const items = data.items || [];
    const status = h('div', {class: 'action-status', testid: 'registry-status'});
    const act = action(ctx, status);
    return [
      pageHeader('Registries', 'Bulwark scans every image pushed to a connected registry.'),
      status,
      card(`Connected registries (${num(items.length)})`, {class: 'card-wide'},
        items.length
          ? table('registries-table', ['Name', 'URL', 'User', {label: 'Images', class: 'num'}, 'Connected', 'Last sync', ''],
            items.map((r) => row(r, ctx, act)))
          : emptyState('No registry connected', 'Connect a registry below; Bulwark lists its repositories and scans their images.')),
      h('div', {class: 'grid grid-2'},
        ctx.canWrite() ? formCard(ctx) : null,
        notificationCard(data.notificationURL)),
    ];
  },
};

// action runs a write request, shows its error in the status area, and
// re-renders the view on success.
function action(ctx, status) {
  return async (label, fn) => {
    replace(status);
    try {
      await fn();
      ctx.refresh();
    } catch (err) {
      if (err instanceof Unauthorized) { ctx.expired(err); return; }
      replace(status, errorBanner(err.message, `${label} failed`));
    }
  };
}

function row(r, ctx, act) {
  const actions = h('td', {class: 'actions'});
  const confirmBox = h('span', {class: 'confirm', hidden: true},
    `Remove ${r.name}? Its images stay in the history. `,
    button('Remove', () => act('Removing the registry', () => api(`/registries/${encodeURIComponent(r.id)}`, {method: 'DELETE'})),
      {kind: 'danger', small: true, testid: 'registry-remove-confirm'}),
    button('Cancel', () => { confirmBox.hidden = true; buttons.hidden = false; }, {small: true, kind: 'ghost', testid: 'registry-remove-cancel'}));
  const buttons = h('span', {class: 'btn-row'},
    button('Sync now', (ev) => {
      ev.currentTarget.disabled = true;
      act('Sync', () => api(`/registries/${encodeURIComponent(r.id)}/sync`, {method: 'POST'}));
    }, {small: true, testid: 'registry-sync'}),
    button('Remove', () => { buttons.hidden = true; confirmBox.hidden = false; }, {small: true, kind: 'ghost', testid: 'registry-remove'}));
  if (ctx.canWrite()) actions.append(buttons, confirmBox);
  return h('tr', {testid: 'registry-row', dataset: {id: String(r.id)}},
    h('td', null, h('span', {class: 'strong'}, r.name), h('div', {class: 'sub'}, r.host, ` · ID ${r.id}`),
      r.insecure ? h('span', {class: 'chip chip-warn', title: 'TLS is not verified or not used'}, 'insecure') : null),
    h('td', {class: 'mono wrap-anywhere'}, r.url),
    h('td', null, r.username || h('span', {class: 'muted'}, 'anonymous')),
    h('td', {class: 'num'}, h('a', {href: `#/images?q=${encodeURIComponent(r.host || '')}`}, num(r.images))),
    h('td', null, when(r.createdAt)),
    h('td', null, r.syncError
      ? h('span', {class: 'bad-text', testid: 'registry-sync-error', title: r.syncError}, 'failed: ', r.syncError)
      : when(r.syncedAt, 'not yet')),
    actions);
}

function formCard(ctx) {
  const field = (label, input, hint) => h('label', {class: 'field'}, h('span', {class: 'field-label'}, label), input,
    hint ? h('span', {class: 'field-hint'}, hint) : null);
  const name = h('input', {name: 'name', required: true, placeholder: 'production', autocomplete: 'off', testid: 'registry-name'});
  const url = h('input', {name: 'url', required: true, placeholder: 'https://registry.example.com', autocomplete: 'off', testid: 'registry-url'});
  const username = h('input', {name: 'username', autocomplete: 'off', testid: 'registry-username'});
  const password = h('input', {name: 'password', type: 'password', autocomplete: 'new-password', testid: 'registry-password'});
  const insecure = h('input', {name: 'insecure', type: 'checkbox', testid: 'registry-insecure'});
  const error = h('div', {class: 'form-error', testid: 'registry-form-error', role: 'alert', hidden: true});
  const submit = h('button', {type: 'submit', class: 'btn btn-primary', testid: 'registry-submit'}, 'Connect');
  const form = h('form', {class: 'form', testid: 'registry-form', onsubmit: async (ev) => {
    ev.preventDefault();
    submit.disabled = true;
    error.hidden = true;
    try {
      await api('/registries', {method: 'POST', body: {
        name: name.value.trim(), url: url.value.trim(), username: username.value.trim(),
        password: password.value, insecure: insecure.checked,
      }});
      ctx.refresh();
    } catch (err) {
      if (err instanceof Unauthorized) { ctx.expired(err); return; }
      replace(error, err.message);
      error.hidden = false;
      submit.disabled = false;
    }
  }},
  field('Name', name),
  field('URL', url, 'The registry’s base URL, e.g. https://registry.example.com or http://127.0.0.1:5000.'),
  h('div', {class: 'field-row'}, field('Username', username), field('Password or token', password)),
  h('label', {class: 'check'}, insecure, ' Allow plain HTTP or an unverified certificate'),
  error,
  h('div', {class: 'form-actions'}, submit));
  return card('Connect a registry', null, form);
}

function notificationCard(url) {
  const endpoint = url || '';
  const snippet = [
    'notifications:',
    '  endpoints:',
    '    - name: bulwark',
    `      url: ${endpoint}`,
    '      headers:',
    '        Authorization: [Bearer INGEST_TOKEN]',
    '      timeout: 5s',
    '      threshold: 5',
    '      backoff: 10s',
  ].join('\n');
  return card('Registry notifications', {testid: 'notification-card'},
    h('p', null, 'So that images are scanned as soon as they are pushed, configure the registry to send its events to:'),
    h('div', {class: 'copy-row'},
      h('code', {class: 'mono endpoint', testid: 'notification-url'}, endpoint || 'not available'),
      endpoint ? copyButton(endpoint) : null),
    h('p', {class: 'hint'}, 'For the CNCF distribution registry, add this to its config.yml, with a token of role "ingest" ' +
      'bound to that registry (POST /api/v1/tokens {"name": "registry", "role": "ingest", "registry": ID}, ' +
      'with the registry\'s ID from this page); it can only deliver that registry\'s notifications. ' +
      'A registry that cannot send headers may put it in the URL instead: ?token=INGEST_TOKEN.'),
    h('pre', {class: 'code-block'}, snippet),
    h('p', {class: 'hint'}, 'Without notifications Bulwark still finds new images when it syncs the registry.'));
}

function copyButton(text) {
  const btn = button('Copy', async () => {
    try {
      await navigator.clipboard.writeText(text);
      btn.textContent = 'Copied';
    } catch {
      btn.textContent = 'Select and copy';
    }
  }, {small: true, testid: 'notification-copy'});
  return btn;
}
