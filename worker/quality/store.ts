// Quality's D1 rows (migration 0047): rubric versions, scorecards, overrides. Every row read back is
// parsed with the shared schemas.
import * as z from "zod/mini";
import { safeParseJson } from "../../shared/json.ts";
import {
  DISAGREE_POINTS,
  defaultRubric,
  type Rubric,
  type RubricWeights,
  rubricWeightsSchema,
  type Scorecard,
  scorecardSchema,
} from "../../shared/quality.ts";

type RubricRow = { version: number; weights: string; created_at: number; created_by: string | null };
const rubricOf = (r: RubricRow): Rubric | null => {
  const weights = safeParseJson(rubricWeightsSchema, r.weights, `quality rubric v${r.version}`);
  return weights
    ? { version: r.version, weights, createdAt: r.created_at, ...(r.created_by ? { createdBy: r.created_by } : {}) }
    : null;
};

/** The workspace's rubric now: its newest version, or the built-in one (version 0). */
export async function currentRubric(db: D1Database, ws: string): Promise<Rubric> {
  const r = await db
    .prepare(
      "SELECT version, weights, created_at, created_by FROM quality_rubrics WHERE workspace_id = ? ORDER BY version DESC LIMIT 1",
    )
    .bind(ws)
    .first<RubricRow>();
  return (r && rubricOf(r)) ?? defaultRubric;
}

/** One version (0: the built-in rubric); null when the workspace has no such version. */
export async function rubricVersion(db: D1Database, ws: string, version: number): Promise<Rubric | null> {
  if (version === 0) return defaultRubric;
  const r = await db
    .prepare(
      "SELECT version, weights, created_at, created_by FROM quality_rubrics WHERE workspace_id = ? AND version = ?",
    )
    .bind(ws, version)
    .first<RubricRow>();
  return r ? rubricOf(r) : null;
}

export async function rubricHistory(db: D1Database, ws: string): Promise<Rubric[]> {
  const rows = await db
    .prepare(
      "SELECT version, weights, created_at, created_by FROM quality_rubrics WHERE workspace_id = ? ORDER BY version DESC LIMIT 100",
    )
    .bind(ws)
    .all<RubricRow>();
  return [...rows.results.flatMap((r) => rubricOf(r) ?? []), defaultRubric];
}

/** New weights become the next version; earlier scores keep the version they were made with. */
export async function saveRubric(db: D1Database, ws: string, weights: RubricWeights, by: string): Promise<Rubric> {
  const row = await db
    .prepare(
      `INSERT INTO quality_rubrics (workspace_id, version, weights, created_at, created_by)
       SELECT ?1, COALESCE(MAX(version), 0) + 1, ?2, ?3, ?4 FROM quality_rubrics WHERE workspace_id = ?1
       RETURNING version, weights, created_at, created_by`,
    )
    .bind(ws, JSON.stringify(weights), Date.now(), by)
    .first<RubricRow>();
  const saved = row && rubricOf(row);
  if (!saved) throw new Error("quality rubric: the insert returned nothing");
  return saved;
}

/** A conversation's cards, replacing what it had (a part that no longer exists goes; overrides stay with their part). */
export async function saveScorecards(db: D1Database, ws: string, conversationId: string, cards: Scorecard[]) {
  const keep = cards.map((c) => c.part);
  await db.batch([
    db
      .prepare(
        `DELETE FROM quality_scores WHERE conversation_id = ? AND workspace_id = ? AND part NOT IN (SELECT value FROM json_each(?))`,
      )
      .bind(conversationId, ws, JSON.stringify(keep)),
    ...cards.map((c) =>
      db
        .prepare(
          `INSERT INTO quality_scores (workspace_id, conversation_id, part, kind, agent_id, agent_name, score, rubric_version, card, scored_at)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
           ON CONFLICT (conversation_id, part) DO UPDATE SET kind = excluded.kind, agent_id = excluded.agent_id,
             agent_name = excluded.agent_name, score = excluded.score, rubric_version = excluded.rubric_version,
             card = excluded.card, scored_at = excluded.scored_at`,
        )
        .bind(
          ws,
          conversationId,
          c.part,
          c.kind,
          c.agent?.id ?? null,
          c.agent?.name ?? null,
          c.score,
          c.rubricVersion,
          JSON.stringify(c),
          c.scoredAt,
        ),
    ),
  ]);
}

type CardRow = {
  card: string;
  o_score: number | null;
  o_comment: string | null;
  o_by_id: string | null;
  o_by_name: string | null;
  o_at: number | null;
};

const cardOf = (r: CardRow): Scorecard | null => {
  const c = safeParseJson(scorecardSchema, r.card, "quality scorecard");
  if (!c) return null;
  return r.o_score !== null && r.o_at !== null
    ? {
        ...c,
        override: {
          score: r.o_score,
          comment: r.o_comment ?? "",
          by: { id: r.o_by_id ?? "", name: r.o_by_name ?? "" },
          at: r.o_at,
        },
      }
    : c;
};

const SELECT_CARDS = `SELECT s.card, o.score AS o_score, o.comment AS o_comment, o.by_id AS o_by_id, o.by_name AS o_by_name, o.at AS o_at
  FROM quality_scores s LEFT JOIN quality_overrides o ON o.conversation_id = s.conversation_id AND o.part = s.part`;

