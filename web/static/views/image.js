// #/images/{id}: one image, its verdict, the upgrades that fix its
// vulnerabilities, the vulnerabilities and the packages.

import {api} from '../api.js';
import {externalLink, h} from '../dom.js';
import {card, chips, emptyState, healthBadge, mono, pageHeader, severityBadge, stat, table} from '../components.js';
import {SEVERITIES, exactTime, num, plural, severityRank, shortDigest, when} from '../format.js';

export const imageView = {
  name: 'image',
  nav: 'images',
  title: 'Image',
  async render(ctx) {
    const data = await api(`/images/${encodeURIComponent(ctx.params.id)}`, {signal: ctx.signal});
    const img = data.image || {};
    const report = data.report;
    const packages = data.packages || [];
    const vulns = report ? vulnerabilities(report.findings || []) : [];
    const name = `${img.repository}${img.tags && img.tags.length ? ':' + img.tags[0] : '@' + shortDigest(img.digest)}`;
    return [
      h('nav', {class: 'crumbs'}, h('a', {href: '#/images'}, 'Images'), ' › ', img.repository),
      pageHeader([name, healthBadge(img)], img.registry),
      h('div', {class: 'grid grid-detail'}, factsCard(img, report), summaryCard(report)),
      report ? fixesCard(report.fixes || []) : null,
      tabs([
        {id: 'vulns', testid: 'tab-vulns', label: `Vulnerabilities (${num(vulns.length)})`,
          body: () => report ? vulnsPanel(vulns) : emptyState('Not scanned yet', 'The image is queued; its findings appear here once the scan finishes.')},
        {id: 'packages', testid: 'tab-packages', label: `Packages (${num(packages.length)})`, body: () => packagesPanel(packages)},
      ]),
    ];
  },
};

function factsCard(img, report) {
  const verdict = report && report.verdict;
  return card('Image', {testid: 'image-header'},
    verdict ? h('div', {class: ['verdict', verdict.healthy ? 'verdict-ok' : 'verdict-bad'], testid: 'image-verdict'},
      healthBadge({scanned: true, healthy: verdict.healthy}), ' ', verdict.reason) : null,
    h('dl', {class: 'facts facts-2'},
      h('dt', null, 'Repository'), h('dd', {class: 'wrap-anywhere'}, img.repository),
      h('dt', null, 'Registry'), h('dd', null, img.registry),
      h('dt', null, 'Digest'), h('dd', {class: 'wrap-anywhere', testid: 'image-digest'}, mono(img.digest)),
      h('dt', null, 'Tags'), h('dd', null, chips(img.tags)),
      h('dt', null, 'Operating system'), h('dd', null, img.os || '—'),
      h('dt', null, 'Packages'), h('dd', null, num(img.packages)),
      h('dt', null, 'Pushed'), h('dd', null, when(img.pushedAt)),
      h('dt', null, 'Last pulled'), h('dd', null, when(img.pulledAt)),
      h('dt', null, 'Scanned'), h('dd', null, when(img.scannedAt, 'never')),
      h('dt', null, 'First seen'), h('dd', {title: exactTime(img.firstSeen)}, when(img.firstSeen)),
      img.deleted ? [h('dt', null, 'Status'), h('dd', {class: 'bad-text'}, 'deleted from the registry')] : null));
}

function summaryCard(report) {
  if (!report) return card('Findings', null, emptyState('No scan report', 'This image has not been scanned yet.'));
  const sum = report.summary || {};
  const by = sum.bySeverity || {};
  return card('Findings', {testid: 'image-summary'},
    h('div', {class: 'stats'},
      stat('Vulnerabilities', sum.total, {testid: 'image-total'}),
      stat('Fixable', sum.fixable, {tone: 'good'}),
      stat('Upgrades', sum.upgrades),
      stat('High + critical', sum.highCritical, {tone: Number(sum.highCritical) ? 'bad' : null})),
    h('ul', {class: 'sev-list sev-list-row'}, SEVERITIES.map((sev) => h('li', null,
      severityBadge(sev), h('span', {class: 'sev-count', testid: 'severity-count', dataset: {severity: sev}}, num(by[sev]))))),
    Number(sum.highCritical) ? h('p', {class: 'hint'},
      `${num(sum.highCriticalFixed)} of ${num(sum.highCritical)} high and critical findings have a fix.`) : null);
}

