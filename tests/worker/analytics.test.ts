// Analytics in workerd: hand-built event sequences go through the same mapping the Conversation DO uses
// (rowsFor → analytics_events) and every metric's SQL is checked against figures worked out by hand
// below (reopened conversations, a handoff without an agent message, a thumbs-down, CSAT absent,
// marks changed, range boundaries). Then the live path (a real conversation writes its rows, a retry
// adds none), the API's role fence and workspace isolation, and the CSV format.
import { env, SELF } from "cloudflare:test";
import { beforeAll, describe, expect, it } from "vitest";
import type { AnalyticsReport } from "../../shared/analytics.ts";
import type { HandoffPacket } from "../../shared/api.ts";
import type { ConversationEvent, ConversationState, MessageEvent } from "../../shared/protocol.ts";
import { rowsFor, writeRows } from "../../worker/insights/analytics/record.ts";
import {
  csatDistribution,
  firstResponse,
  handoffReasons,
  resolution,
  summaryCounts,
  topArticles,
  volumeByCategory,
  volumeByChannel,
} from "../../worker/insights/analytics/queries.ts";
import { metaOf } from "./analytics-fixtures.ts";
import { asCustomer, BASE, createAgent, createConversation, publishDemoKb, q } from "./helpers.ts";

const FROM = Date.UTC(2026, 0, 10);
const TO = Date.UTC(2026, 0, 12); // exclusive: the range is the UTC days 2026-01-10 and 2026-01-11
const WS = "an-a";
const OTHER = "an-b";
const range = { workspaceId: WS, from: FROM, to: TO };
const S = 1000;
const H = 3_600_000;

type Step =
  | { customer: number; text?: string }
  | { bot: number; action: "answer" | "handoff" | "decline"; article?: string; id?: string }
  | { agent: number }
  | { state: ConversationState; at: number; reason?: string; name?: string }
  | { csat: number; at: number }
  | { mark: boolean; at: number };

const CATEGORIES: Record<string, string> = { a1: "billing", a2: "account" };

/** Writes one conversation's events, as its Durable Object would, and returns the bot messages' ids. */
async function conversation(
  id: string,
  start: number,
  steps: Step[],
  opts: { ws?: string; channel?: string; handoff?: Partial<HandoffPacket> } = {},
): Promise<void> {
  const events: ConversationEvent[] = steps.map((s, i): ConversationEvent => {
    const seq = i + 1;
    if ("customer" in s)
      return {
        seq,
        type: "message",
        id: `${id}-m${seq}`,
        author: "customer",
        text: s.text ?? "a question",
        at: start + s.customer,
      };
    if ("bot" in s) {
      const m: MessageEvent = {
        seq,
        type: "message",
        id: s.id ?? `${id}-m${seq}`,
        author: "bot",
        text: "…",
        action: s.action,
        at: start + s.bot,
      };
      return s.article && s.action === "answer"
        ? { ...m, sources: [{ articleId: s.article, title: s.article, url: "" }] }
        : m;
    }
    if ("agent" in s)
      return {
        seq,
        type: "message",
        id: `${id}-m${seq}`,
        author: "agent",
        name: "Sam",
        text: "hello",
        at: start + s.agent,
      };
    if ("state" in s)
      return {
        seq,
        type: "state",
        state: s.state,
        at: start + s.at,
        ...(s.reason ? { reason: s.reason } : {}),
        ...(s.name ? { name: s.name } : {}),
      };
    if ("csat" in s) return { seq, type: "csat", score: s.csat, at: start + s.at };
    return { seq, type: "change", audience: "agents", by: "Sam", handoffNeeded: s.mark, at: start + s.at };
  });
  const meta = metaOf(id, start, { ...opts, ws: opts.ws ?? WS });
  // Split in two writes, as a real object flushes as events come: the second `started` must be ignored.
  const rows = rowsFor(meta, events, (a) => CATEGORIES[a] ?? null);
  const later = rowsFor(meta, events.slice(3), (a) => CATEGORIES[a] ?? null);
  await writeRows(env.DB, rows);
  await writeRows(env.DB, later);
}

