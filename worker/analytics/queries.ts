// The dashboard's SQL, one function per chart, each over (workspace, from, to) with `from`/`to` in ms
// (from inclusive, to exclusive). A conversation belongs to the range when its first customer message
// (its `started` row) does; everything else about it counts wherever it happened. Each function
// returns exactly what its chart plots. Definitions and the reasoning: docs/analytics.md.
import type { Bucket, CsatRow, Distribution, GapRow, HandoffReasonRow, Summary, TopArticleRow, VolumePoint } from "../../shared/analytics.ts";
import { clusterQuestions, representative } from "../knowledge/cluster.ts";
import { GAP_REASONS } from "../knowledge/signals.ts";

export type Range = { workspaceId: string; from: number; to: number };

/** The conversations started in the range; `fseq` is the seq of their first customer message. */
const CONV = `conv AS (
  SELECT conversation_id AS id, channel, at AS started, CAST(value AS INTEGER) AS fseq
  FROM analytics_events WHERE workspace_id = ?1 AND type = 'started' AND at >= ?2 AND at < ?3)`;

/**
 * One row per conversation with what every metric needs. `needed` is the latest handoff_marked value:
 * MAX(seq * 2 + value) picks the latest mark and `% 2` reads its value back.
 */
const PER = `per AS (
  SELECT c.id, c.channel, c.started,
    MIN(CASE WHEN e.type = 'bot_message' AND e.seq > c.fseq THEN e.at END) - c.started AS bot_frt,
    MIN(CASE WHEN e.type = 'agent_message' AND e.seq > c.fseq THEN e.at END) - c.started AS human_frt,
    MAX(CASE WHEN e.type = 'resolved' THEN e.seq END) AS resolved_seq,
    MAX(CASE WHEN e.type = 'resolved' THEN e.at END) AS resolved_at,
    MAX(CASE WHEN e.type IN ('reopened', 'handoff') THEN e.seq END) AS reopened_seq,
    SUM(e.type = 'agent_message') AS agent_messages,
    SUM(e.type = 'handoff') AS handoffs,
    SUM(e.type = 'bot_message' AND e.reason = 'answer') AS answers,
    MAX(CASE WHEN e.type = 'csat' THEN e.value END) AS csat,
    CAST(MAX(CASE WHEN e.type = 'handoff_marked' THEN e.seq * 2 + e.value END) AS INTEGER) % 2 AS needed
  FROM conv c JOIN analytics_events e ON e.conversation_id = c.id
  GROUP BY c.id, c.channel, c.started, c.fseq)`;

/**
 * Resolved now: its last `resolved` comes after its last reopening (a reopen or a handoff after it).
 * Votes are looked up by conversation id alone (ids are global), so SQLite uses answer_votes' primary
 * key; adding the workspace made it pick the workspace index and scan every vote per conversation.
 */
const FLAGS = `flags AS (
  SELECT per.*, (resolved_seq IS NOT NULL AND resolved_seq > COALESCE(reopened_seq, 0)) AS resolved,
    EXISTS (SELECT 1 FROM answer_votes v WHERE v.conversation_id = per.id AND v.helpful = 0) AS thumbs_down
  FROM per)`;

const params = (r: Range) => [r.workspaceId, r.from, r.to] as const;

async function all<T>(db: D1Database, sql: string, r: Range, ...extra: (string | number)[]): Promise<T[]> {
  return (
    await db
      .prepare(sql)
      .bind(...params(r), ...extra)
      .all<T>()
  ).results;
}

const ratio = (a: number, b: number): number | null => (b > 0 ? a / b : null);

