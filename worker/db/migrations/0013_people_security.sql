-- People, sessions, two-factor sign-in, login throttling and the audit log (docs/security.md).

-- Offboarding: a disabled agent cannot sign in and every session of theirs stops working.
ALTER TABLE agents ADD COLUMN disabled_at INTEGER;
-- TOTP (RFC 6238): the secret sealed with AES-GCM under a key derived from SECRET (worker/auth/seal.ts),
-- never stored in the clear. `totp_pending` holds a secret being enrolled until its first code is
-- confirmed; `totp_last_step` is the last 30-second step accepted, so a code is good once.
ALTER TABLE agents ADD COLUMN totp_secret TEXT;
ALTER TABLE agents ADD COLUMN totp_pending TEXT;
ALTER TABLE agents ADD COLUMN totp_last_step INTEGER NOT NULL DEFAULT 0;

-- An owner can require two-factor sign-in for everyone in the workspace.
ALTER TABLE workspaces ADD COLUMN require_two_factor INTEGER NOT NULL DEFAULT 0;

-- Sessions get a public id (owners list and end them by it; the token's hash never leaves D1) and
-- where they were opened. Sessions from before this migration have neither: everyone signs in again.
DELETE FROM sessions;
ALTER TABLE sessions ADD COLUMN id TEXT;
ALTER TABLE sessions ADD COLUMN ip TEXT;
ALTER TABLE sessions ADD COLUMN user_agent TEXT;
CREATE UNIQUE INDEX sessions_id ON sessions(id);

-- One-time recovery codes: only their SHA-256 (they are 50 random bits each, so a fast hash suffices).
CREATE TABLE recovery_codes (
  agent_id TEXT NOT NULL REFERENCES agents(id) ON DELETE CASCADE,
  code_hash TEXT NOT NULL,
  used_at INTEGER,
  PRIMARY KEY (agent_id, code_hash)
);

-- Login throttling (worker/auth/throttle.ts). Keys: "fail:acct:<email>" and "fail:net:<network>"
-- count failed sign-ins and lock; "try:…" count attempts when the rate-limit binding is absent.
CREATE TABLE login_throttle (
  key TEXT PRIMARY KEY,
  count INTEGER NOT NULL,
  window_start INTEGER NOT NULL,
  locked_until INTEGER NOT NULL DEFAULT 0
);

-- Which conversations a session has a socket open to, so ending the session closes those sockets.
CREATE TABLE session_sockets (
  session_id TEXT NOT NULL,
  conversation_id TEXT NOT NULL,
  PRIMARY KEY (session_id, conversation_id)
);

-- Who changed what, when, and how (before/after as JSON, never a secret value). Append-only.
CREATE TABLE audit_log (
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  workspace_id TEXT NOT NULL,
  at INTEGER NOT NULL,
  actor_id TEXT NOT NULL,
  actor_email TEXT NOT NULL,
  action TEXT NOT NULL,
  target_type TEXT NOT NULL,
  target_id TEXT NOT NULL,
  before TEXT,
  after TEXT
);
CREATE INDEX audit_log_ws ON audit_log(workspace_id, seq);

CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
BEGIN
  SELECT RAISE(ABORT, 'audit_log is append-only');
END;

CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
BEGIN
  SELECT RAISE(ABORT, 'audit_log is append-only');
END;
