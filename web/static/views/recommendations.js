// #/recommendations: every rule with how many resources fail it.

import {api} from '../api.js';
import {h} from '../dom.js';
import {stackedBar} from '../charts.js';
import {emptyState, pageHeader, severityBadge, table} from '../components.js';
import {num, severityRank} from '../format.js';

export const recommendationsView = {
  name: 'recommendations',
  nav: 'recommendations',
  title: 'Recommendations',
  async render(ctx) {
    const data = await api('/recommendations', {signal: ctx.signal});
    const items = [...(data.items || [])].sort((a, b) =>
      (Number(b.unhealthy) > 0) - (Number(a.unhealthy) > 0) ||
      severityRank(a.severity) - severityRank(b.severity) ||
      Number(b.unhealthy) - Number(a.unhealthy));
    const open = items.filter((r) => Number(r.unhealthy) > 0).length;
    return [
      pageHeader('Recommendations', `${num(open)} of ${num(items.length)} recommendations have resources to fix.`),
      items.length
        ? table('recommendations-table',
          ['Severity', 'Recommendation', 'Unhealthy resources', {label: 'Healthy', class: 'num'},
            {label: 'Not applicable', class: 'num'}, {label: 'Exempt', class: 'num'}],
          items.map(row))
        : emptyState('No recommendations yet', 'Connect a registry so that Bulwark can assess its images.',
          h('a', {class: 'btn', href: '#/registries'}, 'Connect a registry')),
    ];
  },
};

function row(r) {
  const unhealthy = Number(r.unhealthy) || 0;
  const healthy = Number(r.healthy) || 0;
  return h('tr', {testid: 'recommendation-row', dataset: {id: r.id}, class: unhealthy ? null : 'row-done'},
    h('td', null, severityBadge(r.severity)),
    h('td', null, h('a', {href: `#/recommendations/${encodeURIComponent(r.id)}`, class: 'strong'}, r.title),
      h('div', {class: 'sub mono-id'}, r.id)),
    h('td', {class: 'ratio'},
      h('span', {class: 'ratio-text'}, `${num(unhealthy)} of ${num(unhealthy + healthy)}`),
      stackedBar('recommendation-bar', [{key: 'unhealthy', value: unhealthy}, {key: 'healthy', value: healthy}])),
    h('td', {class: 'num'}, num(healthy)),
    h('td', {class: 'num'}, num(r.notApplicable)),
    h('td', {class: 'num'}, num(r.exempt)));
}