/** The headline counts: auto-resolution, CSAT and escalation accuracy (first response: `firstResponse`). */
export async function summaryCounts(db: D1Database, r: Range): Promise<Omit<Summary, "firstResponseP50" | "firstResponseBotP50" | "firstResponseHumanP50">> {
  const [row] = await all<{ conversations: number; resolved: number | null; auto: number | null; ratings: number; csat: number | null; decided: number | null; correct: number | null; awaiting: number | null }>(
    db,
    `WITH ${CONV}, ${PER}, ${FLAGS}
     SELECT COUNT(*) AS conversations,
       SUM(resolved) AS resolved,
       SUM(resolved AND agent_messages = 0) AS auto,
       COUNT(csat) AS ratings,
       AVG(csat) AS csat,
       SUM((handoffs > 0 AND needed IS NOT NULL) OR (handoffs = 0 AND answers > 0)) AS decided,
       SUM((handoffs > 0 AND needed = 1) OR (handoffs = 0 AND answers > 0 AND NOT thumbs_down)) AS correct,
       SUM(handoffs > 0 AND needed IS NULL) AS awaiting
     FROM flags`,
    r,
  );
  const n = row?.conversations ?? 0;
  const auto = row?.auto ?? 0;
  const decided = row?.decided ?? 0;
  const correct = row?.correct ?? 0;
  return {
    conversations: n,
    resolved: row?.resolved ?? 0,
    autoResolved: auto,
    autoResolutionRate: ratio(auto, n),
    ratings: row?.ratings ?? 0,
    csatAverage: row?.csat ?? null,
    decided,
    correct,
    awaitingVerdict: row?.awaiting ?? 0,
    escalationAccuracy: ratio(correct, decided),
  };
}

const S = 1000;
const M = 60 * S;
const H = 60 * M;
export const FIRST_RESPONSE_BUCKETS = [0, 1 * S, 5 * S, 30 * S, M, 5 * M, 30 * M, 2 * H];
export const RESOLUTION_BUCKETS = [0, M, 5 * M, 30 * M, 2 * H, 8 * H, 24 * H];

/**
 * p50 and p90 by nearest rank (the value at rank ceil(p·n) in ascending order, so always a value that
 * occurred), and a histogram over `edges` (each bucket [edge, next edge)), per kind, in one query.
 */
function distributionSql(values: string, edges: number[]): string {
  const buckets = edges.map((lo, i) => {
    const hi = edges[i + 1];
    return `SUM(v >= ${lo}${hi === undefined ? "" : ` AND v < ${hi}`}) AS b${i}`;
  });
  // Materialised: the value lists read `flags` more than once, and each read would re-aggregate.
  return `WITH ${CONV}, ${PER}, ${FLAGS.replace("flags AS (", "flags AS MATERIALIZED (")}, vals AS (${values}),
    ranked AS (SELECT kind, v, ROW_NUMBER() OVER (PARTITION BY kind ORDER BY v) AS rn, COUNT(*) OVER (PARTITION BY kind) AS n FROM vals)
    SELECT kind, n,
      MAX(CASE WHEN rn = (n * 50 + 99) / 100 THEN v END) AS p50,
      MAX(CASE WHEN rn = (n * 90 + 99) / 100 THEN v END) AS p90,
      ${buckets.join(", ")}
    FROM ranked GROUP BY kind, n`;
}

async function distribution(db: D1Database, r: Range, values: string, kinds: string[], edges: number[]): Promise<Distribution[]> {
  const rows = await all<Record<string, number | string | null>>(db, distributionSql(values, edges), r);
  return kinds.map((kind) => {
    const row = rows.find((x) => x.kind === kind);
    const buckets: Bucket[] = edges.map((lo, i) => ({ label: bucketLabel(lo, edges[i + 1]), fromMs: lo, toMs: edges[i + 1] ?? null, count: Number(row?.[`b${i}`] ?? 0) }));
    return { kind, n: Number(row?.n ?? 0), p50: num(row?.p50), p90: num(row?.p90), buckets };
  });
}

const num = (v: number | string | null | undefined): number | null => (v === null || v === undefined ? null : Number(v));

/** First response, ms from the first customer message: the bot's, a person's, and whoever came first. */
export function firstResponse(db: D1Database, r: Range): Promise<Distribution[]> {
  return distribution(
    db,
    r,
    `SELECT 'any' AS kind, MIN(COALESCE(bot_frt, human_frt), COALESCE(human_frt, bot_frt)) AS v FROM flags WHERE bot_frt IS NOT NULL OR human_frt IS NOT NULL
     UNION ALL SELECT 'bot', bot_frt FROM flags WHERE bot_frt IS NOT NULL
     UNION ALL SELECT 'human', human_frt FROM flags WHERE human_frt IS NOT NULL`,
    ["any", "bot", "human"],
    FIRST_RESPONSE_BUCKETS,
  );
}

