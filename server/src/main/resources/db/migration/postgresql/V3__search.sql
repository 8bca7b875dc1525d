-- Full-text search. `search_terms` is derived from the body by the server (lower-case words,
-- and for Chinese, Japanese and Korean text its bigrams and single characters, which stock
-- tokenizers cannot split); a tsvector of it with the 'simple' configuration has a GIN index.
ALTER TABLE messages ADD COLUMN search_terms TEXT NOT NULL DEFAULT '';
ALTER TABLE messages ADD COLUMN search_vector tsvector
  GENERATED ALWAYS AS (to_tsvector('simple', search_terms)) STORED;
CREATE INDEX messages_search ON messages USING GIN (search_vector);
CREATE INDEX messages_room_created ON messages (room_id, created_at);
CREATE INDEX messages_created ON messages (created_at);
