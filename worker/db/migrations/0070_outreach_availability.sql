-- Proactive outreach (docs/customer-health.md "Outreach"): a message an agent sends a contact, by email
-- or in the widget on their next visit, as the first message of a new conversation; or one a health
-- rule drafts, which waits for an agent's approval (proposed → sent, or denied: nothing is sent).
CREATE TABLE outreach (
  id TEXT PRIMARY KEY,
  workspace_id TEXT NOT NULL,
  contact_id TEXT NOT NULL,
  channel TEXT NOT NULL CHECK (channel IN ('email', 'widget')),
  subject TEXT,
  text TEXT NOT NULL,
  status TEXT NOT NULL CHECK (status IN ('proposed', 'sent', 'denied')),
  rule_id TEXT,
  reason TEXT,
  conversation_id TEXT,
  created_by TEXT,
  created_at INTEGER NOT NULL,
  decided_by TEXT,
  decided_at INTEGER
);
CREATE INDEX outreach_ws_status ON outreach(workspace_id, status, created_at);
CREATE INDEX outreach_contact ON outreach(workspace_id, contact_id, created_at);

-- A rule may alert (as before), propose an outreach, or both: `alert` 0 proposes only.
ALTER TABLE health_rules ADD COLUMN alert INTEGER NOT NULL DEFAULT 1;
-- The drafted message, JSON {channel, subject?, text}; NULL: no outreach.
ALTER TABLE health_rules ADD COLUMN outreach TEXT;

-- Time available (docs/quality-review.md "Performance"): one row per stretch an agent was online in the
-- inbox and not away, kept by the Inbox Durable Object as presence changes; `end_at` NULL while it lasts.
CREATE TABLE agent_availability (
  workspace_id TEXT NOT NULL,
  agent_id TEXT NOT NULL,
  start_at INTEGER NOT NULL,
  end_at INTEGER,
  PRIMARY KEY (workspace_id, agent_id, start_at)
);
CREATE INDEX agent_availability_open ON agent_availability(workspace_id, agent_id, end_at);
