// Time available (worker/inbox/availability.ts) in the performance figures: stretches at known times give
// exact seconds within a period (clipped at its edges, an open stretch counted until now); the Inbox
// object opens and closes them as presence changes (console connected, away, last console closed);
// agents see only their own row.
import { env, SELF } from "cloudflare:test";
import { beforeAll, describe, expect, it } from "vitest";
import type { PerformanceReport } from "../../shared/quality.ts";
import { closeStretch, openStretch } from "../../worker/inbox/availability.ts";
import { BASE, call, connect, createAgent, waitFor } from "./helpers.ts";

const WS = "n_avail";
let owner = "";
let agent = "";
let ownerId = "";
let agentId = "";

const idOf = async (cookie: string) => (await call<{ id: string }>(cookie, "GET", "/api/me")).body.id;

beforeAll(async () => {
  await env.DB.prepare("INSERT OR IGNORE INTO workspaces (id, name, created_at) VALUES (?, 'Avail', 0)").bind(WS).run();
  owner = await createAgent("avail-owner@example.test", "owner", WS);
  agent = await createAgent("avail-agent@example.test", "agent", WS);
  ownerId = await idOf(owner);
  agentId = await idOf(agent);
});

const HOUR = 3_600_000;
const T0 = Date.UTC(2026, 10, 2, 8, 0, 0); // Monday 2 November 2026, 08:00 UTC

describe("time available", () => {
  it("presence changes at known times give exact seconds per period, clipped at its edges", async () => {
    // The agent: 08:00–10:30, away 10:30–11:00, back 11:00–12:15. The owner: 09:45–10:00.
    await openStretch(env.DB, WS, agentId, T0);
    // A second "online" while a stretch is open changes nothing (another console, an owner's edit).
    await openStretch(env.DB, WS, agentId, T0 + HOUR);
    await closeStretch(env.DB, WS, agentId, T0 + 2.5 * HOUR);
    await closeStretch(env.DB, WS, agentId, T0 + 2.6 * HOUR);
    await openStretch(env.DB, WS, agentId, T0 + 3 * HOUR);
    await closeStretch(env.DB, WS, agentId, T0 + 4.25 * HOUR);
    await openStretch(env.DB, WS, ownerId, T0 + 1.75 * HOUR);
    await closeStretch(env.DB, WS, ownerId, T0 + 2 * HOUR);

    const perf = (cookie: string, from: number, to: number) =>
      call<PerformanceReport>(cookie, "GET", `/api/quality/performance?from=${from}&to=${to}`);
    // The whole morning: 2.5 h + 1.25 h = 13 500 s; the owner 900 s.
    const day = await perf(owner, T0 - HOUR, T0 + 6 * HOUR);
    const row = (r: PerformanceReport, id: string) => r.agents.find((a) => a.key === id);
    expect(row(day.body, agentId)?.availableMs).toBe(13_500_000);
    expect(row(day.body, ownerId)?.availableMs).toBe(900_000);
    // 09:00–11:30: clipped to 1.5 h + 0.5 h = 7 200 s.
    expect(row((await perf(owner, T0 + HOUR, T0 + 3.5 * HOUR)).body, agentId)?.availableMs).toBe(7_200_000);
    // Away time is not available time: 10:30–11:00 gives nothing.
    expect(row((await perf(owner, T0 + 2.5 * HOUR, T0 + 3 * HOUR)).body, agentId)?.availableMs).toBe(0);
    // The CSV says the same, in seconds.
    const csv = await SELF.fetch(`${BASE}/api/quality/performance.csv?from=${T0 - HOUR}&to=${T0 + 6 * HOUR}`, {
      headers: { cookie: owner },
    });
    const line = (await csv.text()).split("\r\n").find((l) => l.startsWith("agent,avail-agent,"));
    expect(line?.split(",").at(-2)).toBe("13500");
    // An agent sees only their own row, with their own time.
    const own = await perf(agent, T0 - HOUR, T0 + 6 * HOUR);
    expect(own.body.agents.map((a) => [a.key, a.availableMs])).toEqual([[agentId, 13_500_000]]);
    expect(own.body.teams).toEqual([]);
  });

  it("the inbox keeps the stretches: a console opens one, away closes it, back opens one, the last console closes it", async () => {
    const open = () =>
      env.DB.prepare("SELECT * FROM agent_availability WHERE workspace_id = ? AND agent_id = ? AND end_at IS NULL")
        .bind(WS, agentId)
        .all<{ start_at: number }>();
    const before = Date.now();
    const inbox = await connect("/api/inbox/ws", { cookie: agent });
    await inbox.until((f) => (f as unknown as { t: string }).t === "snapshot");
    const opened = await waitFor(open, (r) => r.results.length === 1, 5000);
    expect(opened.results[0]?.start_at).toBeGreaterThanOrEqual(before);
    expect((await call(agent, "PUT", "/api/me/availability", { away: true })).status).toBe(200);
    await waitFor(open, (r) => r.results.length === 0, 5000);
    expect((await call(agent, "PUT", "/api/me/availability", { away: false })).status).toBe(200);
    await waitFor(open, (r) => r.results.length === 1, 5000);
    inbox.close();
    await waitFor(open, (r) => r.results.length === 0, 5000);
    // What it recorded counts: time available now includes these stretches (a few ms to seconds).
    const r = await call<PerformanceReport>(
      owner,
      "GET",
      `/api/quality/performance?from=${before}&to=${Date.now() + 1}`,
    );
    const ms = r.body.agents.find((a) => a.key === agentId)?.availableMs ?? -1;
    expect(ms).toBeGreaterThan(0);
    expect(ms).toBeLessThanOrEqual(Date.now() - before);
  });
});