async function vote(conversationId: string, messageId: string, article: string, helpful: boolean, at: number) {
  await env.DB.prepare(
    "INSERT INTO answer_votes (workspace_id, conversation_id, message_id, article_id, helpful, created_at) VALUES (?, ?, ?, ?, ?, ?)",
  )
    .bind(WS, conversationId, messageId, article, helpful ? 1 : 0, at)
    .run();
}

const day10 = (h: number) => FROM + h * H;
const day11 = (h: number) => FROM + 24 * H + h * H;

beforeAll(async () => {
  for (const id of [WS, OTHER])
    await env.DB.prepare("INSERT OR IGNORE INTO workspaces (id, name, created_at) VALUES (?, ?, 0)").bind(id, id).run();
  // A: answered, quiet, auto-resolved, rated 5.
  await conversation("A", day10(1), [
    { customer: 0 },
    { bot: 400, action: "answer", article: "a1" },
    { state: "resolved", at: 1800 * S, reason: "idle" },
    { csat: 5, at: 1900 * S },
  ]);
  // B: answered (voted down), asked for a person, an agent replied and resolved, marked needed, rated 4.
  await conversation(
    "B",
    day10(2),
    [
      { customer: 0 },
      { bot: 600, action: "answer", article: "a2", id: "B-ans" },
      { customer: 10 * S, text: "a person please" },
      { bot: 10_200, action: "handoff" },
      { state: "queued", at: 10_300, reason: "asked-for-person" },
      { state: "agent", at: 40 * S, name: "Sam" },
      { agent: 45 * S },
      { state: "resolved", at: 300 * S, reason: "Sam" },
      { mark: true, at: 310 * S },
      { csat: 4, at: 320 * S },
    ],
    { handoff: { reason: "asked-for-person" } },
  );
  await vote("B", "B-ans", "a2", false, day10(2) + S);
  // C: auto-resolved, then reopened by the customer and answered again: not resolved now.
  await conversation("C", day10(3), [
    { customer: 0 },
    { bot: 1000, action: "answer", article: "a1" },
    { state: "resolved", at: 1800 * S, reason: "idle" },
    { customer: 2000 * S },
    { state: "bot", at: 2000 * S + 100, reason: "reopened" },
    { bot: 2000 * S + 500, action: "answer", article: "a1" },
  ]);
  // D: handed off, resolved by an agent who never wrote (auto-resolved by the definition); no verdict.
  await conversation(
    "D",
    day10(4),
    [
      { customer: 0 },
      { bot: 200, action: "handoff" },
      { state: "queued", at: 300, reason: "article-requires-person" },
      { state: "resolved", at: 600 * S, reason: "Sam" },
    ],
    { handoff: { reason: "article-requires-person", category: "privacy", article: "a3" } },
  );
  // E: answered, thumbs-down, no handoff, auto-resolved: a wrong "do not escalate"; no rating.
  await conversation("E", day10(5), [
    { customer: 0 },
    { bot: 500, action: "answer", article: "a1", id: "E-ans" },
    { state: "resolved", at: 1800 * S, reason: "idle" },
  ]);
  await vote("E", "E-ans", "a1", false, day10(5) + S);
  // F: email, declined, nothing else: neither resolved nor decided.
  await conversation("F", day10(6), [{ customer: 0 }, { bot: 300, action: "decline" }], { channel: "email" });
  // G (next day): handed off, an agent replied and resolved; marked needed, then not needed (latest wins); rated 2.
  await conversation(
    "G",
    day11(9),
    [
      { customer: 0 },
      { bot: 200, action: "handoff" },
      { state: "queued", at: 300, reason: "low-confidence" },
      { state: "agent", at: 5 * S, name: "Sam" },
      { agent: 20 * S },
      { state: "resolved", at: 100 * S, reason: "Sam" },
      { mark: true, at: 110 * S },
      { mark: false, at: 120 * S },
      { csat: 2, at: 130 * S },
    ],
    { handoff: { reason: "low-confidence" } },
  );
  // H: started at exactly `from` (in); I: at exactly `to` (out); J: another workspace (out).
  await conversation("H", FROM, [{ customer: 0 }, { bot: 100, action: "answer", article: "a1" }]);
  await conversation("I", TO, [
    { customer: 0 },
    { bot: 100, action: "answer", article: "a1" },
    { state: "resolved", at: 60 * S, reason: "idle" },
    { csat: 1, at: 70 * S },
  ]);
  await conversation(
    "J",
    day10(7),
    [{ customer: 0 }, { bot: 50, action: "answer", article: "a1" }, { state: "resolved", at: 60 * S, reason: "idle" }],
    { ws: OTHER },
  );
});

