// Web Push in the browser (SPEC §8): registers the service worker (/sw.js) and subscribes this
// browser with the server's VAPID key, so that the server can notify the user while no Banter
// page is open. This module never asks for permission: the UI that asks calls enablePush() once
// Notification.permission is 'granted' (main.js renews the subscription of a browser that
// granted it before). See docs/web-client.md.

import { lang } from './i18n.js';

const SUBSCRIPTION_KEY = 'banter.pushSubscription';

/** Whether this browser can receive Web Push at all. */
export function pushSupported() {
  return 'serviceWorker' in navigator && 'PushManager' in window && 'Notification' in window;
}

function bytes(base64url) {
  const b64 = base64url.replace(/-/g, '+').replace(/_/g, '/');
  const raw = atob(b64 + '='.repeat((4 - (b64.length % 4)) % 4));
  return Uint8Array.from(raw, (c) => c.charCodeAt(0));
}

function sameBytes(a, b) {
  if (!a || !b) return false;
  const x = new Uint8Array(a);
  const y = new Uint8Array(b);
  return x.length === y.length && x.every((v, i) => v === y[i]);
}

/**
 * Registers /sw.js (idempotent) and waits until it is active. The address carries the page's
 * language, which the worker's notifications use; another language replaces the worker.
 */
export async function registerWorker() {
  await navigator.serviceWorker.register(`/sw.js?lang=${lang()}`, { scope: '/' });
  return navigator.serviceWorker.ready;
}

/**
 * Subscribes this browser and hands the subscription to the server; returns its id.
 * `api` is api.js's `api(method, path, body)`. Call only once the user granted notifications.
 */
export async function enablePush(api) {
  if (!pushSupported()) throw new Error('this browser has no Web Push');
  if (Notification.permission !== 'granted') throw new Error('notifications are not allowed');
  const registration = await registerWorker();
  const { public_key: key } = await api('GET', '/api/v1/push/key');
  const applicationServerKey = bytes(key);
  let sub = await registration.pushManager.getSubscription();
  if (sub && !sameBytes(sub.options && sub.options.applicationServerKey, applicationServerKey)) {
    await sub.unsubscribe(); // made for another server key: push services would refuse it
    sub = null;
  }
  if (!sub) sub = await registration.pushManager.subscribe({ userVisibleOnly: true, applicationServerKey });
  const { endpoint, keys } = sub.toJSON();
  const { id } = await api('POST', '/api/v1/push/subscriptions', { endpoint, keys });
  localStorage.setItem(SUBSCRIPTION_KEY, id);
  return id;
}

/** Forgets this browser's subscription here and on the server (signing out). Never throws. */
export async function disablePush(api) {
  const id = localStorage.getItem(SUBSCRIPTION_KEY);
  localStorage.removeItem(SUBSCRIPTION_KEY);
  try {
    if (id) await api('DELETE', `/api/v1/push/subscriptions/${encodeURIComponent(id)}`);
    if (!pushSupported()) return;
    const registration = await navigator.serviceWorker.getRegistration('/');
    const sub = registration && (await registration.pushManager.getSubscription());
    if (sub) await sub.unsubscribe();
  } catch {
    /* offline or already gone: the push service's 410 removes it later */
  }
}

/** Calls `open(roomId)` when a clicked notification asks an open page to show its room. */
export function onNotificationClicked(open) {
  if (!('serviceWorker' in navigator)) return;
  navigator.serviceWorker.addEventListener('message', (event) => {
    if (event.data && event.data.type === 'banter.open_room' && event.data.room_id) open(event.data.room_id);
  });
}
