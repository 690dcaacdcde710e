// #/login: the user pastes an API token; it is checked against /me before
// it is kept.

import {Unauthorized, api, setToken} from '../api.js';
import {h, replace} from '../dom.js';

let pending = ''; // a message for the next showing of the form

// setLoginMessage sets the notice the login form shows next (why the user
// is here: signed out, token expired...).
export function setLoginMessage(text) {
  pending = text;
}

export const loginView = {
  name: 'login',
  title: 'Sign in',
  needsAuth: false,
  async render(ctx) {
    const notice = h('p', {class: 'login-message', testid: 'login-message', role: 'status', hidden: !pending}, pending);
    pending = '';
    const input = h('textarea', {id: 'token', name: 'token', rows: 3, required: true, spellcheck: 'false',
      autocomplete: 'off', placeholder: 'bwk_…', testid: 'login-token'});
    const submit = h('button', {type: 'submit', class: 'btn btn-primary', testid: 'login-submit'}, 'Sign in');
    const form = h('form', {class: 'login-form', testid: 'login-form', onsubmit: (ev) => {
      ev.preventDefault();
      signIn(ctx, input.value.trim(), notice, submit);
    }},
    h('label', {for: 'token'}, 'API token'),
    input,
    h('p', {class: 'hint'}, 'The server prints the first admin token when it starts. The token is kept in this browser tab only.'),
    submit);
    return h('div', {class: 'login-page'},
      h('div', {class: 'login-card'},
        h('h1', null, 'Sign in'),
        notice,
        form));
  },
};

async function signIn(ctx, value, notice, submit) {
  if (!value) return;
  submit.disabled = true;
  setToken(value);
  try {
    await api('/me');
    ctx.signedIn();
  } catch (err) {
    setToken('');
    const text = err instanceof Unauthorized ? `That token was rejected: ${err.message}` : err.message;
    replace(notice, text);
    notice.hidden = false;
    notice.classList.add('login-error');
  } finally {
    submit.disabled = false;
  }
}
