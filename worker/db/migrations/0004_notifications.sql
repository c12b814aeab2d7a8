-- Notifications: outgoing webhooks and the Slack incoming-webhook URL, per workspace. Deliveries and
-- their retries live in each workspace's Notifier Durable Object, not here (worker/insights/notify/README.md).
CREATE TABLE webhooks (
  id TEXT PRIMARY KEY,
  workspace_id TEXT NOT NULL REFERENCES workspaces(id),
  url TEXT NOT NULL,
  secret TEXT NOT NULL,                       -- HMAC-SHA256 key; the receiver holds the same one
  events TEXT NOT NULL DEFAULT '[]',          -- JSON array of subscribed event types
  enabled INTEGER NOT NULL DEFAULT 1,
  description TEXT NOT NULL DEFAULT '',
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL
);
CREATE INDEX webhooks_ws ON webhooks(workspace_id);

CREATE TABLE notification_settings (
  workspace_id TEXT PRIMARY KEY REFERENCES workspaces(id),
  slack_url TEXT,                             -- Slack incoming webhook; a credential, never shown back whole
  updated_at INTEGER NOT NULL
);
