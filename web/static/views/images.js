// #/images: registry images with health filter, search and paging; the
// filter lives in the hash (#/images?health=unhealthy&q=debian&offset=50)
// so that a filtered list can be linked to.

import {api, query} from '../api.js';
import {h} from '../dom.js';
import {emptyState, healthBadge, mono, pageHeader, pager, segmented, severityCounts, table} from '../components.js';
import {num, shortDigest, when} from '../format.js';

const LIMIT = 50;
const HEALTH = [
  {value: '', label: 'All'},
  {value: 'unhealthy', label: 'Unhealthy'},
  {value: 'healthy', label: 'Healthy'},
  {value: 'unscanned', label: 'Not scanned'},
];

let refocusSearch = false; // the search box had focus before the re-render

export const imagesView = {
  name: 'images',
  nav: 'images',
  title: 'Images',
  async render(ctx) {
    const health = HEALTH.some((o) => o.value === ctx.query.get('health')) ? ctx.query.get('health') : '';
    const q = ctx.query.get('q') || '';
    const offset = Math.max(0, Number.parseInt(ctx.query.get('offset') || '0', 10) || 0);
    const data = await api('/images' + query({health, q, limit: LIMIT, offset}), {signal: ctx.signal});
    const items = data.items || [];
    const total = Number(data.total) || 0;
    // A new filter or search starts again at the first page.
    const nav = (changes) => ctx.go('#/images' + query({health, q, ...changes}));
    return [
      pageHeader('Images', `${num(total)} ${health ? HEALTH.find((o) => o.value === health).label.toLowerCase() + ' ' : ''}images in connected registries.`),
      h('div', {class: 'toolbar'},
        segmented('images-filter', HEALTH, health, (value) => nav({health: value})),
        searchBox(q, (text) => nav({q: text})),
        h('span', {class: 'spacer'}),
        h('span', {class: 'muted', testid: 'images-total'}, `${num(total)} total`)),
      items.length
        ? [table('images-table', ['Image', 'Tags', 'Digest', 'OS', 'Health', 'Findings',
          {label: 'Fixable', class: 'num'}, {label: 'Packages', class: 'num'}, 'Scanned'], items.map(row)),
        total > LIMIT ? pager(offset, LIMIT, total, (o) => nav({offset: o})) : null]
        : emptyState(q || health ? 'No image matches this filter' : 'No images yet',
          q || health ? 'Clear the search or pick another filter.' : 'Connect a registry and push an image to it; Bulwark scans it on arrival.',
          q || health ? h('a', {class: 'btn', href: '#/images'}, 'Clear filter') : h('a', {class: 'btn', href: '#/registries'}, 'Connect a registry')),
    ];
  },
};

function searchBox(value, onsearch) {
  let timer = 0;
  const input = h('input', {type: 'search', class: 'search', placeholder: 'Search repository, tag or digest',
    value, testid: 'images-search', 'aria-label': 'Search images',
    oninput: () => {
      clearTimeout(timer);
      timer = setTimeout(() => { refocusSearch = true; onsearch(input.value.trim()); }, 350);
    },
    onkeydown: (ev) => {
      if (ev.key === 'Enter') { clearTimeout(timer); refocusSearch = true; onsearch(input.value.trim()); }
    }});
  if (refocusSearch) {
    refocusSearch = false;
    requestAnimationFrame(() => { input.focus(); input.setSelectionRange(input.value.length, input.value.length); });
  }
  return input;
}

function row(img) {
  const href = `#/images/${encodeURIComponent(img.id)}`;
  return h('tr', {testid: 'image-row', dataset: {id: String(img.id)}, class: img.deleted ? 'row-deleted' : null},
    h('td', {class: 'wrap-anywhere'},
      h('a', {href, class: 'strong'}, img.repository),
      h('div', {class: 'sub'}, img.registry, img.deleted ? h('span', {class: 'chip chip-muted'}, 'deleted') : null)),
    h('td', null, (img.tags || []).length ? h('span', {class: 'chips'}, img.tags.map((t) => h('span', {class: 'chip'}, t))) : h('span', {class: 'muted'}, 'untagged')),
    h('td', null, mono(shortDigest(img.digest), img.digest)),
    h('td', {class: 'wrap'}, img.os || h('span', {class: 'muted'}, '—')),
    h('td', null, healthBadge(img)),
    h('td', null, img.scanned ? severityCounts(img.counts) : h('span', {class: 'muted'}, '—')),
    h('td', {class: 'num'}, img.scanned ? num(img.fixable) : '—'),
    h('td', {class: 'num'}, img.scanned ? num(img.packages) : '—'),
    h('td', null, when(img.scannedAt, 'never')));
}
