-- Analytics counts conversations resolved by an action separately from those resolved by an article
-- (docs/actions.md, docs/analytics.md): `acted` is the number of the bot's messages that answered with
-- what an action did or found (message action "act"). The trigger of 0011 is recreated with the one
-- column more; the rest of its computation is unchanged. Conversations already recorded keep 0, true
-- of every one before actions existed.
ALTER TABLE analytics_conversations ADD COLUMN acted INTEGER NOT NULL DEFAULT 0;

DROP TRIGGER analytics_conversations_refresh;

CREATE TRIGGER analytics_conversations_refresh AFTER INSERT ON analytics_events
WHEN NEW.type IN ('started', 'bot_message', 'agent_message', 'handoff', 'reopened', 'resolved', 'csat', 'handoff_marked') OR NEW.category IS NOT NULL
BEGIN
  -- Delete then insert (not INSERT OR REPLACE: inside a trigger the outer statement's OR IGNORE
  -- would override the REPLACE, and the new row would be dropped).
  DELETE FROM analytics_conversations WHERE conversation_id = NEW.conversation_id;
  INSERT INTO analytics_conversations (workspace_id, started_at, conversation_id, channel, category, bot_frt, human_frt, frt, resolved, resolved_at, resolution_ms,
    agent_messages, handoffs, handoff_reason, answers, csat, needed, acted)
  SELECT workspace_id, started_at, conversation_id, channel, category, bot_frt, human_frt,
    -- MIN() of two values is NULL when either is: the COALESCEs make it the one there is.
    MIN(COALESCE(bot_frt, human_frt), COALESCE(human_frt, bot_frt)),
    resolved, resolved_at, CASE WHEN resolved THEN resolved_at - started_at END,
    agent_messages, handoffs, handoff_reason, answers, csat, needed, acted
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
      SUM(e.type = 'bot_message' AND e.reason = 'act') AS acted,
      MAX(CASE WHEN e.type = 'csat' THEN e.value END) AS csat,
      -- The latest mark: MAX(seq * 2 + value) picks it, % 2 reads its value back.
      CAST(MAX(CASE WHEN e.type = 'handoff_marked' THEN e.seq * 2 + e.value END) AS INTEGER) % 2 AS needed
    FROM analytics_events s JOIN analytics_events e ON e.conversation_id = s.conversation_id
    WHERE s.conversation_id = NEW.conversation_id AND s.seq = 0
    GROUP BY s.conversation_id);
END;
