// Charts drawn as inline SVG from API data; colours come from CSS classes.

import {h, s} from './dom.js';
import {SEVERITIES, num} from './format.js';

// donut draws a ring of segments [{key, label, value}] with the total in
// the middle; each segment is coloured by the class fill-<key>.
export function donut(testid, segments, centerLabel) {
  const total = segments.reduce((sum, x) => sum + (Number(x.value) || 0), 0);
  const r = 46;
  const circumference = 2 * Math.PI * r;
  const svg = s('svg', {viewBox: '0 0 120 120', class: 'donut', role: 'img', testid,
    'aria-label': segments.map((x) => `${x.label}: ${x.value}`).join(', ')});
  svg.appendChild(s('circle', {cx: 60, cy: 60, r, class: 'donut-track'}));
  let offset = 0;
  for (const seg of segments) {
    const value = Number(seg.value) || 0;
    if (!total || !value) continue;
    const len = (value / total) * circumference;
    svg.appendChild(s('circle', {
      cx: 60, cy: 60, r,
      class: ['donut-seg', `stroke-${seg.key}`],
      'stroke-dasharray': `${len} ${circumference - len}`,
      'stroke-dashoffset': String(-offset),
      transform: 'rotate(-90 60 60)',
    }, s('title', null, `${seg.label}: ${num(value)}`)));
    offset += len;
  }
  svg.appendChild(s('text', {x: 60, y: 58, class: 'donut-total'}, num(total)));
  svg.appendChild(s('text', {x: 60, y: 74, class: 'donut-label'}, centerLabel));
  return svg;
}

// stackedBar draws one horizontal bar split by segments [{key, value}].
export function stackedBar(testid, segments) {
  const total = segments.reduce((sum, x) => sum + (Number(x.value) || 0), 0);
  const bar = h('div', {class: 'stacked-bar', testid, role: 'img',
    'aria-label': segments.map((x) => `${x.key}: ${x.value}`).join(', ')});
  for (const seg of segments) {
    const value = Number(seg.value) || 0;
    if (!total || !value) continue;
    const part = h('span', {class: ['stacked-part', `bg-${seg.key}`], title: `${seg.key}: ${num(value)}`});
    // CSSOM assignment, which the style-src CSP allows (a style attribute
    // would not be).
    part.style.width = `${(value / total) * 100}%`;
    bar.appendChild(part);
  }
  return bar;
}

const W = 1100;
const H = 240;
const PAD = {left: 44, right: 12, top: 12, bottom: 28};

// findingsChart draws open findings per day as areas stacked by severity,
// worst at the bottom, from the overview's history.
export function findingsChart(history) {
  const days = history.length === 1 ? [history[0], history[0]] : history;
  const totals = days.map((d) => SEVERITIES.reduce((sum, sev) => sum + (Number(d[sev]) || 0), 0));
  const max = niceMax(Math.max(1, ...totals));
  const x = (i) => PAD.left + (i * (W - PAD.left - PAD.right)) / Math.max(1, days.length - 1);
  const y = (v) => H - PAD.bottom - (v * (H - PAD.top - PAD.bottom)) / max;
  const svg = s('svg', {viewBox: `0 0 ${W} ${H}`, class: 'chart', role: 'img', testid: 'chart-findings',
    'aria-label': 'Open findings per day by severity'});
  svg.appendChild(grid(max, y));
  let lower = days.map(() => 0);
  for (const sev of SEVERITIES) {
    const upper = days.map((d, i) => lower[i] + (Number(d[sev]) || 0));
    if (upper.some((v, i) => v !== lower[i])) {
      svg.appendChild(area(sev, lower, upper, x, y));
    }
    lower = upper;
  }
  svg.appendChild(xLabels(history, x));
  svg.appendChild(hoverTargets(history, days.length, x));
  return svg;
}

function area(sev, lower, upper, x, y) {
  const top = upper.map((v, i) => `${x(i).toFixed(1)},${y(v).toFixed(1)}`);
  const bottom = lower.map((v, i) => `${x(i).toFixed(1)},${y(v).toFixed(1)}`).reverse();
  return s('g', {class: 'series', dataset: {severity: sev}},
    s('polygon', {points: top.concat(bottom).join(' '), class: ['area', `fill-${sev}`]}),
    s('polyline', {points: top.join(' '), class: ['line', `stroke-${sev}`]}));
}

function grid(max, y) {
  const g = s('g', {class: 'grid'});
  for (const v of [0, max / 2, max]) {
    g.appendChild(s('line', {x1: PAD.left, x2: W - PAD.right, y1: y(v), y2: y(v)}));
    g.appendChild(s('text', {x: PAD.left - 6, y: y(v) + 4, class: 'axis-y'}, num(v)));
  }
  return g;
}

function xLabels(history, x) {
  const g = s('g', {class: 'axis-x'});
  const picks = new Set([0, Math.floor((history.length - 1) / 2), history.length - 1]);
  for (const i of picks) {
    const xi = history.length === 1 ? (x(0) + x(1)) / 2 : x(i);
    const anchor = i === 0 && history.length > 1 ? 'start' : i === history.length - 1 && history.length > 1 ? 'end' : 'middle';
    g.appendChild(s('text', {x: xi, y: H - 8, 'text-anchor': anchor}, shortDay(history[i].day)));
  }
  return g;
}

// hoverTargets lays a transparent column over each day whose tooltip lists
// that day's counts.
function hoverTargets(history, n, x) {
  const g = s('g', {class: 'hover'});
  const step = (W - PAD.left - PAD.right) / Math.max(1, n - 1);
  history.forEach((d, i) => {
    const left = history.length === 1 ? PAD.left : x(i) - step / 2;
    const width = history.length === 1 ? W - PAD.left - PAD.right : step;
    const text = [d.day, ...SEVERITIES.map((sev) => `${sev}: ${num(d[sev])}`),
      `images: ${num(d.images)} (${num(d.unhealthy)} unhealthy)`].join('\n');
    g.appendChild(s('rect', {x: Math.max(PAD.left, left), y: PAD.top, width: Math.max(1, width),
      height: H - PAD.top - PAD.bottom, class: 'hover-col'}, s('title', null, text)));
  });
  return g;
}

// niceMax rounds a maximum up to a round number whose half is round too,
// for the middle grid line.
function niceMax(v) {
  const p = 10 ** Math.floor(Math.log10(v));
  for (const m of [1, 2, 3, 4, 6, 8, 10]) {
    if (v <= m * p) return Math.max(2, m * p);
  }
  return v;
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

function shortDay(day) {
  const m = /^(\d{4})-(\d{2})-(\d{2})/.exec(String(day || ''));
  return m ? `${MONTHS[Number(m[2]) - 1] || m[2]} ${Number(m[3])}` : String(day || '');
}

// legend lists the severities with their colour swatches.
export function severityLegend() {
  return h('div', {class: 'legend'}, SEVERITIES.map((sev) =>
    h('span', {class: 'legend-item'}, h('span', {class: ['swatch', `bg-${sev}`]}), sev)));
}
