// The weekly health report (worker/insights/reports/): on Monday from 08:00 in the workspace's zone the
// scheduled run builds last week's report once, mails every owner and posts to Slack; a second run
// sends nothing. Owners see the reports and make one on demand; agents and other workspaces cannot.
import { env } from "cloudflare:test";
import { beforeAll, describe, expect, it } from "vitest";
import type { WeeklyReport } from "../../shared/health.ts";
import { runWeeklyReports } from "../../worker/insights/reports/deliver.ts";
import { lastWeek } from "../../worker/insights/reports/weekly.ts";
import { call, createAgent } from "./helpers.ts";

type Mail = { from: string; to: string; raw: string };
const mails: Mail[] = [];
const mailer = {
  async send(m: EmailMessage): Promise<EmailSendResult> {
    const raw = (m as unknown as Record<string, unknown>)["EmailMessage::raw"];
    const text = typeof raw === "string" ? raw : await new Response(raw as ReadableStream).text();
    mails.push({ from: m.from, to: m.to, raw: text });
    return { messageId: `m${mails.length}` };
  },
};

const WS = "weekly-report";
let owner = "";
let agent = "";
let stranger = "";
const DAY = 86_400_000;

beforeAll(async () => {
  await env.DB.prepare("INSERT OR IGNORE INTO workspaces (id, name, created_at) VALUES (?, 'Weekly Co', 1)")
    .bind(WS)
    .run();
  await env.DB.prepare(
    "INSERT OR IGNORE INTO workspaces (id, name, created_at) VALUES ('weekly-other', 'Other', 1)",
  ).run();
  owner = await createAgent("weekly-owner@example.test", "owner", WS);
  await createAgent("weekly-owner2@example.test", "owner", WS);
  agent = await createAgent("weekly-agent@example.test", "agent", WS);
  stranger = await createAgent("weekly-stranger@other.test", "owner", "weekly-other");
  // Last week's traffic in analytics: two conversations, one resolved by the bot, customer messages at 09:xx UTC.
  const monday = lastWeek(Date.now(), "UTC").to; // this Monday 00:00 UTC
  const at = (day: number, h: number) => monday + day * DAY + h * 3_600_000;
  // The first customer message also yields the `started` row (seq 0, value: that message's seq), as the analytics follower writes it.
  const rows: [string, number, string, string | null, number][] = [
    ["wc1", 0, "started", null, at(1, 9)],
    ["wc2", 0, "started", null, at(2, 9)],
    ["wc1", 1, "customer_message", null, at(1, 9)],
    ["wc1", 2, "bot_message", "answer", at(1, 9) + 500],
    ["wc1", 3, "resolved", "bot", at(1, 10)],
    ["wc2", 1, "customer_message", null, at(2, 9)],
    ["wc2", 2, "handoff", "asked-for-person", at(2, 9) + 1000],
  ];
  for (const [c, seq, type, reason, t] of rows)
    await env.DB.prepare(
      "INSERT OR IGNORE INTO analytics_events (workspace_id, conversation_id, seq, type, channel, reason, actor, value, at) VALUES (?, ?, ?, ?, 'widget', ?, 'customer', ?, ?)",
    )
      .bind(WS, c, seq, type, reason, type === "started" ? 1 : null, t)
      .run();
});

/** The Monday after this week's, at `hour` UTC: its report is about this week, where the rows above are. */
const nextMonday = (hour: number) => lastWeek(Date.now(), "UTC").to + 7 * DAY + hour * 3_600_000;

describe("the scheduled weekly report", () => {
  it("waits for Monday 08:00 in the zone, then is built and sent once", async () => {
    // The recording mailer stands in for the binding (its one overload the code uses).
    const e = { ...env, SEND_EMAIL: mailer as unknown as SendEmail, PUBLIC_URL: "https://desk.example" };
    expect(await runWeeklyReports(e, nextMonday(7))).not.toContain(WS);
    expect(await runWeeklyReports(e, nextMonday(8))).toContain(WS);
    const mine = mails.filter((m) => m.raw.includes("Weekly Co"));
    expect(mine.map((m) => m.to).sort()).toEqual(["weekly-owner2@example.test", "weekly-owner@example.test"]);
    expect(mine[0]?.from).toBe("no-reply@desk.example");
    expect(mine[0]?.raw).toContain("https://desk.example/console/#/reports");
    // A second run (the cron every 10 minutes) sends nothing again.
    expect(await runWeeklyReports(e, nextMonday(9))).not.toContain(WS);
    expect(mails.filter((m) => m.raw.includes("Weekly Co"))).toHaveLength(2);

    const list = await call<{ reports: WeeklyReport[] }>(owner, "GET", "/api/reports/weekly");
    expect(list.status).toBe(200);
    const r = list.body.reports.find((x) => x.trigger === "schedule");
    expect(r).toMatchObject({ workspaceId: WS, timeZone: "UTC", sent: { emails: 2, slack: false } });
    expect(r?.figures.conversations.now).toBe(2);
    expect(r?.escalations).toEqual([{ reason: "asked-for-person", now: 1, before: 0 }]);
    expect(r?.busiestHours[0]).toEqual({ hour: 9, messages: 2 });
  });
});

describe("/api/reports", () => {
  it("owners make one on demand; agents and other workspaces cannot see it", async () => {
    const made = await call<WeeklyReport>(owner, "POST", "/api/reports/weekly/run", {});
    expect(made.status).toBe(200);
    expect(made.body.trigger).toBe("demand");
    expect(made.body.sent).toBeUndefined();
    expect((await call(agent, "GET", "/api/reports/weekly")).status).toBe(403);
    expect((await call(agent, "POST", "/api/reports/weekly/run", {})).status).toBe(403);
    const theirs = await call<{ reports: WeeklyReport[] }>(stranger, "GET", "/api/reports/weekly");
    expect(theirs.body.reports.some((x) => x.workspaceId === WS)).toBe(false);
    expect((await call(owner, "POST", "/api/reports/weekly/run", { send: "yes" })).status).toBe(400);
    expect((await call({}, "GET", "/api/reports/weekly")).status).toBe(401);
  });

  it("on demand, this week so far against last week", async () => {
    const now = Date.now();
    const made = await call<WeeklyReport>(owner, "POST", "/api/reports/weekly/run", { week: "current" });
    expect(made.status).toBe(200);
    const last = lastWeek(now, "UTC");
    // The week that began on the Monday last week ended: it runs until next Monday, and was made now.
    expect(made.body).toMatchObject({ from: last.to, to: last.to + 7 * DAY, trigger: "demand" });
    expect(made.body.generatedAt).toBeGreaterThanOrEqual(now);
    expect(made.body.generatedAt).toBeLessThan(now + 60_000);
    expect((await call(owner, "POST", "/api/reports/weekly/run", { week: "next" })).status).toBe(400);
  });
});
