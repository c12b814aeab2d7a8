// What customers' conversations tell the content team: every bot decision (bot_turns, written by the
// Conversation DO), helpful votes from the widget (answer_votes), and the reports built on them: gaps
// (questions the KB failed, grouped) and per-article figures.
import type { ArticleFigures, FiguresReport, GapsReport } from "../../shared/api.ts";
import type { Meta, TurnRecord } from "../conversation/model.ts";
import { clusterQuestions, representative } from "./cluster.ts";

/**
 * One bot decision; throws when D1 refuses, so the outbox tries again. A decision already recorded for
 * the same message is not recorded twice (one statement: the check and the insert are one write).
 */
export async function recordTurn(db: D1Database, meta: Meta, t: TurnRecord): Promise<void> {
  await db
    .prepare(
      `INSERT INTO bot_turns (workspace_id, conversation_id, message_id, question, action, reason, article_id, confidence, created_at)
       SELECT ?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9
       WHERE NOT EXISTS (SELECT 1 FROM bot_turns WHERE message_id = ?3 AND conversation_id = ?2)`,
    )
    .bind(
      meta.workspaceId,
      meta.id,
      t.messageId,
      t.question.slice(0, 2000),
      t.action,
      t.reason,
      t.article ?? null,
      t.confidence,
      Date.now(),
    )
    .run();
}

/** A vote counts only on a bot answer of this conversation; returns false when there is no such answer. */
export async function recordVote(
  db: D1Database,
  conversationId: string,
  messageId: string,
  helpful: boolean,
): Promise<boolean> {
  const turn = await db
    .prepare(
      "SELECT workspace_id, article_id FROM bot_turns WHERE conversation_id = ? AND message_id = ? AND action = 'answer'",
    )
    .bind(conversationId, messageId)
    .first<{ workspace_id: string; article_id: string | null }>();
  if (!turn) return false;
  await db
    .prepare(
      `INSERT INTO answer_votes (workspace_id, conversation_id, message_id, article_id, helpful, created_at) VALUES (?, ?, ?, ?, ?, ?)
       ON CONFLICT (conversation_id, message_id) DO UPDATE SET helpful = excluded.helpful, created_at = excluded.created_at`,
    )
    .bind(turn.workspace_id, conversationId, messageId, turn.article_id, helpful ? 1 : 0, Date.now())
    .run();
  return true;
}

/**
 * "Was this helpful?" on a help-centre article page: the same store as the widget's thumbs, so the
 * article's figures count both. There is no conversation; `portal:<reader>` and `article:<id>` make
 * one vote per reader and article, and no bot turn joins it (it is not a question for the gaps report).
 */
export async function recordPortalVote(
  db: D1Database,
  workspaceId: string,
  reader: string,
  articleId: string,
  helpful: boolean,
): Promise<void> {
  await db
    .prepare(
      `INSERT INTO answer_votes (workspace_id, conversation_id, message_id, article_id, helpful, created_at) VALUES (?, ?, ?, ?, ?, ?)
       ON CONFLICT (conversation_id, message_id) DO UPDATE SET helpful = excluded.helpful, created_at = excluded.created_at`,
    )
    .bind(workspaceId, `portal:${reader}`, `article:${articleId}`, articleId, helpful ? 1 : 0, Date.now())
    .run();
}

/** Reasons that mean "the KB did not have it" rather than "this needs a person whatever the KB says". */
export const GAP_REASONS = [
  "out-of-scope",
  "low-confidence",
  "low-confidence-after-rephrase",
  "not-in-sources",
  "no-knowledge-base",
  "clarify-none",
  "language-not-covered",
];

const DAY = 86_400_000;

