-- Channels beyond the widget: the help-centre portal (worker/channels/portal/, docs/portal.md) and the REST API
-- (worker/channels/rest/, docs/rest-api.md).

-- A portal site is the site key the help centre's own pages embed the widget with. Those pages are
-- served from the worker's origin, which differs per deployment (and per test run), so a portal site
-- is allowed on the worker's own origin in addition to its allowed_origins.
ALTER TABLE sites ADD COLUMN portal INTEGER NOT NULL DEFAULT 0;

INSERT INTO sites (key, workspace_id, name, allowed_origins, portal, created_at)
VALUES ('demo_portal', 'demo', 'Lumen help centre', '[]', 1, 0);

-- Per-workspace REST API keys. The key itself (ek_…) is shown once, at creation; only its SHA-256 is
-- kept, so a leaked table authenticates nobody. `prefix` (the first characters) lets owners tell keys
-- apart in a list.
CREATE TABLE api_keys (
  id TEXT PRIMARY KEY,
  workspace_id TEXT NOT NULL REFERENCES workspaces(id),
  name TEXT NOT NULL,
  prefix TEXT NOT NULL,
  hash TEXT NOT NULL UNIQUE,
  created_by TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  last_used_at INTEGER,
  revoked_at INTEGER
);
CREATE INDEX api_keys_ws ON api_keys(workspace_id, created_at);
