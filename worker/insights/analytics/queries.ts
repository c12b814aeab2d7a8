// The dashboard's SQL, one function per chart, each over (workspace, from, to) with `from`/`to` in ms
// (from inclusive, to exclusive). A conversation belongs to the range when its first customer message
// (its `started` row) does; everything else about it counts wherever it happened. Each function
// returns exactly what its chart plots. Definitions and the reasoning: docs/analytics.md.
import {
  DAY_MS,
  type Bucket,
  type CsatRow,
  type Distribution,
  type GapRow,
  type HandoffReasonRow,
  type Summary,
  type TopArticleRow,
  type VolumePoint,
} from "../../../shared/analytics.ts";
import { clusterQuestions, representative } from "../../knowledge/cluster.ts";
import { GAP_REASONS } from "../../knowledge/signals.ts";

export type Range = { workspaceId: string; from: number; to: number };

/**
 * The conversations started in the range: their rows of `analytics_conversations`, one per conversation,
 * which a trigger recomputes from the conversation's events as they are written (migration 0011; the
 * columns are what the old per-conversation aggregate over `analytics_events` computed at query time).
 * The table is clustered by (workspace, started_at), so this is one contiguous scan.
 */
const IN_RANGE = "c.workspace_id = ?1 AND c.started_at >= ?2 AND c.started_at < ?3";

/**
 * A thumbs-down on any of the conversation's answers. Votes have their own writer (the widget's
 * feedback route), so they are looked up here, by answer_votes' primary key (conversation id alone:
 * adding the workspace made SQLite pick the workspace index and scan every vote per conversation).
 */
