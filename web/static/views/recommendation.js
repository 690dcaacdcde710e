// #/recommendations/{id}: one rule, its remediation, and the unhealthy
// resources to fix (healthy ones are only counted).

import {api} from '../api.js';
import {h} from '../dom.js';
import {card, chips, emptyState, pageHeader, severityBadge, stat, table} from '../components.js';
import {num, plural, severityRank} from '../format.js';

export const recommendationView = {
  name: 'recommendation',
  nav: 'recommendations',
  title: 'Recommendation',
  async render(ctx) {
    const data = await api(`/recommendations/${encodeURIComponent(ctx.params.id)}`, {signal: ctx.signal});
    const r = data.recommendation || {};
    const resources = data.resources || [];
    return [
      h('nav', {class: 'crumbs'}, h('a', {href: '#/recommendations'}, 'Recommendations'), ' › ', r.id),
      pageHeader([r.title, severityBadge(r.severity)], null),
      h('div', {class: 'grid grid-detail'},
        card('Description', {testid: 'recommendation-detail'},
          h('p', {class: 'prose'}, r.description),
          h('h3', null, 'Remediation'),
          h('p', {class: 'prose', testid: 'recommendation-remediation'}, r.remediation)),
        card('Resources', null,
          h('div', {class: 'stats'},
            stat('Unhealthy', resources.length || r.unhealthy, {tone: 'bad', testid: 'recommendation-unhealthy-count'}),
            stat('Healthy', data.healthyCount ?? r.healthy, {tone: 'good', testid: 'recommendation-healthy-count'}),
            stat('Not applicable', r.notApplicable),
            stat('Exempt', r.exempt)))),
      card(`Resources to fix (${num(resources.length)})`, {class: 'card-wide'},
        resources.length
          ? table('resources-table', ['Resource', 'Tags', 'Findings', ''], resources.flatMap(resourceRows))
          : emptyState('No unhealthy resources', `${plural(data.healthyCount ?? r.healthy, 'resource')} pass this recommendation.`)),
    ];
  },
};

// resourceRows renders one resource and, below it, its findings, shown
// when the row's toggle is pressed.
function resourceRows(res) {
  const findings = [...(res.findings || [])].sort((a, b) =>
    severityRank(a.severity) - severityRank(b.severity) || (b.score || 0) - (a.score || 0));
  const detail = h('tr', {class: 'detail-row', hidden: true},
    h('td', {colspan: 4}, findingsTable(findings)));
  const toggle = h('button', {type: 'button', class: 'btn btn-small btn-ghost', 'aria-expanded': 'false', testid: 'resource-toggle',
    onclick: () => {
      detail.hidden = !detail.hidden;
      toggle.setAttribute('aria-expanded', String(!detail.hidden));
      toggle.textContent = detail.hidden ? 'Show findings' : 'Hide findings';
    }}, 'Show findings');
  const name = res.imageId ? h('a', {href: `#/images/${encodeURIComponent(res.imageId)}`, class: 'strong'}, res.name) : h('span', {class: 'strong'}, res.name);
  return [
    h('tr', {testid: 'resource-row', dataset: {asset: res.assetId || ''}},
      h('td', {class: 'wrap-anywhere'}, name, res.exempt ? h('span', {class: 'chip chip-muted'}, 'exempt') : null),
      h('td', null, chips(res.tags)),
      h('td', null, findingsSummary(findings)),
      h('td', {class: 'actions'}, findings.length ? toggle : null)),
    detail,
  ];
}

function findingsSummary(findings) {
  if (!findings.length) return h('span', {class: 'muted'}, '—');
  return h('span', {class: 'nowrap'}, severityBadge(findings[0].severity), ' ', plural(findings.length, 'finding'));
}

function findingsTable(findings) {
  return table('resource-findings', ['ID', 'Package', 'Installed', 'Fixed in', 'Severity', 'Title'],
    findings.map((f) => h('tr', {testid: 'resource-finding'},
      h('td', {class: 'mono'}, f.id),
      h('td', null, f.package),
      h('td', {class: 'mono'}, f.installed),
      h('td', {class: 'mono'}, f.fixed || h('span', {class: 'muted'}, 'no fix')),
      h('td', null, severityBadge(f.severity, f.score)),
      h('td', {class: 'wrap'}, f.title))),
    {class: 'table-inner'});
}
