// Building one workspace's weekly report: the last full week (Monday to Monday in the workspace's zone)
// against the week before, from the analytics rows, the quality scores and the SLA events.
import type { WeekFigure, WeeklyReport } from "../../../shared/health.ts";
import { instantAt, offsetAt, wallAt } from "../../../shared/zoned.ts";
import { dateKey, weekdayOf } from "../../../shared/zoned.ts";
import { firstResponse, gaps, handoffReasons, type Range, summaryCounts } from "../analytics/queries.ts";
import { changesOf } from "./compose.ts";

const DAY = 86_400_000;

/** The local date `k` days after y-m-d. */
function plusDays(y: number, m: number, d: number, k: number): [number, number, number] {
  const t = new Date(Date.UTC(y, m - 1, d + k));
  return [t.getUTCFullYear(), t.getUTCMonth() + 1, t.getUTCDate()];
}

/** The last full week before `now` in `tz`: from last Monday 00:00 of the week before to this Monday 00:00. */
export function lastWeek(now: number, tz: string): { week: string; from: number; to: number; before: number } {
  const w = wallAt(now, tz);
  const [y, m, d] = plusDays(w.y, w.m, w.d, -weekdayOf(w.y, w.m, w.d));
  const [py, pm, pd] = plusDays(y, m, d, -7);
  const [qy, qm, qd] = plusDays(y, m, d, -14);
  return {
    week: dateKey(py, pm, pd),
    from: instantAt(tz, py, pm, pd, 0),
    to: instantAt(tz, y, m, d, 0),
    before: instantAt(tz, qy, qm, qd, 0),
  };
}

const fig = (now: number | null, before: number | null): WeekFigure => ({ now, before });

async function meanQuality(db: D1Database, r: Range): Promise<number | null> {
  const row = await db
    .prepare(
      `SELECT AVG(COALESCE(o.score, s.score)) AS q FROM quality_scores s
       LEFT JOIN quality_overrides o ON o.conversation_id = s.conversation_id AND o.part = s.part
       WHERE s.workspace_id = ? AND s.scored_at >= ? AND s.scored_at < ? AND s.score IS NOT NULL`,
    )
    .bind(r.workspaceId, r.from, r.to)
    .first<{ q: number | null }>();
  return row?.q === null || row?.q === undefined ? null : Math.round(row.q * 10) / 10;
}

/** Handed-off conversations of the range answered within target: 1 − breached / handed off. */
async function slaAdherence(db: D1Database, r: Range): Promise<number | null> {
  const row = await db
    .prepare(
      `SELECT
         (SELECT COUNT(*) FROM analytics_conversations WHERE workspace_id = ?1 AND started_at >= ?2 AND started_at < ?3 AND handoffs > 0) AS handed,
         (SELECT COUNT(DISTINCT conversation_id) FROM sla_events WHERE workspace_id = ?1 AND kind = 'breached' AND at >= ?2 AND at < ?3) AS breached`,
    )
    .bind(r.workspaceId, r.from, r.to)
    .first<{ handed: number; breached: number }>();
  if (!row?.handed) return null;
  return Math.max(0, Math.round((1000 * (row.handed - Math.min(row.breached, row.handed))) / row.handed) / 1000);
}

/** Customer messages per local hour; the zone's offset at the end of the week (a week holds at most one change). */
async function busiestHours(db: D1Database, r: Range, tz: string) {
  const offset = offsetAt(r.to - 1, tz);
  const rows = await db
    .prepare(
      `SELECT ((at + ?4) / 3600000) % 24 AS hour, COUNT(*) AS messages FROM analytics_events
       WHERE workspace_id = ?1 AND type = 'customer_message' AND at >= ?2 AND at < ?3
       GROUP BY hour ORDER BY messages DESC, hour LIMIT 3`,
    )
    .bind(r.workspaceId, r.from, r.to, offset)
    .all<{ hour: number; messages: number }>();
  return rows.results.map((x) => ({ hour: ((x.hour % 24) + 24) % 24, messages: x.messages }));
}

export async function buildWeeklyReport(
  db: D1Database,
  workspaceId: string,
  tz: string,
  now: number,
  trigger: WeeklyReport["trigger"],
): Promise<WeeklyReport> {
  const wk = lastWeek(now, tz);
  const cur: Range = { workspaceId, from: wk.from, to: wk.to };
  const prev: Range = { workspaceId, from: wk.before, to: wk.from };
  // One at a time: D1 runs one query at a time per database anyway.
  const [s1, s0] = [await summaryCounts(db, cur), await summaryCounts(db, prev)];
  const p50 = async (r: Range) => (await firstResponse(db, r)).find((d) => d.kind === "any")?.p50 ?? null;
  const [f1, f0] = [await p50(cur), await p50(prev)];
  const [q1, q0] = [await meanQuality(db, cur), await meanQuality(db, prev)];
  const [a1, a0] = [await slaAdherence(db, cur), await slaAdherence(db, prev)];
  const [e1, e0] = [await handoffReasons(db, cur), await handoffReasons(db, prev)];
  const figures: WeeklyReport["figures"] = {
    conversations: fig(s1.conversations, s0.conversations),
    autoResolution: fig(s1.autoResolutionRate, s0.autoResolutionRate),
    firstResponseP50: fig(f1, f0),
    csat: fig(s1.csatAverage, s0.csatAverage),
    quality: fig(q1, q0),
    slaAdherence: fig(a1, a0),
    escalationAccuracy: fig(s1.escalationAccuracy, s0.escalationAccuracy),
  };
  const reasons = [...new Set([...e1, ...e0].map((e) => e.reason))];
  return {
    workspaceId,
    week: wk.week,
    timeZone: tz,
    from: wk.from,
    to: wk.to,
    trigger,
    generatedAt: now,
    figures,
    escalations: reasons
      .map((reason) => ({
        reason,
        now: e1.find((e) => e.reason === reason)?.handoffs ?? 0,
        before: e0.find((e) => e.reason === reason)?.handoffs ?? 0,
      }))
      .sort((a, b) => b.now - a.now || a.reason.localeCompare(b.reason)),
    gaps: (await gaps(db, cur, 5)).map((g) => ({ title: g.title, questions: g.questions, example: g.example })),
    busiestHours: await busiestHours(db, cur, tz),
    changes: changesOf(figures),
  };
}

export const WEEK_MS = 7 * DAY;