describe("metrics over hand-built conversations", () => {
  it("summary: auto-resolution, CSAT and escalation accuracy by the definitions", async () => {
    const s = await summaryCounts(env.DB, range);
    expect(s).toEqual({
      conversations: 8, // A–H; I starts at `to`, J is another workspace
      resolved: 5, // A, B, D, E, G (C was reopened)
      autoResolved: 3, // A, D (no agent message), E
      autoResolutionRate: 3 / 8,
      autoResolvedAfterAnswer: 2, // A and E; D was handed off and closed by an agent who never wrote
      autoResolvedByAction: 0, // no action answered here (tests/worker/actions-bot.test.ts counts those)
      ratings: 3,
      csatAverage: (5 + 4 + 2) / 3,
      decided: 6, // A, B, C, E, G, H (D awaits a verdict, F only declined)
      correct: 4, // A, B, C, H (E was voted down, G marked not needed)
      awaitingVerdict: 1,
      escalationAccuracy: 4 / 6,
    });
  });

  it("first response: nearest-rank p50/p90 for anyone, the bot and people, with a histogram", async () => {
    const [any, bot, human] = await firstResponse(env.DB, range);
    // 100, 200, 200, 300, 400, 500, 600, 1000 ms: rank ceil(0.5·8) = 4 → 300, rank ceil(0.9·8) = 8 → 1000.
    expect(any).toMatchObject({ kind: "any", n: 8, p50: 300, p90: 1000 });
    expect(bot).toMatchObject({ kind: "bot", n: 8, p50: 300, p90: 1000 });
    // People: G 20 s, B 45 s (from the first customer message, not from the handoff).
    expect(human).toMatchObject({ kind: "human", n: 2, p50: 20_000, p90: 45_000 });
    expect(any?.buckets[0]).toMatchObject({ label: "<1s", count: 7 });
    expect(any?.buckets[1]).toMatchObject({ label: "1s–5s", count: 1 });
    expect(human?.buckets.map((b) => b.count)).toEqual([0, 0, 1, 1, 0, 0, 0, 0]);
  });

  it("resolution time: to the last resolve, split auto / assisted", async () => {
    const [all, auto, assisted] = await resolution(env.DB, range);
    expect(all).toMatchObject({ n: 5, p50: 600_000, p90: 1_800_000 });
    expect(auto).toMatchObject({ n: 3, p50: 1_800_000, p90: 1_800_000 });
    expect(assisted).toMatchObject({ n: 2, p50: 100_000, p90: 300_000 });
  });

  it("volume by day and channel, and by the first category a conversation touched", async () => {
    expect(await volumeByChannel(env.DB, range)).toEqual([
      { day: "2026-01-10", key: "chat", conversations: 6 },
      { day: "2026-01-10", key: "email", conversations: 1 },
      { day: "2026-01-11", key: "chat", conversations: 1 },
    ]);
    expect(await volumeByCategory(env.DB, range)).toEqual([
      { day: "2026-01-10", key: "account", conversations: 1 },
      { day: "2026-01-10", key: "billing", conversations: 4 },
      { day: "2026-01-10", key: "privacy", conversations: 1 },
      { day: "2026-01-10", key: "uncategorised", conversations: 1 },
      { day: "2026-01-11", key: "uncategorised", conversations: 1 },
    ]);
  });

  it("CSAT distribution has every score; a conversation without a rating adds nothing", async () => {
    expect((await csatDistribution(env.DB, range)).map((r) => r.count)).toEqual([0, 1, 0, 1, 1]);
  });

  it("handoff reasons with verdicts, the latest mark winning", async () => {
    expect(await handoffReasons(env.DB, range)).toEqual([
      { reason: "article-requires-person", handoffs: 1, needed: 0, notNeeded: 0, unmarked: 1 },
      { reason: "asked-for-person", handoffs: 1, needed: 1, notNeeded: 0, unmarked: 0 },
      { reason: "low-confidence", handoffs: 1, needed: 0, notNeeded: 1, unmarked: 0 },
    ]);
  });

  it("top articles: answers, votes and handoffs after an answer", async () => {
    expect(await topArticles(env.DB, range)).toEqual([
      { articleId: "a1", title: "a1", answers: 5, helpful: 0, notHelpful: 1, handoffsAfter: 0 },
      { articleId: "a2", title: "a2", answers: 1, helpful: 0, notHelpful: 1, handoffsAfter: 1 },
    ]);
  });

  it("a one-day range at the boundary holds only that day's conversations", async () => {
    const s = await summaryCounts(env.DB, { ...range, from: TO - 24 * H });
    expect(s.conversations).toBe(1); // G
    expect((await summaryCounts(env.DB, { ...range, from: TO, to: TO + 24 * H })).conversations).toBe(1); // I
    expect((await summaryCounts(env.DB, { workspaceId: "nobody", from: FROM, to: TO })).autoResolutionRate).toBeNull();
  });
});

