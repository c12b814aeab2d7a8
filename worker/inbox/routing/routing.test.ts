// The routing rules without a runtime: the matrix (tiers, teams, VIP, overrides), SLA states and the
// next deadline under a controlled clock, and round robin among the least loaded.
import { describe, expect, it } from "vitest";
import type { InboxItem } from "../../../shared/api.ts";
import { loads, nextRelease, pickAgent, releasable, waitingUnassigned, type RosterAgent } from "./assign.ts";
import { defaultMatrix, parseMatrix, route } from "./matrix.ts";
import { advanced, nearAt, nextDeadline, slaStateAt, slaTimes } from "./sla.ts";

const MIN = 60_000;
const HOUR = 60 * MIN;
const at = 1_000_000;

describe("route", () => {
  it("gives each tier its response target", () => {
    const m = defaultMatrix;
    expect(route(m, { reason: "x", at, article: { priority: "urgent" } })).toMatchObject({
      tier: "tier-1",
      responseTargetMs: HOUR,
      dueAt: at + HOUR,
    });
    expect(route(m, { reason: "x", at, article: { priority: "high" } })).toMatchObject({
      tier: "tier-1",
      responseTargetMs: HOUR,
    });
    expect(route(m, { reason: "x", at, article: { priority: "normal" } })).toMatchObject({
      tier: "tier-2",
      responseTargetMs: 4 * HOUR,
    });
    expect(route(m, { reason: "x", at, article: { priority: "low" } })).toMatchObject({
      tier: "tier-3",
      responseTargetMs: 24 * HOUR,
    });
    expect(route(m, { reason: "x", at, customer: { vip: true } })).toMatchObject({
      tier: "executive",
      responseTargetMs: 2 * HOUR,
    });
    expect(m.tiers["self-service"].targetMinutes).toBe(0);
  });

  it("takes the fastest of priority, reason and VIP", () => {
    expect(route(defaultMatrix, { reason: "negative-sentiment", at, article: { priority: "low" } }).tier).toBe(
      "tier-1",
    );
    // VIP raises a low-priority question to executive, but never slows an urgent one down.
    expect(route(defaultMatrix, { reason: "x", at, article: { priority: "low" }, customer: { vip: true } }).tier).toBe(
      "executive",
    );
    expect(
      route(defaultMatrix, { reason: "x", at, article: { priority: "urgent" }, customer: { vip: true } }).tier,
    ).toBe("tier-1");
  });

  it("routes to the article's team, else its category's, else the default; unknown priorities count as normal", () => {
    expect(route(defaultMatrix, { reason: "x", at, article: { team: "security", category: "billing" } }).team).toBe(
      "security",
    );
    expect(route(defaultMatrix, { reason: "x", at, article: { team: "support", category: "Billing" } }).team).toBe(
      "billing",
    );
    expect(route(defaultMatrix, { reason: "x", at, article: { category: "prints" } }).team).toBe("fulfilment");
    expect(route(defaultMatrix, { reason: "x", at, article: { category: "apps" } }).team).toBe("support");
    expect(route(defaultMatrix, { reason: "x", at })).toMatchObject({ team: "support", tier: "tier-2" });
    expect(route(defaultMatrix, { reason: "x", at, article: { priority: "whenever" } }).tier).toBe("tier-2");
    expect(route(defaultMatrix, { reason: "x", at, article: { priority: "URGENT" } }).tier).toBe("tier-1");
  });

  it("applies ROUTING_MATRIX overrides over the defaults and rejects bad ones", () => {
    const r = parseMatrix(
      JSON.stringify({
        tiers: { "tier-1": { targetMinutes: 30 } },
        priorities: { Urgent: "executive" },
        categoryTeams: { apps: "mobile" },
        vip: { tier: "tier-1", team: "vip" },
        nearDue: { minutesBefore: 5 },
      }),
    );
    if (!r.ok) throw new Error(r.errors.join());
    const m = r.matrix;
    expect(m.tiers["tier-1"].targetMinutes).toBe(30);
    expect(m.tiers["tier-2"].targetMinutes).toBe(240);
    expect(route(m, { reason: "x", at, article: { priority: "urgent" } }).tier).toBe("executive");
    expect(route(m, { reason: "x", at, article: { priority: "high" } })).toMatchObject({
      tier: "tier-1",
      responseTargetMs: 30 * MIN,
    });
    expect(route(m, { reason: "x", at, article: { category: "apps" } }).team).toBe("mobile");
    expect(route(m, { reason: "x", at, customer: { vip: true } })).toMatchObject({ team: "vip", tier: "tier-1" });
    expect(m.nearDue).toEqual({ fraction: 0.8, minutesBefore: 5 });
    expect(parseMatrix(undefined)).toEqual({ ok: true, matrix: defaultMatrix });
    expect(parseMatrix("{nope").ok).toBe(false);
    const bad = parseMatrix(
      JSON.stringify({ tiers: { "tier-9": { targetMinutes: 1 } }, priorities: { urgent: "asap" }, extra: 1 }),
    );
    expect(bad.ok).toBe(false);
    if (!bad.ok) expect(bad.errors.join("\n")).toMatch(/tiers|priorities|extra/);
    expect(parseMatrix(JSON.stringify({ nearDue: { fraction: 2 } })).ok).toBe(false);
  });
});

