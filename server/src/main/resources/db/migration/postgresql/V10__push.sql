-- SPEC §8 Web Push: each browser subscription of a user (RFC 8030 endpoint, RFC 8291 keys).
-- At most 10 per user (the oldest is evicted by the 11th); removed with the user, and by the push
-- service answering 404/410. An endpoint belongs to one browser profile, so to one user: a second
-- user subscribing the same endpoint (a shared computer) takes it over.
CREATE TABLE push_subscriptions (
  id         TEXT PRIMARY KEY,
  user_id    TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  endpoint   TEXT NOT NULL UNIQUE,
  p256dh     TEXT NOT NULL,
  auth       TEXT NOT NULL,
  created_at BIGINT NOT NULL
);
CREATE INDEX push_subscriptions_user ON push_subscriptions (user_id, created_at);
