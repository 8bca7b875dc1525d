// The chat controller: loads rooms and history over REST, keeps every room subscribed over
// the socket (resuming from the last seq and rev seen), applies server events to the store, owns
// the outbox of unsent messages, and tells the views to render.

import { api, freshToken, refresh, onSessionChanged } from './api.js';
import { Socket } from './socket.js';
import { state, timeline, currentRoom, findMessage, Timeline, sawRev, resumeRev, pageVisible } from './store.js';
import { reading, beginReading, settleDivider, dropDivider, readUpTo, receipts, parents } from './store.js';
import { initMessages, renderMessages, isAtBottom, revealMessage } from './views/messages.js';
import { initRooms, renderRooms, renderHeader, renderConnection } from './views/rooms.js';
import { initMembers, renderMembers } from './views/members.js';
import { initComposer, startReply, startEdit, resetComposer, renderTyping } from './views/composer.js';
import { initDialogs, confirmDialog } from './views/dialogs.js';
import { initProfile } from './views/profile.js';
import { initSearch } from './views/search.js';
import { initPins, pinsChanged, roomOpened } from './views/pins.js';
import { initThreads, renderThread, renderThreadList, startThreadEdit, threadAtBottom, closeList, revealInThread } from './views/threads.js';
import { initNotify, renderPrompt } from './views/notify.js';
import { attachMentions } from './views/mentions.js';
import { notify, unlockAudioOnGesture } from './notifications.js';
import { applyEvent, updateMessage } from './events.js';
import { S } from './strings.js';
import { onNotificationClicked } from './push.js';
import { checkVersion } from './version.js';
import { initSwitcher, showRouteNotice, hideRouteNotice, showToast, showLinkDialog } from './views/switcher.js';
import { initRoomSettings, showNotice } from './views/roomsettings.js';

const PAGE = 50;
const MAX_GAP = 1000; // a jump further back than this many messages shows its page alone
const LAST_ROOM_KEY = 'banter.lastRoom';
const THREAD_PAGE = 200;
const THREADS_LIMIT = 50;
const THREADS_REFRESH_MS = 400; // a burst of thread replies refreshes the followed list once

export let socket = null;
const pendingRefs = new Map(); // ref -> client_id of a send in flight

export const actions = {
  openRoom, loadOlder, markRead, send, edit, remove, react, pin, startDm, addRoom, retry, discard,
  startReply, startEdit, typing, jumpTo, showLatest, profileSaved: (p) => { state.me = { ...state.me, ...p }; renderMe(); },
  openThread, openThreadIn, closeThread, startThreadEdit, markThreadRead, loadThreads, setNotifications,
  copyLink, focusComposer, openRoute,
  findFirstUnread, fetchParent, loadReceipts,
};

export async function startChat(session, renderMe_) {
  renderMe = renderMe_;
  state.me = session.user;
  initMessages(actions);
  initRooms(actions);
  initMembers(actions);
  initComposer(actions);
  initDialogs(actions);
  initProfile(actions);
  initSearch(actions);
  initPins(actions);
  initThreads(actions);
  initNotify(actions);
  initNavigation();
  initRoomSettings(actions);
  attachMentions(document.getElementById('input'));
  unlockAudioOnGesture();
  let forceRefresh = false;
  const token = async () => {
    if (forceRefresh) {
      forceRefresh = false;
      if (!(await refresh())) return null;
    }
    return freshToken();
  };
  socket = new Socket(token, {
    onReady, onFrame, onStatus: (s) => { state.connection = s; renderConnection(); },
    onUnauthorized: () => { forceRefresh = true; },
  });
  renderConnection();
  const { rooms } = await api('GET', '/api/v1/rooms');
  rooms.forEach((r) => state.rooms.set(r.id, r));
  renderRooms();
  socket.start();
  const last = localStorage.getItem(LAST_ROOM_KEY);
  const asked = new URLSearchParams(location.search).get('room'); // a clicked push notification
  const first = state.rooms.has(asked) ? asked
    : state.rooms.has(last) ? last : state.rooms.has('general') ? 'general' : rooms[0] && rooms[0].id;
  const route = parseRoute(location.hash); // a deep link wins over the rest
  if (route) openRoute(route, first); else if (first) openRoom(first);
  loadThreads();
  window.addEventListener('focus', markRead);
  document.addEventListener('visibilitychange', () => {
    markRead();
    markThreadRead();
    renderRooms(); // the open room's count shows in the title only while the tab is hidden
  });
}

let renderMe = () => {};

// A refreshed session hands its new access token to the open socket, which the server would
// otherwise close (4001) when the old one expires. Registered once: chats come and go, this stays.
onSessionChanged((s) => { if (socket && s) socket.reauth(s.access_token); });

// A notification clicked while a page is open shows its room there (sw.js sends the message).
onNotificationClicked((roomId) => { if (socket && state.rooms.has(roomId)) openRoom(roomId); });

