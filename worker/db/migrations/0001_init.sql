-- Workspaces own sites (where the widget runs), agents, the KB and conversations.
CREATE TABLE workspaces (
  id TEXT PRIMARY KEY,
  name TEXT NOT NULL,
  created_at INTEGER NOT NULL
);

-- A site key is public (it sits in the embed tag); the allowed origins are what protect it in browsers.
CREATE TABLE sites (
  key TEXT PRIMARY KEY,
  workspace_id TEXT NOT NULL REFERENCES workspaces(id),
  name TEXT NOT NULL,
  allowed_origins TEXT NOT NULL DEFAULT '[]', -- JSON array of origins, e.g. ["https://shop.example"]
  identity_secret TEXT,                       -- HMAC key for identify(); NULL: identity is unverified
  created_at INTEGER NOT NULL
);

CREATE TABLE agents (
  id TEXT PRIMARY KEY,
  workspace_id TEXT NOT NULL REFERENCES workspaces(id),
  email TEXT NOT NULL UNIQUE,
  name TEXT NOT NULL,
  role TEXT NOT NULL CHECK (role IN ('agent', 'editor', 'owner')),
  teams TEXT NOT NULL DEFAULT '[]',
  password_hash TEXT NOT NULL,               -- pbkdf2-sha256$iterations$salt$hash (WebCrypto)
  created_at INTEGER NOT NULL
);

-- Only the SHA-256 of the session token is stored: a leaked table does not log anyone in.
CREATE TABLE sessions (
  token_hash TEXT PRIMARY KEY,
  agent_id TEXT NOT NULL REFERENCES agents(id) ON DELETE CASCADE,
  expires_at INTEGER NOT NULL,
  created_at INTEGER NOT NULL
);
CREATE INDEX sessions_agent ON sessions(agent_id);

-- Published articles; every publish of an article is a new row in article_versions.
CREATE TABLE articles (
  workspace_id TEXT NOT NULL REFERENCES workspaces(id),
  id TEXT NOT NULL,
  title TEXT NOT NULL,
  category TEXT NOT NULL,
  tags TEXT NOT NULL,                         -- JSON array
  handoff TEXT NOT NULL,
  priority TEXT NOT NULL,
  team TEXT NOT NULL,
  locale TEXT NOT NULL,
  updated TEXT NOT NULL,
  body TEXT NOT NULL,
  version INTEGER NOT NULL,                   -- KB version that last changed it
  PRIMARY KEY (workspace_id, id)
);

CREATE TABLE article_versions (
  workspace_id TEXT NOT NULL,
  id TEXT NOT NULL,
  kb_version INTEGER NOT NULL,
  data TEXT NOT NULL,                         -- the whole article as JSON
  created_at INTEGER NOT NULL,
  PRIMARY KEY (workspace_id, id, kb_version)
);

-- Questions from resolved conversations and the article that resolved them (or one no longer/never
-- in the KB: then it is evidence of a gap). Retrieval learns from these.
CREATE TABLE resolved_questions (
  workspace_id TEXT NOT NULL,
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  text TEXT NOT NULL,
  article_id TEXT NOT NULL,
  conversation_id TEXT,
  created_at INTEGER NOT NULL
);
CREATE INDEX resolved_questions_ws ON resolved_questions(workspace_id, seq);

-- The KB index snapshot of each version lives in KV under `snapshot_key`; `current` marks the one
-- conversations answer from. A new version becomes current only once its snapshot is written.
CREATE TABLE kb_versions (
  workspace_id TEXT NOT NULL,
  version INTEGER NOT NULL,
  snapshot_key TEXT NOT NULL,
  articles INTEGER NOT NULL,
  chunks INTEGER NOT NULL,
  current INTEGER NOT NULL DEFAULT 0,
  created_at INTEGER NOT NULL,
  PRIMARY KEY (workspace_id, version)
);

-- The console's index of conversations; the Conversation DO is the source of truth and keeps it current.
CREATE TABLE conversations (
  id TEXT PRIMARY KEY,
  workspace_id TEXT NOT NULL,
  site_key TEXT NOT NULL,
  channel TEXT NOT NULL,
  state TEXT NOT NULL,
  locale TEXT NOT NULL,
  page_url TEXT,
  preview TEXT NOT NULL DEFAULT '',
  reason TEXT,
  team TEXT,
  priority TEXT,
  assigned_agent_id TEXT,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL
);
CREATE INDEX conversations_ws_state ON conversations(workspace_id, state, updated_at);

-- The demo workspace and its site; agents are created through the admin API (passwords need hashing).
INSERT INTO workspaces (id, name, created_at) VALUES ('demo', 'Lumen (demo)', 0);
INSERT INTO sites (key, workspace_id, name, allowed_origins, created_at)
VALUES ('demo_site', 'demo', 'Lumen demo site',
        '["http://localhost:8787","http://127.0.0.1:8787","http://localhost:8788","http://127.0.0.1:8788"]', 0);