export async function gapsReport(
  db: D1Database,
  workspaceId: string,
  days: number,
  now = Date.now(),
): Promise<GapsReport> {
  const since = now - days * DAY;
  const reasons = JSON.stringify(GAP_REASONS);
  const rows = await db
    .prepare(
      `SELECT question AS text, reason, created_at AS at, article_id AS article FROM bot_turns
         WHERE workspace_id = ?1 AND created_at >= ?2 AND action IN ('decline', 'handoff', 'clarify') AND reason IN (SELECT value FROM json_each(?3))
       UNION ALL
       SELECT t.question, 'not-helpful', v.created_at, NULL FROM answer_votes v JOIN bot_turns t ON t.conversation_id = v.conversation_id AND t.message_id = v.message_id
         WHERE v.workspace_id = ?1 AND v.created_at >= ?2 AND v.helpful = 0
       ORDER BY 3 DESC LIMIT 2000`,
    )
    .bind(workspaceId, since, reasons)
    .all<{ text: string; reason: string; at: number; article: string | null }>();
  const titles = new Map(
    (
      await db
        .prepare("SELECT id, title FROM articles WHERE workspace_id = ?")
        .bind(workspaceId)
        .all<{ id: string; title: string }>()
    ).results.map((a) => [a.id, a.title]),
  );
  // Oldest first, so a group's first question is the one that started it.
  const items = rows.results.reverse();
  const groups = clusterQuestions(items)
    .slice(0, 50)
    .map((c) => {
      const rep = representative(c);
      const byReason: Record<string, number> = {};
      for (const i of c.items) byReason[i.reason] = (byReason[i.reason] ?? 0) + 1;
      const examples = [...new Set([rep.text, ...c.items.map((i) => i.text).reverse()])].slice(0, 5);
      return {
        key:
          [...c.terms]
            .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))
            .slice(0, 3)
            .map(([t]) => t)
            .join("-") || "misc",
        count: c.items.length,
        examples,
        reasons: byReason,
        lastAt: Math.max(...c.items.map((i) => i.at)),
        suggestedTitle: rep.text.length > 120 ? `${rep.text.slice(0, 117)}…` : rep.text,
        ...suggestedArticle(c.items, titles),
      };
    });
  return { days, questions: items.length, groups };
}

/**
 * The published article the bot most often came close to for a group's questions (the one a
 * low-confidence turn rested on): where "Add these questions to it" most likely belongs.
 */
function suggestedArticle(
  items: readonly { article: string | null }[],
  titles: ReadonlyMap<string, string>,
): { suggestedArticle?: { id: string; title: string } } {
  const n = new Map<string, number>();
  for (const i of items) if (i.article && titles.has(i.article)) n.set(i.article, (n.get(i.article) ?? 0) + 1);
  const best = [...n].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))[0];
  return best ? { suggestedArticle: { id: best[0], title: titles.get(best[0]) as string } } : {};
}

export async function figuresReport(
  db: D1Database,
  workspaceId: string,
  days: number,
  now = Date.now(),
): Promise<FiguresReport> {
  const since = now - days * DAY;
  const rows = await db
    .prepare(
      `SELECT a.id, a.title,
         (SELECT COUNT(*) FROM bot_turns t WHERE t.workspace_id = ?1 AND t.article_id = a.id AND t.action = 'answer' AND t.created_at >= ?2) AS answered,
         (SELECT COUNT(*) FROM answer_votes v WHERE v.workspace_id = ?1 AND v.article_id = a.id AND v.helpful = 1 AND v.created_at >= ?2) AS helpful,
         (SELECT COUNT(*) FROM answer_votes v WHERE v.workspace_id = ?1 AND v.article_id = a.id AND v.helpful = 0 AND v.created_at >= ?2) AS notHelpful,
         (SELECT COUNT(DISTINCT t.conversation_id) FROM bot_turns t JOIN bot_turns h ON h.conversation_id = t.conversation_id AND h.seq > t.seq AND h.action = 'handoff'
            WHERE t.workspace_id = ?1 AND t.article_id = a.id AND t.action = 'answer' AND t.created_at >= ?2) AS handoffsAfter
       FROM articles a WHERE a.workspace_id = ?1
       ORDER BY answered DESC, a.id`,
    )
    .bind(workspaceId, since)
    .all<ArticleFigures>();
  return { days, articles: rows.results };
}
