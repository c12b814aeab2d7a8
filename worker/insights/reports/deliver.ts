// Sending and keeping weekly reports: each owner of the workspace gets the mail (from its support
// address, or no-reply@ the deployment's PUBLIC_URL host), its Slack gets one message through the
// notifier's outbox (retried like any delivery, deduplicated by week), and the report is stored for the
// console. The scheduled run (worker/index.ts, every 10 minutes) sends each workspace's report once,
// on Monday from REPORT_HOUR in the workspace's zone.
import { EmailMessage } from "cloudflare:email";
import { type WeeklyReport, weeklyReportSchema } from "../../../shared/health.ts";
import { safeParseJson } from "../../../shared/json.ts";
import { wallAt } from "../../../shared/zoned.ts";
import { composeNotice } from "../../channels/email/compose.ts";
import { supportAddressOf } from "../../channels/email/db.ts";
import type { Env } from "../../env.ts";
import { loadHours } from "../../hours/store.ts";
import { reportSlack, reportText } from "./compose.ts";
import { buildWeeklyReport, lastWeek, WEEK_MS } from "./weekly.ts";

/** Local hour on Monday from which the week's report goes out. */
export const REPORT_HOUR = 8;
/** Workspaces reported per scheduled run: the rest follow ten minutes later. */
const PER_RUN = 20;

type ReportEnv = Pick<Env, "DB" | "NOTIFIER" | "SEND_EMAIL" | "PUBLIC_URL" | "EMAIL_FROM_NAME">;

export async function timeZoneOf(db: D1Database, ws: string): Promise<string> {
  return (await loadHours(db, ws)).workspace?.timeZone ?? "UTC";
}

const consoleUrl = (env: ReportEnv, fallbackOrigin?: string) => {
  const base = env.PUBLIC_URL ? new URL(env.PUBLIC_URL).origin : fallbackOrigin;
  return base ? `${base}/console/` : "/console/";
};

/** Mails the owners and posts to Slack; returns where it went. A failed mail is logged, never retried. */
export async function sendReport(
  env: ReportEnv,
  r: WeeklyReport,
  origin?: string,
): Promise<NonNullable<WeeklyReport["sent"]>> {
  const ws = await env.DB.prepare("SELECT name FROM workspaces WHERE id = ?")
    .bind(r.workspaceId)
    .first<{ name: string }>();
  const name = ws?.name ?? r.workspaceId;
  const url = consoleUrl(env, origin);
  const owners = await env.DB.prepare(
    "SELECT email FROM workspace_people WHERE workspace_id = ? AND role = 'owner' AND disabled_at IS NULL ORDER BY email",
  )
    .bind(r.workspaceId)
    .all<{ email: string }>();
  const host = env.PUBLIC_URL ? new URL(env.PUBLIC_URL).hostname : origin ? new URL(origin).hostname : null;
  const from = (await supportAddressOf(env.DB, r.workspaceId)) ?? (host ? `no-reply@${host}` : null);
  let emails = 0;
  if (from && env.SEND_EMAIL) {
    const { subject, text } = reportText(r, name, url);
    const domain = from.slice(from.lastIndexOf("@") + 1);
    for (const o of owners.results) {
      const raw = composeNotice(
        { customer: o.email, support: from, subject, text },
        {
          messageId: `weekly.${r.week}.${crypto.randomUUID()}@${domain}`,
          at: Date.now(),
          fromName: env.EMAIL_FROM_NAME ?? "EdgeDesk",
        },
      );
      try {
        await env.SEND_EMAIL.send(new EmailMessage(from, o.email, raw));
        emails++;
      } catch (e) {
        console.error(`weekly report: a mail to an owner was not sent: ${e instanceof Error ? e.message : String(e)}`);
      }
    }
  }
  const slack = await env.NOTIFIER.get(env.NOTIFIER.idFromName(r.workspaceId)).postSlack(
    r.workspaceId,
    `weekly:${r.workspaceId}:${r.week}:${r.trigger}:${r.generatedAt}`,
    "report.weekly",
    reportSlack(r, name, url),
  );
  return { emails, slack };
}

