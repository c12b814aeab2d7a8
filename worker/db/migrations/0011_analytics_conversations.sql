-- Analytics, one row per conversation: what every per-conversation figure of the dashboard needs
-- (worker/insights/analytics/queries.ts, docs/analytics.md), so a date range reads one row per conversation
-- instead of every event of every conversation.
--
-- A row is a pure function of that conversation's `analytics_events` rows: the trigger below recomputes
-- it from all of them whenever an event that can change it is inserted, inside the same statement (so
-- inside the same D1 batch, all or nothing). Recomputing instead of adding makes it replay-safe: a
-- retried batch inserts nothing new (INSERT OR IGNORE fires no trigger for an ignored row), and even
-- a repeated recompute gives the same row. The trigger runs whoever writes the events (the
-- Conversation DO through worker/insights/analytics/record.ts, scripts/bench-analytics.ts, an older worker
-- still running while this deploys), and it does not depend on the order rows arrive in: until the
-- `started` row (seq 0) is there, there is no row; when it comes, the row is computed from everything.
--
-- Not here: thumbs-down votes (answer_votes has its own writer; the queries look them up by primary
-- key), event-level charts (top articles, knowledge gaps).
CREATE TABLE analytics_conversations (
  workspace_id TEXT NOT NULL,
  started_at INTEGER NOT NULL,     -- the `started` row's `at`: the first customer message, ms
  conversation_id TEXT NOT NULL,
  channel TEXT NOT NULL,           -- the `started` row's channel
  category TEXT,                   -- the first category the conversation touched (by seq), or NULL
  bot_frt INTEGER,                 -- ms from started_at to the first bot message after the first customer message
  human_frt INTEGER,               -- the same to the first agent message
  frt INTEGER,                     -- whichever of the two came first (the headline first response)
  resolved INTEGER NOT NULL,       -- 1 when the last `resolved` comes after the last `reopened`/`handoff`
  resolved_at INTEGER,             -- the last `resolved` event's `at`
  resolution_ms INTEGER,           -- resolved_at - started_at when resolved now, else NULL
  agent_messages INTEGER NOT NULL,
  handoffs INTEGER NOT NULL,
  handoff_reason TEXT,             -- the reason of the latest `handoff`
  answers INTEGER NOT NULL,        -- bot messages with reason `answer`
  csat INTEGER,                    -- the rating, 1–5 (one per conversation; MAX if there were more)
  needed INTEGER,                  -- the latest `handoff_marked` value: 1 needed, 0 not, NULL none
  -- Clustered by the date-range entry point: a range is one contiguous scan of this table.
  PRIMARY KEY (workspace_id, started_at, conversation_id)
) WITHOUT ROWID;
CREATE UNIQUE INDEX analytics_conversations_id ON analytics_conversations(conversation_id);
-- Percentiles (p50/p90 by nearest rank): a range's values in order, without sorting them, when the
-- range holds much of the workspace's history (worker/insights/analytics/queries.ts decides).
CREATE INDEX analytics_conversations_frt ON analytics_conversations(workspace_id, frt, started_at) WHERE frt IS NOT NULL;
CREATE INDEX analytics_conversations_bot_frt ON analytics_conversations(workspace_id, bot_frt, started_at) WHERE bot_frt IS NOT NULL;
CREATE INDEX analytics_conversations_human_frt ON analytics_conversations(workspace_id, human_frt, started_at) WHERE human_frt IS NOT NULL;
CREATE INDEX analytics_conversations_resolution ON analytics_conversations(workspace_id, resolution_ms, started_at, agent_messages) WHERE resolution_ms IS NOT NULL;

