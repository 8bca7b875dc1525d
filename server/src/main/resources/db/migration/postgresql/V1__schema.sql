-- Banter's schema for the whole spec. Times are epoch milliseconds (UTC); ids are opaque text.

CREATE TABLE users (
  id            TEXT PRIMARY KEY,
  username      TEXT NOT NULL UNIQUE,            -- stored lower-case
  display_name  TEXT NOT NULL,
  password_hash TEXT,                            -- null for guests
  avatar_url    TEXT,
  status_text   TEXT,
  role          TEXT NOT NULL DEFAULT 'user' CHECK (role IN ('user', 'admin')),
  guest         BOOLEAN NOT NULL DEFAULT FALSE,
  created_at    BIGINT NOT NULL,
  last_seen_at  BIGINT
);

-- One family per login; every refresh rotates to a new token of the same family.
CREATE TABLE token_families (
  id         TEXT PRIMARY KEY,
  user_id    TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  created_at BIGINT NOT NULL,
  revoked_at BIGINT
);
CREATE INDEX token_families_user ON token_families (user_id);

CREATE TABLE refresh_tokens (
  token_hash TEXT PRIMARY KEY,                   -- SHA-256 of the opaque token
  family_id  TEXT NOT NULL REFERENCES token_families (id) ON DELETE CASCADE,
  issued_at  BIGINT NOT NULL,
  expires_at BIGINT NOT NULL,
  used_at    BIGINT                             -- set when rotated; a second use revokes the family
);
CREATE INDEX refresh_tokens_family ON refresh_tokens (family_id);

CREATE TABLE rooms (
  id               TEXT PRIMARY KEY,
  kind             TEXT NOT NULL CHECK (kind IN ('channel', 'direct')),
  name             TEXT NOT NULL,
  name_key         TEXT UNIQUE,                  -- lower(name) for channels, null for direct rooms
  dm_key           TEXT UNIQUE,                  -- "<user id>:<user id>" sorted, for direct rooms
  topic            TEXT NOT NULL DEFAULT '',
  visibility       TEXT NOT NULL CHECK (visibility IN ('public', 'private')),
  created_by       TEXT REFERENCES users (id) ON DELETE SET NULL,
  created_at       BIGINT NOT NULL,
  last_seq         BIGINT NOT NULL DEFAULT 0,    -- the seq of the newest message
  last_activity_at BIGINT NOT NULL
);

CREATE TABLE room_members (
  room_id       TEXT NOT NULL REFERENCES rooms (id) ON DELETE CASCADE,
  user_id       TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  role          TEXT NOT NULL CHECK (role IN ('owner', 'admin', 'member')),
  joined_at     BIGINT NOT NULL,
  last_read_seq BIGINT NOT NULL DEFAULT 0,
  PRIMARY KEY (room_id, user_id)
);
CREATE INDEX room_members_user ON room_members (user_id);

CREATE TABLE messages (
  id         TEXT PRIMARY KEY,
  room_id    TEXT NOT NULL REFERENCES rooms (id) ON DELETE CASCADE,
  seq        BIGINT NOT NULL,
  author_id  TEXT NOT NULL REFERENCES users (id),
  body       TEXT NOT NULL,
  reply_to   TEXT REFERENCES messages (id) ON DELETE SET NULL,
  client_id  TEXT,
  created_at BIGINT NOT NULL,
  edited_at  BIGINT,
  deleted    BOOLEAN NOT NULL DEFAULT FALSE,
  UNIQUE (room_id, seq),
  UNIQUE (room_id, author_id, client_id)
);

CREATE TABLE reactions (
  message_id TEXT NOT NULL REFERENCES messages (id) ON DELETE CASCADE,
  user_id    TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  emoji      TEXT NOT NULL,
  created_at BIGINT NOT NULL,
  PRIMARY KEY (message_id, user_id, emoji)
);

CREATE TABLE uploads (
  id           TEXT PRIMARY KEY,
  uploader_id  TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  name         TEXT NOT NULL,
  size         BIGINT NOT NULL,
  content_type TEXT NOT NULL,
  sha256       TEXT NOT NULL,
  storage_name TEXT NOT NULL UNIQUE,
  created_at   BIGINT NOT NULL
);
CREATE INDEX uploads_uploader ON uploads (uploader_id);

CREATE TABLE message_attachments (
  message_id TEXT NOT NULL REFERENCES messages (id) ON DELETE CASCADE,
  upload_id  TEXT NOT NULL REFERENCES uploads (id) ON DELETE CASCADE,
  position   BIGINT NOT NULL,
  PRIMARY KEY (message_id, upload_id)
);
CREATE INDEX message_attachments_upload ON message_attachments (upload_id);
