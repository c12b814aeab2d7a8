// The whole dashboard in one response, and any one chart as CSV. Each chart's query is timed, so the
// dashboard (and scripts/bench-analytics.ts) can show where the time goes.
import {
  DAY_MS,
  TARGETS,
  type AnalyticsReport,
  type ChartId,
  type Distribution,
  type Summary,
} from "../../../shared/analytics.ts";
import {
  csatDistribution,
  firstResponse,
  gaps,
  handoffReasons,
  resolution,
  summaryCounts,
  topArticles,
  volumeByCategory,
  volumeByChannel,
  type Range,
} from "./queries.ts";

/** UTC days from the query, `to` inclusive; default the 30 days up to today. */
export function rangeOf(
  workspaceId: string,
  q: { from?: string | undefined; to?: string | undefined },
  now = Date.now(),
): Range & { fromDay: string; toDay: string } {
  const toDay = q.to ?? new Date(now).toISOString().slice(0, 10);
  const fromDay = q.from ?? new Date(Date.parse(toDay) - 29 * DAY_MS).toISOString().slice(0, 10);
  const from = Date.parse(fromDay);
  const to = Date.parse(toDay) + DAY_MS;
  return { workspaceId, from, to, fromDay, toDay };
}

async function timed<T>(timings: Record<string, number>, name: string, work: () => Promise<T>): Promise<T> {
  const t0 = performance.now();
  try {
    return await work();
  } finally {
    timings[name] = Math.round((performance.now() - t0) * 10) / 10;
  }
}

function summaryOf(counts: Awaited<ReturnType<typeof summaryCounts>>, fr: Distribution[]): Summary {
  const p50 = (kind: string) => fr.find((d) => d.kind === kind)?.p50 ?? null;
  return {
    ...counts,
    firstResponseP50: p50("any"),
    firstResponseBotP50: p50("bot"),
    firstResponseHumanP50: p50("human"),
  };
}

export async function report(db: D1Database, r: ReturnType<typeof rangeOf>): Promise<AnalyticsReport> {
  const t: Record<string, number> = {};
  // One at a time: D1 runs one query at a time per database anyway, and the timings stay honest.
  const counts = await timed(t, "summary", () => summaryCounts(db, r));
  const fr = await timed(t, "firstResponse", () => firstResponse(db, r));
  const volumeByChannelRows = await timed(t, "volumeByChannel", () => volumeByChannel(db, r));
  const volumeByCategoryRows = await timed(t, "volumeByCategory", () => volumeByCategory(db, r));
  const res = await timed(t, "resolution", () => resolution(db, r));
  const csat = await timed(t, "csat", () => csatDistribution(db, r));
  const reasons = await timed(t, "handoffReasons", () => handoffReasons(db, r));
  const articles = await timed(t, "topArticles", () => topArticles(db, r));
  const gapRows = await timed(t, "gaps", () => gaps(db, r));
  return {
    from: r.fromDay,
    to: r.toDay,
    generatedAt: Date.now(),
    targets: TARGETS,
    summary: summaryOf(counts, fr),
    volumeByChannel: volumeByChannelRows,
    volumeByCategory: volumeByCategoryRows,
    firstResponse: fr,
    resolution: res,
    csat,
    handoffReasons: reasons,
    topArticles: articles,
    gaps: gapRows,
    timings: t,
  };
}

type Cell = string | number | null;
export type Table = { columns: string[]; rows: Cell[][] };

const distributionTable = (ds: Distribution[]): Table => ({
  columns: ["kind", "bucket", "from_ms", "to_ms", "count", "n", "p50_ms", "p90_ms"],
  rows: ds.flatMap((d) => d.buckets.map((b) => [d.kind, b.label, b.fromMs, b.toMs, b.count, d.n, d.p50, d.p90])),
});

