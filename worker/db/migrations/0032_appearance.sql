-- The widget's look and words and the help centre's branding, one row per workspace (shared/appearance.ts,
-- worker/appearance/). `data` is the JSON the owner saved, parsed with appearanceSchema when read.
CREATE TABLE appearance (
  workspace_id TEXT PRIMARY KEY REFERENCES workspaces(id),
  data TEXT NOT NULL,
  updated_at INTEGER NOT NULL,
  updated_by TEXT
);
