-- Search over a workspace's conversations (worker/search/, docs/search.md). Kept by the Conversation
-- DO's search follower from its event log, like the `conversations` index row; erased with the
-- conversation (worker/privacy/conversation.ts). Additive only: a worker of the previous release keeps
-- running while this applies.

-- What a conversation is about and whose it is, for the filters: one row per conversation.
CREATE TABLE search_conversations (
  conversation_id TEXT PRIMARY KEY,
  workspace_id TEXT NOT NULL,
  subject TEXT NOT NULL DEFAULT '',           -- the email's subject, else the first line of the customer's first message
  customer TEXT,                              -- the customer's name as the conversation knows it
  emails TEXT NOT NULL DEFAULT '',            -- every address it learnt, lowercase, one per line
  labels TEXT NOT NULL DEFAULT '',            -- one per line between newlines ("\nbilling\nvip\n"): matched whole
  merged_into TEXT                            -- closed by a merge into this conversation
);
CREATE INDEX search_conversations_ws ON search_conversations(workspace_id);

-- The searchable text: a row per message and private note (seq), and row 0 per conversation with its
-- subject, customer name and addresses, so free text finds those too. Bot answers are left out: they
-- are the help centre's words, and would make every conversation match every article's vocabulary.
CREATE TABLE search_docs (
  id INTEGER PRIMARY KEY,
  conversation_id TEXT NOT NULL,
  workspace_id TEXT NOT NULL,
  seq INTEGER NOT NULL,
  message_id TEXT,
  text TEXT NOT NULL,
  UNIQUE (conversation_id, seq)
);
CREATE INDEX search_docs_message ON search_docs(conversation_id, message_id);

-- The full-text index over search_docs (external content: the text is stored once, in search_docs).
-- unicode61 folds case and accents ("cafe" finds "café") and splits "#A-1029" into "a" "1029", which a
-- phrase query matches in order. secure-delete: a deleted row leaves no trace in the index's pages, so
-- an erased conversation's words are gone from the database, not only from the results.
CREATE VIRTUAL TABLE search_fts USING fts5(
  text,
  content = 'search_docs',
  content_rowid = 'id',
  tokenize = 'unicode61 remove_diacritics 2'
);
INSERT INTO search_fts (search_fts, rank) VALUES ('secure-delete', 1);

CREATE TRIGGER search_docs_insert AFTER INSERT ON search_docs BEGIN
  INSERT INTO search_fts (rowid, text) VALUES (new.id, new.text);
END;

CREATE TRIGGER search_docs_delete AFTER DELETE ON search_docs BEGIN
  INSERT INTO search_fts (search_fts, rowid, text) VALUES ('delete', old.id, old.text);
END;

CREATE TRIGGER search_docs_update AFTER UPDATE OF text ON search_docs BEGIN
  INSERT INTO search_fts (search_fts, rowid, text) VALUES ('delete', old.id, old.text);
  INSERT INTO search_fts (rowid, text) VALUES (new.id, new.text);
END;