/** Time to resolution, ms from the first customer message to the last resolve, for conversations resolved now. */
export function resolution(db: D1Database, r: Range): Promise<Distribution[]> {
  return distribution(
    db,
    r,
    `SELECT 'all' AS kind, resolved_at - started AS v FROM flags WHERE resolved
     UNION ALL SELECT CASE WHEN agent_messages = 0 THEN 'auto' ELSE 'assisted' END, resolved_at - started FROM flags WHERE resolved`,
    ["all", "auto", "assisted"],
    RESOLUTION_BUCKETS,
  );
}

/** Conversations started per UTC day and channel. */
export function volumeByChannel(db: D1Database, r: Range): Promise<VolumePoint[]> {
  return all<VolumePoint>(
    db,
    `WITH ${CONV}
     SELECT date(started / 1000, 'unixepoch') AS day, channel AS key, COUNT(*) AS conversations FROM conv GROUP BY day, key ORDER BY day, key`,
    r,
  );
}

/** Conversations started per UTC day and category: that of the first article the conversation touched. */
export function volumeByCategory(db: D1Database, r: Range): Promise<VolumePoint[]> {
  return all<VolumePoint>(
    db,
    `WITH ${CONV}
     SELECT date(c.started / 1000, 'unixepoch') AS day,
       COALESCE((SELECT e.category FROM analytics_events e WHERE e.conversation_id = c.id AND e.category IS NOT NULL ORDER BY e.seq LIMIT 1), 'uncategorised') AS key,
       COUNT(*) AS conversations
     FROM conv c GROUP BY day, key ORDER BY day, key`,
    r,
  );
}

/** Ratings 1–5 of the conversations in range (every score present, zero or not). */
export async function csatDistribution(db: D1Database, r: Range): Promise<CsatRow[]> {
  const rows = await all<CsatRow>(
    db,
    `WITH ${CONV}
     SELECT CAST(e.value AS INTEGER) AS score, COUNT(*) AS count FROM conv c JOIN analytics_events e ON e.conversation_id = c.id AND e.type = 'csat' GROUP BY score`,
    r,
  );
  return [1, 2, 3, 4, 5].map((score) => ({ score, count: rows.find((x) => x.score === score)?.count ?? 0 }));
}

/** Handed-off conversations by the reason of their latest handoff, with the agents' verdicts. */
export function handoffReasons(db: D1Database, r: Range): Promise<HandoffReasonRow[]> {
  return all<HandoffReasonRow>(
    db,
    `WITH ${CONV}, hc AS (
       SELECT (SELECT e.reason FROM analytics_events e WHERE e.conversation_id = c.id AND e.type = 'handoff' ORDER BY e.seq DESC LIMIT 1) AS reason,
              (SELECT e.value FROM analytics_events e WHERE e.conversation_id = c.id AND e.type = 'handoff_marked' ORDER BY e.seq DESC LIMIT 1) AS needed
       FROM conv c)
     SELECT reason, COUNT(*) AS handoffs, COALESCE(SUM(needed = 1), 0) AS needed, COALESCE(SUM(needed = 0), 0) AS notNeeded, SUM(needed IS NULL) AS unmarked
     FROM hc WHERE reason IS NOT NULL GROUP BY reason ORDER BY handoffs DESC, reason`,
    r,
  );
}

/** A vote's conversation started in the range: its `started` row, found by primary key. */
const VOTE_IN_RANGE = "EXISTS (SELECT 1 FROM analytics_events s WHERE s.conversation_id = v.conversation_id AND s.seq = 0 AND s.at >= ?2 AND s.at < ?3)";

