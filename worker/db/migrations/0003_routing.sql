-- Routing: an agent can set themselves away (teams already live in agents.teams as a JSON array).
ALTER TABLE agents ADD COLUMN away INTEGER NOT NULL DEFAULT 0;

-- Every time a queued conversation neared or breached its response target (worker/inbox/routing/hooks.ts).
CREATE TABLE sla_events (
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  workspace_id TEXT NOT NULL,
  conversation_id TEXT NOT NULL,
  kind TEXT NOT NULL CHECK (kind IN ('near', 'breached')),
  tier TEXT,
  team TEXT,
  assignee_id TEXT,
  due_at INTEGER NOT NULL,
  at INTEGER NOT NULL
);
CREATE INDEX sla_events_ws ON sla_events(workspace_id, at);