describe("recording from a real conversation", () => {
  beforeAll(publishDemoKb);

  it("writes started, the customer message and the bot answer with its article and category; a retry adds nothing", async () => {
    const c = await createConversation();
    const r = await SELF.fetch(`${BASE}/v1/conversations/${c.id}/messages?${q(c)}`, {
      method: "POST",
      headers: asCustomer(c, { "content-type": "application/json" }),
      body: JSON.stringify({ clientId: "analytics-1", text: "How do I export my photos?" }),
    });
    expect(r.status).toBe(202);
    type Row = {
      seq: number;
      type: string;
      article_id: string | null;
      category: string | null;
      channel: string;
      value: number | null;
    };
    let rows: Row[] = [];
    for (let i = 0; i < 100 && !rows.some((x) => x.type === "bot_message"); i++) {
      await new Promise((res) => setTimeout(res, 50));
      rows = (
        await env.DB.prepare(
          "SELECT seq, type, article_id, category, channel, value FROM analytics_events WHERE conversation_id = ? ORDER BY seq",
        )
          .bind(c.id)
          .all<Row>()
      ).results;
    }
    expect(rows.map((x) => x.type)).toEqual(["started", "customer_message", "bot_message"]);
    expect(rows[0]).toMatchObject({ seq: 0, value: 1, channel: "chat" });
    expect(rows[2]?.article_id).toBeTruthy();
    expect(rows[2]?.category).toBeTruthy();
    // The same message again (a client retry) is not a new event, so no new row.
    await SELF.fetch(`${BASE}/v1/conversations/${c.id}/messages?${q(c)}`, {
      method: "POST",
      headers: asCustomer(c, { "content-type": "application/json" }),
      body: JSON.stringify({ clientId: "analytics-1", text: "How do I export my photos?" }),
    });
    await new Promise((res) => setTimeout(res, 200));
    const n = await env.DB.prepare("SELECT COUNT(*) AS n FROM analytics_events WHERE conversation_id = ?")
      .bind(c.id)
      .first<{ n: number }>();
    expect(n?.n).toBe(3);
  });
});

