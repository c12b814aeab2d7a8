-- Customer health (docs/customer-health.md): each conversation's signals (kept by its `health`
-- follower; no customer text), owners' alert rules, and the alerts they fired (one per rule, customer
-- and window: the key).
CREATE TABLE conversation_health (
  workspace_id TEXT NOT NULL,
  conversation_id TEXT PRIMARY KEY,
  contact_id TEXT,
  company TEXT,
  started_at INTEGER NOT NULL,
  state TEXT NOT NULL,
  customer_messages INTEGER NOT NULL,
  negative INTEGER NOT NULL,
  handoffs INTEGER NOT NULL,
  breached INTEGER NOT NULL,
  csat INTEGER,
  updated_at INTEGER NOT NULL
);
CREATE INDEX conversation_health_contact ON conversation_health(workspace_id, contact_id, started_at);
CREATE INDEX conversation_health_company ON conversation_health(workspace_id, company, started_at);
CREATE INDEX conversation_health_recent ON conversation_health(workspace_id, started_at);

CREATE TABLE health_rules (
  id TEXT PRIMARY KEY,
  workspace_id TEXT NOT NULL,
  name TEXT NOT NULL,
  signal TEXT NOT NULL CHECK (signal IN ('negative', 'handoff', 'breach', 'low_csat', 'unresolved')),
  threshold INTEGER NOT NULL,
  days INTEGER NOT NULL,
  notify TEXT NOT NULL CHECK (notify IN ('slack', 'email')),
  created_by TEXT,
  created_at INTEGER NOT NULL
);
CREATE INDEX health_rules_ws ON health_rules(workspace_id);

CREATE TABLE health_alerts (
  rule_id TEXT NOT NULL,
  subject TEXT NOT NULL,
  win INTEGER NOT NULL,
  workspace_id TEXT NOT NULL,
  fired_at INTEGER NOT NULL,
  PRIMARY KEY (rule_id, subject, win)
);
