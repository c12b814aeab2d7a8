import { describe, expect, it } from "vitest";
import type { ScheduleEvent } from "../../../../shared/protocol.ts";
import { describeSchedule, pickedAt, presetAt } from "./later.ts";

const ev = (over: Partial<ScheduleEvent>): ScheduleEvent => ({
  seq: 1,
  at: 0,
  audience: "agents",
  type: "schedule",
  id: "s1",
  kind: "snooze",
  status: "set",
  by: "Ana",
  ...over,
});

describe("later in the console", () => {
  it("reads 9:00 in the customer's zone, across their DST change", () => {
    // Friday 28 March 2025, 20:00 UTC. Monday 31 March 9:00 in Berlin is already summer time (UTC+2).
    const now = Date.parse("2025-03-28T20:00:00Z");
    expect(presetAt("monday9", now, "Europe/Berlin")).toBe(Date.parse("2025-03-31T07:00:00Z"));
    expect(presetAt("tomorrow9", now, "Europe/Berlin")).toBe(Date.parse("2025-03-29T08:00:00Z"));
    // Already Saturday in Auckland: tomorrow is Sunday.
    expect(presetAt("tomorrow9", now, "Pacific/Auckland")).toBe(Date.parse("2025-03-29T20:00:00Z"));
    expect(presetAt("1h", now, "UTC")).toBe(now + 3_600_000);
    // On a Monday, "Monday 9:00" is next week's.
    const monday = Date.parse("2025-03-31T05:00:00Z");
    expect(presetAt("monday9", monday, "Europe/Berlin")).toBe(Date.parse("2025-04-07T07:00:00Z"));
  });

  it("takes a picked date and time in the chosen zone, and refuses the past", () => {
    const now = Date.parse("2025-01-10T12:00:00Z");
    expect(pickedAt("2025-01-13T09:00", "America/New_York", now)).toEqual({ at: Date.parse("2025-01-13T14:00:00Z") });
    expect(pickedAt("2025-01-09T09:00", "UTC", now)).toEqual({ error: "Choose a time that has not passed yet." });
    expect(pickedAt("", "UTC", now)).toEqual({ error: "Choose a date and time." });
    expect(pickedAt("2025-02-30T09:00", "UTC", now)).toEqual({ error: "That date and time is not valid." });
  });

  it("describes each schedule event for the transcript", () => {
    expect(describeSchedule(ev({}))).toBe("Ana snoozed this conversation until the customer replies");
    expect(describeSchedule(ev({ status: "done", by: "customer", reason: "reply" }))).toBe(
      "Back from snooze: the customer replied",
    );
    expect(describeSchedule(ev({ status: "done", by: "system", reason: "time" }))).toBe(
      "Back from snooze: its time came",
    );
    expect(
      describeSchedule(ev({ kind: "reply", status: "cancelled", reason: "closed", agent: { id: "a", name: "Ana" } })),
    ).toBe("Scheduled reply by Ana not sent: the conversation was closed");
    expect(describeSchedule(ev({ kind: "reply", status: "done", by: "system", agent: { id: "a", name: "Ana" } }))).toBe(
      "Scheduled reply by Ana sent",
    );
    expect(describeSchedule(ev({ kind: "remind", status: "cancelled", by: "Ana" }))).toBe("Ana cancelled the reminder");
  });
});
