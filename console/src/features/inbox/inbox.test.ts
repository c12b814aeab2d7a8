import { describe, expect, it } from "vitest";
import type { InboxItem } from "../../../../shared/api.ts";
import {
  applyInboxFrame,
  compareInbox,
  countByState,
  isSnoozed,
  newlyQueued,
  slaView,
  sortInbox,
  wokeLabel,
} from "./inbox.ts";

const item = (id: string, state: InboxItem["state"], updatedAt: number, extra: Partial<InboxItem> = {}): InboxItem => ({
  id,
  state,
  channel: "chat",
  preview: `preview ${id}`,
  updatedAt,
  createdAt: updatedAt - 1000,
  ...extra,
});

describe("sortInbox", () => {
  it("puts queued first, oldest first, resolved last", () => {
    const sorted = sortInbox([
      item("a", "agent", 100),
      item("r", "resolved", 1),
      item("q2", "queued", 300),
      item("b", "bot", 50),
      item("q1", "queued", 200),
    ]);
    expect(sorted.map((i) => i.id)).toEqual(["q1", "q2", "b", "a", "r"]);
  });

  it("is stable on equal times by createdAt then id", () => {
    const x = item("x", "queued", 10, { createdAt: 5 });
    const y = item("y", "queued", 10, { createdAt: 5 });
    const z = item("z", "queued", 10, { createdAt: 1 });
    expect(sortInbox([y, x, z]).map((i) => i.id)).toEqual(["z", "x", "y"]);
    expect(compareInbox(x, x)).toBe(0);
  });
});

describe("business hours and snoozes in the list", () => {
  it("lists what arrived while the desk was closed first, in order of arrival, then the rest of the queue", () => {
    const closed = { timeZone: "Europe/Berlin", opensAt: 1_000_000 };
    const sorted = sortInbox([
      item("day", "queued", 50),
      item("night2", "queued", 900, { createdAt: 800, afterHours: closed }),
      item("night1", "queued", 950, { createdAt: 700, afterHours: closed }),
      item("mine", "agent", 10),
    ]);
    expect(sorted.map((i) => i.id)).toEqual(["night1", "night2", "day", "mine"]);
  });

  it("puts conversations back from a snooze before other open ones, and labels why", () => {
    const back = item("back", "agent", 500, { woke: { at: 500, reason: "reply" } });
    const sorted = sortInbox([item("old", "agent", 10), back, item("q", "queued", 900)]);
    expect(sorted.map((i) => i.id)).toEqual(["q", "back", "old"]);
    expect(wokeLabel(back)).toBe("Back: customer replied");
    expect(wokeLabel({ ...back, woke: { at: 1, reason: "time" } })).toBe("Back: snooze ended");
    expect(wokeLabel(item("x", "agent", 1))).toBeNull();
  });

  it("leaves snoozed conversations out of the state counts", () => {
    const snoozed = item("s", "agent", 1, { snoozed: {} });
    expect(isSnoozed(snoozed)).toBe(true);
    expect(countByState([snoozed, item("a", "agent", 2)]).agent).toBe(1);
  });

  it("shows a response target paused until the desk opens", () => {
    const opensAt = Date.parse("2025-01-13T08:00:00Z");
    const queued = item("n", "queued", 1, {
      afterHours: { timeZone: "Europe/Berlin", opensAt },
      slaDueAt: opensAt + 4 * 3_600_000,
    });
    expect(slaView(queued, opensAt - 60_000)).toEqual({
      state: "ok",
      text: "paused",
      label: "Response target paused until the desk opens Mon 09:00",
    });
    expect(slaView(queued, opensAt + 60_000)?.text).toBe("due in 3 h 59");
  });
});

describe("applyInboxFrame", () => {
  const base = [item("a", "queued", 100), item("b", "bot", 50)];

  it("replaces everything on snapshot and drops duplicate ids", () => {
    const next = applyInboxFrame(base, { t: "snapshot", items: [item("c", "agent", 1), item("c", "agent", 2)] });
    expect(next).toHaveLength(1);
    expect(next[0]?.updatedAt).toBe(2);
  });

  it("inserts and re-sorts on upsert", () => {
    const next = applyInboxFrame(base, { t: "upsert", item: item("c", "queued", 10) });
    expect(next.map((i) => i.id)).toEqual(["c", "a", "b"]);
  });

  it("replaces an existing item on upsert and moves it by its new state", () => {
    const next = applyInboxFrame(base, { t: "upsert", item: item("a", "agent", 120) });
    expect(next.map((i) => [i.id, i.state])).toEqual([
      ["b", "bot"],
      ["a", "agent"],
    ]);
  });

  it("ignores a stale upsert", () => {
    const next = applyInboxFrame(base, { t: "upsert", item: item("a", "resolved", 90) });
    expect(next.find((i) => i.id === "a")?.state).toBe("queued");
  });

  it("removes by id and ignores unknown ids", () => {
    expect(applyInboxFrame(base, { t: "remove", id: "a" }).map((i) => i.id)).toEqual(["b"]);
    expect(applyInboxFrame(base, { t: "remove", id: "zz" })).toHaveLength(2);
  });

  it("does not mutate its input", () => {
    const copy = structuredClone(base);
    applyInboxFrame(base, { t: "upsert", item: item("c", "queued", 1) });
    expect(base).toEqual(copy);
  });
});

describe("newlyQueued", () => {
  it("reports items that just entered the queue only", () => {
    const prev = [item("a", "queued", 1), item("b", "bot", 1)];
    const next = [item("a", "queued", 2), item("b", "queued", 3), item("c", "queued", 4), item("d", "bot", 4)];
    expect(newlyQueued(prev, next).map((i) => i.id)).toEqual(["b", "c"]);
  });
});

describe("countByState", () => {
  it("counts every state", () => {
    expect(countByState([item("a", "queued", 1), item("b", "queued", 1), item("c", "resolved", 1)])).toEqual({
      queued: 2,
      agent: 0,
      bot: 0,
      resolved: 1,
    });
  });
});
