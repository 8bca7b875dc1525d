-- Avatars (#21): a profile's avatar is one of its owner's image uploads, served to anyone who
-- knows its unguessable key at /api/v1/avatars/{key} (avatar_url holds that path). A new avatar
-- gets a new key; the old one stops working. Upload-form avatar URLs are converted at startup.
ALTER TABLE users ADD COLUMN avatar_key TEXT;
ALTER TABLE users ADD COLUMN avatar_upload_id TEXT;
CREATE UNIQUE INDEX users_avatar_key ON users (avatar_key) WHERE avatar_key IS NOT NULL;
CREATE INDEX users_avatar_upload ON users (avatar_upload_id) WHERE avatar_upload_id IS NOT NULL;

-- Sessions (SPEC §9): what GET /api/v1/auth/sessions lists of each signed-in session (a token
-- family): when it was last refreshed, and from which address and user agent.
ALTER TABLE token_families ADD COLUMN last_used_at BIGINT;
ALTER TABLE token_families ADD COLUMN ip TEXT;
ALTER TABLE token_families ADD COLUMN user_agent TEXT;
UPDATE token_families
   SET last_used_at = coalesce((SELECT max(t.issued_at) FROM refresh_tokens t WHERE t.family_id = token_families.id), created_at);
