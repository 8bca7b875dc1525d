// The client's state: rooms, loaded messages per room (keyed by seq, so replays and REST
// pages merge without duplicates), the outbox of unsent messages, typing and presence, and
// per room the rev a re-join resumes changes from (SPEC §5.1).

export const state = {
  me: null,
  rooms: new Map(), // id -> room (SPEC §3 object)
  currentRoomId: null,
  timelines: new Map(), // room id -> Timeline
  outbox: [], // {client_id, room_id, body, reply_to, failed, error}
  typing: new Map(), // room id -> Map(username -> timer)
  online: new Map(), // username -> bool
  members: new Map(), // room id -> [{user, role, online}]
  connection: 'connecting',
  revs: new Map(), // room id -> newest rev applied while live: the next join's since_rev
  joining: new Map(), // room id -> rev of the last message_updated of the join in flight (its replay)
  catchingUp: new Map(), // room id -> {rev}: changes paged over REST after changes_truncated
  thread: null, // the open thread panel: {roomId, rootId, root, t: Timeline of its replies, loaded, error}
  threads: null, // followed threads (GET /api/v1/threads): [{room_id, root, unread_count, last_read_seq}]
};

/**
 * A live frame of the room at `rev` was applied. A replay's frames (before `joined`) move nothing:
 * its new messages may carry newer revs than changes still to come, and a resume from them would
 * skip those.
 */
export function sawRev(roomId, rev) {
  if (rev == null || state.joining.has(roomId)) return;
  state.revs.set(roomId, Math.max(state.revs.get(roomId) || 0, rev));
}

/** The since_rev of the next join: where an unfinished catch-up stopped, else the newest rev applied. */
export function resumeRev(roomId) {
  const job = state.catchingUp.get(roomId);
  if (job) return job.rev;
  return state.revs.has(roomId) ? state.revs.get(roomId) : null;
}

/** The loaded messages of one room. */
export class Timeline {
  constructor() {
    this.bySeq = new Map();
    this.byId = new Map();
    this.hasMore = true;
    this.loaded = false; // the newest page has been fetched
    this.loading = false;
    this.busy = null; // the promise of the newest-page load in flight
    this.detached = false; // only an older page is loaded (a far jump): newer messages are not kept
  }

  /** Adds or replaces a message; returns true when it was not known before. */
  put(m) {
    if (this.detached && m.seq > this.newestSeq() && !this.bySeq.has(m.seq)) return false;
    const known = this.bySeq.get(m.seq);
    this.bySeq.set(m.seq, m);
    this.byId.set(m.id, m);
    return !known;
  }

  sorted() {
    return [...this.bySeq.values()].sort((a, b) => a.seq - b.seq);
  }

  oldestSeq() {
    let min = Infinity;
    for (const s of this.bySeq.keys()) if (s < min) min = s;
    return min === Infinity ? null : min;
  }

  newestSeq() {
    let max = 0;
    for (const s of this.bySeq.keys()) if (s > max) max = s;
    return max;
  }
}

export function timeline(roomId) {
  let t = state.timelines.get(roomId);
  if (!t) {
    t = new Timeline();
    state.timelines.set(roomId, t);
  }
  return t;
}

export function currentRoom() {
  return state.rooms.get(state.currentRoomId) || null;
}

/** Rooms most recently active first. */
export function sortedRooms() {
  return [...state.rooms.values()].sort((a, b) =>
    (b.last_activity_at || b.created_at || '').localeCompare(a.last_activity_at || a.created_at || ''));
}

/** A loaded message: in its room's timeline, or the open thread (its root and replies). */
export function findMessage(roomId, id) {
  const t = state.timelines.get(roomId);
  const known = t && t.byId.get(id);
  if (known) return known;
  const th = state.thread;
  if (!th || th.roomId !== roomId) return null;
  if (th.root && th.root.id === id) return th.root;
  return th.t.byId.get(id) || null;
}

/** True when a message names me: @username, @room, or @here (the server's fields, SPEC §8). */
export function mentionsMe(m) {
  if (!m || !state.me) return false;
  if (m.mentions_room || m.mentions_here) return true;
  const me = state.me.username.toLowerCase();
  return (m.mentions || []).some((u) => u.toLowerCase() === me);
}

/** A room's notifications are muted now (muted_until in the future) or switched off. */
export function isMuted(room) {
  return !!room && !!room.muted_until && Date.parse(room.muted_until) > Date.now();
}

export function isQuiet(room) {
  return isMuted(room) || (!!room && room.notification_level === 'none');
}

/** The page is on screen: a message arriving now is seen. */
export function pageVisible() {
  return document.visibilityState === 'visible';
}

export function canModerate(room) {
  return !!room && (room.my_role === 'owner' || room.my_role === 'admin');
}

