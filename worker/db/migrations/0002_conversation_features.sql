-- Agent tools on conversations: canned replies per workspace, customer ratings, and the agents'
-- "was this handoff needed?" marks. The Conversation DO holds the live copy of a rating and a mark;
-- these rows are what analytics (CSAT, escalation accuracy) read across conversations.

-- Managed by editors and owners, used by every agent. `shortcut` is what follows "/" in the composer.
CREATE TABLE canned_replies (
  id TEXT PRIMARY KEY,
  workspace_id TEXT NOT NULL REFERENCES workspaces(id),
  title TEXT NOT NULL,
  shortcut TEXT,
  body TEXT NOT NULL,
  created_by TEXT,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL
);
CREATE UNIQUE INDEX canned_replies_shortcut ON canned_replies(workspace_id, shortcut) WHERE shortcut IS NOT NULL;
CREATE INDEX canned_replies_ws ON canned_replies(workspace_id, title);

-- One rating per conversation: the first answer stands (a different later one is refused with 409).
CREATE TABLE csat (
  conversation_id TEXT PRIMARY KEY,
  workspace_id TEXT NOT NULL,
  score INTEGER NOT NULL CHECK (score BETWEEN 1 AND 5),
  comment TEXT,
  agent_id TEXT,                              -- who had the conversation when it was rated
  created_at INTEGER NOT NULL
);
CREATE INDEX csat_ws ON csat(workspace_id, created_at);

-- The agent's verdict per handed-off conversation; `reason` is the handoff reason it judges, so
-- escalation accuracy can be broken down by why the bot handed off. The latest verdict wins.
CREATE TABLE handoff_marks (
  conversation_id TEXT PRIMARY KEY,
  workspace_id TEXT NOT NULL,
  needed INTEGER NOT NULL CHECK (needed IN (0, 1)),
  reason TEXT,
  agent_id TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL
);
CREATE INDEX handoff_marks_ws ON handoff_marks(workspace_id, updated_at);