describe("the API", () => {
  let owner = "";
  let otherOwner = "";
  let editor = "";
  let agent = "";
  beforeAll(async () => {
    owner = await createAgent("owner@an-a.example", "owner", WS);
    otherOwner = await createAgent("owner@an-b.example", "owner", OTHER);
    editor = await createAgent("editor@an-a.example", "editor", WS);
    agent = await createAgent("agent@an-a.example", "agent", WS);
    await env.DB.prepare(
      "INSERT INTO bot_turns (workspace_id, conversation_id, message_id, question, action, reason, confidence, created_at) VALUES (?, 'F', 'F-m2', ?, 'decline', 'out-of-scope', 0, ?)",
    )
      .bind(WS, '=HYPERLINK("http://evil.example","click"), really', day10(6))
      .run();
  });
  const get = (path: string, cookie?: string) => SELF.fetch(`${BASE}${path}`, { headers: cookie ? { cookie } : {} });

  it("is for owners only", async () => {
    expect((await get("/api/analytics")).status).toBe(401);
    expect((await get("/api/analytics", agent)).status).toBe(403);
    expect((await get("/api/analytics", editor)).status).toBe(403);
    expect((await get("/api/analytics/summary.csv", editor)).status).toBe(403);
    expect((await get("/api/analytics", owner)).status).toBe(200);
  });

  it("reports the owner's workspace only, over whole UTC days", async () => {
    const mine = (await (await get("/api/analytics?from=2026-01-10&to=2026-01-11", owner)).json()) as AnalyticsReport;
    expect(mine.summary).toMatchObject({
      conversations: 8,
      autoResolved: 3,
      decided: 6,
      correct: 4,
      firstResponseP50: 300,
      firstResponseHumanP50: 20_000,
    });
    expect(mine.targets).toEqual({ autoResolution: 0.6, firstResponseMs: 60_000, csat: 4.5, escalationAccuracy: 0.9 });
    expect(Object.keys(mine.timings)).toContain("summary");
    const theirs = (await (
      await get("/api/analytics?from=2026-01-10&to=2026-01-11", otherOwner)
    ).json()) as AnalyticsReport;
    expect(theirs.summary).toMatchObject({ conversations: 1, autoResolved: 1 });
    expect(theirs.topArticles).toEqual([
      { articleId: "a1", title: "a1", answers: 1, helpful: 0, notHelpful: 0, handoffsAfter: 0 },
    ]);
  });

  it("refuses malformed and reversed ranges", async () => {
    expect((await get("/api/analytics?from=yesterday", owner)).status).toBe(400);
    expect((await get("/api/analytics?from=2026-02-01&to=2026-01-01", owner)).status).toBe(400);
    expect((await get("/api/analytics/nope.csv", owner)).status).toBe(404);
  });

  it("exports each chart as RFC 4180 CSV, customers' words never read as formulas", async () => {
    const r = await get("/api/analytics/summary.csv?from=2026-01-10&to=2026-01-11", owner);
    expect(r.headers.get("content-type")).toBe("text/csv; charset=utf-8");
    expect(r.headers.get("content-disposition")).toBe(
      'attachment; filename="edgedesk-summary-2026-01-10-to-2026-01-11.csv"',
    );
    const text = await r.text();
    const lines = text.split("\r\n");
    expect(lines[0]).toBe("metric,value,target,met,numerator,denominator");
    expect(lines[1]).toBe("auto_resolution_rate,0.375,0.6,no,3,8");
    expect(lines[2]).toBe("auto_resolved_after_answer,2,,,2,3");
    expect(text.endsWith("\r\n")).toBe(true);
    const csat = await (await get("/api/analytics/csat.csv?from=2026-01-10&to=2026-01-11", owner)).text();
    expect(csat).toBe("score,count\r\n1,0\r\n2,1\r\n3,0\r\n4,1\r\n5,1\r\n");
    const gaps = await (await get("/api/analytics/gaps.csv?from=2026-01-10&to=2026-01-11", owner)).text();
    expect(gaps).toContain(`"'=HYPERLINK(""http://evil.example"",""click""), really"`);
    const fr = (
      await (await get("/api/analytics/firstResponse.csv?from=2026-01-10&to=2026-01-11", owner)).text()
    ).split("\r\n");
    expect(fr[0]).toBe("kind,bucket,from_ms,to_ms,count,n,p50_ms,p90_ms");
    expect(fr[1]).toBe("any,<1s,0,1000,7,8,300,1000");
  });
});
