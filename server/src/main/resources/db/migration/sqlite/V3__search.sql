-- Full-text search. `search_terms` is derived from the body by the server (lower-case words,
-- and for Chinese, Japanese and Korean text its bigrams and single characters, which stock
-- tokenizers cannot split); an FTS5 index over it is kept in step by triggers.
ALTER TABLE messages ADD COLUMN search_terms TEXT NOT NULL DEFAULT '';

CREATE VIRTUAL TABLE messages_fts USING fts5(
  search_terms,
  content = 'messages',
  content_rowid = 'rowid',
  tokenize = 'unicode61 remove_diacritics 2'
);

CREATE TRIGGER messages_fts_insert AFTER INSERT ON messages BEGIN
  INSERT INTO messages_fts (rowid, search_terms) VALUES (new.rowid, new.search_terms);
END;

CREATE TRIGGER messages_fts_delete AFTER DELETE ON messages BEGIN
  INSERT INTO messages_fts (messages_fts, rowid, search_terms) VALUES ('delete', old.rowid, old.search_terms);
END;

CREATE TRIGGER messages_fts_update AFTER UPDATE OF search_terms ON messages BEGIN
  INSERT INTO messages_fts (messages_fts, rowid, search_terms) VALUES ('delete', old.rowid, old.search_terms);
  INSERT INTO messages_fts (rowid, search_terms) VALUES (new.rowid, new.search_terms);
END;

CREATE INDEX messages_room_created ON messages (room_id, created_at);
