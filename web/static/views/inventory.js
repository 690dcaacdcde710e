// #/inventory: what Bulwark knows about, counted, with registries and
// repositories listed.

import {api} from '../api.js';
import {h} from '../dom.js';
import {card, emptyState, pageHeader, stat, table} from '../components.js';
import {num, when} from '../format.js';

const KINDS = [
  ['registries', 'Registries', '#/registries'],
  ['repositories', 'Repositories', null],
  ['images', 'Images', '#/images'],
  ['clusters', 'Clusters', null],
  ['nodes', 'Nodes', null],
  ['workloads', 'Workloads', null],
  ['hosts', 'Hosts', null],
];

export const inventoryView = {
  name: 'inventory',
  nav: 'inventory',
  title: 'Inventory',
  async render(ctx) {
    const data = await api('/inventory', {signal: ctx.signal});
    const counts = data.counts || {};
    const registries = data.registries || [];
    const repositories = data.repositories || [];
    return [
      pageHeader('Inventory', 'Every asset Bulwark has seen.'),
      h('div', {class: 'stat-strip', testid: 'inventory-counts'},
        KINDS.map(([key, label, href]) => h('div', {class: 'stat-cell', dataset: {kind: key}, testid: 'inventory-count'},
          stat(label, counts[key], {href, testid: `inventory-${key}`})))),
      h('div', {class: 'grid grid-inventory'},
        card(`Registries (${num(registries.length)})`, null,
          registries.length
            ? table('inventory-registries', ['Name', 'Host', {label: 'Repositories', class: 'num'}, {label: 'Images', class: 'num'}],
              registries.map((r) => h('tr', {testid: 'inventory-registry'},
                h('td', {class: 'strong'}, r.name),
                h('td', {class: 'mono'}, r.host),
                h('td', {class: 'num'}, num(r.repositories)),
                h('td', {class: 'num'}, num(r.images)))))
            : emptyState('No registries', null, h('a', {class: 'btn', href: '#/registries'}, 'Connect a registry'))),
        card(`Repositories (${num(repositories.length)})`, null,
          repositories.length
            ? table('inventory-repositories', ['Repository', 'Registry', {label: 'Images', class: 'num'}, {label: 'Unhealthy', class: 'num'}, 'Last seen'],
              repositories.map((r) => h('tr', {testid: 'inventory-repository'},
                h('td', {class: 'wrap-anywhere'}, h('a', {href: `#/images?q=${encodeURIComponent(r.repository)}`, class: 'strong'}, r.repository)),
                h('td', {class: 'mono'}, r.registry),
                h('td', {class: 'num'}, num(r.images)),
                h('td', {class: ['num', Number(r.unhealthy) > 0 && 'bad-text']}, num(r.unhealthy)),
                h('td', null, when(r.lastSeen)))))
            : emptyState('No repositories', 'Repositories appear once a registry has been synced.'))),
    ];
  },
};
