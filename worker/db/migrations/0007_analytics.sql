-- Analytics: every conversation event, appended as it happens by the Conversation DO
-- (worker/insights/analytics/record.ts), never reconstructed later. The dashboard's SQL
-- (worker/insights/analytics/queries.ts, docs/analytics.md) reads this table plus answer_votes (thumbs up/down,
-- written by the widget's feedback route) and articles (titles).
--
-- `seq` is the event's seq in its conversation's log, so (conversation_id, seq) identifies an event
-- and a retried write inserts nothing twice. seq 0 is the conversation's `started` row (its first
-- customer message), which every metric uses to place a conversation in a date range.
CREATE TABLE analytics_events (
  workspace_id TEXT NOT NULL,
  conversation_id TEXT NOT NULL,
  seq INTEGER NOT NULL,
  type TEXT NOT NULL,          -- started | customer_message | bot_message | agent_message | handoff | agent_joined
                               -- | reassigned | handed_back | reopened | resolved | csat | handoff_marked | note | change
  channel TEXT NOT NULL,       -- widget | email | api …
  category TEXT,               -- the article's category (bot answers, handoffs)
  article_id TEXT,             -- the article a bot answer or handoff rests on
  actor TEXT,                  -- customer | bot | an agent's name | idle (the auto-resolve)
  reason TEXT,                 -- bot_message: answer/handoff/decline; handoff: why; resolved/handed_back: by whom
  value REAL,                  -- csat: 1–5; handoff_marked: 1 needed, 0 not needed
  at INTEGER NOT NULL,         -- ms since epoch, the event's own time
  PRIMARY KEY (conversation_id, seq)
) WITHOUT ROWID;

-- (started rows: value = seq of the first customer message.)
-- Date-range entry point of every query: the conversations started in [from, to).
CREATE INDEX analytics_events_range ON analytics_events(workspace_id, type, at);