export type CardQuery = {
  /** Only this agent's parts (an agent sees only their own). */
  agentId?: string | undefined;
  conversationId?: string | undefined;
  from?: number | undefined;
  to?: number | undefined;
  limit?: number | undefined;
};

export async function listScorecards(db: D1Database, ws: string, q: CardQuery): Promise<Scorecard[]> {
  const where = ["s.workspace_id = ?"];
  const args: (string | number)[] = [ws];
  if (q.agentId !== undefined) where.push("s.agent_id = ?"), args.push(q.agentId);
  if (q.conversationId !== undefined) where.push("s.conversation_id = ?"), args.push(q.conversationId);
  if (q.from !== undefined) where.push("s.scored_at >= ?"), args.push(q.from);
  if (q.to !== undefined) where.push("s.scored_at < ?"), args.push(q.to);
  const rows = await db
    .prepare(`${SELECT_CARDS} WHERE ${where.join(" AND ")} ORDER BY s.scored_at DESC, s.part LIMIT ?`)
    .bind(...args, Math.min(q.limit ?? 100, 500))
    .all<CardRow>();
  return rows.results.flatMap((r) => cardOf(r) ?? []);
}

/** A lead's own score for one part; the automatic score at that moment is kept beside it. */
export async function saveOverride(
  db: D1Database,
  ws: string,
  conversationId: string,
  part: string,
  o: { score: number; comment: string; by: { id: string; name: string } },
): Promise<boolean> {
  const r = await db
    .prepare(
      `INSERT INTO quality_overrides (workspace_id, conversation_id, part, score, auto_score, comment, by_id, by_name, at)
       SELECT workspace_id, conversation_id, part, ?, score, ?, ?, ?, ? FROM quality_scores
       WHERE workspace_id = ? AND conversation_id = ? AND part = ?
       ON CONFLICT (conversation_id, part) DO UPDATE SET score = excluded.score, auto_score = excluded.auto_score,
         comment = excluded.comment, by_id = excluded.by_id, by_name = excluded.by_name, at = excluded.at
       RETURNING part`,
    )
    .bind(o.score, o.comment, o.by.id, o.by.name, Date.now(), ws, conversationId, part)
    .first<{ part: string }>();
  return r !== null;
}

const statsRow = z.object({
  overrides: z.number(),
  disagreements: z.nullable(z.number()),
  diff: z.nullable(z.number()),
});

/** How often leads' overrides disagree with the automatic score by more than DISAGREE_POINTS. */
export async function overrideStats(db: D1Database, ws: string, from = 0) {
  const raw = await db
    .prepare(
      `SELECT COUNT(*) AS overrides,
              SUM(CASE WHEN auto_score IS NOT NULL AND ABS(score - auto_score) > ? THEN 1 ELSE 0 END) AS disagreements,
              AVG(CASE WHEN auto_score IS NOT NULL THEN score - auto_score END) AS diff
       FROM quality_overrides WHERE workspace_id = ? AND at >= ?`,
    )
    .bind(DISAGREE_POINTS, ws, from)
    .first();
  const r = statsRow.parse(raw);
  const disagreements = r.disagreements ?? 0;
  return {
    overrides: r.overrides,
    disagreements,
    rate: r.overrides ? Math.round((1000 * disagreements) / r.overrides) / 1000 : null,
    meanDifference: r.diff === null ? null : Math.round(r.diff * 10) / 10,
  };
}

/** A deterministic 32-bit hash (FNV-1a): the review sample is the same for everyone in a given week. */
const fnv = (s: string): number => {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193) >>> 0;
  return h;
};

/** Up to `n` recent scorecards nobody has overridden yet, picked evenly rather than newest first. */
export async function reviewSample(db: D1Database, ws: string, n: number, now = Date.now()): Promise<Scorecard[]> {
  const rows = await db
    .prepare(
      `${SELECT_CARDS} WHERE s.workspace_id = ? AND o.part IS NULL AND s.score IS NOT NULL AND s.scored_at >= ?
       ORDER BY s.scored_at DESC LIMIT 500`,
    )
    .bind(ws, now - 30 * 86_400_000)
    .all<CardRow>();
  const week = Math.floor(now / (7 * 86_400_000));
  return rows.results
    .flatMap((r) => cardOf(r) ?? [])
    .map((c) => ({ c, h: fnv(`${week}:${c.conversationId}:${c.part}`) }))
    .sort((a, b) => a.h - b.h)
    .slice(0, n)
    .map((x) => x.c);
}

/** Most agent scorecards one performance figure reads: a year of a busy desk; past it, the newest. */
export const PERFORMANCE_MAX_CARDS = 20_000;

/** The agents' cards scored in [from, to), with overrides, for the performance figures. */
export async function agentCardsIn(db: D1Database, ws: string, from: number, to: number, agentId?: string) {
  const rows = await db
    .prepare(
      `${SELECT_CARDS} WHERE s.workspace_id = ? AND s.kind = 'agent' AND s.scored_at >= ? AND s.scored_at < ?
       ${agentId !== undefined ? "AND s.agent_id = ?" : ""} ORDER BY s.scored_at DESC LIMIT ?`,
    )
    .bind(ws, from, to, ...(agentId !== undefined ? [agentId] : []), PERFORMANCE_MAX_CARDS)
    .all<CardRow>();
  return rows.results.flatMap((r) => cardOf(r) ?? []);
}
