-- SPEC §5.1: a per-room change counter, and each message's rev (the room's rev at its latest change),
-- so a resuming client can be sent every message changed since the rev it last saw.
-- Existing rows start at rev = seq and last_rev = last_seq: strictly increasing per room, and every
-- message's rev <= its room's last_rev, which is all resume needs. Changes made before this
-- migration are not told apart from posts; no client holds a rev from before it.
ALTER TABLE rooms ADD COLUMN last_rev INTEGER NOT NULL DEFAULT 0;
UPDATE rooms SET last_rev = last_seq;
ALTER TABLE messages ADD COLUMN rev INTEGER NOT NULL DEFAULT 0;
UPDATE messages SET rev = seq;
-- Resume and ?changed_after_rev= page a room's messages by rev.
CREATE INDEX messages_room_rev ON messages (room_id, rev);
