import { describe, expect, it } from "vitest";
import type { WeeklyReport } from "../../../shared/health.ts";
import { changesOf, reportSlack, reportText } from "./compose.ts";
import { lastWeek } from "./weekly.ts";

const figures: WeeklyReport["figures"] = {
  conversations: { now: 120, before: 100 },
  autoResolution: { now: 0.61, before: 0.52 },
  firstResponseP50: { now: 900, before: 1000 },
  csat: { now: 4.1, before: 4.6 },
  quality: { now: 80, before: 78 },
  slaAdherence: { now: null, before: 0.9 },
  escalationAccuracy: { now: 0.9, before: 0.9 },
};

describe("changesOf", () => {
  it("says what moved enough, and whether it is better or worse", () => {
    expect(changesOf(figures)).toEqual([
      "Conversations rose from 100 to 120.",
      "Auto-resolution rose from 52% to 61% (better).",
      "Median first response fell from 1.0 s to 0.9 s (better).",
      "Customer rating fell from 4.60 to 4.10 (worse).",
    ]);
  });
});

describe("lastWeek", () => {
  it("is last Monday to this Monday in the workspace's zone, also across a clock change", () => {
    // Wednesday 4 Nov 2026, 10:00 UTC; Berlin went back to winter time on 25 Oct.
    const w = lastWeek(Date.UTC(2026, 10, 4, 10), "Europe/Berlin");
    expect(w.week).toBe("2026-10-26");
    expect(new Date(w.from).toISOString()).toBe("2026-10-25T23:00:00.000Z");
    expect(new Date(w.to).toISOString()).toBe("2026-11-01T23:00:00.000Z");
    // The week before holds the change: 7 days and one hour.
    expect(w.from - w.before).toBe(7 * 86_400_000 + 3_600_000);
    // Sunday 23:30 in Auckland is already Monday there.
    expect(lastWeek(Date.UTC(2026, 10, 8, 11, 30), "Pacific/Auckland").week).toBe("2026-11-02");
  });
});

describe("reportText / reportSlack", () => {
  const r: WeeklyReport = {
    workspaceId: "w",
    week: "2026-10-26",
    timeZone: "UTC",
    from: 0,
    to: 1,
    trigger: "schedule",
    generatedAt: 2,
    figures,
    escalations: [{ reason: "asked-for-person", now: 7, before: 3 }],
    gaps: [{ title: "<@here> refunds", questions: 4, example: "where is my refund" }],
    busiestHours: [{ hour: 9, messages: 40 }],
    changes: changesOf(figures),
  };
  it("mails figures, changes, escalations, gaps and hours with the console link", () => {
    const { subject, text } = reportText(r, "Lumen", "https://desk.example/console/");
    expect(subject).toBe("Your week at Lumen: 2026-10-26");
    expect(text).toContain("- Auto-resolution: 61% (last week 52%)");
    expect(text).toContain("- asked-for-person: 7 (3)");
    expect(text).toContain("Busiest hours: 09:00–10:00 (40).");
    expect(text).toContain("https://desk.example/console/#/reports");
  });
  it("escapes the workspace's own strings in Slack so they cannot ping or link", () => {
    const s = JSON.stringify(reportSlack(r, "Lumen", "https://desk.example/console/"));
    expect(s).toContain("&lt;@here&gt; refunds");
    expect(s).not.toContain("<@here>");
  });
});