describe("SLA", () => {
  const item = (over: Partial<InboxItem>): InboxItem => ({
    id: "c",
    state: "queued",
    channel: "chat",
    preview: "",
    createdAt: 0,
    updatedAt: 0,
    ...over,
  });

  it("is near after 80 % of the target or 10 minutes before due, whichever is first", () => {
    expect(nearAt(defaultMatrix, { tier: "tier-1", slaDueAt: HOUR })).toBe(48 * MIN); // 12 min before: 20 % > 10 min
    expect(nearAt(defaultMatrix, { tier: "tier-3", slaDueAt: 24 * HOUR })).toBe(24 * HOUR * 0.8);
    const quick = { ...defaultMatrix, tiers: { ...defaultMatrix.tiers, "tier-1": { targetMinutes: 20 } } };
    expect(nearAt(quick, { tier: "tier-1", slaDueAt: 20 * MIN })).toBe(10 * MIN); // 10 min before beats 80 %
    const tiny = { ...defaultMatrix, tiers: { ...defaultMatrix.tiers, "tier-1": { targetMinutes: 5 } } };
    expect(nearAt(tiny, { tier: "tier-1", slaDueAt: 5 * MIN })).toBe(0); // never before the handoff
  });

  it("moves ok → near → breached with the clock, forward only", () => {
    const i = { ...item({ tier: "tier-1" }), slaDueAt: HOUR };
    expect(slaStateAt(defaultMatrix, i, 0)).toBe("ok");
    expect(slaStateAt(defaultMatrix, i, 48 * MIN - 1)).toBe("ok");
    expect(slaStateAt(defaultMatrix, i, 48 * MIN)).toBe("near");
    expect(slaStateAt(defaultMatrix, i, HOUR)).toBe("breached");
    expect(advanced(undefined, "near")).toBe(true);
    expect(advanced("near", "near")).toBe(false);
    expect(advanced("breached", "near")).toBe(false);
  });

  it("schedules the earliest next change among queued items only", () => {
    const items = [
      item({ id: "a", tier: "tier-2", slaDueAt: 10 * HOUR, slaState: "ok" }), // near at 10h - 48 min
      item({ id: "b", tier: "tier-1", slaDueAt: 9 * HOUR + 30 * MIN, slaState: "near" }), // next: due
      item({ id: "c", tier: "tier-1", slaDueAt: HOUR, slaState: "breached" }), // done
      item({ id: "d", state: "agent", tier: "tier-1", slaDueAt: 2 * MIN }), // answered: no clock
    ];
    expect(nextDeadline(defaultMatrix, items)).toBe(9 * HOUR + 12 * MIN);
    expect(nextDeadline(defaultMatrix, items.slice(1))).toBe(9 * HOUR + 30 * MIN);
    expect(nextDeadline(defaultMatrix, items.slice(2))).toBeNull();
    expect(nextDeadline(defaultMatrix, [])).toBeNull();
  });

  it("counts open time only under business hours: paused overnight, near due in open time too", () => {
    // Europe/Berlin, weekdays 09:00-17:00. Friday 10 January 2025 16:00 (15:00 UTC), tier 2 (4 h).
    const nine2five = [{ from: "09:00", to: "17:00" }];
    const hours = {
      timeZone: "Europe/Berlin",
      weekly: { mon: nine2five, tue: nine2five, wed: nine2five, thu: nine2five, fri: nine2five, sat: [], sun: [] },
      holidays: [],
    };
    const friday = Date.parse("2025-01-10T15:00:00Z");
    const t = slaTimes(defaultMatrix, "tier-2", friday, hours);
    // 1 h on Friday, 3 h on Monday: due Monday 12:00 Berlin; near after 3 h 12 min of open time: Monday 11:12.
    expect(t.slaDueAt).toBe(Date.parse("2025-01-13T11:00:00Z"));
    expect(t.slaNearAt).toBe(Date.parse("2025-01-13T10:12:00Z"));
    // The inbox's alarm follows the item's own near-due time, not due minus the lead in wall time.
    const i = { ...item({ tier: "tier-2", slaState: "ok" }), slaDueAt: t.slaDueAt as number, slaNearAt: t.slaNearAt };
    expect(nextDeadline(defaultMatrix, [i])).toBe(t.slaNearAt);
    // All weekend it stays ok; the wall clock's four hours passed long ago.
    expect(slaStateAt(defaultMatrix, i, Date.parse("2025-01-12T20:00:00Z"))).toBe("ok");
    expect(slaStateAt(defaultMatrix, i, Date.parse("2025-01-13T10:12:00Z"))).toBe("near");
    expect(slaStateAt(defaultMatrix, i, Date.parse("2025-01-13T11:00:00Z"))).toBe("breached");
    // A desk that never opens runs no clock.
    expect(
      slaTimes(defaultMatrix, "tier-2", friday, {
        ...hours,
        weekly: { ...hours.weekly, mon: [], tue: [], wed: [], thu: [], fri: [] },
      }),
    ).toEqual({});
  });
});

