// The analytics page's pure logic: tiles pass or fail at exactly the target, empty ranges say so,
// volume rows become one series per key over every day, and axis ticks are round numbers.
import { describe, expect, it } from "vitest";
import { TARGETS, type AnalyticsReport, type Summary } from "../../../../shared/analytics.ts";
import { lastDays, ms, pivot, ticks, tiles } from "./figures.ts";

const summary = (s: Partial<Summary>): AnalyticsReport =>
  ({
    targets: TARGETS,
    summary: {
      conversations: 10,
      resolved: 8,
      autoResolved: 6,
      autoResolutionRate: 0.6,
      autoResolvedAfterAnswer: 4,
      autoResolvedByAction: 0,
      firstResponseP50: 60_000,
      firstResponseBotP50: 5,
      firstResponseHumanP50: 90_000,
      ratings: 4,
      csatAverage: 4.5,
      decided: 10,
      correct: 9,
      awaitingVerdict: 0,
      escalationAccuracy: 0.9,
      ...s,
    },
  }) as AnalyticsReport;

describe("analytics figures", () => {
  it("meets a target exactly at the bar and fails just past it", () => {
    expect(tiles(summary({})).map((t) => t.met)).toEqual([true, true, true, true]);
    const worse = tiles(
      summary({ autoResolutionRate: 0.599, firstResponseP50: 60_001, csatAverage: 4.49, escalationAccuracy: 0.899 }),
    );
    expect(worse.map((t) => t.met)).toEqual([false, false, false, false]);
  });

  it("says how many auto-resolved conversations the bot answered, and how many closed without an answer", () => {
    expect(tiles(summary({}))[0]?.detail).toBe(
      "6 of 10 conversations resolved with no agent message; 4 of them after a bot answer, 2 closed without one",
    );
    // Resolved by an action (docs/actions.md): counted apart from an article's answer.
    expect(tiles(summary({ autoResolvedAfterAnswer: 3, autoResolvedByAction: 2 }))[0]?.detail).toBe(
      "6 of 10 conversations resolved with no agent message; 3 of them after a bot answer, 2 by an action, 1 closed without one",
    );
  });

  it("shows no verdict without data", () => {
    const t = tiles(
      summary({ autoResolutionRate: null, firstResponseP50: null, csatAverage: null, escalationAccuracy: null }),
    );
    expect(t.map((x) => [x.met, x.shown])).toEqual([
      [null, "—"],
      [null, "—"],
      [null, "—"],
      [null, "—"],
    ]);
  });

  it("pivots volume rows over every day, biggest series first, the rest as other", () => {
    const rows = [
      { day: "2026-01-01", key: "chat", conversations: 3 },
      { day: "2026-01-03", key: "chat", conversations: 1 },
      { day: "2026-01-02", key: "api", conversations: 5 },
    ];
    expect(pivot(rows, "2026-01-01", "2026-01-03")).toEqual({
      days: ["2026-01-01", "2026-01-02", "2026-01-03"],
      series: [
        { key: "api", points: [0, 5, 0] },
        { key: "chat", points: [3, 0, 1] },
      ],
    });
    expect(pivot(rows, "2026-01-01", "2026-01-03", 1).series).toEqual([{ key: "other", points: [3, 5, 1] }]);
  });

  it("formats times and picks round ticks and ranges", () => {
    expect([ms(2), ms(3200), ms(90_000), ms(null)]).toEqual(["2 ms", "3.2 s", "1.5 min", "—"]);
    expect(ticks(1000)).toEqual([0, 500, 1000]);
    expect(ticks(7)).toEqual([0, 2, 4, 6, 8]);
    expect(lastDays(7, new Date("2026-03-10T15:00:00Z"))).toEqual({ from: "2026-03-04", to: "2026-03-10" });
  });
});
