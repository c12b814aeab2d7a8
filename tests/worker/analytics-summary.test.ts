// The per-conversation rows (`analytics_conversations`, migration 0011) that the dashboard reads: kept by
// a trigger as `analytics_events` rows are written, through the same path the Conversation DO uses
// (rowsFor → writeRows). Pinned here: a replayed or overlapping batch counts nothing twice; a reopened
// conversation is unresolved until resolved again; rows that arrive before the `started` row, or out of
// order, give the same row; every column equals the old per-event aggregate (the SQL the dashboard ran
// before, kept below as the reference); the migration's backfill gives exactly the rows the trigger
// keeps; both ways of picking percentiles agree; a real conversation gets its row.
import { env, SELF } from "cloudflare:test";
import { beforeAll, describe, expect, it } from "vitest";
import type { HandoffPacket } from "../../shared/api.ts";
import type { ConversationEvent, ConversationState, MessageEvent } from "../../shared/protocol.ts";
import { rowsFor, writeRows } from "../../worker/insights/analytics/record.ts";
import {
  firstResponse,
  percentileStrategy,
  resolution,
  summaryCounts,
  type Range,
} from "../../worker/insights/analytics/queries.ts";
import type { Meta } from "../../worker/conversation/model.ts";
import { metaOf as sharedMetaOf } from "./analytics-fixtures.ts";
import { asCustomer, BASE, createConversation, publishDemoKb, q } from "./helpers.ts";

const WS = "an-sum";
const DAY = 86_400_000;
const T0 = Date.UTC(2025, 5, 1);
const S = 1000;

type Step =
  | { customer: number }
  | { bot: number; action: "answer" | "handoff" | "decline"; article?: string }
  | { agent: number }
  | { state: ConversationState; at: number; reason?: string }
  | { csat: number; at: number }
  | { mark: boolean; at: number }
  | { note: number };

const CATEGORIES: Record<string, string> = { a1: "billing", a2: "account" };