export function stopChat() {
  if (socket) socket.stop();
  socket = null;
}

function onReady(ready) {
  state.me = { ...state.me, ...ready.user };
  checkVersion();
  for (const room of state.rooms.values()) joinRoom(room);
  for (const p of state.outbox) if (!p.failed) transmit(p);
  if (state.resumed) {
    refreshRoomList();
    loadThreads();
    receipts.clear(); // read markers moved while we were away: fetched again for the open room
    renderMessages();
  }
  state.resumed = true;
}

function joinRoom(room) {
  const t = state.timelines.get(room.id);
  const since = Math.max(room.last_seq || 0, t ? t.newestSeq() : 0);
  const frame = { type: 'join_room', room_id: room.id, since_seq: since, ref: socket.nextRef() };
  const rev = resumeRev(room.id);
  if (rev != null) frame.since_rev = rev; // the first join has none: it loads current versions
  state.joining.set(room.id, rev == null ? 0 : rev);
  socket.send(frame);
}

/** The replay of a join is over: take its rev, or page the changes it had no room for. */
function joined(f) {
  const cursor = state.joining.get(f.room_id);
  state.joining.delete(f.room_id);
  if (f.truncated) reloadTimeline(f.room_id);
  if (f.changes_truncated) {
    catchUpChanges(f.room_id, cursor || 0, f.last_rev);
  } else {
    state.catchingUp.delete(f.room_id); // this join resumed from it and replayed everything after it
    sawRev(f.room_id, f.last_rev);
  }
}

/**
 * `joined` said changes_truncated: more messages changed than the server replays; the rest are
 * paged over REST, oldest change first, from the last one replayed. Until it is done a re-join
 * resumes from where it got to; a newer join or catch-up supersedes it.
 */
async function catchUpChanges(roomId, from, lastRev) {
  const job = { rev: from };
  state.catchingUp.set(roomId, job);
  const base = `/api/v1/rooms/${encodeURIComponent(roomId)}/messages`;
  try {
    let more = true;
    while (more && state.catchingUp.get(roomId) === job) {
      const page = await api('GET', `${base}?changed_after_rev=${job.rev}&limit=200`);
      if (state.catchingUp.get(roomId) !== job) return;
      page.messages.forEach((m) => updateMessage(m, { render }));
      job.rev = page.messages.reduce((x, m) => Math.max(x, m.rev), job.rev);
      more = page.has_more && page.messages.length > 0;
    }
    if (state.catchingUp.get(roomId) === job) {
      state.catchingUp.delete(roomId);
      sawRev(roomId, Math.max(lastRev, job.rev));
    }
  } catch { /* the next join resumes from job.rev */ }
}

/** After a reconnect: rooms joined or created elsewhere while we were away. */
async function refreshRoomList() {
  try {
    const { rooms } = await api('GET', '/api/v1/rooms');
    for (const r of rooms) {
      if (!state.rooms.has(r.id)) {
        state.rooms.set(r.id, r);
        joinRoom(r);
      }
    }
    renderRooms();
  } catch { /* next reconnect tries again */ }
}

function onFrame(frame) {
  if (frame.type === 'error' && frame.ref && pendingRefs.has(frame.ref)) {
    sendFailed(frame.ref, frame.error || {});
    return;
  }
  if (frame.type === 'ack' && frame.ref) pendingRefs.delete(frame.ref);
  roomNotice(frame); // before the event is applied: the room's name is still known
  applyEvent(frame, { render, removeFromOutbox, reloadTimeline, openRoom, joinRoom, joined, notify: notified, threadActivity });
  if (frame.type === 'room_updated' && frame.room.id === state.currentRoomId) renderMembers(); // visibility decides who may invite
  if (frame.type === 'message_updated' || frame.type === 'message_deleted' || frame.type === 'message_edited') {
    pinsChanged(frame.message ? frame.message.room_id : frame.room_id);
  }
}

function render(what) {
  if (what.rooms) renderRooms();
  if (what.messages) renderMessages(what.messages === true ? 'update' : what.messages);
  if (what.members) renderMembers();
  if (what.typing) renderTyping(state.currentRoomId);
  if (what.header) renderHeader();
  if (what.thread) renderThread();
  if (what.messages) markRead();
}

function removeFromOutbox(clientId) {
  const i = state.outbox.findIndex((p) => p.client_id === clientId);
  if (i >= 0) state.outbox.splice(i, 1);
}

/** `joined` said truncated: more was missed than the server replays; start from the newest page. */
function reloadTimeline(roomId) {
  state.timelines.delete(roomId);
  if (roomId === state.currentRoomId) loadLatest(roomId);
}

