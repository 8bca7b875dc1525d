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
