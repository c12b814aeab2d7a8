import { describe, expect, it } from "vitest";
import type { InboxItem } from "../../../../shared/api.ts";
import { alertSettingsSchema } from "../../../../shared/alerts.ts";
import { alertForFrame, alertsForChange, badgedSvg, badgeText, Seen } from "./rules.ts";

const me = { id: "a1", teams: ["billing"] };
const item = (o: Partial<InboxItem> & { id: string }): InboxItem => ({
  state: "queued",
  channel: "chat",
  preview: "hello",
  updatedAt: 1,
  createdAt: 1,
  ...o,
});

describe("alertsForChange", () => {
  it("a handoff into my scope alerts once; another team's does not", () => {
    const next = [item({ id: "c1", reason: "asked", preview: "Wants a refund" }), item({ id: "c2", team: "sales" })];
    const out = alertsForChange([], next, me);
    expect(out.map((a) => [a.kind, a.conversationId, a.body])).toEqual([["handoff", "c1", "Wants a refund"]]);
    expect(alertsForChange([], [item({ id: "c3", team: "billing" })], me)).toHaveLength(1);
  });

  it("a reconnect snapshot with the same items raises nothing", () => {
    const held = [
      item({ id: "c1" }),
      item({ id: "c2", state: "agent", assignee: { id: "a1", name: "A" }, lastFrom: "customer" }),
    ];
    expect(
      alertsForChange(
        held,
        held.map((i) => ({ ...i })),
        me,
      ),
    ).toEqual([]);
  });

  it("assignment to me alerts; to someone else does not", () => {
    const prev = [item({ id: "c1" })];
    const mine = alertsForChange(
      prev,
      [item({ id: "c1", state: "agent", updatedAt: 2, assignee: { id: "a1", name: "A" } })],
      me,
    );
    expect(mine.map((a) => a.kind)).toEqual(["assigned"]);
    const theirs = alertsForChange(
      prev,
      [item({ id: "c1", state: "agent", updatedAt: 2, assignee: { id: "b", name: "B" } })],
      me,
    );
    expect(theirs).toEqual([]);
  });

  it("a customer reply in my conversation alerts; my own message does not", () => {
    const prev = [
      item({ id: "c1", state: "agent", assignee: { id: "a1", name: "A" }, preview: "hi", lastFrom: "agent" }),
    ];
    const reply = item({ ...prev[0]!, preview: "still broken", updatedAt: 5, lastFrom: "customer" });
    expect(alertsForChange(prev, [reply], me).map((a) => [a.kind, a.body])).toEqual([["reply", "still broken"]]);
    const mineMsg = item({ ...prev[0]!, preview: "on it", updatedAt: 5, lastFrom: "agent" });
    expect(alertsForChange(prev, [mineMsg], me)).toEqual([]);
    const other = item({ ...reply, assignee: { id: "b", name: "B" } });
    expect(alertsForChange([{ ...prev[0]!, assignee: { id: "b", name: "B" } }], [other], me)).toEqual([]);
  });
});

describe("Seen", () => {
  it("shows each event once, however often it arrives", () => {
    const seen = new Seen();
    const a = alertsForChange([], [item({ id: "c1" })], me);
    expect(seen.fresh(a)).toHaveLength(1);
    expect(seen.fresh(a)).toHaveLength(0);
    const r = alertForFrame({ kind: "reminder", reminder: { id: "r1", conversationId: "c1", dueAt: 1, state: "due" } });
    expect(seen.fresh([r, r])).toEqual([r]);
    expect(seen.fresh([r])).toEqual([]);
  });

  it("a mention alerts once per note and person, titled with who wrote it", () => {
    const seen = new Seen();
    const mention = {
      id: "n1:me",
      conversationId: "c9",
      noteId: "n1",
      by: { id: "b", name: "Bea" },
      excerpt: "@Me can you check the refund?",
      at: 5,
    };
    const a = alertForFrame({ kind: "mention", mention });
    expect(a).toEqual({
      key: "mention:n1:me",
      kind: "mention",
      conversationId: "c9",
      title: "Bea mentioned you in a note",
      body: "@Me can you check the refund?",
    });
    expect(seen.fresh([a])).toHaveLength(1);
    expect(seen.fresh([alertForFrame({ kind: "mention", mention })])).toHaveLength(0);
  });

  it("forgets the oldest keys past its bound", () => {
    const seen = new Seen(2);
    const mk = (k: string) => ({ key: k, kind: "handoff" as const, conversationId: k, title: "", body: "" });
    seen.fresh([mk("a"), mk("b"), mk("c")]);
    expect(seen.fresh([mk("a")])).toHaveLength(1);
    expect(seen.fresh([mk("c")])).toHaveLength(0);
  });
});

describe("settings", () => {
  it("defaults off for desktop and sound, on for every kind; a kind added later is on; wrong types refused", () => {
    expect(alertSettingsSchema.parse({})).toEqual({
      desktop: false,
      sound: false,
      kinds: { handoff: true, assigned: true, reply: true, reminder: true, mention: true },
    });
    // Settings saved before `mention` existed.
    expect(
      alertSettingsSchema.parse({
        desktop: true,
        kinds: { handoff: true, assigned: true, reply: false, reminder: true },
      }),
    ).toEqual({
      desktop: true,
      sound: false,
      kinds: { handoff: true, assigned: true, reply: false, reminder: true, mention: true },
    });
    expect(alertSettingsSchema.safeParse({ desktop: true, sound: "x" }).success).toBe(false);
  });
  it("badge text", () => {
    expect(badgeText(3)).toBe("3");
    expect(badgeText(12)).toBe("9+");
  });
});

describe("badgedSvg", () => {
  it("adds a count dot before the closing tag", () => {
    const s = badgedSvg('<svg viewBox="0 0 32 32"><rect/></svg>', 4);
    expect(s).toMatch(/<rect\/><circle[^>]+\/><text[^>]*>4<\/text><\/svg>$/);
  });
});
