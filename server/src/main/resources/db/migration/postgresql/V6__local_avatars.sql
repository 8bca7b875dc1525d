-- Avatars are uploads of this server only: one on another host told that host who views whom.
UPDATE users SET avatar_url = NULL WHERE avatar_url IS NOT NULL AND avatar_url NOT LIKE '/api/v1/uploads/%';
