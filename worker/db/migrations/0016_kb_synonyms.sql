-- Synonyms a content team sets once per workspace ("bin, trash", "cancel plan, downgrade"): groups of
-- words or phrases a question may use for one another. Part of the KB snapshot, so saving queues a rebuild.
CREATE TABLE kb_synonyms (
  workspace_id TEXT PRIMARY KEY,
  groups TEXT NOT NULL,                        -- JSON array of arrays of strings
  updated_at INTEGER NOT NULL,
  updated_by TEXT NOT NULL
);
