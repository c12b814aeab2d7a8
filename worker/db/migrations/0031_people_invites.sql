-- People (issue 16): invitations and password resets by emailed link, each agent's routing capacity.
-- A link's token is stored only as its SHA-256; a row works once (used_at) and until expires_at.
CREATE TABLE invites (
  id TEXT PRIMARY KEY,
  workspace_id TEXT NOT NULL REFERENCES workspaces(id),
  email TEXT NOT NULL,
  name TEXT,
  role TEXT NOT NULL CHECK (role IN ('agent', 'editor', 'owner')),
  teams TEXT NOT NULL DEFAULT '[]',
  token_hash TEXT NOT NULL UNIQUE,
  invited_by TEXT NOT NULL,             -- the inviter's email (the operator's label for the ADMIN_TOKEN)
  created_at INTEGER NOT NULL,
  expires_at INTEGER NOT NULL,
  used_at INTEGER,
  revoked_at INTEGER
);
CREATE INDEX invites_workspace ON invites(workspace_id, created_at);

CREATE TABLE password_resets (
  token_hash TEXT PRIMARY KEY,
  workspace_id TEXT NOT NULL REFERENCES workspaces(id),
  agent_id TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  expires_at INTEGER NOT NULL,
  used_at INTEGER
);
CREATE INDEX password_resets_agent ON password_resets(agent_id);

-- Open conversations before routing skips the agent; NULL = the escalation matrix's agentCapacity.
ALTER TABLE agents ADD COLUMN capacity INTEGER;