async function openRoom(id) {
  if (!state.rooms.has(id)) return;
  if (id !== reading.roomId) beginReading(state.rooms.get(id)); // the divider stays until another room opens
  forgetFailedParents();
  state.currentRoomId = id;
  localStorage.setItem(LAST_ROOM_KEY, id);
  followRoute(id);
  roomOpened(id);
  if (state.thread && state.thread.roomId !== id) closeThread();
  document.getElementById('app').classList.remove('sidebar-open');
  document.getElementById('toggle-sidebar').setAttribute('aria-expanded', 'false');
  resetComposer();
  renderHeader();
  renderRooms();
  renderMessages('open');
  renderTyping(id);
  renderMembers();
  loadMembers(id);
  if (!timeline(id).loaded) return loadLatest(id);
  return timeline(id).busy;
}

function loadLatest(roomId) {
  const t = timeline(roomId);
  if (t.loading) return t.busy;
  t.loading = true;
  t.busy = (async () => {
    try {
      const page = await api('GET', `/api/v1/rooms/${encodeURIComponent(roomId)}/messages?limit=${PAGE}`);
      page.messages.forEach((m) => t.put(m));
      t.hasMore = page.has_more;
      t.loaded = true;
    } finally {
      t.loading = false;
    }
    if (roomId === state.currentRoomId && state.timelines.get(roomId) === t) render({ messages: 'open' });
  })();
  return t.busy;
}

/** A detached timeline (after a far jump) goes back to the newest page. */
function showLatest(roomId) {
  state.timelines.delete(roomId);
  if (roomId === state.currentRoomId) {
    renderMessages('open');
    loadLatest(roomId);
  }
}

/**
 * Opens a message's room and shows the message in context (from a search result): when it
 * is not loaded, the page around it is fetched and the gap up to the loaded messages filled
 * (or, when that gap is huge, the page is shown alone with "Jump to the latest messages").
 */
async function jumpTo(m) {
  const roomId = m.room_id;
  if (!state.rooms.has(roomId)) return;
  if (m.thread_id) { // a reply is not in the room's list: show it in its thread
    if (state.currentRoomId !== roomId) await openRoom(roomId);
    await openThread(m);
    revealInThread(m.id);
    return;
  }
  if (state.currentRoomId !== roomId || !timeline(roomId).loaded) await openRoom(roomId);
  let t = timeline(roomId);
  if (!t.bySeq.has(m.seq)) {
    const base = `/api/v1/rooms/${encodeURIComponent(roomId)}/messages`;
    const page = await api('GET', `${base}?before=${m.seq + 26}&limit=${PAGE}`);
    const pageNewest = page.messages.reduce((x, msg) => Math.max(x, msg.seq), 0);
    const oldest = t.oldestSeq();
    if (oldest == null || oldest - pageNewest - 1 > MAX_GAP) {
      t = new Timeline();
      state.timelines.set(roomId, t);
      page.messages.forEach((msg) => t.put(msg));
      t.detached = oldest != null;
      t.loaded = true;
      t.hasMore = page.has_more;
    } else {
      page.messages.forEach((msg) => t.put(msg));
      t.hasMore = page.has_more;
      let from = pageNewest;
      while (from < oldest - 1) {
        const gap = await api('GET', `${base}?after=${from}&limit=200`);
        if (!gap.messages.length) break;
        gap.messages.forEach((msg) => t.put(msg));
        from = gap.messages.reduce((x, msg) => Math.max(x, msg.seq), from);
      }
    }
    if (roomId !== state.currentRoomId) return;
    renderMessages('update');
  }
  revealMessage(m.id);
}

async function loadOlder() {
  const roomId = state.currentRoomId;
  const t = timeline(roomId);
  if (!t.loaded || !t.hasMore || t.loading) return;
  const before = t.oldestSeq();
  if (before == null || before <= 1) { t.hasMore = false; return; }
  t.loading = true;
  try {
    const page = await api('GET', `/api/v1/rooms/${encodeURIComponent(roomId)}/messages?before=${before}&limit=${PAGE}`);
    page.messages.forEach((m) => t.put(m));
    t.hasMore = page.has_more;
  } finally {
    t.loading = false;
  }
  if (roomId === state.currentRoomId) renderMessages('prepend');
}

async function loadMembers(roomId) {
  try {
    const { members } = await api('GET', `/api/v1/rooms/${encodeURIComponent(roomId)}/members`);
    state.members.set(roomId, members);
    syncMyRole(roomId, members);
    members.forEach((m) => state.online.set(m.user.username, m.online));
    if (roomId === state.currentRoomId) renderMembers();
  } catch { /* the panel keeps saying Loading… */ }
}

