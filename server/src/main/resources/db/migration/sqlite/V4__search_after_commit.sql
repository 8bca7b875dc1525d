-- New messages are indexed for search after the transaction that stores them, in batches (the
-- server's search indexer, every half second and before every search), not by a trigger inside
-- it: indexing a message was half of the writer's work. A stored message waits in
-- search_pending until it is indexed; the triggers below keep the index exact for messages
-- edited or deleted before or after that.
CREATE TABLE search_pending (
  message_rowid INTEGER PRIMARY KEY
);

DROP TRIGGER messages_fts_insert;
DROP TRIGGER messages_fts_delete;
DROP TRIGGER messages_fts_update;

CREATE TRIGGER messages_search_pending AFTER INSERT ON messages BEGIN
  INSERT INTO search_pending (message_rowid) VALUES (new.rowid);
END;

-- Only what is in the index is taken out of it; a message still pending is just no longer pending.
CREATE TRIGGER messages_fts_delete AFTER DELETE ON messages BEGIN
  INSERT INTO messages_fts (messages_fts, rowid, search_terms)
    SELECT 'delete', old.rowid, old.search_terms
     WHERE NOT EXISTS (SELECT 1 FROM search_pending WHERE message_rowid = old.rowid);
  DELETE FROM search_pending WHERE message_rowid = old.rowid;
END;

-- A pending message is indexed with its terms as they are when the indexer comes.
CREATE TRIGGER messages_fts_update AFTER UPDATE OF search_terms ON messages
  WHEN NOT EXISTS (SELECT 1 FROM search_pending WHERE message_rowid = old.rowid)
BEGIN
  INSERT INTO messages_fts (messages_fts, rowid, search_terms) VALUES ('delete', old.rowid, old.search_terms);
  INSERT INTO messages_fts (rowid, search_terms) VALUES (new.rowid, new.search_terms);
END;
