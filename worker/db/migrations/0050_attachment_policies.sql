-- Files in the chat (docs/attachments.md): a workspace's own rules for what customers and agents may
-- attach, set by an owner in the console (Settings → Files). `types` is a JSON array of kinds
-- (shared/files.ts: png, jpeg, gif, webp, pdf), parsed with shared/attachments.ts filePolicySchema on
-- every read; an empty array turns attaching off. No row: the defaults (10 MB, images and PDF).
CREATE TABLE attachment_policies (
  workspace_id TEXT PRIMARY KEY,
  max_bytes INTEGER NOT NULL,
  types TEXT NOT NULL,
  updated_at INTEGER NOT NULL,
  updated_by TEXT
);