/** Sends the read marker for the newest message the user can actually see. */
function markRead() {
  const room = currentRoom();
  if (!room || !document.hasFocus() || document.visibilityState !== 'visible' || !isAtBottom()) return;
  if (reading.roomId === room.id && !reading.settled) return; // the divider is still being placed
  const t = timeline(room.id);
  const newest = t.newestSeq();
  readUpTo(room, newest);
  if (room.unread_count || room.mention_count) {
    room.unread_count = 0;
    room.mention_count = 0;
    renderRooms();
  }
  if (!newest || newest <= (room.read_sent || 0)) return;
  room.read_sent = newest;
  if (!socket.send({ type: 'read', room_id: room.id, seq: newest })) {
    api('POST', `/api/v1/rooms/${encodeURIComponent(room.id)}/read`, { seq: newest }).catch(() => { room.read_sent = 0; });
  }
}

function newClientId() {
  if (crypto.randomUUID) return crypto.randomUUID();
  const b = crypto.getRandomValues(new Uint8Array(16));
  return [...b].map((x) => x.toString(16).padStart(2, '0')).join('');
}

/** Sends a message to the open room, or with `threadId` a reply in that thread. */
function send(body, replyTo, files, threadId) {
  const room = currentRoom();
  if (!room) return;
  if (!threadId && timeline(room.id).detached) showLatest(room.id);
  const p = { client_id: newClientId(), room_id: room.id, body, reply_to: replyTo || undefined, failed: false,
    files: files || [], attachments: (files || []).map((f) => f.id), thread_id: threadId || undefined };
  state.outbox.push(p);
  transmit(p);
  if (threadId) {
    if (state.thread) state.thread.sentByMe = true;
    renderThread();
  } else {
    renderMessages('sent');
  }
}

/** Sends (or re-sends after a reconnect) one outbox entry; the client_id makes repeats harmless. */
function transmit(p) {
  const ref = socket.nextRef();
  const frame = { type: 'send_message', room_id: p.room_id, body: p.body, client_id: p.client_id, reply_to: p.reply_to, ref };
  if (p.attachments && p.attachments.length) frame.attachments = p.attachments;
  if (p.thread_id) frame.thread_id = p.thread_id;
  if (socket.send(frame)) {
    pendingRefs.set(ref, p.client_id);
  }
}

function sendFailed(ref, error) {
  const clientId = pendingRefs.get(ref);
  pendingRefs.delete(ref);
  const p = state.outbox.find((x) => x.client_id === clientId);
  if (!p) return;
  if (error.code === 'rate_limited') {
    setTimeout(() => transmit(p), (error.details && error.details.retry_after_ms) || 1000);
    return;
  }
  p.failed = true;
  p.error = error.message || error.code;
  if (p.room_id === state.currentRoomId) renderOutbox(p);
}

function renderOutbox(p) {
  if (p.thread_id) renderThread(); else renderMessages();
}

function retry(p) {
  p.failed = false;
  p.error = null;
  transmit(p);
  renderOutbox(p);
}

function discard(p) {
  removeFromOutbox(p.client_id);
  renderOutbox(p);
}

function path(m) {
  return `/api/v1/rooms/${encodeURIComponent(m.room_id)}/messages/${encodeURIComponent(m.id)}`;
}

async function edit(m, body) {
  if (body === m.body) return;
  if (socket.send({ type: 'edit_message', room_id: m.room_id, message_id: m.id, body, ref: socket.nextRef() })) return;
  applyMessage(await api('PATCH', path(m), { body }));
}

async function remove(m) {
  if (!(await confirmDialog(S.deleteMessageTitle, S.deleteMessageText, S.delete))) return;
  if (socket.send({ type: 'delete_message', room_id: m.room_id, message_id: m.id, ref: socket.nextRef() })) return;
  await api('DELETE', path(m));
  const known = findMessage(m.room_id, m.id);
  if (known) applyMessage({ ...known, deleted: true, body: '' });
}

async function react(roomId, messageId, emoji, on) {
  if (socket.send({ type: 'react', room_id: roomId, message_id: messageId, emoji, on, ref: socket.nextRef() })) return;
  const m = findMessage(roomId, messageId);
  applyMessage(await api(on ? 'PUT' : 'DELETE', `${path(m)}/reactions/${encodeURIComponent(emoji)}`));
}

/** Pins (`on`) or unpins a message over REST (there is no pin frame); the room gets message_updated. */
async function pin(m, on) {
  const error = document.getElementById('composer-error'); // the room's alert line
  error.textContent = '';
  try {
    applyMessage(await api(on ? 'PUT' : 'DELETE', `/api/v1/rooms/${encodeURIComponent(m.room_id)}/pins/${encodeURIComponent(m.id)}`));
  } catch (e) {
    error.textContent = on ? S.pinFailed(e.message) : S.unpinFailed(e.message);
    return;
  }
  pinsChanged(m.room_id);
}

function applyMessage(m) {
  if (!m) return;
  timeline(m.room_id).put(m);
  if (m.room_id === state.currentRoomId) renderMessages();
  updateMessage(m, { render });
}

