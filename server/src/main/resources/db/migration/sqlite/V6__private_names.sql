-- A channel's name is unique among public channels only (name_key), so creating a private one
-- never reveals that a private room of that name exists; private names are checked against the
-- creator's own rooms by the application.
UPDATE rooms SET name_key = NULL WHERE kind = 'channel' AND visibility = 'private';