function eventsOf(id: string, start: number, steps: Step[]): ConversationEvent[] {
  return steps.map((s, i): ConversationEvent => {
    const seq = i + 1;
    if ("customer" in s)
      return {
        seq,
        type: "message",
        id: `${id}-m${seq}`,
        author: "customer",
        text: "a question",
        at: start + s.customer,
      };
    if ("bot" in s) {
      const m: MessageEvent = {
        seq,
        type: "message",
        id: `${id}-m${seq}`,
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
      return { seq, type: "state", state: s.state, at: start + s.at, ...(s.reason ? { reason: s.reason } : {}) };
    if ("csat" in s) return { seq, type: "csat", score: s.csat, at: start + s.at };
    if ("mark" in s)
      return { seq, type: "change", audience: "agents", by: "Sam", handoffNeeded: s.mark, at: start + s.at };
    return {
      seq,
      type: "note",
      audience: "agents",
      id: `${id}-n${seq}`,
      name: "Sam",
      text: "private",
      at: start + s.note,
    };
  });
}

const metaOf = (id: string, start: number, opts: { channel?: string; handoff?: Partial<HandoffPacket> } = {}) =>
  sharedMetaOf(id, start, { ws: WS, ...opts });

/** Writes these events as one flush of the Conversation DO would. */
const flush = (meta: Meta, events: ConversationEvent[]) =>
  writeRows(
    env.DB,
    rowsFor(meta, events, (a) => CATEGORIES[a] ?? null),
  );

type SummaryRow = {
  workspace_id: string;
  started_at: number;
  conversation_id: string;
  channel: string;
  category: string | null;
  bot_frt: number | null;
  human_frt: number | null;
  frt: number | null;
  resolved: number;
  resolved_at: number | null;
  resolution_ms: number | null;
  agent_messages: number;
  handoffs: number;
  handoff_reason: string | null;
  answers: number;
  csat: number | null;
  needed: number | null;
  /** Bot messages that answered with an action's result (migration 0061). */
  acted: number;
};

const row = (id: string) =>
  env.DB.prepare("SELECT * FROM analytics_conversations WHERE conversation_id = ?").bind(id).first<SummaryRow>();
const rowsOf = async (ws = WS) =>
  (
    await env.DB.prepare("SELECT * FROM analytics_conversations WHERE workspace_id = ? ORDER BY conversation_id")
      .bind(ws)
      .all<SummaryRow>()
  ).results;

/**
 * The reference: the dashboard's per-conversation SQL before the summary table (queries.ts's CONV,
 * PER and FLAGS, plus the category and latest-handoff-reason subqueries of the volume and reasons
 * charts), run over the events of every conversation of the workspace.
 */
const REFERENCE = `
WITH conv AS (
  SELECT conversation_id AS id, channel, at AS started, CAST(value AS INTEGER) AS fseq
  FROM analytics_events WHERE workspace_id = ?1 AND type = 'started'),
per AS (
  SELECT c.id, c.channel, c.started,
    MIN(CASE WHEN e.type = 'bot_message' AND e.seq > c.fseq THEN e.at END) - c.started AS bot_frt,
    MIN(CASE WHEN e.type = 'agent_message' AND e.seq > c.fseq THEN e.at END) - c.started AS human_frt,
    MAX(CASE WHEN e.type = 'resolved' THEN e.seq END) AS resolved_seq,
    MAX(CASE WHEN e.type = 'resolved' THEN e.at END) AS resolved_at,
    MAX(CASE WHEN e.type IN ('reopened', 'handoff') THEN e.seq END) AS reopened_seq,
    SUM(e.type = 'agent_message') AS agent_messages,
    SUM(e.type = 'handoff') AS handoffs,
    SUM(e.type = 'bot_message' AND e.reason = 'answer') AS answers,
    SUM(e.type = 'bot_message' AND e.reason = 'act') AS acted,
    MAX(CASE WHEN e.type = 'csat' THEN e.value END) AS csat,
    CAST(MAX(CASE WHEN e.type = 'handoff_marked' THEN e.seq * 2 + e.value END) AS INTEGER) % 2 AS needed
  FROM conv c JOIN analytics_events e ON e.conversation_id = c.id
  GROUP BY c.id, c.channel, c.started, c.fseq)
SELECT per.*, (resolved_seq IS NOT NULL AND resolved_seq > COALESCE(reopened_seq, 0)) AS resolved,
  (SELECT e.category FROM analytics_events e WHERE e.conversation_id = per.id AND e.category IS NOT NULL ORDER BY e.seq LIMIT 1) AS category,
  (SELECT e.reason FROM analytics_events e WHERE e.conversation_id = per.id AND e.type = 'handoff' ORDER BY e.seq DESC LIMIT 1) AS handoff_reason
FROM per ORDER BY per.id`;

type ReferenceRow = {
  id: string;
  channel: string;
  started: number;
  bot_frt: number | null;
  human_frt: number | null;
  resolved_at: number | null;
  agent_messages: number;
  handoffs: number;
  answers: number;
  acted: number;
  csat: number | null;
  needed: number | null;
  resolved: number | null;
  category: string | null;
  handoff_reason: string | null;
};

/** A reference row in the summary table's shape (its derived columns worked out as the old charts did). */
function expectedFrom(r: ReferenceRow): SummaryRow {
  const resolved = r.resolved ? 1 : 0;
  const any = r.bot_frt === null ? r.human_frt : r.human_frt === null ? r.bot_frt : Math.min(r.bot_frt, r.human_frt);
  return {
    workspace_id: WS,
    started_at: r.started,
    conversation_id: r.id,
    channel: r.channel,
    category: r.category,
    bot_frt: r.bot_frt,
    human_frt: r.human_frt,
    frt: any,
    resolved,
    resolved_at: r.resolved_at,
    resolution_ms: resolved && r.resolved_at !== null ? r.resolved_at - r.started : null,
    agent_messages: r.agent_messages,
    handoffs: r.handoffs,
    handoff_reason: r.handoff_reason,
    answers: r.answers,
    csat: r.csat,
    needed: r.needed,
    acted: r.acted,
  };
}

// A spread of shapes over 100 days (so a one-day range is a small share of the history).
const SHAPES: { id: string; day: number; steps: Step[]; channel?: string; handoff?: Partial<HandoffPacket> }[] = [
  {
    id: "S-answer",
    day: 0,
    steps: [
      { customer: 0 },
      { bot: 400, action: "answer", article: "a1" },
      { state: "resolved", at: 1800 * S, reason: "idle" },
      { csat: 5, at: 1900 * S },
    ],
  },
  {
    id: "S-handoff",
    day: 1,
    handoff: { reason: "asked-for-person" },
    steps: [
      { customer: 0 },
      { bot: 600, action: "answer", article: "a2" },
      { customer: 10 * S },
      { bot: 10_200, action: "handoff" },
      { state: "queued", at: 10_300, reason: "asked-for-person" },
      { state: "agent", at: 40 * S },
      { note: 41 * S },
      { agent: 45 * S },
      { state: "resolved", at: 300 * S, reason: "Sam" },
      { mark: true, at: 310 * S },
      { mark: false, at: 320 * S },
      { csat: 3, at: 330 * S },
    ],
  },
  { id: "S-decline", day: 2, channel: "email", steps: [{ customer: 0 }, { bot: 300, action: "decline" }] },
  // A greeting before the first customer message: not a first response.
  {
    id: "S-greeting",
    day: 3,
    steps: [
      { bot: 0, action: "answer", article: "a2" },
      { customer: 5 * S },
      { bot: 5400, action: "answer", article: "a1" },
    ],
  },
  // Handed off with no bot message after the customer's; resolved by an agent who never wrote.
  {
    id: "S-silent-agent",
    day: 50,
    handoff: { reason: "article-requires-person", category: "privacy", article: "a3" },
    steps: [
      { customer: 0 },
      { bot: 200, action: "handoff" },
      { state: "queued", at: 300, reason: "article-requires-person" },
      { state: "resolved", at: 600 * S, reason: "Sam" },
    ],
  },
  {
    id: "S-late",
    day: 99,
    steps: [
      { customer: 0 },
      { agent: 90 * S },
      { bot: 95 * S, action: "answer", article: "a1" },
      { state: "resolved", at: 7200 * S, reason: "Sam" },
    ],
  },
];

beforeAll(async () => {
  await env.DB.prepare("INSERT OR IGNORE INTO workspaces (id, name, created_at) VALUES (?, ?, 0)").bind(WS, WS).run();
  for (const s of SHAPES) {
    const start = T0 + s.day * DAY;
    const events = eventsOf(s.id, start, s.steps);
    const meta = metaOf(s.id, start, {
      ...(s.channel ? { channel: s.channel } : {}),
      ...(s.handoff ? { handoff: s.handoff } : {}),
    });
    // One event per flush, as a conversation records them as they happen.
    for (const e of events) await flush(meta, [e]);
  }
});

describe("analytics_conversations", () => {
  it("a replayed or overlapping batch counts nothing twice", async () => {
    const start = T0 + 10 * DAY;
    const meta = metaOf("S-replay", start, { handoff: { reason: "low-confidence" } });
    const events = eventsOf("S-replay", start, [
      { customer: 0 },
      { bot: 200, action: "answer", article: "a1" },
      { bot: 300, action: "handoff" },
      { state: "queued", at: 400, reason: "low-confidence" },
      { agent: 20 * S },
      { state: "resolved", at: 100 * S, reason: "Sam" },
      { mark: true, at: 110 * S },
      { csat: 4, at: 120 * S },
    ]);
    await flush(meta, events.slice(0, 5));
    // The cursor did not move (D1 accepted the rows but the object was evicted): the same batch again,
    // then a batch overlapping it, then everything once more.
    await flush(meta, events.slice(0, 5));
    await flush(meta, events.slice(3));
    await flush(meta, events);
    expect(await row("S-replay")).toEqual({
      workspace_id: WS,
      started_at: start,
      conversation_id: "S-replay",
      channel: "chat",
      category: "billing",
      bot_frt: 200,
      human_frt: 20 * S,
      frt: 200,
      resolved: 1,
      resolved_at: start + 100 * S,
      resolution_ms: 100 * S,
      agent_messages: 1,
      handoffs: 1,
      handoff_reason: "low-confidence",
      answers: 1,
      csat: 4,
      needed: 1,
      acted: 0,
    });
    const s = await summaryCounts(env.DB, { workspaceId: WS, from: start, to: start + DAY });
    expect(s).toMatchObject({
      conversations: 1,
      resolved: 1,
      autoResolved: 0,
      ratings: 1,
      csatAverage: 4,
      decided: 1,
      correct: 1,
    });
  });

  it("reopened is not resolved until it is resolved again, then from the first message to the last resolve", async () => {
    const start = T0 + 11 * DAY;
    const meta = metaOf("S-reopen", start);
    const events = eventsOf("S-reopen", start, [
      { customer: 0 },
      { bot: 500, action: "answer", article: "a1" },
      { state: "resolved", at: 1800 * S, reason: "idle" },
      { customer: 2000 * S },
      { state: "bot", at: 2000 * S + 100, reason: "reopened" },
      { bot: 2000 * S + 400, action: "decline" },
      { state: "resolved", at: 3800 * S, reason: "idle" },
    ]);
    await flush(meta, events.slice(0, 3));
    expect(await row("S-reopen")).toMatchObject({
      resolved: 1,
      resolved_at: start + 1800 * S,
      resolution_ms: 1800 * S,
    });
    await flush(meta, events.slice(3, 5));
    expect(await row("S-reopen")).toMatchObject({
      resolved: 0,
      resolved_at: start + 1800 * S,
      resolution_ms: null,
      bot_frt: 500,
      answers: 1,
    });
    await flush(meta, events.slice(5, 6));
    expect(await row("S-reopen")).toMatchObject({ resolved: 0, answers: 1 });
    await flush(meta, events.slice(6));
    expect(await row("S-reopen")).toMatchObject({
      resolved: 1,
      resolved_at: start + 3800 * S,
      resolution_ms: 3800 * S,
      agent_messages: 0,
    });
    const [all, auto] = await resolution(env.DB, { workspaceId: WS, from: start, to: start + DAY });
    expect(all).toMatchObject({ n: 1, p50: 3800 * S });
    expect(auto).toMatchObject({ n: 1, p50: 3800 * S });
  });

  it("a handoff after a resolve reopens it", async () => {
    const start = T0 + 12 * DAY;
    const meta = metaOf("S-handoff-after", start, { handoff: { reason: "asked-for-person" } });
    const events = eventsOf("S-handoff-after", start, [
      { customer: 0 },
      { bot: 100, action: "answer", article: "a1" },
      { state: "resolved", at: 60 * S, reason: "idle" },
      { customer: 70 * S },
      { state: "queued", at: 71 * S, reason: "asked-for-person" },
    ]);
    await flush(meta, events);
    expect(await row("S-handoff-after")).toMatchObject({
      resolved: 0,
      handoffs: 1,
      handoff_reason: "asked-for-person",
    });
  });

  it("rows before the started row, or written out of order, give the same row; none without a started row", async () => {
    const start = T0 + 13 * DAY;
    const steps: Step[] = [
      { bot: 0, action: "decline" },
      { customer: 1000 },
      { bot: 1300, action: "answer", article: "a2" },
      { agent: 9 * S },
      { state: "resolved", at: 60 * S, reason: "Sam" },
    ];
    const inOrder = eventsOf("S-order-a", start, steps);
    await flush(metaOf("S-order-a", start), inOrder.slice(0, 1));
    expect(await row("S-order-a")).toBeNull();
    await flush(metaOf("S-order-a", start), inOrder.slice(1));
    // The same conversation written backwards, one event at a time.
    const backwards = eventsOf("S-order-b", start, steps);
    const rows = rowsFor(metaOf("S-order-b", start), backwards, (a) => CATEGORIES[a] ?? null);
    for (const r of [...rows].reverse()) await writeRows(env.DB, [r]);
    const a = await row("S-order-a");
    const b = await row("S-order-b");
    expect(a).toMatchObject({ bot_frt: 300, human_frt: 8 * S, frt: 300, answers: 1, resolved: 1, category: "account" });
    expect({ ...b, conversation_id: "S-order-a" }).toEqual(a);
  });

  it("every column equals the old per-event aggregate", async () => {
    const reference = (await env.DB.prepare(REFERENCE).bind(WS).all<ReferenceRow>()).results;
    expect(reference.length).toBeGreaterThanOrEqual(SHAPES.length);
    expect(await rowsOf()).toEqual(reference.map(expectedFrom));
  });

  it("the migration's backfill gives exactly the rows the trigger keeps", async () => {
    const migration = env.TEST_MIGRATIONS.find((m) => m.name.startsWith("0011_"));
    const backfill = migration?.queries.find((s) => s.includes("INSERT OR REPLACE INTO analytics_conversations"));
    expect(backfill).toBeTruthy();
    const live = await rowsOf();
    expect(live.length).toBeGreaterThanOrEqual(SHAPES.length);
    await env.DB.prepare("DELETE FROM analytics_conversations WHERE workspace_id = ?").bind(WS).run();
    expect(await rowsOf()).toEqual([]);
    await env.DB.prepare(backfill ?? "").run();
    expect(await rowsOf()).toEqual(live);
  });

  it("picking percentiles by walking the index or by sorting the range gives the same figures", async () => {
    const all: Range = { workspaceId: WS, from: T0, to: T0 + 100 * DAY };
    const oneDay: Range = { workspaceId: WS, from: T0 + DAY, to: T0 + 2 * DAY };
    const firstDays: Range = { workspaceId: WS, from: T0, to: T0 + 4 * DAY };
    const none: Range = { workspaceId: WS, from: T0 + 200 * DAY, to: T0 + 201 * DAY };
    expect(await percentileStrategy(env.DB, all)).toBe("walk");
    expect(await percentileStrategy(env.DB, oneDay)).toBe("sort");
    expect(await percentileStrategy(env.DB, none)).toBe("sort");
    expect(await percentileStrategy(env.DB, { workspaceId: "nobody", from: T0, to: T0 + DAY })).toBe("sort");
    for (const r of [all, oneDay, firstDays, none]) {
      expect(await firstResponse(env.DB, r, "walk")).toEqual(await firstResponse(env.DB, r, "sort"));
      expect(await resolution(env.DB, r, "walk")).toEqual(await resolution(env.DB, r, "sort"));
    }
    // Worked out by hand for the first four days: any = bot (400, 600, 300, 400), people (45 s).
    const [any, bot, human] = await firstResponse(env.DB, firstDays, "sort");
    expect(any).toMatchObject({ n: 4, p50: 400, p90: 600 });
    expect(bot).toMatchObject({ n: 4, p50: 400, p90: 600 });
    expect(human).toMatchObject({ n: 1, p50: 45 * S, p90: 45 * S });
    const [res, auto, assisted] = await resolution(env.DB, all, "walk");
    // S-answer 1800 s (auto), S-handoff 300 s, S-silent-agent 600 s (auto), S-late 7200 s, and the
    // conversations of the tests above.
    expect(res?.n).toBe((auto?.n ?? 0) + (assisted?.n ?? 0));
    const [none1] = await firstResponse(env.DB, none, "walk");
    expect(none1).toMatchObject({ n: 0, p50: null, p90: null });
  });
});

describe("from a real conversation", () => {
  beforeAll(publishDemoKb);

  it("gets its row as its events are recorded; a retried message changes nothing", async () => {
    const c = await createConversation();
    const send = () =>
      SELF.fetch(`${BASE}/v1/conversations/${c.id}/messages?${q(c)}`, {
        method: "POST",
        headers: asCustomer(c, { "content-type": "application/json" }),
        body: JSON.stringify({ clientId: "summary-1", text: "How do I export my photos?" }),
      });
    expect((await send()).status).toBe(202);
    let r: SummaryRow | null = null;
    for (let i = 0; i < 100 && !r?.answers; i++) {
      await new Promise((res) => setTimeout(res, 50));
      r = await row(c.id);
    }
    expect(r).toMatchObject({
      conversation_id: c.id,
      channel: "chat",
      answers: 1,
      handoffs: 0,
      agent_messages: 0,
      resolved: 0,
    });
    expect(r?.bot_frt).toBeGreaterThanOrEqual(0);
    expect(r?.frt).toBe(r?.bot_frt);
    expect(r?.category).toBeTruthy();
    await send();
    await new Promise((res) => setTimeout(res, 200));
    expect(await row(c.id)).toEqual(r);
  });
});