-- Only events that can change the row: `customer_message`, `note`, `change`, `agent_joined`, … rows
-- carry nothing the row holds (except a category, which the second condition catches).
CREATE TRIGGER analytics_conversations_refresh AFTER INSERT ON analytics_events
WHEN NEW.type IN ('started', 'bot_message', 'agent_message', 'handoff', 'reopened', 'resolved', 'csat', 'handoff_marked') OR NEW.category IS NOT NULL
BEGIN
  -- Delete then insert (not INSERT OR REPLACE: inside a trigger the outer statement's OR IGNORE
  -- would override the REPLACE, and the new row would be dropped).
  DELETE FROM analytics_conversations WHERE conversation_id = NEW.conversation_id;
  INSERT INTO analytics_conversations (workspace_id, started_at, conversation_id, channel, category, bot_frt, human_frt, frt, resolved, resolved_at, resolution_ms,
    agent_messages, handoffs, handoff_reason, answers, csat, needed)
  SELECT workspace_id, started_at, conversation_id, channel, category, bot_frt, human_frt,
    -- MIN() of two values is NULL when either is: the COALESCEs make it the one there is.
    MIN(COALESCE(bot_frt, human_frt), COALESCE(human_frt, bot_frt)),
    resolved, resolved_at, CASE WHEN resolved THEN resolved_at - started_at END,
    agent_messages, handoffs, handoff_reason, answers, csat, needed
  FROM (
    SELECT s.workspace_id, s.at AS started_at, s.conversation_id, s.channel,
      (SELECT c.category FROM analytics_events c WHERE c.conversation_id = s.conversation_id AND c.category IS NOT NULL ORDER BY c.seq LIMIT 1) AS category,
      MIN(CASE WHEN e.type = 'bot_message' AND e.seq > s.value THEN e.at END) - s.at AS bot_frt,
      MIN(CASE WHEN e.type = 'agent_message' AND e.seq > s.value THEN e.at END) - s.at AS human_frt,
      COALESCE(MAX(CASE WHEN e.type = 'resolved' THEN e.seq END) > COALESCE(MAX(CASE WHEN e.type IN ('reopened', 'handoff') THEN e.seq END), 0), 0) AS resolved,
      MAX(CASE WHEN e.type = 'resolved' THEN e.at END) AS resolved_at,
      SUM(e.type = 'agent_message') AS agent_messages,
      SUM(e.type = 'handoff') AS handoffs,
      (SELECT h.reason FROM analytics_events h WHERE h.conversation_id = s.conversation_id AND h.type = 'handoff' ORDER BY h.seq DESC LIMIT 1) AS handoff_reason,
      SUM(e.type = 'bot_message' AND e.reason = 'answer') AS answers,
      MAX(CASE WHEN e.type = 'csat' THEN e.value END) AS csat,
      -- The latest mark: MAX(seq * 2 + value) picks it, % 2 reads its value back.
      CAST(MAX(CASE WHEN e.type = 'handoff_marked' THEN e.seq * 2 + e.value END) AS INTEGER) % 2 AS needed
    FROM analytics_events s JOIN analytics_events e ON e.conversation_id = s.conversation_id
    WHERE s.conversation_id = NEW.conversation_id AND s.seq = 0
    GROUP BY s.conversation_id);
END;

-- Backfill: the same computation for every conversation already recorded (the trigger above exists
-- from here on, so an event written meanwhile is covered by one or the other, or both: same row).
INSERT OR REPLACE INTO analytics_conversations (workspace_id, started_at, conversation_id, channel, category, bot_frt, human_frt, frt, resolved, resolved_at, resolution_ms,
    agent_messages, handoffs, handoff_reason, answers, csat, needed)
  SELECT workspace_id, started_at, conversation_id, channel, category, bot_frt, human_frt,
    -- MIN() of two values is NULL when either is: the COALESCEs make it the one there is.
    MIN(COALESCE(bot_frt, human_frt), COALESCE(human_frt, bot_frt)),
    resolved, resolved_at, CASE WHEN resolved THEN resolved_at - started_at END,
    agent_messages, handoffs, handoff_reason, answers, csat, needed
  FROM (
    SELECT s.workspace_id, s.at AS started_at, s.conversation_id, s.channel,
      (SELECT c.category FROM analytics_events c WHERE c.conversation_id = s.conversation_id AND c.category IS NOT NULL ORDER BY c.seq LIMIT 1) AS category,
      MIN(CASE WHEN e.type = 'bot_message' AND e.seq > s.value THEN e.at END) - s.at AS bot_frt,
      MIN(CASE WHEN e.type = 'agent_message' AND e.seq > s.value THEN e.at END) - s.at AS human_frt,
      COALESCE(MAX(CASE WHEN e.type = 'resolved' THEN e.seq END) > COALESCE(MAX(CASE WHEN e.type IN ('reopened', 'handoff') THEN e.seq END), 0), 0) AS resolved,
      MAX(CASE WHEN e.type = 'resolved' THEN e.at END) AS resolved_at,
      SUM(e.type = 'agent_message') AS agent_messages,
      SUM(e.type = 'handoff') AS handoffs,
      (SELECT h.reason FROM analytics_events h WHERE h.conversation_id = s.conversation_id AND h.type = 'handoff' ORDER BY h.seq DESC LIMIT 1) AS handoff_reason,
      SUM(e.type = 'bot_message' AND e.reason = 'answer') AS answers,
      MAX(CASE WHEN e.type = 'csat' THEN e.value END) AS csat,
      -- The latest mark: MAX(seq * 2 + value) picks it, % 2 reads its value back.
      CAST(MAX(CASE WHEN e.type = 'handoff_marked' THEN e.seq * 2 + e.value END) AS INTEGER) % 2 AS needed
    FROM analytics_events s JOIN analytics_events e ON e.conversation_id = s.conversation_id
    WHERE s.seq = 0
    GROUP BY s.conversation_id);
