// Applies one server frame to the store and says what to re-render. Messages are merged by
// seq, so a replay after a reconnect, a REST page and a live event never duplicate; a change
// older than the version held (by rev) is ignored, so a change is never applied twice.

import { state, timeline, findMessage, sawRev, mentionsMe, pageVisible } from './store.js';
import { readUpTo, receiptSeen, receipts, parentChanged, parents } from './store.js';
import { announceMessage } from './announce.js';

const TYPING_TTL_MS = 7000; // the server expires typing after 6 s; a little slack

export function applyEvent(f, ctx) {
  switch (f.type) {
    case 'new_message':
      newMessage(f.message, ctx, true);
      sawRev(f.message.room_id, f.message.rev);
      break;
    case 'ack':
      if (f.client_id) ctx.removeFromOutbox(f.client_id);
      if (f.message) newMessage(f.message, ctx, false);
      break;
    case 'message_edited':
      updateMessage(f.message, ctx);
      sawRev(f.message.room_id, f.rev);
      break;
    case 'message_updated': // a change missed while away, replayed by the join (SPEC §5.1), or a live pin change
      updateMessage(f.message, ctx);
      if (state.joining.has(f.message.room_id)) state.joining.set(f.message.room_id, f.rev);
      else sawRev(f.message.room_id, f.rev);
      break;
    case 'message_deleted': {
      const m = findMessage(f.room_id, f.message_id);
      if (m) updateMessage({ ...m, deleted: true, body: '', attachments: [], reactions: {}, rev: f.rev }, ctx);
      else if (parents.has(f.message_id) && parentChanged({ id: f.message_id, deleted: true, body: '', rev: f.rev })) {
        ctx.render({ messages: f.room_id === state.currentRoomId });
      }
      sawRev(f.room_id, f.rev);
      break;
    }
    case 'reaction':
      reaction(f, ctx);
      sawRev(f.room_id, f.rev);
      break;
    case 'typing':
      typing(f, ctx);
      break;
    case 'presence':
      state.online.set(f.user, !!f.online);
      ctx.render({ members: true });
      break;
    case 'user_joined':
      userJoined(f, ctx);
      break;
    case 'user_left':
      userLeft(f, ctx);
      break;
    case 'room_invited':
      if (!state.rooms.has(f.room.id)) {
        state.rooms.set(f.room.id, f.room);
        ctx.joinRoom(f.room);
        ctx.render({ rooms: true });
      }
      break;
    case 'room_updated': {
      const known = state.rooms.get(f.room.id);
      if (known) {
        // The shared view of a room: my own counts and settings are not in it.
        const { unread_count: _u, my_role: _r, mention_count: _m, notification_level: _l, muted_until: _t, ...shared } = f.room;
        if (known.kind === 'direct') delete shared.name; // the shared view names a DM by its id pair
        Object.assign(known, shared);
        ctx.render({ rooms: true, header: f.room.id === state.currentRoomId });
      }
      break;
    }
    case 'room_deleted':
      removeRoom(f.room_id, ctx);
      break;
    case 'read_receipt':
      readReceipt(f, ctx);
      break;
    case 'joined':
      ctx.joined(f);
      break;
    case 'notification': // the server decided this user should be told (SPEC §8)
      ctx.notify(f);
      break;
    default:
      break; // left, errors of typing/read, future events
  }
}

function newMessage(m, ctx, live) {
  const room = state.rooms.get(m.room_id);
  if (!room) return;
  const mine = state.me && m.author.id === state.me.id;
  if (mine && m.client_id) ctx.removeFromOutbox(m.client_id);
  const fresh = m.seq > (room.last_seq || 0);
  if (mine) readUpTo(room, m.seq); // posting moves the author's marker (the server's too)
  if (mine && fresh && !m.thread_id && receipts.has(m.room_id)) {
    // my new latest message: nobody can have read it yet; receipts from now on fill it
    receipts.set(m.room_id, { minSeq: m.seq, readers: new Map(), total: 0, loading: false });
  }
  timeline(m.room_id).put(m);
  const th = state.thread;
  const inOpenThread = !!m.thread_id && !!th && th.rootId === m.thread_id;
  if (inOpenThread) th.t.put(m);
  if (fresh) {
    room.last_seq = m.seq;
    room.last_activity_at = m.created_at;
    if (!m.thread_id) room.last_message = m; // a thread reply is not the room's last message
    const seen = m.room_id === state.currentRoomId && pageVisible();
    // Thread replies count too: the server's unread_count is every seq after my read marker, and
    // a live count that differed would change at the next reload.
    if (live && !mine && !seen) room.unread_count = (room.unread_count || 0) + 1;
    if (live && !mine && !seen && mentionsMe(m)) room.mention_count = (room.mention_count || 0) + 1;
    if (live && !mine && m.thread_id && !inOpenThread) ctx.threadActivity(m);
  }
  clearTyping(m.room_id, m.author.username);
  const current = m.room_id === state.currentRoomId;
  // screen readers hear live messages of others in the open room or thread (not replays, not mine)
  if (live && fresh && !mine && !state.joining.has(m.room_id) && ((current && !m.thread_id) || inOpenThread)) announceMessage(m);
  ctx.render({ rooms: true, messages: current && !m.thread_id, typing: current, thread: inOpenThread });
}

