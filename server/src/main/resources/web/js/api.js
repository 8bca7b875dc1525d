// REST client: the session (tokens), refresh before expiry, one retry after a 401.
// Tokens live in localStorage under one key so a reload keeps the session; see docs/web-client.md.

import { S } from './strings.js';

const KEY = 'banter.session';
const REFRESH_AT = 0.8; // refresh at 80% of the access token's lifetime

export class ApiError extends Error {
  constructor(status, code, message, details) {
    super(message || code || `HTTP ${status}`);
    this.status = status;
    this.code = code;
    this.details = details || {};
  }
}

let session = load();
let timer = null;
let inflight = null;
let onEnd = () => {};
const onChangeListeners = [];

function load() {
  try {
    const s = JSON.parse(localStorage.getItem(KEY));
    return s && s.access_token && s.refresh_token ? s : null;
  } catch {
    return null;
  }
}

/** Called when the session ends for good (refresh refused): the app shows the login screen. */
export function onSessionEnded(fn) {
  onEnd = fn;
}

export function onSessionChanged(fn) {
  onChangeListeners.push(fn);
}

export function currentSession() {
  return session;
}

export function accessToken() {
  return session && session.access_token;
}

/** Keeps the answer of register/login/guest/refresh and schedules the next refresh. */
export function startSession(reply) {
  const ttl = Math.max(1, Number(reply.expires_in) || 900) * 1000;
  session = {
    access_token: reply.access_token,
    refresh_token: reply.refresh_token,
    ttl_ms: ttl,
    expires_at: Date.now() + ttl,
    user: reply.user || (session && session.user),
  };
  localStorage.setItem(KEY, JSON.stringify(session));
  schedule();
  onChangeListeners.forEach((fn) => fn(session));
}

export function resumeSession() {
  if (session) schedule();
  return session;
}

function schedule() {
  clearTimeout(timer);
  if (!session) return;
  const at = session.expires_at - session.ttl_ms * (1 - REFRESH_AT);
  timer = setTimeout(() => refresh().catch(() => retryLater()), Math.max(0, at - Date.now()));
}

function retryLater() {
  clearTimeout(timer);
  timer = setTimeout(() => refresh().catch(() => retryLater()), 5000);
}

function endSession(reason) {
  clearTimeout(timer);
  session = null;
  localStorage.removeItem(KEY);
  onEnd(reason);
}

/** Clears the session locally (no server call), e.g. after a sign-out. */
export function forgetSession() {
  clearTimeout(timer);
  session = null;
  localStorage.removeItem(KEY);
}

function withLock(fn) {
  // Tabs share localStorage; a lock keeps two tabs from spending the same refresh token
  // (which the server treats as theft and answers by revoking the whole family).
  if (navigator.locks && navigator.locks.request) return navigator.locks.request('banter-refresh', fn);
  return fn();
}

/** Trades the refresh token for a new pair. Resolves true, or false when the session ended. */
export function refresh() {
  if (!inflight) inflight = withLock(doRefresh).finally(() => { inflight = null; });
  return inflight;
}

async function doRefresh() {
  if (!session) return false;
  const stored = load();
  if (stored && stored.refresh_token !== session.refresh_token && stored.expires_at > Date.now() + 1000) {
    session = stored; // another tab already refreshed
    schedule();
    onChangeListeners.forEach((fn) => fn(session));
    return true;
  }
  let res;
  try {
    res = await fetch('/api/v1/auth/refresh', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ refresh_token: session.refresh_token }),
    });
  } catch (e) {
    throw new ApiError(0, 'network', S.unreachable);
  }
  if (res.ok) {
    startSession(await res.json());
    return true;
  }
  if (res.status === 401 || res.status === 403 || res.status === 400 || res.status === 422) {
    endSession('expired');
    return false;
  }
  throw new ApiError(res.status, 'unavailable', S.refreshFailed);
}

/** A fresh enough access token (refreshes first when it is about to expire). */
export async function freshToken() {
  if (!session) return null;
  if (session.expires_at - Date.now() < 2000) {
    const ok = await refresh();
    if (!ok) return null;
  }
  return session && session.access_token;
}

async function send(method, path, body, token) {
  const headers = {};
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  if (token) headers.Authorization = `Bearer ${token}`;
  try {
    return await fetch(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  } catch (e) {
    throw new ApiError(0, 'network', S.unreachable);
  }
}

async function parse(res) {
  if (res.status === 204) return null;
  let json = null;
  try { json = await res.json(); } catch { json = null; }
  if (res.ok) return json;
  const err = (json && json.error) || {};
  throw new ApiError(res.status, err.code, err.message, err.details);
}

/** An authenticated API call; a 401 refreshes the session and retries once. */
export async function api(method, path, body) {
  const token = await freshToken();
  let res = await send(method, path, body, token);
  if (res.status === 401 && session) {
    if (await refresh()) res = await send(method, path, body, session.access_token);
  }
  return parse(res);
}

/** A call without a session (register, login, guest). */
export async function publicCall(method, path, body) {
  return parse(await send(method, path, body, null));
}

export async function signOut() {
  const s = session;
  forgetSession();
  if (s) {
    try { await send('POST', '/api/v1/auth/logout', { refresh_token: s.refresh_token }, null); } catch { /* offline: the token expires on its own */ }
  }
}
