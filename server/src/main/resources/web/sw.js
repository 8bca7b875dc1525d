// Banter's service worker (served from the site root so its scope is the whole app). It shows
// a notification for each Web Push message (SPEC §8) and, when one is clicked, focuses an open
// Banter window on the room or opens one. No caching: the app needs the server anyway.
// A classic script, not a module, so every browser with Web Push can run it.

'use strict';

// Its few words in the page's language (#21). A worker cannot read the page's localStorage, and a
// classic worker cannot import strings.js, so the page registers `/sw.js?lang=ko` (push.js) and
// the worker keeps its own small table; a new language re-registers it under the new address.
const WORDS = {
  en: {
    activity: 'You have new activity.',
    someone: 'Someone',
    inRoom: (who, room) => `${who} in #${room}`,
  },
  ko: {
    activity: '새 활동이 있습니다.',
    someone: '누군가',
    inRoom: (who, room) => `#${room}의 ${who}`,
  },
};
const T = WORDS[new URL(self.location.href).searchParams.get('lang')] || WORDS.en;

self.addEventListener('install', () => self.skipWaiting());
self.addEventListener('activate', (event) => event.waitUntil(self.clients.claim()));

/** The title, options and room of a notification for a push payload (see PushPayload.java). */
function describe(payload) {
  if (!payload || payload.type !== 'notification' || !payload.message) {
    // userVisibleOnly: every push must show something, even one this version cannot read
    return { title: 'Banter', options: { body: T.activity, tag: 'banter', data: {} } };
  }
  const m = payload.message;
  const author = (m.author && (m.author.display_name || m.author.username)) || T.someone;
  const title = payload.room_name ? T.inRoom(author, payload.room_name) : author;
  return {
    title,
    options: {
      body: m.body || '',
      tag: `room:${payload.room_id}`, // a newer message of the room replaces the older notification
      renotify: true,
      data: { room_id: payload.room_id, message_id: m.id, seq: m.seq, reason: payload.reason },
    },
  };
}

function show(payload) {
  const { title, options } = describe(payload);
  return self.registration.showNotification(title, options);
}

self.addEventListener('push', (event) => {
  let payload = null;
  try {
    payload = event.data ? event.data.json() : null;
  } catch {
    payload = null; // not JSON: the generic notification
  }
  event.waitUntil(show(payload));
});

self.addEventListener('notificationclick', (event) => {
  event.notification.close();
  const room = event.notification.data && event.notification.data.room_id;
  event.waitUntil((async () => {
    const windows = await self.clients.matchAll({ type: 'window', includeUncontrolled: true });
    const open = windows.find((w) => new URL(w.url).origin === self.location.origin);
    if (open) {
      await open.focus();
      if (room) open.postMessage({ type: 'banter.open_room', room_id: room });
      return;
    }
    await self.clients.openWindow(room ? `/?room=${encodeURIComponent(room)}` : '/');
  })());
});