/**
 * Replaces a loaded message by a newer version of it (an older one, by rev, is a change already
 * shown): in the room's timeline and in the open thread, whose root gets its summary this way.
 */
export function updateMessage(m, ctx) {
  const th = state.thread;
  let thread = false;
  if (th && th.roomId === m.room_id) {
    if (th.root && th.root.id === m.id && !isOlder(m.rev, th.root.rev)) {
      th.root = m;
      thread = true;
    } else if (th.t.bySeq.has(m.seq) && !isOlder(m.rev, th.t.bySeq.get(m.seq).rev)) {
      th.t.put(m);
      thread = true;
    }
  }
  const t = state.timelines.get(m.room_id);
  const inRoom = !!t && t.bySeq.has(m.seq) && !isOlder(m.rev, t.bySeq.get(m.seq).rev);
  if (inRoom) t.put(m); // not loaded: history will bring the current version
  const quoted = parentChanged(m); // a fetched parent of a reply on screen
  if (inRoom || thread || quoted) ctx.render({ messages: (inRoom || quoted) && m.room_id === state.currentRoomId, thread });
}

function isOlder(rev, heldRev) {
  return rev != null && heldRev != null && rev < heldRev;
}

function reaction(f, ctx) {
  const m = findMessage(f.room_id, f.message_id);
  if (!m || (f.rev != null && m.rev != null && f.rev <= m.rev)) return; // a delta already in the version held
  const reactions = { ...(m.reactions || {}) };
  const users = new Set(reactions[f.emoji] || []);
  if (f.on) users.add(f.user); else users.delete(f.user);
  if (users.size) reactions[f.emoji] = [...users]; else delete reactions[f.emoji];
  updateMessage({ ...m, reactions, rev: f.rev == null ? m.rev : f.rev }, ctx);
}

function typing(f, ctx) {
  if (state.me && f.user === state.me.username) return;
  let m = state.typing.get(f.room_id);
  if (!m) state.typing.set(f.room_id, (m = new Map()));
  clearTimeout(m.get(f.user));
  if (f.active) m.set(f.user, setTimeout(() => { m.delete(f.user); ctx.render({ typing: true }); }, TYPING_TTL_MS));
  else m.delete(f.user);
  ctx.render({ typing: f.room_id === state.currentRoomId });
}

function clearTyping(roomId, username) {
  const m = state.typing.get(roomId);
  if (m && m.has(username)) {
    clearTimeout(m.get(username));
    m.delete(username);
  }
}

function userJoined(f, ctx) {
  const members = state.members.get(f.room_id);
  if (members && !members.some((m) => m.user.id === f.user.id)) {
    members.push({ user: f.user, role: 'member', online: true });
  }
  const room = state.rooms.get(f.room_id);
  if (room && members) room.member_count = members.length;
  ctx.render({ members: f.room_id === state.currentRoomId });
}

function userLeft(f, ctx) {
  if (state.me && f.user.id === state.me.id) {
    removeRoom(f.room_id, ctx);
    return;
  }
  const members = state.members.get(f.room_id);
  if (members) state.members.set(f.room_id, members.filter((m) => m.user.id !== f.user.id));
  ctx.render({ members: f.room_id === state.currentRoomId });
}

function removeRoom(roomId, ctx) {
  state.rooms.delete(roomId);
  state.timelines.delete(roomId);
  state.members.delete(roomId);
  if (state.thread && state.thread.roomId === roomId) state.thread = null;
  if (state.currentRoomId === roomId) {
    state.currentRoomId = null;
    const next = state.rooms.has('general') ? 'general' : [...state.rooms.keys()][0];
    if (next) ctx.openRoom(next);
  }
  ctx.render({ rooms: true, header: true, messages: true, thread: true });
}

/**
 * A member's read marker moved. Mine (another tab of mine read): the counts follow, as the server
 * counts them (every seq after the marker). Another member's: "seen by" follows.
 */
function readReceipt(f, ctx) {
  const room = state.rooms.get(f.room_id);
  if (!room) return;
  if (state.me && f.user === state.me.username) {
    readUpTo(room, f.seq);
    const unread = Math.max(0, (room.last_seq || 0) - f.seq);
    if (unread < (room.unread_count || 0)) {
      room.unread_count = unread;
      room.mention_count = Math.min(room.mention_count || 0, unread);
      ctx.render({ rooms: true });
    }
    return;
  }
  if (receiptSeen(f) && f.room_id === state.currentRoomId) ctx.render({ messages: true });
}