function typing(active) {
  if (state.currentRoomId) socket.send({ type: 'typing', room_id: state.currentRoomId, active });
}

async function startDm(username) {
  const room = await api('POST', '/api/v1/dms', { username });
  addRoom(room, true);
}

/** A room we just joined, created or were invited to: subscribe and (maybe) open it. */
function addRoom(room, open) {
  const known = state.rooms.get(room.id);
  state.rooms.set(room.id, known ? { ...known, ...room } : room);
  if (!known && socket) joinRoom(state.rooms.get(room.id));
  renderRooms();
  if (open) openRoom(room.id);
}

// ---- threads (SPEC §8) ----

/**
 * Opens the thread of `m` in the panel beside the timeline (a reply opens its root's thread):
 * the replies already loaded show at once, then the thread route brings all of them.
 */
async function openThread(m, focus = false) {
  const rootId = m.thread_id || m.id;
  const roomId = m.room_id;
  const root = m.thread_id ? findMessage(roomId, rootId) : m;
  const th = { roomId, rootId, root, t: new Timeline(), loaded: false, error: null, focus, readSent: 0 };
  const known = state.timelines.get(roomId);
  if (known) for (const r of known.bySeq.values()) if (r.thread_id === rootId) th.t.put(r);
  state.thread = th;
  closeList();
  renderThread();
  const base = `/api/v1/rooms/${encodeURIComponent(roomId)}/threads/${encodeURIComponent(rootId)}/messages`;
  try {
    let after = 0;
    for (;;) {
      const page = await api('GET', `${base}?after=${after}&limit=${THREAD_PAGE}`);
      if (state.thread !== th) return;
      if (page.root) th.root = page.root;
      page.messages.forEach((r) => th.t.put(r));
      after = page.messages.reduce((x, r) => Math.max(x, r.seq), after);
      if (!page.has_more || !page.messages.length) break;
    }
    th.loaded = true;
  } catch (e) {
    if (state.thread !== th) return;
    th.error = e.message;
  }
  renderThread();
}

/** From the threads list: open the root's room, then its thread. */
async function openThreadIn(roomId, root) {
  if (!state.rooms.has(roomId)) return;
  if (state.currentRoomId !== roomId) await openRoom(roomId);
  await openThread(root, true);
}

function closeThread() {
  if (!state.thread) return;
  state.thread = null;
  renderThread();
}

/** The open thread is read up to its newest reply while the page is visible and its end in view. */
function markThreadRead() {
  const th = state.thread;
  if (!th || !th.loaded || !pageVisible() || !threadAtBottom()) return;
  const newest = th.t.newestSeq();
  const entry = (state.threads || []).find((t) => t.root.id === th.rootId);
  if (entry && entry.unread_count) {
    entry.unread_count = 0;
    entry.last_read_seq = Math.max(entry.last_read_seq || 0, newest);
    renderThreadList();
  }
  if (!newest || newest <= th.readSent) return;
  th.readSent = newest;
  api('POST', `/api/v1/threads/${encodeURIComponent(th.rootId)}/read`, { seq: newest }).catch(() => { th.readSent = 0; });
}

let threadsSeq = 0;
let threadsTimer = null;

/** The followed threads with their unread counts (the sidebar's "Threads" badge and list). */
async function loadThreads() {
  const mine = ++threadsSeq;
  try {
    const { threads } = await api('GET', `/api/v1/threads?limit=${THREADS_LIMIT}`);
    if (mine !== threadsSeq) return;
    const open = state.thread;
    state.threads = threads.map((t) => (open && t.root.id === open.rootId && open.loaded ? { ...t, unread_count: 0 } : t));
    renderThreadList();
  } catch (e) {
    if (mine === threadsSeq) renderThreadList(e.message);
  }
}

/** A reply arrived in a thread that is not open: the followed list (and its counts) is fetched again. */
function threadActivity() {
  clearTimeout(threadsTimer);
  threadsTimer = setTimeout(loadThreads, THREADS_REFRESH_MS);
}

// ---- notifications (SPEC §8) ----

function notified(f) {
  notify(f, state.rooms.get(f.room_id), (roomId, m) => {
    openRoom(roomId).then(() => { if (m.thread_id) openThread(m); });
  });
}

/** PUT …/notifications: the answer is the room with my level and mute, shown at once. */
async function setNotifications(roomId, level, mutedUntil) {
  const error = document.getElementById('composer-error');
  error.textContent = '';
  try {
    const room = await api('PUT', `/api/v1/rooms/${encodeURIComponent(roomId)}/notifications`, { level, muted_until: mutedUntil });
    const known = state.rooms.get(roomId);
    if (known && room) {
      known.notification_level = room.notification_level;
      known.muted_until = room.muted_until;
    }
  } catch (e) {
    error.textContent = S.settingsFailed(e.message);
  }
  renderRooms();
  renderHeader();
  renderPrompt();
}