function fixesCard(fixes) {
  const sorted = [...fixes].sort((a, b) =>
    severityRank(a.highestSeverity) - severityRank(b.highestSeverity) || (b.fixes || []).length - (a.fixes || []).length);
  return card(`Remediation (${plural(sorted.length, 'upgrade')})`, {testid: 'fixes-list', class: 'card-wide'},
    sorted.length
      ? h('ol', {class: 'fix-list'}, sorted.map(fixRow))
      : emptyState('No upgrade fixes anything', 'No fixed version is known for the remaining vulnerabilities.'));
}

function fixRow(fix) {
  const ids = fix.fixes || [];
  const open = fix.open || [];
  return h('li', {class: 'fix', testid: 'fix-row'},
    severityBadge(fix.highestSeverity),
    h('span', {class: 'fix-text'}, 'Upgrade ', h('strong', null, (fix.package || {}).name), ' from ',
      mono(fix.installedVersion), ' to ', mono(fix.fixedVersion)),
    h('span', {class: 'fix-count'}, 'fixes ', plural(ids.length, 'vulnerability', 'vulnerabilities')),
    h('span', {class: 'fix-ids'}, ids.slice(0, 4).join(', '), ids.length > 4 ? ` +${ids.length - 4} more` : ''),
    open.length ? h('span', {class: 'fix-open'}, `${num(open.length)} stay open`) : null);
}

// tabs shows one panel at a time; each panel is built on first display.
function tabs(list) {
  const bar = h('div', {class: 'tabs', role: 'tablist'});
  const panels = h('div', {class: 'tab-panels'});
  const built = new Map();
  const show = (id) => {
    for (const btn of bar.children) {
      const on = btn.dataset.tab === id;
      btn.classList.toggle('tab-on', on);
      btn.setAttribute('aria-selected', String(on));
    }
    for (const p of panels.children) p.hidden = p.dataset.tab !== id;
    if (!built.has(id)) {
      const panel = h('div', {role: 'tabpanel', dataset: {tab: id}}, list.find((t) => t.id === id).body());
      built.set(id, panel);
      panels.appendChild(panel);
    }
  };
  for (const t of list) {
    bar.appendChild(h('button', {type: 'button', role: 'tab', class: 'tab', dataset: {tab: t.id}, testid: t.testid,
      onclick: () => show(t.id)}, t.label));
  }
  show(list[0].id);
  return h('section', {class: 'card card-wide'}, bar, panels);
}

// vulnerabilities reads the vulnerability findings of a report (the
// shared finding model: rule ID, severity, location, references, and the
// vulnerability detail) into the rows of the vulnerabilities table.
function vulnerabilities(findings) {
  return findings.filter((f) => f.vulnerability).map((f) => {
    const v = f.vulnerability;
    const loc = f.location || {};
    return {id: f.ruleID, aliases: v.aliases, package: v.package, installedVersion: v.installedVersion,
      fixedVersion: v.fixedVersion, status: v.fix, title: f.title, references: f.references,
      rating: {severity: f.severity, score: v.score, vector: v.vector, source: v.ratedBy}, layer: loc.layer, path: loc.path};
  });
}