const THUMBS_DOWN =
  "EXISTS (SELECT 1 FROM answer_votes v WHERE v.conversation_id = c.conversation_id AND v.helpful = 0)";

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
export async function summaryCounts(
  db: D1Database,
  r: Range,
): Promise<Omit<Summary, "firstResponseP50" | "firstResponseBotP50" | "firstResponseHumanP50">> {
  const [row] = await all<{
    conversations: number;
    resolved: number | null;
    auto: number | null;
    autoAnswered: number | null;
    autoActed: number | null;
    ratings: number;
    csat: number | null;
    decided: number | null;
    correct: number | null;
    awaiting: number | null;
  }>(
    db,
    `SELECT COUNT(*) AS conversations,
       SUM(resolved) AS resolved,
       SUM(resolved AND agent_messages = 0) AS auto,
       SUM(resolved AND agent_messages = 0 AND handoffs = 0 AND answers > 0 AND acted = 0) AS autoAnswered,
       SUM(resolved AND agent_messages = 0 AND handoffs = 0 AND acted > 0) AS autoActed,
       COUNT(csat) AS ratings,
       AVG(csat) AS csat,
       SUM((handoffs > 0 AND needed IS NOT NULL) OR (handoffs = 0 AND answers > 0)) AS decided,
       SUM((handoffs > 0 AND needed = 1) OR (handoffs = 0 AND answers > 0 AND NOT ${THUMBS_DOWN})) AS correct,
       SUM(handoffs > 0 AND needed IS NULL) AS awaiting
     FROM analytics_conversations c WHERE ${IN_RANGE}`,
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
    autoResolvedAfterAnswer: row?.autoAnswered ?? 0,
    autoResolvedByAction: row?.autoActed ?? 0,
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
 * One distribution: its name, the summary column holding each conversation's value (NULL: none), an
 * extra condition, and the partial index that holds the column's values in order.
 */
type Kind = { kind: string; column: string; where?: string; index: string };

/**
 * How percentiles are picked. `sort`: the range's values are sorted (each `ORDER BY v LIMIT 1 OFFSET`
 * is one bounded sort of the range's rows). `walk`: the column's index already holds the workspace's
 * values in order, so the pick walks it from the low end (p50) or the high end (p90), skipping
 * conversations outside the range: no sort, but it visits out-of-range entries too.
 */
export type PercentileStrategy = "sort" | "walk";

/**
 * Walk when the range covers at least this share of the workspace's recorded history (by time). Over
 * 100k conversations (scripts/bench-analytics.ts, sqlite3 CLI), a walk cost ~0.08 µs per index entry
 * visited and a bounded sort ~0.45 µs per row; a walk visits about 0.6 of the workspace's entries per
 * kind (to the median from below, to p90 from above), two sorts cost ~0.7 µs per row in range: the
 * walk wins above a share of about 0.07. Either way the result is the same; only the time differs.
 */
const WALK_SHARE = 1 / 16;

/** Which strategy suits this range: the share of the workspace's history (first to last start) it covers. */
export async function percentileStrategy(db: D1Database, r: Range): Promise<PercentileStrategy> {
  const span = await db
    .prepare(
      `SELECT (SELECT MIN(started_at) FROM analytics_conversations WHERE workspace_id = ?1) AS first,
              (SELECT MAX(started_at) FROM analytics_conversations WHERE workspace_id = ?1) AS last`,
    )
    .bind(r.workspaceId)
    .first<{ first: number | null; last: number | null }>();
  if (!span || span.first === null || span.last === null) return "sort";
  const covered = Math.min(r.to, span.last + 1) - Math.max(r.from, span.first);
  return covered / (span.last + 1 - span.first) >= WALK_SHARE ? "walk" : "sort";
}

/**
 * p50 and p90 by nearest rank (the value at rank ceil(p·n) in ascending order, so always a value that
 * occurred), and a histogram over `edges` (each bucket [edge, next edge)), per kind, in one query:
 * one pass over the range's rows counts and buckets (`n`), then each percentile is one pick,
 * `ORDER BY v LIMIT 1 OFFSET rank - 1`, or for p90 `ORDER BY v DESC … OFFSET n - rank` (a tenth of the
 * way from the top instead of nine tenths from the bottom). Ranking with ROW_NUMBER() over all kinds
 * at once, as before, took several times longer over 100k conversations.
 */
function distributionSql(kinds: Kind[], edges: number[], strategy: PercentileStrategy): string {
  const value = (k: Kind) => (k.where ? `CASE WHEN ${k.where} THEN ${k.column} END` : k.column);
  const counts = kinds.flatMap((k, i) => [
    `COUNT(${value(k)}) AS n${i}`,
    ...edges.map((lo, j) => {
      const hi = edges[j + 1];
      return `SUM(${k.column} >= ${lo}${hi === undefined ? "" : ` AND ${k.column} < ${hi}`}${k.where ? ` AND ${k.where}` : ""}) AS b${i}_${j}`;
    }),
  ]);
  const pick = (k: Kind, i: number, p: 50 | 90): string => {
    const desc = p === 90;
    const offset = desc ? `n${i} - (n${i} * 90 + 99) / 100` : `(n${i} * 50 + 99) / 100 - 1`;
    const order = `ORDER BY v${desc ? " DESC" : ""} LIMIT 1 OFFSET (SELECT ${offset} FROM n)`;
    return strategy === "walk"
      ? // INDEXED BY: SQLite must walk this index (it refuses the query rather than plan otherwise).
        `(SELECT ${k.column} AS v FROM analytics_conversations c INDEXED BY ${k.index}
          WHERE c.workspace_id = ?1 AND ${k.column} IS NOT NULL AND c.started_at >= ?2 AND c.started_at < ?3${k.where ? ` AND ${k.where}` : ""} ${order}) AS p${p}_${i}`
      : `(SELECT v${i} AS v FROM f WHERE v${i} IS NOT NULL ${order}) AS p${p}_${i}`;
  };
  const picks = kinds.flatMap((k, i) => [pick(k, i, 50), pick(k, i, 90)]);
  // `sort` materialises the range's values once (one column per kind) for its sorts to read.
  const f =
    strategy === "sort"
      ? `f AS MATERIALIZED (SELECT ${kinds.map((k, i) => `${value(k)} AS v${i}`).join(", ")} FROM analytics_conversations c WHERE ${IN_RANGE}), `
      : "";
  return `WITH ${f}n AS MATERIALIZED (SELECT ${counts.join(", ")} FROM analytics_conversations c WHERE ${IN_RANGE})
    SELECT n.*, ${picks.join(", ")} FROM n`;
}

async function distribution(
  db: D1Database,
  r: Range,
  kinds: Kind[],
  edges: number[],
  strategy?: PercentileStrategy,
): Promise<Distribution[]> {
  const sql = distributionSql(kinds, edges, strategy ?? (await percentileStrategy(db, r)));
  const [row] = await all<Record<string, number | null>>(db, sql, r);
  return kinds.map(({ kind }, i) => {
    const buckets: Bucket[] = edges.map((lo, j) => ({
      label: bucketLabel(lo, edges[j + 1]),
      fromMs: lo,
      toMs: edges[j + 1] ?? null,
      count: Number(row?.[`b${i}_${j}`] ?? 0),
    }));
    return { kind, n: Number(row?.[`n${i}`] ?? 0), p50: num(row?.[`p50_${i}`]), p90: num(row?.[`p90_${i}`]), buckets };
  });
}

const num = (v: number | string | null | undefined): number | null =>
  v === null || v === undefined ? null : Number(v);

/**
 * First response, ms from the first customer message: the bot's, a person's, and whoever came first.
 * `strategy` only chooses how percentiles are picked (the tests run both); by default, by the range.
 */
export function firstResponse(db: D1Database, r: Range, strategy?: PercentileStrategy): Promise<Distribution[]> {
  return distribution(
    db,
    r,
    [
      { kind: "any", column: "frt", index: "analytics_conversations_frt" },
      { kind: "bot", column: "bot_frt", index: "analytics_conversations_bot_frt" },
      { kind: "human", column: "human_frt", index: "analytics_conversations_human_frt" },
    ],
    FIRST_RESPONSE_BUCKETS,
    strategy,
  );
}

/** Time to resolution, ms from the first customer message to the last resolve, for conversations resolved now. */
export function resolution(db: D1Database, r: Range, strategy?: PercentileStrategy): Promise<Distribution[]> {
  const index = "analytics_conversations_resolution";
  return distribution(
    db,
    r,
    [
      { kind: "all", column: "resolution_ms", index },
      { kind: "auto", column: "resolution_ms", where: "agent_messages = 0", index },
      { kind: "assisted", column: "resolution_ms", where: "agent_messages <> 0", index },
    ],
    RESOLUTION_BUCKETS,
    strategy,
  );
}

/**
 * Conversations started per UTC day and channel. Grouped by the day's number (ms / day), its date
 * formatted once per group: date() on every row cost more than the grouping.
 */
export function volumeByChannel(db: D1Database, r: Range): Promise<VolumePoint[]> {
  return all<VolumePoint>(
    db,
    `SELECT date(d * 86400, 'unixepoch') AS day, key, conversations FROM (
       SELECT c.started_at / ${DAY_MS} AS d, c.channel AS key, COUNT(*) AS conversations
       FROM analytics_conversations c WHERE ${IN_RANGE} GROUP BY d, key)
     ORDER BY day, key`,
    r,
  );
}

/** Conversations started per UTC day and category: that of the first article the conversation touched. */
export function volumeByCategory(db: D1Database, r: Range): Promise<VolumePoint[]> {
  return all<VolumePoint>(
    db,
    `SELECT date(d * 86400, 'unixepoch') AS day, key, conversations FROM (
       SELECT c.started_at / ${DAY_MS} AS d, COALESCE(c.category, 'uncategorised') AS key, COUNT(*) AS conversations
       FROM analytics_conversations c WHERE ${IN_RANGE} GROUP BY d, key)
     ORDER BY day, key`,
    r,
  );
}

/**
 * Ratings 1–5 of the conversations in range (every score present, zero or not). A conversation is
 * rated once (a second, different rating is refused), so its row's rating is the rating.
 */
export async function csatDistribution(db: D1Database, r: Range): Promise<CsatRow[]> {
  const rows = await all<CsatRow>(
    db,
    `SELECT CAST(c.csat AS INTEGER) AS score, COUNT(*) AS count FROM analytics_conversations c WHERE ${IN_RANGE} AND c.csat IS NOT NULL GROUP BY score`,
    r,
  );
  return [1, 2, 3, 4, 5].map((score) => ({ score, count: rows.find((x) => x.score === score)?.count ?? 0 }));
}

/** Handed-off conversations by the reason of their latest handoff, with the agents' verdicts (the latest mark). */
export function handoffReasons(db: D1Database, r: Range): Promise<HandoffReasonRow[]> {
  return all<HandoffReasonRow>(
    db,
    `SELECT c.handoff_reason AS reason, COUNT(*) AS handoffs, COALESCE(SUM(c.needed = 1), 0) AS needed, COALESCE(SUM(c.needed = 0), 0) AS notNeeded, SUM(c.needed IS NULL) AS unmarked
     FROM analytics_conversations c WHERE ${IN_RANGE} AND c.handoff_reason IS NOT NULL
     GROUP BY reason ORDER BY handoffs DESC, reason`,
    r,
  );
}

/** A vote's conversation started in the range: its `started` row, found by primary key. */
const VOTE_IN_RANGE =
  "EXISTS (SELECT 1 FROM analytics_events s WHERE s.conversation_id = v.conversation_id AND s.seq = 0 AND s.at >= ?2 AND s.at < ?3)";

/** The ten articles the bot answered with most, with customers' votes and handoffs that followed. */
export function topArticles(db: D1Database, r: Range, limit = 10): Promise<TopArticleRow[]> {
  return all<TopArticleRow>(
    db,
    `WITH answered AS MATERIALIZED (
       SELECT e.conversation_id, e.article_id,
         -- "+h.type": no index on type here, so SQLite walks this conversation's rows by primary key;
         -- and only in conversations with a handoff at all.
         c.handoffs > 0 AND EXISTS (SELECT 1 FROM analytics_events h WHERE h.conversation_id = e.conversation_id AND h.seq > e.seq AND +h.type = 'handoff') AS handed
       FROM analytics_conversations c JOIN analytics_events e ON e.conversation_id = c.conversation_id
       WHERE ${IN_RANGE} AND c.answers > 0 AND e.type = 'bot_message' AND e.reason = 'answer' AND e.article_id IS NOT NULL),
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
        key:
          [...c.terms]
            .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))
            .slice(0, 3)
            .map(([t]) => t)
            .join("-") || "misc",
        questions: c.items.length,
        title: rep.text.length > 120 ? `${rep.text.slice(0, 117)}…` : rep.text,
        example: c.items[c.items.length - 1]?.text ?? rep.text,
        reasons: [...reasons]
          .sort((a, b) => b[1] - a[1])
          .map(([k, n]) => `${k}: ${n}`)
          .join("; "),
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