// ---- navigation (#21, item 6): deep links, the hash following the open room, copy link ----
// `#/room/<id>` opens a room, `#/room/<id>/<seq>` shows that message in context (jumpTo) and
// keeps it highlighted (`.linked`) until another room opens. Each room opened pushes its hash
// (so Back goes to the room before); the first one replaces the page's own entry.

const ROUTE_RE = /^#\/room\/([^/?#]+)(?:\/(\d{1,15}))?\/?$/;
let routed = false; // a room was opened since the page loaded: later ones push a history entry

/** `#/room/<id>` or `#/room/<id>/<seq>` → {roomId, seq}; anything else null. */
export function parseRoute(hash) {
  const m = ROUTE_RE.exec(hash || '');
  if (!m) return null;
  try {
    return { roomId: decodeURIComponent(m[1]), seq: m[2] ? Number(m[2]) : null };
  } catch {
    return null; // a broken %-escape
  }
}

export function roomHash(roomId, seq) {
  return `#/room/${encodeURIComponent(roomId)}${seq ? `/${seq}` : ''}`;
}

function initNavigation() {
  initSwitcher(actions);
  window.addEventListener('hashchange', () => {
    const route = parseRoute(location.hash);
    if (route) openRoute(route);
  });
}

/** The address bar names the open room (and the linked message while it is shown). */
function followRoute(roomId) {
  if (state.linked && state.linked.roomId !== roomId) clearLinked();
  const hash = roomHash(roomId, state.linked ? state.linked.seq : null);
  const first = !routed;
  routed = true;
  if (location.hash === hash && !location.search) return;
  const url = `${location.pathname}${hash}`; // drops a notification's ?room= too
  if (first) history.replaceState(null, '', url); else history.pushState(null, '', url);
}

/** Opens what a deep link names; an unknown room says so (and `fallback` opens meanwhile). */
async function openRoute(route, fallback) {
  hideRouteNotice();
  if (!state.rooms.has(route.roomId)) {
    if (fallback && !state.currentRoomId) openRoom(fallback);
    else if (state.currentRoomId) history.replaceState(null, '', `${location.pathname}${roomHash(state.currentRoomId)}`);
    return notMember(route);
  }
  if (route.seq) return jumpToSeq(route.roomId, route.seq);
  clearLinked();
  return openRoom(route.roomId);
}

/** A link to a room I am not in: 404 and 403 say so; a public room offers to join it. */
async function notMember(route) {
  let room;
  try {
    room = await api('GET', `/api/v1/rooms/${encodeURIComponent(route.roomId)}`);
  } catch (e) {
    showRouteNotice(e.status === 404 ? S.routeNoRoom : e.status === 403 ? S.routeForbidden : S.routeFailed(e.message));
    return;
  }
  if (state.rooms.has(room.id)) { // joined meanwhile (another tab)
    openRoute(route);
    return;
  }
  const join = room.visibility === 'public' && room.kind !== 'direct' ? {
    label: S.routeJoin(room.name),
    run: async () => {
      addRoom(await api('POST', `/api/v1/rooms/${encodeURIComponent(room.id)}/join`), false);
      return openRoute(route);
    },
  } : null;
  showRouteNotice(join ? S.routeNotJoined(room.name) : S.routeForbidden, join);
}

/** Shows message `seq` of a room in context, however far back, and marks it as the linked one. */
async function jumpToSeq(roomId, seq) {
  const link = { roomId, seq, id: null };
  state.linked = link;
  markLinked();
  try {
    if (state.currentRoomId !== roomId || !timeline(roomId).loaded) await openRoom(roomId);
    if (state.linked !== link) return; // another link or room meanwhile
    let m = timeline(roomId).bySeq.get(seq);
    if (!m) {
      const page = await api('GET', `/api/v1/rooms/${encodeURIComponent(roomId)}/messages?before=${seq + 1}&limit=1`);
      m = page.messages.find((x) => x.seq === seq);
    }
    if (state.linked !== link) return;
    if (!m) {
      showRouteNotice(S.routeNoMessage);
      return;
    }
    link.id = m.id;
    await jumpTo(m);
    markLinked();
  } catch (e) {
    if (state.linked === link) showRouteNotice(S.routeFailed(e.message));
  }
}

function clearLinked() {
  state.linked = null;
  markLinked();
}

/** `.linked` on the linked message's elements (messages.js adds it to ones built later). */
function markLinked() {
  document.querySelectorAll('li.msg.linked').forEach((li) => li.classList.remove('linked'));
  const id = state.linked && state.linked.id;
  if (id) document.querySelectorAll(`li.msg[data-id="${CSS.escape(id)}"]`).forEach((li) => li.classList.add('linked'));
}

