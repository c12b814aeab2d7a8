-- Actions (docs/actions.md): HTTP calls to the company's own API that the bot or an agent makes for a
-- customer. Definitions per workspace (JSON of shared/actions.ts `actionDefinitionSchema`), the secrets
-- their templates reference (AES-GCM sealed under SECRET, worker/auth/seal.ts; never returned), the
-- call log, and the approvals queue for actions an agent must approve.
CREATE TABLE actions (
  workspace_id TEXT NOT NULL,
  name TEXT NOT NULL,
  definition TEXT NOT NULL,
  updated_at INTEGER NOT NULL,
  updated_by TEXT NOT NULL,
  PRIMARY KEY (workspace_id, name)
) WITHOUT ROWID;

CREATE TABLE action_secrets (
  workspace_id TEXT NOT NULL,
  name TEXT NOT NULL,
  sealed TEXT NOT NULL,          -- v1.<iv>.<ciphertext>, purpose action-secret:<workspace>:<name>
  updated_at INTEGER NOT NULL,
  updated_by TEXT NOT NULL,
  PRIMARY KEY (workspace_id, name)
) WITHOUT ROWID;

-- One row per call (or refusal). Conversation calls are written by the actions follower from the
-- conversation's `action` events, keyed by (conversation, seq) so a replayed batch writes nothing twice.
CREATE TABLE action_calls (
  id TEXT PRIMARY KEY,
  workspace_id TEXT NOT NULL,
  action TEXT NOT NULL,
  at INTEGER NOT NULL,
  conversation_id TEXT,
  seq INTEGER,
  by TEXT NOT NULL,              -- bot, customer, an agent's name, try, card
  status TEXT NOT NULL,          -- ok, failed, timeout, refused, and the steps of a conversation's call
  http_status INTEGER,
  duration_ms INTEGER,
  inputs TEXT NOT NULL,          -- JSON, values redacted
  error TEXT
);
CREATE INDEX action_calls_log ON action_calls(workspace_id, action, at);
CREATE UNIQUE INDEX action_calls_event ON action_calls(conversation_id, seq) WHERE conversation_id IS NOT NULL;

-- Write actions that need an agent's approval: one row per call, pending until approved or denied.
CREATE TABLE action_approvals (
  id TEXT PRIMARY KEY,           -- the call's id
  workspace_id TEXT NOT NULL,
  conversation_id TEXT NOT NULL,
  action TEXT NOT NULL,
  summary TEXT NOT NULL,         -- the confirmation the customer said yes to (Markdown)
  requested_at INTEGER NOT NULL,
  status TEXT NOT NULL,          -- pending, approved, denied, withdrawn
  decided_by TEXT,
  decided_at INTEGER,
  reason TEXT
);
CREATE INDEX action_approvals_queue ON action_approvals(workspace_id, status, requested_at);

-- An article may name the action the bot runs instead of quoting it (front matter `action:`).
ALTER TABLE articles ADD COLUMN action TEXT;