export function typingNames(roomId) {
  const m = state.typing.get(roomId);
  return m ? [...m.keys()].filter((u) => !state.me || u !== state.me.username) : [];
}

// ---- reading state and replies (#21) ----

/**
 * The "New messages" line of the open room: placed once, at open, before the first message of
 * someone else after my read marker as it was then; it does not move as I read, and goes when
 * another room is opened. `settled` is false while older pages are still being fetched to find it.
 */
export const reading = { roomId: null, afterSeq: null, dividerSeq: null, settled: true };

/** My read marker of a room: the server's `last_read_seq`, moved forward as I read. */
export function myReadSeq(room) {
  if (!room) return 0;
  if (room.last_read_seq != null) return room.last_read_seq;
  return Math.max(0, (room.last_seq || 0) - (room.unread_count || 0));
}

/** My read marker moved (a read sent here, my own post, or a read in another tab of mine). */
export function readUpTo(room, seq) {
  if (room && seq > myReadSeq(room)) room.last_read_seq = seq;
}

/** Opening a room: where its divider goes is decided from my marker as it is now. */
export function beginReading(room) {
  const unread = (room.unread_count || 0) > 0 && myReadSeq(room) < (room.last_seq || 0);
  Object.assign(reading, { roomId: room.id, afterSeq: unread ? myReadSeq(room) : null, dividerSeq: null, settled: !unread });
}

/**
 * Places the divider when the loaded messages reach back to my marker (or the room's beginning);
 * false while older messages must be fetched first.
 */
export function settleDivider(roomId, t) {
  if (reading.roomId !== roomId) return true;
  if (reading.settled) return true;
  const after = reading.afterSeq;
  const oldest = t.oldestSeq();
  if (t.hasMore && (oldest == null || oldest > after + 1)) return false;
  const me = state.me && state.me.id;
  const first = t.sorted().find((m) => m.seq > after && !m.thread_id && m.author.id !== me);
  reading.dividerSeq = first ? first.seq : null;
  reading.settled = true;
  return true;
}

/** Gives up on the divider (the first unread is too far back to fetch). */
export function dropDivider(roomId) {
  if (reading.roomId !== roomId) return;
  reading.dividerSeq = null;
  reading.settled = true;
}

/**
 * "Seen by" of the open room: the other members whose marker is at or after `minSeq` (the seq of
 * my latest message when fetched), from GET …/receipts and then live `read_receipt`s. `total`
 * counts them all; `readers` lists the most advanced (at most the page asked for).
 */
export const receipts = new Map(); // room id -> {minSeq, readers: Map(username -> {user, seq}), total, loading}

/** Where each member's marker is, as far as this page knows (live `read_receipt`s). */
export function receiptSeen(f) {
  if (state.me && f.user === state.me.username) return false;
  const r = receipts.get(f.room_id);
  if (!r || f.seq < r.minSeq) return false;
  const known = r.readers.get(f.user);
  if (known) {
    known.seq = Math.max(known.seq, f.seq);
  } else {
    const member = (state.members.get(f.room_id) || []).find((m) => m.user.username === f.user);
    const complete = r.total <= r.readers.size;
    r.readers.set(f.user, { user: member ? member.user : { username: f.user }, seq: f.seq });
    // A reader not listed was either below minSeq (new: one more) or beyond the page (already in
    // the total); only a complete list can tell them apart.
    r.total = complete ? r.total + 1 : Math.max(r.total, r.readers.size);
  }
  return true;
}

/** The readers of message seq `seq` (which is at or after `minSeq`), most advanced first, and how many. */
export function seenBy(roomId, seq) {
  const r = receipts.get(roomId);
  if (!r || seq < r.minSeq) return null;
  const readers = [...r.readers.values()].filter((x) => x.seq >= seq).sort((a, b) => b.seq - a.seq);
  const total = seq === r.minSeq ? Math.max(r.total, readers.length) : readers.length;
  return { readers, total };
}

/**
 * Replies' parents that are not in a loaded page, fetched by id (GET …/messages/{id}) and kept
 * for the life of the page: message id -> the message, or {state: 'loading' | 'gone' | 'failed'}.
 */
export const parents = new Map();

/** A reply's parent: loaded, fetched, or the state of its fetch (null: not asked yet). */
export function parentOf(roomId, id) {
  return findMessage(roomId, id) || parents.get(id) || null;
}

/** A fetched parent changed (edited, deleted, reacted to): the quote follows. */
export function parentChanged(m) {
  if (!parents.has(m.id)) return false;
  const known = parents.get(m.id);
  if (known.id && m.rev != null && known.rev != null && m.rev < known.rev) return false;
  parents.set(m.id, { ...known, ...m });
  return true;
}
