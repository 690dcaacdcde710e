// #/alerts: security alerts with status and severity filters (kept in the
// hash), their evidence, and dismiss / resolve.

import {Unauthorized, api, query} from '../api.js';
import {h, replace} from '../dom.js';
import {button, emptyState, errorBanner, pageHeader, segmented, severityBadge, table} from '../components.js';
import {SEVERITIES, num, when} from '../format.js';

const STATUSES = [
  {value: 'active', label: 'Active'},
  {value: 'dismissed', label: 'Dismissed'},
  {value: 'resolved', label: 'Resolved'},
  {value: 'all', label: 'All'},
];

export const alertsView = {
  name: 'alerts',
  nav: 'alerts',
  title: 'Security alerts',
  async render(ctx) {
    const status = STATUSES.some((o) => o.value === ctx.query.get('status')) ? ctx.query.get('status') : 'active';
    const severity = SEVERITIES.includes(ctx.query.get('severity')) ? ctx.query.get('severity') : '';
    const data = await api('/alerts' + query({status: status === 'all' ? '' : status, severity}), {signal: ctx.signal});
    const items = data.items || [];
    const nav = (changes) => ctx.go('#/alerts' + query({status, severity, ...changes}));
    const banner = h('div', {class: 'action-status'});
    const sevSelect = h('select', {class: 'select', testid: 'alerts-filter-severity', 'aria-label': 'Severity',
      onchange: () => nav({severity: sevSelect.value})},
    h('option', {value: ''}, 'All severities'),
    SEVERITIES.map((sev) => h('option', {value: sev, selected: sev === severity}, sev)));
    return [
      pageHeader('Security alerts', 'Threats detected in your clusters, hosts and registries.'),
      h('div', {class: 'toolbar'},
        segmented('alerts-filter-status', STATUSES, status, (value) => nav({status: value})),
        sevSelect,
        h('span', {class: 'spacer'}),
        h('span', {class: 'muted', testid: 'alerts-total'}, `${num(data.total ?? items.length)} alerts`)),
      banner,
      items.length
        ? table('alerts-table', ['', 'Severity', 'Alert', 'Affected', 'Tactics', {label: 'Count', class: 'num'}, 'Last seen', 'Status', ''],
          items.flatMap((a) => rows(a, ctx, banner)))
        : emptyState(status === 'active' ? 'No active alerts' : 'No alerts match this filter',
          status === 'active' ? 'Nothing suspicious has been detected.' : 'Pick another status or severity.'),
    ];
  },
};

// rows renders an alert and, below it, its evidence and remediation,
// shown by the row's expander.
function rows(a, ctx, banner) {
  const detail = h('tr', {class: 'detail-row', hidden: true, testid: 'alert-detail'},
    h('td', {colspan: 9},
      h('div', {class: 'alert-detail'},
        h('div', null,
          h('h3', null, 'Evidence'),
          h('pre', {class: 'code-block', testid: 'alert-evidence'}, JSON.stringify(a.evidence ?? null, null, 2))),
        h('div', null,
          h('h3', null, 'Remediation'),
          h('p', {class: 'prose'}, a.remediation || '—'),
          h('h3', null, 'Details'),
          h('dl', {class: 'facts'},
            h('dt', null, 'Type'), h('dd', {class: 'mono'}, a.type),
            h('dt', null, 'First seen'), h('dd', null, when(a.firstSeen)),
            h('dt', null, 'Fingerprint'), h('dd', {class: 'mono wrap-anywhere'}, a.fingerprint))))));
  const expander = h('button', {type: 'button', class: 'expander', 'aria-expanded': 'false', 'aria-label': 'Show evidence',
    testid: 'alert-expand', onclick: () => {
      detail.hidden = !detail.hidden;
      expander.setAttribute('aria-expanded', String(!detail.hidden));
    }}, '›');
  return [
    h('tr', {testid: 'alert-row', dataset: {id: String(a.id), status: a.status || ''}},
      h('td', null, expander),
      h('td', null, severityBadge(a.severity)),
      h('td', {class: 'wrap'}, h('span', {class: 'strong'}, a.title), h('div', {class: 'sub mono-id'}, a.type)),
      h('td', null, entities(a.entities || {})),
      h('td', null, (a.tactics || []).length ? h('span', {class: 'chips'}, a.tactics.map((t) => h('span', {class: 'chip chip-tactic'}, t))) : h('span', {class: 'muted'}, '—')),
      h('td', {class: 'num'}, num(a.count)),
      h('td', null, when(a.lastSeen)),
      h('td', null, h('span', {class: ['status', `status-${a.status}`]}, capitalize(a.status))),
      h('td', {class: 'actions'}, ctx.canWrite() && a.status === 'active' ? [
        button('Dismiss', () => act(ctx, banner, a, 'dismiss'), {small: true, kind: 'ghost', testid: 'alert-dismiss'}),
        button('Resolve', () => act(ctx, banner, a, 'resolve'), {small: true, testid: 'alert-resolve'}),
      ] : null)),
    detail,
  ];
}

function capitalize(text) {
  const s = String(text || '');
  return s ? s[0].toUpperCase() + s.slice(1) : '—';
}

function entities(ents) {
  const pairs = Object.entries(ents).filter(([, v]) => v !== '' && v !== null && v !== undefined);
  if (!pairs.length) return h('span', {class: 'muted'}, '—');
  return h('span', {class: 'kv-list'}, pairs.map(([k, v]) =>
    h('span', {class: 'kv'}, h('span', {class: 'kv-k'}, k), h('span', {class: 'kv-v'}, typeof v === 'string' ? v : JSON.stringify(v)))));
}

async function act(ctx, banner, alert, verb) {
  replace(banner);
  try {
    await api(`/alerts/${encodeURIComponent(alert.id)}/${verb}`, {method: 'POST'});
    ctx.refresh();
  } catch (err) {
    if (err instanceof Unauthorized) { ctx.expired(err); return; }
    replace(banner, errorBanner(err.message, verb === 'dismiss' ? 'Dismiss failed' : 'Resolve failed'));
  }
}
