-- The conversation's outbox (worker/conversation/outbox.ts) may hand a bot decision to D1 twice (a
-- restart between the write and the cursor's move): one row per (conversation, message) makes the
-- second a no-op. Rows a double write left before this key existed are folded into the first.
DELETE FROM bot_turns
WHERE rowid NOT IN (SELECT MIN(rowid) FROM bot_turns GROUP BY conversation_id, message_id);
CREATE UNIQUE INDEX IF NOT EXISTS bot_turns_once ON bot_turns(conversation_id, message_id);
