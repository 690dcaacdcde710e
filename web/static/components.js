// The building blocks every view shares: page header, cards, tables,
// badges, empty, loading and error states.

import {h} from './dom.js';
import {SEVERITIES, num, severityKey} from './format.js';

// pageHeader is a view's title line with optional subtitle and actions.
export function pageHeader(title, subtitle, ...actions) {
  return h('div', {class: 'page-header'},
    h('div', null,
      h('h1', null, title),
      subtitle ? h('p', {class: 'page-sub'}, subtitle) : null),
    actions.length ? h('div', {class: 'page-actions'}, actions) : null);
}

// card is a titled panel; attrs go on the outer element.
export function card(title, attrs, ...body) {
  return h('section', {...attrs, class: ['card', attrs && attrs.class]},
    title ? h('h2', {class: 'card-title'}, title) : null,
    body);
}

// severityBadge shows a severity in its colour, with an optional score.
export function severityBadge(sev, score) {
  const key = severityKey(sev);
  const label = key === 'informational' ? 'Info' : key[0].toUpperCase() + key.slice(1);
  const hasScore = typeof score === 'number' && score > 0;
  return h('span', {class: ['badge', `sev-${key}`], dataset: {severity: key}, testid: 'severity-badge'},
    label, hasScore ? h('span', {class: 'badge-score'}, score.toFixed(1)) : null);
}

// healthBadge shows healthy / unhealthy / not scanned.
export function healthBadge(image) {
  if (!image.scanned) return h('span', {class: 'badge health-unscanned', testid: 'health-badge'}, 'Not scanned');
  return image.healthy
    ? h('span', {class: 'badge health-healthy', testid: 'health-badge'}, 'Healthy')
    : h('span', {class: 'badge health-unhealthy', testid: 'health-badge'}, 'Unhealthy');
}

// severityCounts shows the non-zero counts of a {critical: N, ...} object as
// small coloured chips, or a dash when all are zero.
export function severityCounts(counts) {
  const chips = SEVERITIES
    .filter((sev) => Number((counts || {})[sev]) > 0)
    .map((sev) => h('span', {class: ['count-chip', `sev-${sev}`], title: sev, dataset: {severity: sev}}, num(counts[sev])));
  return chips.length ? h('span', {class: 'count-chips'}, chips) : h('span', {class: 'muted'}, '—');
}

// table builds a table from column headings and rows (tr elements).
export function table(testid, headings, rows, attrs = {}) {
  return h('div', {class: 'table-wrap'},
    h('table', {...attrs, class: ['table', attrs.class], testid},
      h('thead', null, h('tr', null, headings.map((x) => h('th', {class: x.class}, x.label ?? x)))),
      h('tbody', null, rows)));
}

// emptyState tells the user there is nothing to show, and what to do.
export function emptyState(title, hint, ...actions) {
  return h('div', {class: 'empty', testid: 'empty-state'},
    h('div', {class: 'empty-icon', 'aria-hidden': 'true'}, '∅'),
    h('p', {class: 'empty-title'}, title),
    hint ? h('p', {class: 'empty-hint'}, hint) : null,
    actions);
}

// errorBanner shows a failure with the server's message.
export function errorBanner(message, title = 'Something went wrong') {
  return h('div', {class: 'banner banner-error', role: 'alert', testid: 'error-banner'},
    h('strong', null, title), ' ', h('span', {testid: 'error-message'}, message));
}

// infoBanner shows a neutral notice.
export function infoBanner(message) {
  return h('div', {class: 'banner banner-info', role: 'status'}, message);
}

// loading is the placeholder while a view fetches its data.
export function loading(text = 'Loading…') {
  return h('div', {class: 'loading', testid: 'loading', 'aria-busy': 'true'}, h('span', {class: 'spinner'}), text);
}

// stat is a large number with a label, optionally a link.
export function stat(label, value, {testid, href, tone} = {}) {
  const body = [h('span', {class: 'stat-value', testid}, num(value)), h('span', {class: 'stat-label'}, label)];
  return href
    ? h('a', {class: ['stat', tone && `tone-${tone}`], href}, body)
    : h('div', {class: ['stat', tone && `tone-${tone}`]}, body);
}

// button is a <button type="button">; kind is primary, danger, ghost or ''.
export function button(label, onclick, {kind = '', testid, small = false, title} = {}) {
  return h('button', {type: 'button', class: ['btn', kind && `btn-${kind}`, small && 'btn-small'], onclick, testid, title}, label);
}

// chips shows a list of short strings.
export function chips(items, cls = 'chip') {
  if (!items || !items.length) return h('span', {class: 'muted'}, '—');
  return h('span', {class: 'chips'}, items.map((x) => h('span', {class: cls}, x)));
}

// segmented is a row of filter buttons: options are [{value, label}], the
// current one is marked, and onpick gets the chosen value.
export function segmented(testid, options, current, onpick) {
  return h('div', {class: 'segmented', role: 'group', testid},
    options.map((o) => h('button', {
      type: 'button',
      class: ['seg', o.value === current && 'seg-on'],
      'aria-pressed': o.value === current ? 'true' : 'false',
      dataset: {value: o.value},
      onclick: () => onpick(o.value),
    }, o.label)));
}

// pager shows "1–50 of 120" with previous / next buttons.
export function pager(offset, limit, total, onpage) {
  const end = Math.min(offset + limit, total);
  return h('div', {class: 'pager', testid: 'pager'},
    h('span', {class: 'muted', testid: 'pager-range'}, total ? `${num(offset + 1)}–${num(end)} of ${num(total)}` : '0 of 0'),
    h('button', {type: 'button', class: 'btn btn-small', testid: 'pager-prev', disabled: offset <= 0, onclick: () => onpage(Math.max(0, offset - limit))}, '‹ Previous'),
    h('button', {type: 'button', class: 'btn btn-small', testid: 'pager-next', disabled: end >= total, onclick: () => onpage(offset + limit)}, 'Next ›'));
}

// mono shows an identifier in a fixed-width font, with the full value on
// hover when shortened.
export function mono(text, full) {
  return h('code', {class: 'mono', title: full && full !== text ? full : null}, text);
}
