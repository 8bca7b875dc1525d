-- SPEC §8 pins: a pinned message carries when and by whom it was pinned (both null when it is not).
-- Columns on messages, not a pins table: a message is pinned once or not at all, every read of a
-- message needs the two fields, and a tombstone clears them in the same row update.
-- pinned_by becomes null when that account is removed (an unused guest swept away); the pin stays.
ALTER TABLE messages ADD COLUMN pinned_at BIGINT;
ALTER TABLE messages ADD COLUMN pinned_by TEXT REFERENCES users (id) ON DELETE SET NULL;
-- GET /rooms/{id}/pins lists a room's pins newest first, and PUT counts them (at most 50).
CREATE INDEX messages_room_pinned ON messages (room_id, pinned_at) WHERE pinned_at IS NOT NULL;