/** Stores a report (an on-demand one replaces that week's earlier on-demand one); false if the scheduled one exists. */
async function store(db: D1Database, r: WeeklyReport): Promise<boolean> {
  const sql =
    r.trigger === "schedule"
      ? "INSERT INTO weekly_reports (workspace_id, week, trigger, report, created_at) VALUES (?, ?, ?, ?, ?) ON CONFLICT DO NOTHING RETURNING week"
      : "INSERT INTO weekly_reports (workspace_id, week, trigger, report, created_at) VALUES (?, ?, ?, ?, ?) ON CONFLICT DO UPDATE SET report = excluded.report, created_at = excluded.created_at RETURNING week";
  const row = await db
    .prepare(sql)
    .bind(r.workspaceId, r.week, r.trigger, JSON.stringify(r), r.generatedAt)
    .first<{ week: string }>();
  return row !== null;
}

async function recordSent(db: D1Database, r: WeeklyReport): Promise<void> {
  await db
    .prepare("UPDATE weekly_reports SET report = ? WHERE workspace_id = ? AND week = ? AND trigger = ?")
    .bind(JSON.stringify(r), r.workspaceId, r.week, r.trigger)
    .run();
}

/** An owner's "make it now": built, stored, and sent when asked. */
export async function reportOnDemand(
  env: ReportEnv,
  ws: string,
  send: boolean,
  now: number,
  origin: string,
  week: "last" | "current" = "last",
) {
  // This week so far is "last week" seen from a week on; it is made now, all the same.
  const built = await buildWeeklyReport(
    env.DB,
    ws,
    await timeZoneOf(env.DB, ws),
    week === "current" ? now + WEEK_MS : now,
    "demand",
  );
  const r = { ...built, generatedAt: now };
  await store(env.DB, r);
  if (!send) return r;
  const sent = { ...r, sent: await sendReport(env, r, origin) };
  await recordSent(env.DB, sent);
  return sent;
}

/**
 * The cron's part: every workspace whose Monday REPORT_HOUR has come in its zone and whose report for
 * last week is not stored yet gets it built, stored (once: the key) and sent. Returns the workspaces sent.
 */
export async function runWeeklyReports(env: ReportEnv, now = Date.now()): Promise<string[]> {
  const rows = await env.DB.prepare("SELECT id FROM workspaces ORDER BY id").all<{ id: string }>();
  const done: string[] = [];
  for (const { id } of rows.results) {
    if (done.length >= PER_RUN) break;
    const tz = await timeZoneOf(env.DB, id);
    const w = wallAt(now, tz);
    const monday = new Date(Date.UTC(w.y, w.m - 1, w.d)).getUTCDay() === 1;
    if (!monday || w.hh < REPORT_HOUR) continue;
    const week = lastWeek(now, tz).week;
    const have = await env.DB.prepare(
      "SELECT 1 AS x FROM weekly_reports WHERE workspace_id = ? AND week = ? AND trigger = 'schedule'",
    )
      .bind(id, week)
      .first();
    if (have) continue;
    const r = await buildWeeklyReport(env.DB, id, tz, now, "schedule");
    // Two runs at once both build; only the one whose row went in sends.
    if (!(await store(env.DB, r))) continue;
    await recordSent(env.DB, { ...r, sent: await sendReport(env, r) });
    done.push(id);
  }
  return done;
}

export async function listReports(db: D1Database, ws: string, limit = 12): Promise<WeeklyReport[]> {
  const rows = await db
    .prepare("SELECT report FROM weekly_reports WHERE workspace_id = ? ORDER BY week DESC, created_at DESC LIMIT ?")
    .bind(ws, limit)
    .all<{ report: string }>();
  return rows.results.flatMap((r) => safeParseJson(weeklyReportSchema, r.report, "weekly report") ?? []);
}