/** "Copy link" of a message: its deep link to the clipboard, or shown to copy by hand. */
async function copyLink(m) {
  const url = `${location.origin}${location.pathname}${roomHash(m.room_id, m.seq)}`;
  try {
    await navigator.clipboard.writeText(url);
    showToast(S.linkCopied);
  } catch {
    showLinkDialog(url);
  }
}

function focusComposer() {
  document.getElementById('input').focus();
}
// ---- room management (#21): settings, invite, leave, delete, remove, roles ----

Object.assign(actions, { updateRoom, deleteRoom, leaveRoom, inviteMember, removeMember, setMemberRole });

const roomPath = (id) => `/api/v1/rooms/${encodeURIComponent(id)}`;

/**
 * Runs a management call; a 403 means my role changed since the page learned it (no event says
 * so), so the room is asked for again and the controls follow. The error still reaches the dialog.
 */
async function managing(roomId, call) {
  try {
    return await call();
  } catch (e) {
    if (e.status === 403) refreshMyRole(roomId);
    throw e;
  }
}

async function refreshMyRole(roomId) {
  let room;
  try {
    room = await api('GET', roomPath(roomId));
  } catch (e) {
    if (e.status === 403 || e.status === 404) forgetRoom(roomId, 'user_left');
    return;
  }
  const known = state.rooms.get(roomId);
  if (!known) return;
  if (!room.my_role) {
    forgetRoom(roomId, 'user_left');
    return;
  }
  known.my_role = room.my_role;
  if (roomId === state.currentRoomId) {
    renderHeader();
    renderMembers();
    loadMembers(roomId);
  }
}

/** The members list carries my own role: a change made by an owner elsewhere shows here. */
function syncMyRole(roomId, members) {
  const room = state.rooms.get(roomId);
  const mine = state.me && members.find((m) => m.user.id === state.me.id);
  if (!room || !mine || mine.role === room.my_role) return;
  room.my_role = mine.role;
  if (roomId === state.currentRoomId) renderHeader();
}

/** PATCH the room; the answer (with my role) is shown at once, the others get room_updated. */
async function updateRoom(roomId, changes) {
  const room = await managing(roomId, () => api('PATCH', roomPath(roomId), changes));
  const known = state.rooms.get(roomId);
  if (known && room) {
    const { name, topic, visibility, my_role: myRole } = room;
    Object.assign(known, { name, topic, visibility, my_role: myRole });
  }
  renderRooms();
  if (roomId === state.currentRoomId) {
    renderHeader();
    renderMembers();
  }
  return room;
}

async function deleteRoom(roomId) {
  await managing(roomId, () => api('DELETE', roomPath(roomId)));
  const room = state.rooms.get(roomId);
  if (room) showNotice(S.noticeDeleted(S.roomLabel(room.name)));
  forgetRoom(roomId, 'room_deleted');
}

/** A 409 (the last owner, while others remain) is thrown to the dialog, which says so. */
async function leaveRoom(roomId) {
  await api('POST', `${roomPath(roomId)}/leave`);
  const room = state.rooms.get(roomId);
  if (room) showNotice(S.noticeLeft(S.roomLabel(room.name)));
  forgetRoom(roomId, 'user_left');
}

/** Resolves {member, added}; added is false when they were a member already (200, not 201). */
async function inviteMember(roomId, username) {
  const before = state.members.get(roomId) || [];
  const known = before.some((m) => m.user.username === username.toLowerCase());
  const member = await managing(roomId, () => api('POST', `${roomPath(roomId)}/members`, { username }));
  const members = state.members.get(roomId);
  if (members && member && !members.some((m) => m.user.id === member.user.id)) {
    members.push(member); // user_joined brings it too; the list is keyed by user id
    if (roomId === state.currentRoomId) renderMembers();
  }
  return { member, added: !known };
}

async function removeMember(roomId, username) {
  await managing(roomId, () => api('DELETE', `${roomPath(roomId)}/members/${encodeURIComponent(username)}`));
  const members = state.members.get(roomId);
  if (members) state.members.set(roomId, members.filter((m) => m.user.username !== username));
  if (roomId === state.currentRoomId) renderMembers();
}

async function setMemberRole(roomId, username, role) {
  const member = await managing(roomId, () => api('PATCH', `${roomPath(roomId)}/members/${encodeURIComponent(username)}`, { role }));
  const members = state.members.get(roomId);
  if (members && member) state.members.set(roomId, members.map((m) => (m.user.id === member.user.id ? { ...m, role: member.role } : m)));
  const room = state.rooms.get(roomId);
  if (room && member && state.me && member.user.id === state.me.id) room.my_role = member.role;
  if (roomId === state.currentRoomId) {
    renderHeader();
    renderMembers();
  }
  return member;
}

/**
 * Drops a room I left or deleted at once, as the server's user_left / room_deleted would (they
 * may come later, or not at all while the socket is down): the same code applies both.
 */