function vulnsPanel(vulns) {
  if (!vulns.length) return emptyState('No vulnerabilities', 'No known vulnerability affects the packages of this image.');
  const sorted = [...vulns].sort((a, b) =>
    severityRank((a.rating || {}).severity) - severityRank((b.rating || {}).severity) ||
    ((b.rating || {}).score || 0) - ((a.rating || {}).score || 0) || String(a.id).localeCompare(String(b.id)));
  const rows = sorted.map(vulnRow);
  const filter = h('input', {type: 'search', class: 'search', placeholder: 'Filter by ID, package or title',
    'aria-label': 'Filter vulnerabilities', testid: 'vulns-filter',
    oninput: () => {
      const text = filter.value.trim().toLowerCase();
      for (const r of rows) r.hidden = text !== '' && !r.dataset.search.includes(text);
    }});
  return [h('div', {class: 'toolbar'}, filter),
    table('vulns-table', ['ID', 'Package', 'Installed', 'Fixed in', 'Severity', 'Status', 'Title', 'Layer'], rows)];
}

function vulnRow(v) {
  const pkg = v.package || {};
  const rating = v.rating || {};
  const refs = (v.references || []).filter(Boolean);
  return h('tr', {testid: 'vuln-row', dataset: {id: v.id, search: [v.id, ...(v.aliases || []), pkg.name, v.title].join(' ').toLowerCase()}},
    h('td', {class: 'nowrap'}, refs.length ? externalLink(refs[0], v.id) : h('span', null, v.id),
      v.aliases && v.aliases.length ? h('div', {class: 'sub'}, v.aliases.slice(0, 2).join(', ')) : null),
    h('td', null, h('span', {class: 'strong'}, pkg.name), h('div', {class: 'sub'}, pkg.type || pkg.ecosystem || '')),
    h('td', {class: 'mono nowrap'}, v.installedVersion),
    h('td', {class: 'mono nowrap'}, v.fixedVersion || h('span', {class: 'muted'}, '—')),
    h('td', {class: 'nowrap', title: [rating.vector, rating.source].filter(Boolean).join(' · ') || null}, severityBadge(rating.severity, rating.score),
      rating.source ? h('div', {class: 'sub', testid: 'severity-source'}, ratedBy(rating.source)) : null),
    h('td', null, h('span', {class: ['status', `status-${v.status}`]}, statusLabel(v.status))),
    h('td', {class: 'wrap', title: v.title || null}, h('span', {class: 'clamp'}, v.title)),
    h('td', {class: 'nowrap', title: [v.layer, v.path].filter(Boolean).join('\n') || null}, v.layer ? mono(shortLayer(v.layer)) : '—'));
}

// ratedBy names who set a finding's severity: "debian", "ghsa", or, when
// the rating came from an aliased record, "nvd:CVE-2021-44906".
function ratedBy(source) {
  const [rater, record] = String(source).split(/:(.*)/s);
  const names = {nvd: 'NVD', ghsa: 'GitHub', debian: 'Debian', ubuntu: 'Ubuntu', redhat: 'Red Hat', alpine: 'Alpine', suse: 'SUSE'};
  const who = names[rater] || rater.toUpperCase();
  return record ? `by ${who} (${record})` : `by ${who}`;
}

// shortLayer shows a layer digest by the first 12 hex digits, as docker
// history does.
function shortLayer(digest) {
  return shortDigest(digest).replace(/^sha256:/, '');
}

function statusLabel(status) {
  return {fixed: 'Fix available', affected: 'No fix yet', 'wont-fix': 'Won’t fix', 'could-not-compare': 'Not compared'}[status] || status || '—';
}

function packagesPanel(packages) {
  if (!packages.length) return emptyState('No packages', 'No package was catalogued in this image.');
  const sorted = [...packages].sort((a, b) => String(a.name).localeCompare(String(b.name)));
  return table('packages-table', ['Name', 'Version', 'Type', 'Ecosystem', 'Location', 'Layer'],
    sorted.map((p) => h('tr', {testid: 'package-row'},
      h('td', {class: 'strong', title: p.purl || null}, p.name),
      h('td', {class: 'mono wrap-anywhere'}, p.version),
      h('td', null, p.type || '—'),
      h('td', null, p.ecosystem || '—'),
      h('td', {class: 'mono wrap-anywhere sub'}, p.path || '—'),
      h('td', {class: 'nowrap', title: p.layer || null}, p.layer ? mono(shortLayer(p.layer)) : '—'))));
}