/** One chart's data as a table: the rows its chart plots, nothing more. */
export async function chartTable(db: D1Database, r: Range, chart: ChartId): Promise<Table> {
  switch (chart) {
    case "summary": {
      const s = summaryOf(await summaryCounts(db, r), await firstResponse(db, r));
      return {
        columns: ["metric", "value", "target", "met", "numerator", "denominator"],
        rows: [
          [
            "auto_resolution_rate",
            s.autoResolutionRate,
            TARGETS.autoResolution,
            met(s.autoResolutionRate, (v) => v >= TARGETS.autoResolution),
            s.autoResolved,
            s.conversations,
          ],
          [
            "auto_resolved_after_answer",
            s.autoResolvedAfterAnswer,
            null,
            null,
            s.autoResolvedAfterAnswer,
            s.autoResolved,
          ],
          ["auto_resolved_by_action", s.autoResolvedByAction, null, null, s.autoResolvedByAction, s.autoResolved],
          [
            "first_response_p50_ms",
            s.firstResponseP50,
            TARGETS.firstResponseMs,
            met(s.firstResponseP50, (v) => v <= TARGETS.firstResponseMs),
            null,
            null,
          ],
          ["first_response_bot_p50_ms", s.firstResponseBotP50, null, null, null, null],
          ["first_response_human_p50_ms", s.firstResponseHumanP50, null, null, null, null],
          ["csat_average", s.csatAverage, TARGETS.csat, met(s.csatAverage, (v) => v >= TARGETS.csat), null, s.ratings],
          [
            "escalation_accuracy",
            s.escalationAccuracy,
            TARGETS.escalationAccuracy,
            met(s.escalationAccuracy, (v) => v >= TARGETS.escalationAccuracy),
            s.correct,
            s.decided,
          ],
          ["handoffs_awaiting_verdict", s.awaitingVerdict, null, null, null, null],
          ["conversations", s.conversations, null, null, null, null],
          ["resolved", s.resolved, null, null, null, null],
        ],
      };
    }
    case "volumeByChannel":
    case "volumeByCategory": {
      const rows = await (chart === "volumeByChannel" ? volumeByChannel(db, r) : volumeByCategory(db, r));
      return {
        columns: ["day", chart === "volumeByChannel" ? "channel" : "category", "conversations"],
        rows: rows.map((x) => [x.day, x.key, x.conversations]),
      };
    }
    case "firstResponse":
      return distributionTable(await firstResponse(db, r));
    case "resolution":
      return distributionTable(await resolution(db, r));
    case "csat":
      return { columns: ["score", "count"], rows: (await csatDistribution(db, r)).map((x) => [x.score, x.count]) };
    case "handoffReasons":
      return {
        columns: ["reason", "handoffs", "needed", "not_needed", "unmarked"],
        rows: (await handoffReasons(db, r)).map((x) => [x.reason, x.handoffs, x.needed, x.notNeeded, x.unmarked]),
      };
    case "topArticles":
      return {
        columns: ["article_id", "title", "answers", "helpful", "not_helpful", "handoffs_after"],
        rows: (await topArticles(db, r)).map((x) => [
          x.articleId,
          x.title,
          x.answers,
          x.helpful,
          x.notHelpful,
          x.handoffsAfter,
        ]),
      };
    case "gaps":
      return {
        columns: ["key", "questions", "title", "example", "reasons"],
        rows: (await gaps(db, r)).map((x) => [x.key, x.questions, x.title, x.example, x.reasons]),
      };
  }
}

const met = (v: number | null, ok: (v: number) => boolean): string | null => (v === null ? null : ok(v) ? "yes" : "no");

/**
 * RFC 4180: CRLF line ends, fields with a comma, quote or line break quoted, quotes doubled. A text
 * cell starting with = + - @ gets a leading apostrophe, so a spreadsheet never runs a customer's
 * words as a formula.
 */
export function toCsv(t: Table): string {
  const cell = (c: Cell): string => {
    if (c === null) return "";
    if (typeof c === "number") return String(c);
    const s = /^[=+\-@\t\r]/.test(c) ? `'${c}` : c;
    return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
  };
  return `${[t.columns, ...t.rows].map((row) => row.map(cell).join(",")).join("\r\n")}\r\n`;
}
