// Formatting of the values the API returns: times, counts, digests.

import {h} from './dom.js';

// SEVERITIES lists the severities from worst to least known.
export const SEVERITIES = ['critical', 'high', 'medium', 'low', 'informational', 'unknown'];

// severityRank orders severities, worst first; an unknown word sorts last.
export function severityRank(sev) {
  const i = SEVERITIES.indexOf(String(sev || '').toLowerCase());
  return i < 0 ? SEVERITIES.length : i;
}

// severityKey returns the severity as one of SEVERITIES.
export function severityKey(sev) {
  const key = String(sev || '').toLowerCase();
  return SEVERITIES.includes(key) ? key : 'unknown';
}

// num formats a count with thousands separators; a missing one is 0.
export function num(n) {
  const v = Number(n);
  return Number.isFinite(v) ? v.toLocaleString('en-US') : '0';
}

// exactTime formats an RFC 3339 time as "2026-11-25 14:03 UTC".
export function exactTime(iso) {
  const d = parseTime(iso);
  if (!d) return '';
  return d.toISOString().slice(0, 16).replace('T', ' ') + ' UTC';
}

// relativeTime formats a time as "5 min ago", "3 h ago", "2 d ago".
export function relativeTime(iso, now = Date.now()) {
  const d = parseTime(iso);
  if (!d) return '';
  const sec = Math.round((now - d.getTime()) / 1000);
  const future = sec < 0;
  const abs = Math.abs(sec);
  let text;
  if (abs < 45) text = 'just now';
  else if (abs < 3600) text = `${Math.round(abs / 60)} min`;
  else if (abs < 86400) text = `${Math.round(abs / 3600)} h`;
  else if (abs < 86400 * 60) text = `${Math.round(abs / 86400)} d`;
  else return exactTime(iso).slice(0, 10);
  if (text === 'just now') return text;
  return future ? `in ${text}` : `${text} ago`;
}

// when renders a time as its relative form, with the exact time on hover;
// a missing time renders as the fallback.
export function when(iso, fallback = '—') {
  const d = parseTime(iso);
  if (!d) return h('span', {class: 'muted'}, fallback);
  return h('time', {datetime: d.toISOString(), title: exactTime(iso)}, relativeTime(iso));
}

function parseTime(iso) {
  if (!iso) return null;
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? null : d;
}

// shortDigest shortens "sha256:0123…" to "sha256:0123456789ab".
export function shortDigest(digest) {
  const text = String(digest || '');
  const [algo, hex] = text.includes(':') ? text.split(':', 2) : ['', text];
  const short = hex.length > 12 ? hex.slice(0, 12) : hex;
  return algo ? `${algo}:${short}` : short;
}

// plural returns "1 image" or "3 images".
export function plural(n, one, many = one + 's') {
  return `${num(n)} ${Number(n) === 1 ? one : many}`;
}
