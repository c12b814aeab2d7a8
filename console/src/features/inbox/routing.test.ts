import { describe, expect, it } from "vitest";
import type { AgentPresence, InboxItem } from "../../../../shared/api.ts";
import { applyInboxFrame, countdown, inScope, knownTeams, slaView } from "./inbox.ts";

const item = (id: string, extra: Partial<InboxItem> = {}): InboxItem => ({
  id,
  state: "queued",
  channel: "chat",
  preview: "",
  updatedAt: 1,
  createdAt: 0,
  ...extra,
});

describe("inbox scopes", () => {
  const mine = item("a", { assignee: { id: "me", name: "Me" }, team: "support" });
  const teamOnly = item("b", { team: "billing" });
  const other = item("c", { team: "security", assignee: { id: "x", name: "X" } });
  it("mine is what is assigned to me; my teams adds what is routed to my teams", () => {
    expect([mine, teamOnly, other].filter((i) => inScope(i, "mine", "me", ["billing"])).map((i) => i.id)).toEqual([
      "a",
    ]);
    expect([mine, teamOnly, other].filter((i) => inScope(i, "teams", "me", ["billing"])).map((i) => i.id)).toEqual([
      "a",
      "b",
    ]);
    expect([mine, teamOnly, other].filter((i) => inScope(i, "all", "me", [])).map((i) => i.id)).toEqual([
      "a",
      "b",
      "c",
    ]);
  });
});

describe("SLA countdown", () => {
  it("counts down while queued, shows near from the server and breached from the clock", () => {
    expect(slaView(item("a", { slaDueAt: 3_600_000, slaState: "ok" }), 0)).toMatchObject({
      state: "ok",
      text: "due in 1 h 00",
    });
    expect(slaView(item("a", { slaDueAt: 600_000, slaState: "near" }), 0)).toMatchObject({
      state: "near",
      text: "due in 10 min",
    });
    expect(slaView(item("a", { slaDueAt: 600_000, slaState: "ok" }), 900_000)).toMatchObject({
      state: "breached",
      text: "overdue 5 min",
    });
    expect(slaView(item("a", { slaDueAt: 600_000, slaState: "breached" }), 599_000)).toMatchObject({
      state: "breached",
      text: "overdue",
    });
    expect(slaView(item("a", { state: "agent", slaDueAt: 600_000 }), 0)).toBeNull();
    expect(slaView(item("a"), 0)).toBeNull();
  });
  it("formats spans at minute resolution", () => {
    expect(countdown(45_000)).toBe("<1 min");
    expect(countdown(59 * 60_000 + 59_000)).toBe("59 min");
    expect(countdown(3 * 3_600_000 + 5 * 60_000)).toBe("3 h 05");
    expect(countdown(50 * 3_600_000)).toBe("2 d 2 h");
  });
});

describe("presence frames and teams", () => {
  it("leaves the list alone on presence, and offers every known team once", () => {
    const list = [item("a")];
    expect(applyInboxFrame(list, { t: "presence", agents: [] })).toEqual(list);
    const agents: AgentPresence[] = [
      { id: "1", name: "A", teams: ["billing", "support"], online: true, away: false, load: 0 },
    ];
    expect(knownTeams(agents, [item("x", { team: "security" }), item("y", { team: "billing" })])).toEqual([
      "billing",
      "security",
      "support",
    ]);
  });
});