function forgetRoom(roomId, type) {
  if (!state.rooms.has(roomId)) return;
  const frame = type === 'room_deleted' ? { type, room_id: roomId } : { type, room_id: roomId, user: state.me };
  applyEvent(frame, { render, openRoom });
}

/** Why a room came or went, in the notice line: removed by someone, deleted, added by someone. */
function roomNotice(f) {
  if (f.type === 'room_deleted' && state.rooms.has(f.room_id)) {
    showNotice(S.noticeDeleted(S.roomLabel(state.rooms.get(f.room_id).name)));
  } else if (f.type === 'user_left' && state.me && f.user && f.user.id === state.me.id && state.rooms.has(f.room_id)) {
    const label = S.roomLabel(state.rooms.get(f.room_id).name);
    showNotice(f.removed_by ? S.noticeRemoved(label, f.removed_by) : S.noticeLeft(label));
  } else if (f.type === 'room_invited' && f.room && f.room.kind !== 'direct' && !state.rooms.has(f.room.id) && f.invited_by) {
    showNotice(S.noticeInvited(S.roomLabel(f.room.name), f.invited_by));
  }
}

// ---- reading state and replies (#21) ----

const UNREAD_PAGE = 200;
const MAX_UNREAD_FETCH = 1000; // a first unread further back than this gets no divider
const RECEIPTS_PAGE = 20;
const PARENT_FETCHES = 4; // parents fetched at the same time; the rest wait their turn

/**
 * The first unread message is older than the loaded pages: older pages are fetched until it is
 * loaded (at most MAX_UNREAD_FETCH messages), then the list shows the divider in view.
 */
async function findFirstUnread(roomId) {
  const t = timeline(roomId);
  if (t.loading) return; // a page in flight: its render asks again
  t.loading = true;
  const base = `/api/v1/rooms/${encodeURIComponent(roomId)}/messages`;
  try {
    for (let fetched = 0; !settleDivider(roomId, t); fetched += UNREAD_PAGE) {
      if (fetched >= MAX_UNREAD_FETCH || state.timelines.get(roomId) !== t) {
        dropDivider(roomId);
        break;
      }
      const page = await api('GET', `${base}?before=${t.oldestSeq()}&limit=${UNREAD_PAGE}`);
      page.messages.forEach((m) => t.put(m));
      t.hasMore = page.has_more;
    }
  } catch {
    dropDivider(roomId);
  } finally {
    t.loading = false;
  }
  if (roomId === state.currentRoomId) {
    renderMessages('divider');
    markRead();
  }
}

const parentQueue = [];
let parentsInFlight = 0;

/** A reply's parent that is not loaded: fetched by id (once; a 404 means it is gone for good). */
function fetchParent(roomId, id) {
  if (parents.has(id)) return;
  parents.set(id, { state: 'loading' });
  parentQueue.push({ roomId, id });
  pumpParents();
}

function pumpParents() {
  while (parentsInFlight < PARENT_FETCHES && parentQueue.length) {
    const { roomId, id } = parentQueue.shift();
    parentsInFlight += 1;
    api('GET', `/api/v1/rooms/${encodeURIComponent(roomId)}/messages/${encodeURIComponent(id)}`)
      .then((m) => parents.set(id, m))
      .catch((e) => parents.set(id, { state: e.status === 404 ? 'gone' : 'failed' }))
      .finally(() => {
        parentsInFlight -= 1;
        if (roomId === state.currentRoomId) renderMessages();
        pumpParents();
      });
  }
}

/** A parent that could not be fetched (offline, rate limited) is tried again when a room opens. */
function forgetFailedParents() {
  for (const [id, p] of parents) if (p.state === 'failed') parents.delete(id);
}

/**
 * The other members' read markers at or after my latest message (`minSeq`). Receipts arriving
 * while the request is out are kept in the entry and merged into the answer.
 */
async function loadReceipts(roomId, minSeq) {
  const r = { minSeq, readers: new Map(), total: 0, loading: true };
  receipts.set(roomId, r);
  try {
    const page = await api('GET',
      `/api/v1/rooms/${encodeURIComponent(roomId)}/receipts?min_seq=${minSeq}&limit=${RECEIPTS_PAGE}`);
    if (receipts.get(roomId) !== r) return;
    const live = r.readers;
    r.readers = new Map(page.receipts.map((x) => [x.user.username, { user: x.user, seq: x.last_read_seq }]));
    r.total = page.total;
    const complete = r.total <= r.readers.size;
    for (const [name, x] of live) {
      const known = r.readers.get(name);
      if (known) known.seq = Math.max(known.seq, x.seq);
      else {
        r.readers.set(name, x);
        if (complete) r.total += 1; // an incomplete page's total may count them already
      }
    }
  } catch {
    return; // no "seen by" (but live receipts) until my next message or a reconnect asks again
  } finally {
    r.loading = false;
  }
  if (roomId === state.currentRoomId) renderMessages();
}
