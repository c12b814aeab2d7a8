-- A customer's data over its life (worker/privacy/, docs/privacy.md): which conversations hold an
-- email address, each workspace's retention setting, and the audit trail of exports, erasures and
-- retention runs. Additive only: a worker of the previous release keeps running while this applies.

-- Every email address a conversation learnt, verified or not, from any channel: the widget's identify(),
-- an address left for follow-up, the sender of an email, the REST API's customer. `contact_conversations`
-- (0006) links only verified addresses to a contact; a person asking for their data may also have typed
-- their address into a chat without a signature, and erasure must find that conversation too. Written
-- by the Conversation DO when a new address appears in its meta (worker/privacy/subjects.ts).
CREATE TABLE privacy_subjects (
  workspace_id TEXT NOT NULL,
  email TEXT NOT NULL,                        -- normalised: trimmed, lowercase
  conversation_id TEXT NOT NULL,
  source TEXT NOT NULL,                       -- identity | follow-up | email
  verified INTEGER NOT NULL CHECK (verified IN (0, 1)),
  created_at INTEGER NOT NULL,
  PRIMARY KEY (workspace_id, email, conversation_id, source)
) WITHOUT ROWID;
CREATE INDEX privacy_subjects_conversation ON privacy_subjects(conversation_id);

-- Per workspace: conversations whose last activity is older than `days` are deleted or anonymised by
-- the scheduled job (worker/privacy/retention.ts). No row, or days NULL: kept until erased.
CREATE TABLE retention_settings (
  workspace_id TEXT PRIMARY KEY REFERENCES workspaces(id),
  days INTEGER CHECK (days IS NULL OR days >= 1),
  mode TEXT NOT NULL DEFAULT 'delete' CHECK (mode IN ('delete', 'anonymise')),
  updated_by TEXT NOT NULL,
  updated_at INTEGER NOT NULL
);

-- Who exported, erased or expired what, and how much: ids and counts, never an address, a name or a
-- message (an erasure's entry must not keep what it erased). Append-only, kept by the database itself.
CREATE TABLE privacy_audit (
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  workspace_id TEXT NOT NULL,
  actor TEXT NOT NULL,                        -- the owner's agent id, "admin" (token) or "retention"
  action TEXT NOT NULL,                       -- contact.exported | contact.erased | retention.run | retention.changed | workspace.*
  subject TEXT,                               -- a contact id (random, meaningless once its row is gone) or NULL
  detail TEXT NOT NULL DEFAULT '{}',          -- JSON: counts, settings
  at INTEGER NOT NULL
);
CREATE INDEX privacy_audit_ws ON privacy_audit(workspace_id, seq);

CREATE TRIGGER privacy_audit_no_update BEFORE UPDATE ON privacy_audit
BEGIN
  SELECT RAISE(ABORT, 'privacy_audit is append-only');
END;

CREATE TRIGGER privacy_audit_no_delete BEFORE DELETE ON privacy_audit
BEGIN
  SELECT RAISE(ABORT, 'privacy_audit is append-only');
END;
