// #/ : posture at a glance, from GET /api/v1/overview.

import {api} from '../api.js';
import {h} from '../dom.js';
import {donut, findingsChart, severityLegend, stackedBar} from '../charts.js';
import {card, emptyState, pageHeader, severityBadge} from '../components.js';
import {SEVERITIES, num, plural, when} from '../format.js';

export const overviewView = {
  name: 'overview',
  nav: 'overview',
  title: 'Overview',
  async render(ctx) {
    const o = await api('/overview', {signal: ctx.signal});
    return [
      pageHeader('Overview', 'Security posture of the images in your registries.'),
      h('div', {class: 'grid grid-3'},
        healthCard(o.images || {}),
        findingsCard(o.findings || {}, o.fixable),
        freshnessCard(o.database || {}, o.queue || {})),
      historyCard(o.history || []),
      h('div', {class: 'grid grid-2'},
        recommendationsCard(o.recommendations || []),
        alertsCard(o.alerts || [])),
    ];
  },
};

function healthCard(images) {
  const rows = [
    {key: 'unhealthy', label: 'Unhealthy', value: images.unhealthy, testid: 'overview-unhealthy'},
    {key: 'healthy', label: 'Healthy', value: images.healthy, testid: 'overview-healthy'},
    {key: 'unscanned', label: 'Not scanned', value: images.unscanned, testid: 'overview-unscanned'},
  ];
  return card('Image health', {testid: 'card-health'},
    h('div', {class: 'health'},
      donut('chart-health', rows, 'images'),
      h('ul', {class: 'legend-list'},
        rows.map((r) => h('li', null,
          h('span', {class: ['swatch', `bg-${r.key}`]}),
          h('a', {href: `#/images?health=${r.key}`}, r.label),
          h('span', {class: 'legend-value', testid: r.testid}, num(r.value)))),
        h('li', {class: 'legend-total'},
          h('span', {class: 'swatch'}),
          h('a', {href: '#/images'}, 'Total'),
          h('span', {class: 'legend-value', testid: 'overview-images-total'}, num(images.total))))));
}

function findingsCard(findings, fixable) {
  const total = SEVERITIES.reduce((sum, sev) => sum + (Number(findings[sev]) || 0), 0);
  return card('Open vulnerability findings', {testid: 'card-findings'},
    h('div', {class: 'big-number'}, h('span', {testid: 'overview-findings-total'}, num(total)),
      h('span', {class: 'big-sub'}, h('span', {testid: 'overview-fixable'}, num(fixable)), ' fixable by an upgrade')),
    stackedBar('findings-bar', SEVERITIES.map((key) => ({key, value: findings[key]}))),
    h('ul', {class: 'sev-list'}, SEVERITIES.map((sev) => h('li', null,
      severityBadge(sev),
      h('span', {class: 'sev-count', testid: 'severity-count', dataset: {severity: sev}}, num(findings[sev]))))));
}

function freshnessCard(db, queue) {
  const stale = !db.updated || db.stale;
  const refresh = db.refresh || {};
  return card('Data and scanning', {testid: 'card-freshness'},
    h('dl', {class: 'facts'},
      h('dt', null, 'Vulnerability data'),
      h('dd', {testid: 'overview-database', class: stale ? 'warn-text' : null},
        db.updated ? ['updated ', when(db.updated),
          db.currentAt && db.currentAt !== db.updated ? [', current as of ', when(db.currentAt)] : '',
          stale ? ' (stale)' : ''] : 'never downloaded'),
      h('dt', null, 'Refresh'),
      h('dd', {testid: 'overview-refresh', class: refresh.lastError ? 'warn-text' : null, title: refresh.lastError || null},
        refresh.everySeconds > 0 ? `every ${duration(refresh.everySeconds)}` : 'off (offline)',
        refresh.lastAttempt ? [', last tried ', when(refresh.lastAttempt), refresh.lastError ? ', failed' : ''] : ''),
      h('dt', null, 'Sources'),
      h('dd', null, db.sources && db.sources.length
        ? h('span', {class: 'chips'}, db.sources.map((x) => h('span', {class: 'chip'}, x)))
        : h('span', {class: 'muted'}, 'none')),
      h('dt', null, 'Scan queue'),
      h('dd', {testid: 'overview-queue'},
        h('span', {class: 'queue-item'}, num(queue.pending), ' pending'),
        h('span', {class: 'queue-item'}, num(queue.running), ' running'),
        h('span', {class: ['queue-item', Number(queue.dead) > 0 && 'bad-text']}, num(queue.dead), ' failed'))));
}

// duration shows seconds as the largest whole unit: "6h", "2d", "30m".
function duration(seconds) {
  for (const [unit, n] of [['d', 86400], ['h', 3600], ['m', 60]]) {
    if (seconds >= n && seconds % n === 0) return `${seconds / n}${unit}`;
  }
  return `${seconds}s`;
}

function historyCard(history) {
  return card('Findings over time', {testid: 'card-history', class: 'card-wide'},
    history.length
      ? [findingsChart(history), severityLegend()]
      : emptyState('No history yet', 'Bulwark records one point a day once images are scanned.'));
}

function recommendationsCard(items) {
  return card('Top recommendations', {testid: 'overview-recommendations'},
    items.length
      ? h('ul', {class: 'item-list'}, items.map((r) => h('li', {testid: 'overview-recommendation'},
        severityBadge(r.severity),
        h('a', {href: `#/recommendations/${encodeURIComponent(r.id)}`, class: 'item-title'}, r.title),
        h('span', {class: 'item-meta'}, plural(r.unhealthy, 'unhealthy resource')))))
      : emptyState('Nothing to fix', 'Every assessed resource is healthy.'),
    h('a', {class: 'card-more', href: '#/recommendations'}, 'All recommendations ›'));
}

function alertsCard(items) {
  return card('Recent security alerts', {testid: 'overview-alerts'},
    items.length
      ? h('ul', {class: 'item-list'}, items.map((a) => h('li', {testid: 'overview-alert'},
        severityBadge(a.severity),
        h('a', {href: '#/alerts', class: 'item-title'}, a.title),
        h('span', {class: 'item-meta'}, when(a.lastSeen), Number(a.count) > 1 ? ` · ×${num(a.count)}` : ''))))
      : emptyState('No active alerts', 'Detections from clusters and hosts appear here.'),
    h('a', {class: 'card-more', href: '#/alerts'}, 'All alerts ›'));
}
