-- Knowledge management: drafts, publish jobs, and the signals that show the content team where the
-- KB fails customers (bot turns, helpful votes).

-- Work in progress, never read by retrieval or the help pages. One draft per article id; publishing
-- it moves it into `articles` (a new KB version) and deletes the draft in the same transaction.
CREATE TABLE article_drafts (
  workspace_id TEXT NOT NULL,
  id TEXT NOT NULL,
  data TEXT NOT NULL,                          -- the article as JSON (shared/article.ts)
  base_version INTEGER,                        -- KB version of the published article it started from; NULL = new
  updated_at INTEGER NOT NULL,
  updated_by TEXT NOT NULL,
  PRIMARY KEY (workspace_id, id)
);

-- Publishes run one at a time per workspace in the KnowledgeDO. A job is `staging` while its
-- articles are being written to kb_job_items, becomes `queued` only once all of them are there (so a
-- request that dies half-way leaves a job that never runs), then `running`, then `done` or `failed`.
CREATE TABLE kb_jobs (
  id TEXT PRIMARY KEY,
  workspace_id TEXT NOT NULL,
  kind TEXT NOT NULL,                          -- publish | drafts | rollback | history
  status TEXT NOT NULL,                        -- staging | queued | running | done | failed
  replace_all INTEGER NOT NULL DEFAULT 0,      -- 1: articles not staged are unpublished
  stage TEXT NOT NULL DEFAULT '',
  done INTEGER NOT NULL DEFAULT 0,
  total INTEGER NOT NULL DEFAULT 0,
  version INTEGER,
  result TEXT,                                 -- PublishResult JSON when done
  error TEXT,
  created_by TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL
);
CREATE INDEX kb_jobs_ws ON kb_jobs(workspace_id, status, created_at);

CREATE TABLE kb_job_items (
  job_id TEXT NOT NULL,
  id TEXT NOT NULL,
  op TEXT NOT NULL,                            -- put | delete
  data TEXT,                                   -- article JSON for put
  draft_updated_at INTEGER,                    -- the draft this came from: deleted on publish only if unchanged since
  PRIMARY KEY (job_id, id)
);

-- One row per bot decision (written by the Conversation DO) and per handoff the customer asked for.
CREATE TABLE bot_turns (
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  workspace_id TEXT NOT NULL,
  conversation_id TEXT NOT NULL,
  message_id TEXT,                             -- the bot message, for votes
  question TEXT NOT NULL,
  action TEXT NOT NULL,                        -- answer | handoff | decline
  reason TEXT NOT NULL,
  article_id TEXT,
  confidence REAL NOT NULL DEFAULT 0,
  kb_version INTEGER,
  created_at INTEGER NOT NULL
);
CREATE INDEX bot_turns_ws ON bot_turns(workspace_id, created_at);
CREATE INDEX bot_turns_conv ON bot_turns(conversation_id, seq);
CREATE INDEX bot_turns_msg ON bot_turns(message_id);

-- Thumbs up/down from the widget on a bot answer; a customer may change their mind (one row per message).
CREATE TABLE answer_votes (
  workspace_id TEXT NOT NULL,
  conversation_id TEXT NOT NULL,
  message_id TEXT NOT NULL,
  article_id TEXT,
  helpful INTEGER NOT NULL,
  created_at INTEGER NOT NULL,
  PRIMARY KEY (conversation_id, message_id)
);
CREATE INDEX answer_votes_ws ON answer_votes(workspace_id, article_id);
