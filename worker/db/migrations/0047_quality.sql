-- Conversation quality (docs/quality-review.md): versioned rubrics, the scorecards of each ended
-- conversation (one per part: the bot, each agent) and leads' overrides. A scorecard row keeps the
-- rubric version and the inputs it used, so re-scoring is checkable; no customer text is stored here.
CREATE TABLE quality_rubrics (
  workspace_id TEXT NOT NULL,
  version INTEGER NOT NULL,
  weights TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  created_by TEXT,
  PRIMARY KEY (workspace_id, version)
);

CREATE TABLE quality_scores (
  workspace_id TEXT NOT NULL,
  conversation_id TEXT NOT NULL,
  part TEXT NOT NULL,
  kind TEXT NOT NULL CHECK (kind IN ('bot', 'agent')),
  agent_id TEXT,
  agent_name TEXT,
  score REAL,
  rubric_version INTEGER NOT NULL,
  card TEXT NOT NULL,
  scored_at INTEGER NOT NULL,
  PRIMARY KEY (conversation_id, part)
);
CREATE INDEX quality_scores_ws ON quality_scores(workspace_id, scored_at);
CREATE INDEX quality_scores_agent ON quality_scores(workspace_id, agent_id, scored_at);

CREATE TABLE quality_overrides (
  workspace_id TEXT NOT NULL,
  conversation_id TEXT NOT NULL,
  part TEXT NOT NULL,
  score INTEGER NOT NULL,
  -- The automatic score when the override was made: disagreement is measured against it.
  auto_score REAL,
  comment TEXT NOT NULL,
  by_id TEXT NOT NULL,
  by_name TEXT NOT NULL,
  at INTEGER NOT NULL,
  PRIMARY KEY (conversation_id, part)
);
CREATE INDEX quality_overrides_ws ON quality_overrides(workspace_id, at);
