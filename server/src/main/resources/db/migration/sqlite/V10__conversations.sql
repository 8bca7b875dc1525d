-- SPEC §8 threads, mentions, notification levels (and the blocks they respect, SPEC §9).

-- A thread reply names its root; a root keeps its thread's summary (kept by the writer in the
-- transaction that stores each reply, recomputed when a reply is deleted). participants: up to
-- five usernames, most recent first, separated by spaces (usernames hold no spaces).
ALTER TABLE messages ADD COLUMN thread_id TEXT REFERENCES messages (id);
ALTER TABLE messages ADD COLUMN reply_count INTEGER NOT NULL DEFAULT 0;
ALTER TABLE messages ADD COLUMN last_reply_at INTEGER;
ALTER TABLE messages ADD COLUMN thread_participants TEXT;
CREATE INDEX messages_thread ON messages (thread_id, seq) WHERE thread_id IS NOT NULL;

-- Mentions as parsed from the body: the usernames of members named (space separated), @room and
-- @here. Who @here reached is kept as rows in message_mentions, like names.
ALTER TABLE messages ADD COLUMN mentions TEXT;
ALTER TABLE messages ADD COLUMN mentions_room INTEGER NOT NULL DEFAULT 0;
ALTER TABLE messages ADD COLUMN mentions_here INTEGER NOT NULL DEFAULT 0;
-- mention_count counts @room messages of a room past the reader's marker through this index.
CREATE INDEX messages_room_mentions_room ON messages (room_id, seq) WHERE mentions_room;

-- One row per member a message mentions by name or reached by @here (not for @room: that flag
-- covers every member). Rows go when the message is deleted or edited; mention_count counts them.
CREATE TABLE message_mentions (
  message_id TEXT NOT NULL REFERENCES messages (id) ON DELETE CASCADE,
  user_id    TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  room_id    TEXT NOT NULL REFERENCES rooms (id) ON DELETE CASCADE,
  seq        INTEGER NOT NULL,
  PRIMARY KEY (message_id, user_id)
);
CREATE INDEX message_mentions_user ON message_mentions (user_id, room_id, seq);

-- Threads a user follows (started, replied to, mentioned in) and how far they read each.
CREATE TABLE thread_follows (
  user_id       TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  root_id       TEXT NOT NULL REFERENCES messages (id) ON DELETE CASCADE,
  room_id       TEXT NOT NULL REFERENCES rooms (id) ON DELETE CASCADE,
  last_read_seq INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY (user_id, root_id)
);
CREATE INDEX thread_follows_root ON thread_follows (root_id);

-- Per room and member: null level means the default (all for direct rooms, mentions for channels).
ALTER TABLE room_members ADD COLUMN notification_level TEXT
  CHECK (notification_level IN ('all', 'mentions', 'none'));
ALTER TABLE room_members ADD COLUMN muted_until INTEGER;
-- The members of a room with a setting of their own: what the notifier reads for every message.
CREATE INDEX room_members_notify ON room_members (room_id)
  WHERE notification_level IS NOT NULL OR muted_until IS NOT NULL;

-- blocker_id blocks blocked_id: the blocked user's messages never notify the blocker.
CREATE TABLE blocks (
  blocker_id TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  blocked_id TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  created_at INTEGER NOT NULL,
  PRIMARY KEY (blocker_id, blocked_id)
);
CREATE INDEX blocks_blocked ON blocks (blocked_id);
