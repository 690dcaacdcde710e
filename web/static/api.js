// The client of Bulwark's JSON API. The token lives in sessionStorage, so
// it is gone when the tab closes, and goes out as a bearer token on every
// request.

const TOKEN_KEY = 'bulwark.token';
const BASE = '/api/v1';

// ApiError is a failed request: status is the HTTP status (0 when the
// server could not be reached) and message the server's "error" text.
export class ApiError extends Error {
  constructor(status, message) {
    super(message);
    this.name = 'ApiError';
    this.status = status;
  }
}

// Unauthorized is a 401: the token is missing, wrong, or revoked.
export class Unauthorized extends ApiError {
  constructor(message) {
    super(401, message);
    this.name = 'Unauthorized';
  }
}

// token returns the stored API token, or ''.
export function token() {
  return sessionStorage.getItem(TOKEN_KEY) || '';
}

// setToken stores the API token for this tab; '' removes it.
export function setToken(value) {
  if (value) sessionStorage.setItem(TOKEN_KEY, value);
  else sessionStorage.removeItem(TOKEN_KEY);
}

// api sends one request to /api/v1 + path and returns the decoded JSON
// (null for an empty body). It throws Unauthorized on 401, after dropping
// the token, and ApiError on any other failure.
export async function api(path, {method = 'GET', body, signal} = {}) {
  const headers = {Accept: 'application/json'};
  const t = token();
  if (t) headers.Authorization = `Bearer ${t}`;
  const init = {method, headers, signal, cache: 'no-store', credentials: 'same-origin'};
  if (body !== undefined) {
    headers['Content-Type'] = 'application/json';
    init.body = JSON.stringify(body);
  }
  let resp;
  try {
    resp = await fetch(BASE + path, init);
  } catch (err) {
    if (err.name === 'AbortError') throw err;
    throw new ApiError(0, `Cannot reach the Bulwark server (${err.message}).`);
  }
  const data = await decode(resp);
  if (resp.status === 401) {
    setToken('');
    throw new Unauthorized(errorText(data, 'The API token was rejected.'));
  }
  if (!resp.ok) {
    throw new ApiError(resp.status, errorText(data, `${resp.status} ${resp.statusText}`.trim()));
  }
  return data;
}

async function decode(resp) {
  const text = await resp.text();
  if (!text) return null;
  try {
    return JSON.parse(text);
  } catch {
    if (!resp.ok) return null;
    throw new ApiError(resp.status, `The server sent a response that is not JSON (${resp.status}).`);
  }
}

function errorText(data, fallback) {
  return data && typeof data.error === 'string' && data.error ? data.error : fallback;
}

// query builds "?a=1&b=x" from the set values of an object.
export function query(params) {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) {
    if (v !== undefined && v !== null && v !== '') q.set(k, String(v));
  }
  const text = q.toString();
  return text ? `?${text}` : '';
}