describe("round robin among the least loaded", () => {
  const agent = (id: string, teams: string[], over: Partial<RosterAgent> = {}): RosterAgent => ({
    id,
    name: id,
    teams,
    away: false,
    online: true,
    lastAssignedAt: 0,
    ...over,
  });
  const open = (id: string, who: string, state: InboxItem["state"] = "queued"): InboxItem => ({
    id,
    state,
    channel: "chat",
    preview: "",
    createdAt: 0,
    updatedAt: 0,
    assignee: { id: who, name: who },
  });

  it("prefers the routed team, the least loaded, then whoever was given work longest ago", () => {
    const roster = [
      agent("a", ["support"], { lastAssignedAt: 5 }),
      agent("b", ["support"], { lastAssignedAt: 3 }),
      agent("x", ["billing"]),
    ];
    expect(pickAgent(roster, "support", new Map())?.id).toBe("b");
    expect(pickAgent(roster, "support", new Map([["b", 1]]))?.id).toBe("a");
    expect(pickAgent(roster, "billing", new Map([["x", 9]]))?.id).toBe("x");
  });

  it("gives nobody more than their capacity: the team's full agents are skipped, then anyone with room, else it waits", () => {
    const roster = [agent("a", ["support"]), agent("b", ["support"], { lastAssignedAt: 9 }), agent("x", ["billing"])];
    expect(pickAgent(roster, "support", new Map([["a", 2]]), 2)?.id).toBe("b");
    expect(
      pickAgent(
        roster,
        "support",
        new Map([
          ["a", 2],
          ["b", 2],
        ]),
        2,
      )?.id,
    ).toBe("x");
    expect(
      pickAgent(
        roster,
        "support",
        new Map([
          ["a", 2],
          ["b", 2],
          ["x", 2],
        ]),
        2,
      ),
    ).toBeNull();
    expect(parseMatrix('{"agentCapacity": 3}')).toMatchObject({ ok: true, matrix: { agentCapacity: 3 } });
    expect(parseMatrix('{"agentCapacity": 0}').ok).toBe(false);
    expect(parseMatrix('{"agentCapacity": 2.5}').ok).toBe(false);
  });

  it("holds each agent to their own capacity when an owner set one, else to the matrix's", () => {
    const roster = [agent("a", ["support"], { capacity: 1 }), agent("b", ["support"], { lastAssignedAt: 9 })];
    // a has the fewest and waited longest, but is at their own capacity of 1: b gets it.
    expect(
      pickAgent(
        roster,
        "support",
        new Map([
          ["a", 1],
          ["b", 3],
        ]),
        5,
      )?.id,
    ).toBe("b");
    // b at the matrix's 5, a at their own 1: nobody.
    expect(
      pickAgent(
        roster,
        "support",
        new Map([
          ["a", 1],
          ["b", 5],
        ]),
        5,
      ),
    ).toBeNull();
    // An own capacity above the matrix's counts too.
    const roomy = [agent("c", ["support"], { capacity: 8 })];
    expect(pickAgent(roomy, "support", new Map([["c", 6]]), 5)?.id).toBe("c");
  });

  it("skips away and offline agents, falls back to any team, else nobody", () => {
    const roster = [
      agent("a", ["support"], { away: true }),
      agent("b", ["support"], { online: false }),
      agent("x", ["billing"]),
    ];
    expect(pickAgent(roster, "support", new Map())?.id).toBe("x");
    expect(pickAgent(roster.slice(0, 2), "support", new Map())).toBeNull();
  });

  it("counts open assigned conversations and reservations, not resolved ones", () => {
    const l = loads(
      [open("1", "a"), open("2", "a", "agent"), open("3", "a", "resolved"), open("4", "b")],
      new Map([
        ["4", "a"],
        ["5", "b"],
      ]),
    );
    expect(Object.fromEntries(l)).toEqual({ a: 3, b: 1 });
  });

  it("releases unjoined conversations of an agent gone longer than the grace, not joined ones; 0 never releases", () => {
    const item = (id: string, who: string, state: InboxItem["state"] = "queued"): InboxItem => ({
      id,
      state,
      channel: "chat",
      preview: "",
      createdAt: 0,
      updatedAt: 0,
      assignee: { id: who, name: who },
    });
    const items = [
      item("q-gone", "gone"),
      item("joined-gone", "gone", "agent"),
      item("q-here", "here"),
      item("q-late", "late"),
    ];
    const since = new Map([
      ["gone", 1000],
      ["late", 5000],
    ]);
    expect(releasable(items, since, 300, 1299).map((i) => i.id)).toEqual([]);
    expect(releasable(items, since, 300, 1300).map((i) => i.id)).toEqual(["q-gone"]);
    expect(releasable(items, since, 300, 9999).map((i) => i.id)).toEqual(["q-gone", "q-late"]);
    expect(nextRelease(items, since, 300)).toBe(1300);
    expect(nextRelease(items.slice(1), since, 300)).toBe(5300);
    expect(releasable(items, since, 0, 1e12)).toEqual([]);
    expect(nextRelease(items, since, 0)).toBeNull();
    expect(parseMatrix('{"releaseAfterMinutes": 0}')).toMatchObject({ ok: true, matrix: { releaseAfterMinutes: 0 } });
  });

  it("hands out the waiting queue most urgent first: SLA due time, then longest waiting; skips assigned, reserved and closed", () => {
    const waiting = (id: string, createdAt: number, slaDueAt?: number, over: Partial<InboxItem> = {}): InboxItem => ({
      id,
      state: "queued",
      channel: "chat",
      preview: "",
      createdAt,
      updatedAt: createdAt,
      ...(slaDueAt ? { slaDueAt } : {}),
      ...over,
    });
    const items = [
      waiting("late-due", 1, 900),
      waiting("no-sla-old", 0),
      waiting("soon-due", 5, 100),
      waiting("no-sla-new", 7),
      waiting("taken", 0, 50, { assignee: { id: "a", name: "a" } }),
      waiting("with-agent", 0, 50, { state: "agent" }),
      waiting("reserved", 0, 60),
    ];
    expect(waitingUnassigned(items, new Map([["reserved", "b"]])).map((i) => i.id)).toEqual([
      "soon-due",
      "late-due",
      "no-sla-old",
      "no-sla-new",
    ]);
  });
});
