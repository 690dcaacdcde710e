// DOM construction. Every piece of data reaches the page as a text node or
// an attribute value set through the DOM, never as parsed HTML, so nothing
// the API returns can inject markup or script.

const SVG_NS = 'http://www.w3.org/2000/svg';

// h builds an HTML element: h('a', {href: '#/', class: 'x', testid: 'y'},
// 'text', child, [more children]). Attribute keys: class, testid (becomes
// data-testid), dataset (object), on<event> (function), hidden/disabled/
// checked (booleans); anything else is set with setAttribute. Children may
// be nodes, strings, numbers, arrays, or null/false (skipped).
export function h(tag, attrs, ...children) {
  return build(document.createElement(tag), attrs, children);
}

// s builds an SVG element the same way as h.
export function s(tag, attrs, ...children) {
  return build(document.createElementNS(SVG_NS, tag), attrs, children);
}

function build(el, attrs, children) {
  for (const [key, value] of Object.entries(attrs || {})) {
    setAttr(el, key, value);
  }
  append(el, children);
  return el;
}

function setAttr(el, key, value) {
  if (value === null || value === undefined || value === false) return;
  if (key === 'style' || key === 'innerHTML' || key === 'srcdoc') {
    throw new Error(`h: refusing attribute ${key}`);
  }
  if (key.startsWith('on') && typeof value === 'function') {
    el.addEventListener(key.slice(2), value);
  } else if (key === 'testid') {
    el.dataset.testid = value;
  } else if (key === 'dataset') {
    Object.assign(el.dataset, value);
  } else if (key === 'class') {
    el.setAttribute('class', Array.isArray(value) ? value.filter(Boolean).join(' ') : value);
  } else if (value === true) {
    el.setAttribute(key, '');
  } else {
    el.setAttribute(key, String(value));
  }
}

// append adds children (see h) to a node.
export function append(el, children) {
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue;
    if (Array.isArray(child)) {
      append(el, child);
    } else if (child instanceof Node) {
      el.appendChild(child);
    } else {
      el.appendChild(document.createTextNode(String(child)));
    }
  }
  return el;
}

// replace swaps the children of el for the given ones.
export function replace(el, ...children) {
  el.replaceChildren();
  return append(el, children);
}

// safeURL returns an http(s) URL for use in href, or null for any other
// scheme (javascript:, data:, ...), so references from advisories cannot
// run script.
export function safeURL(raw) {
  if (typeof raw !== 'string' || raw === '') return null;
  try {
    const u = new URL(raw);
    return u.protocol === 'https:' || u.protocol === 'http:' ? u.href : null;
  } catch {
    return null;
  }
}

// externalLink is a link to another site that passes no referrer and no
// window handle.
export function externalLink(url, ...children) {
  const href = safeURL(url);
  if (!href) return h('span', null, ...children);
  return h('a', {href, target: '_blank', rel: 'noopener noreferrer', class: 'ext'}, ...children);
}
