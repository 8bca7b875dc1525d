-- SPEC §9 invites: a code lets its holder register (needed when BANTER_REGISTRATION=invite) and,
-- with a room, join that room. Uses are counted in the registration's transaction; an invite is
-- spent when uses reaches max_uses (null: no limit) or at expires_at (null: never). Removed with
-- its creator and with its room. At most 100 usable invites per creator.
CREATE TABLE invites (
  code       TEXT PRIMARY KEY,
  created_by TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  created_at INTEGER NOT NULL,
  expires_at INTEGER,
  max_uses   INTEGER,
  uses       INTEGER NOT NULL DEFAULT 0,
  room_id    TEXT REFERENCES rooms (id) ON DELETE CASCADE
);
CREATE INDEX invites_creator ON invites (created_by, created_at);

-- SPEC §9 audit log: every moderation and administration act, append-only. The actor's id and
-- name are copied (no foreign key): the record outlives the account.
CREATE TABLE audit_log (
  id         INTEGER PRIMARY KEY AUTOINCREMENT,
  at         INTEGER NOT NULL,
  actor_id   TEXT,
  actor      TEXT NOT NULL,
  action     TEXT NOT NULL,
  target     TEXT,
  details    TEXT NOT NULL
);

-- SPEC §9 password reset links: one use, until expires_at. Only the SHA-256 of the token is kept,
-- so the table does not hold working links. Removed with the user.
CREATE TABLE password_resets (
  token_hash TEXT PRIMARY KEY,
  user_id    TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  created_at INTEGER NOT NULL,
  expires_at INTEGER NOT NULL,
  used_at    INTEGER
);
CREATE INDEX password_resets_user ON password_resets (user_id, created_at);
