// Bulwark dashboard: hash router, session and page shell. Each view is a
// module under views/ exporting {name, nav, title, needsAuth, render(ctx)};
// render fetches its data and returns the nodes of the page.
//
// The body carries data-view (the view's name) and, once the view shows its
// data, data-ready="1"; when loading failed it carries data-error instead.
// Browser tests wait on these.

import {ApiError, Unauthorized, api, setToken, token} from './api.js';
import {h, replace} from './dom.js';
import {errorBanner, loading} from './components.js';
import {loginView, setLoginMessage} from './views/login.js';
import {overviewView} from './views/overview.js';
import {recommendationsView} from './views/recommendations.js';
import {recommendationView} from './views/recommendation.js';
import {imagesView} from './views/images.js';
import {imageView} from './views/image.js';
import {registriesView} from './views/registries.js';
import {alertsView} from './views/alerts.js';
import {inventoryView} from './views/inventory.js';

const NEXT_KEY = 'bulwark.next';

// routes maps a path pattern to a view; ":name" captures one segment.
const routes = [
  ['/', overviewView],
  ['/login', loginView],
  ['/recommendations', recommendationsView],
  ['/recommendations/:id', recommendationView],
  ['/images', imagesView],
  ['/images/:id', imageView],
  ['/registries', registriesView],
  ['/alerts', alertsView],
  ['/inventory', inventoryView],
];

const notFoundView = {
  name: 'notfound',
  title: 'Not found',
  needsAuth: false,
  async render() {
    throw new ApiError(404, 'There is no such page in the dashboard.');
  },
};

let me = null; // {name, role} of the token's owner, once known
let seq = 0; // counts navigations, so a slow view cannot overwrite a newer one
let controller = null; // aborts the previous view's requests

// parseHash splits "#/images/12?q=x" into a path and query parameters.
function parseHash() {
  const raw = location.hash.replace(/^#/, '') || '/';
  const [path, qs] = raw.split('?', 2);
  return {path: path.replace(/\/+$/, '') || '/', query: new URLSearchParams(qs || '')};
}

function match(path) {
  const parts = path.split('/').filter(Boolean);
  for (const [pattern, view] of routes) {
    const want = pattern.split('/').filter(Boolean);
    if (want.length !== parts.length) continue;
    const params = {};
    const ok = want.every((w, i) => {
      if (w.startsWith(':')) {
        params[w.slice(1)] = decodeURIComponent(parts[i]);
        return true;
      }
      return w === parts[i];
    });
    if (ok) return {view, params};
  }
  return {view: notFoundView, params: {}};
}

// go navigates to a hash route; the same route re-renders.
function go(hash) {
  if (location.hash === hash) route();
  else location.hash = hash;
}

async function route() {
  const mine = ++seq;
  if (controller) controller.abort();
  controller = new AbortController();
  const {path, query} = parseHash();
  const {view, params} = match(path);
  const body = document.body;
  delete body.dataset.ready;
  delete body.dataset.error;
  body.dataset.view = view.name;
  if (view.needsAuth !== false && !token()) {
    sessionStorage.setItem(NEXT_KEY, location.hash || '#/');
    go('#/login');
    return;
  }
  showShell(view);
  const main = document.getElementById('main');
  replace(main, loading());
  const ctx = {
    params, query, path,
    signal: controller.signal,
    me: () => me,
    canWrite: () => Boolean(me) && me.role !== 'reader',
    refresh: () => { if (mine === seq) route(); },
    expired: (err) => { if (mine === seq) fail(main, err); },
    go,
    signedIn,
  };
  try {
    if (view.needsAuth !== false) await loadMe(controller.signal);
    const nodes = await view.render(ctx);
    if (mine !== seq) return;
    replace(main, nodes);
    document.title = `${typeof view.title === 'function' ? view.title(ctx) : view.title} · Bulwark`;
    body.dataset.ready = '1';
  } catch (err) {
    if (mine !== seq || err.name === 'AbortError') return;
    fail(main, err);
  }
}

function fail(main, err) {
  if (err instanceof Unauthorized) {
    me = null;
    setLoginMessage(`Signed out: ${sentence(err.message)} Paste a valid API token to continue.`);
    sessionStorage.setItem(NEXT_KEY, location.hash || '#/');
    go('#/login');
    return;
  }
  const message = err instanceof ApiError ? err.message : `The dashboard failed: ${err.message}`;
  const title = err instanceof ApiError && err.status === 404 ? 'Not found' : 'Could not load this page';
  replace(main, errorBanner(message, title),
    h('p', {class: 'error-actions'},
      h('button', {type: 'button', class: 'btn', testid: 'retry', onclick: () => route()}, 'Try again'), ' ',
      h('a', {class: 'btn btn-ghost', href: '#/'}, 'Go to the overview')));
  document.body.dataset.error = message;
  if (!(err instanceof ApiError)) console.error(err); // a bug in the dashboard itself
}

// sentence ends a server message with a full stop, for use inside prose.
function sentence(text) {
  return /[.!?]$/.test(text) ? text : `${text}.`;
}

async function loadMe(signal) {
  if (me) return;
  me = await api('/me', {signal});
  document.querySelector('[data-testid="user-name"]').textContent = me.name || '';
  const role = document.querySelector('[data-testid="user-role"]');
  role.textContent = me.role || '';
  role.dataset.role = me.role || '';
  document.body.classList.toggle('role-reader', me.role === 'reader');
}

function showShell(view) {
  document.body.classList.toggle('signed-out', view.needsAuth === false && view.name === 'login');
  for (const link of document.querySelectorAll('[data-nav]')) {
    const on = link.dataset.nav === view.nav;
    link.classList.toggle('active', on);
    if (on) link.setAttribute('aria-current', 'page');
    else link.removeAttribute('aria-current');
  }
}

// signedIn is called by the login view with a token that /me accepted.
function signedIn() {
  me = null; // loadMe fills the header on the next view
  const next = sessionStorage.getItem(NEXT_KEY);
  sessionStorage.removeItem(NEXT_KEY);
  go(next && next !== '#/login' ? next : '#/');
}

function signOut() {
  setToken('');
  me = null;
  setLoginMessage('You signed out.');
  go('#/login');
}

window.addEventListener('hashchange', route);
document.getElementById('logout').addEventListener('click', signOut);
route();