/** The ten articles the bot answered with most, with customers' votes and handoffs that followed. */
export function topArticles(db: D1Database, r: Range, limit = 10): Promise<TopArticleRow[]> {
  return all<TopArticleRow>(
    db,
    `WITH ${CONV}, answered AS MATERIALIZED (
       SELECT e.conversation_id, e.article_id,
         -- "+h.type": no index on type here, so SQLite walks this conversation's rows by primary key.
         EXISTS (SELECT 1 FROM analytics_events h WHERE h.conversation_id = e.conversation_id AND h.seq > e.seq AND +h.type = 'handoff') AS handed
       FROM conv c JOIN analytics_events e ON e.conversation_id = c.id
       WHERE e.type = 'bot_message' AND e.reason = 'answer' AND e.article_id IS NOT NULL),
     a AS (SELECT article_id, COUNT(*) AS answers, COUNT(DISTINCT CASE WHEN handed THEN conversation_id END) AS handoffsAfter
           FROM answered GROUP BY article_id ORDER BY answers DESC, article_id LIMIT ?4)
     SELECT a.article_id AS articleId, COALESCE(ar.title, a.article_id) AS title, a.answers,
       (SELECT COUNT(*) FROM answer_votes v WHERE v.workspace_id = ?1 AND v.article_id = a.article_id AND v.helpful = 1 AND ${VOTE_IN_RANGE}) AS helpful,
       (SELECT COUNT(*) FROM answer_votes v WHERE v.workspace_id = ?1 AND v.article_id = a.article_id AND v.helpful = 0 AND ${VOTE_IN_RANGE}) AS notHelpful,
       a.handoffsAfter
     FROM a LEFT JOIN articles ar ON ar.workspace_id = ?1 AND ar.id = a.article_id
     ORDER BY a.answers DESC, a.article_id`,
    r,
    limit,
  );
}

/**
 * Questions the KB failed in the range (declines and handoffs for lack of knowledge, answers voted
 * not helpful), grouped as the Knowledge area's gaps page groups them; biggest first.
 */
export async function gaps(db: D1Database, r: Range, limit = 8): Promise<GapRow[]> {
  const rows = await all<{ text: string; reason: string; at: number }>(
    db,
    `SELECT question AS text, reason, created_at AS at FROM bot_turns
       WHERE workspace_id = ?1 AND created_at >= ?2 AND created_at < ?3 AND action IN ('decline', 'handoff') AND reason IN (SELECT value FROM json_each(?4))
     UNION ALL
     SELECT t.question, 'not-helpful', v.created_at FROM answer_votes v JOIN bot_turns t ON t.conversation_id = v.conversation_id AND t.message_id = v.message_id
       WHERE v.workspace_id = ?1 AND v.created_at >= ?2 AND v.created_at < ?3 AND v.helpful = 0
     ORDER BY 3 LIMIT 2000`,
    r,
    JSON.stringify(GAP_REASONS),
  );
  return clusterQuestions(rows)
    .slice(0, limit)
    .map((c) => {
      const rep = representative(c);
      const reasons = new Map<string, number>();
      for (const i of c.items) reasons.set(i.reason, (reasons.get(i.reason) ?? 0) + 1);
      return {
        key: [...c.terms].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1)).slice(0, 3).map(([t]) => t).join("-") || "misc",
        questions: c.items.length,
        title: rep.text.length > 120 ? rep.text.slice(0, 117) + "…" : rep.text,
        example: c.items[c.items.length - 1]?.text ?? rep.text,
        reasons: [...reasons].sort((a, b) => b[1] - a[1]).map(([k, n]) => `${k}: ${n}`).join("; "),
      };
    });
}

export function bucketLabel(lo: number, hi: number | undefined): string {
  return hi === undefined ? `≥${duration(lo)}` : lo === 0 ? `<${duration(hi)}` : `${duration(lo)}–${duration(hi)}`;
}

/** Compact ("30s", "5m", "2h") so bucket labels fit under a chart's bars. */
function duration(ms: number): string {
  if (ms < M) return `${ms / S}s`;
  if (ms < H) return `${ms / M}m`;
  return `${ms / H}h`;
}
