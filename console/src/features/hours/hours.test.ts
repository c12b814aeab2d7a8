import { describe, expect, it } from "vitest";
import { addHoliday, copyMondayToWeekdays, fromForm, newDesk, statusText, teamsLeft, toForm } from "./hours-form.ts";

describe("the business hours form", () => {
  it("starts an unset workspace as always open, with weekday office hours ready", () => {
    const f = toForm({ workspace: null, teams: {} }, "Europe/Berlin");
    expect(f.enabled).toBe(false);
    expect(f.workspace.weekly.mon).toEqual([{ from: "09:00", to: "17:00" }]);
    expect(f.workspace.weekly.sat).toEqual([]);
    // Saved as it is, it stays always open.
    expect(fromForm(f)).toEqual({ ok: true, settings: { workspace: null, teams: {} } });
  });

  it("round-trips the settings the worker sends", () => {
    const s = { workspace: newDesk("Europe/Berlin"), teams: { billing: newDesk("America/New_York") } };
    const f = toForm(s, "UTC");
    expect(f.enabled).toBe(true);
    expect(fromForm(f)).toEqual({ ok: true, settings: s });
  });

  it("shows midnight as a closing time of 00:00 and saves it as 24:00", () => {
    const late = { ...newDesk("UTC"), weekly: { ...newDesk("UTC").weekly, fri: [{ from: "18:00", to: "24:00" }] } };
    const f = toForm({ workspace: late, teams: {} }, "UTC");
    expect(f.workspace.weekly.fri).toEqual([{ from: "18:00", to: "00:00" }]);
    const r = fromForm(f);
    expect(r.ok && r.settings.workspace?.weekly.fri).toEqual([{ from: "18:00", to: "24:00" }]);
  });

  it("names the day and interval that is wrong, and the team", () => {
    const f = toForm({ workspace: newDesk("Europe/Berlin"), teams: {} }, "UTC");
    f.workspace.weekly.tue = [
      { from: "09:00", to: "12:00" },
      { from: "14:00", to: "13:00" },
    ];
    const r = fromForm(f);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error).toMatch(/^Tuesday, hours 2: an interval ends after it starts/);
    const g = toForm({ workspace: null, teams: { billing: { ...newDesk("UTC"), timeZone: "Nowhere/Land" } } }, "UTC");
    const t = fromForm(g);
    expect(t.ok).toBe(false);
    if (!t.ok) expect(t.error).toMatch(/^Team billing: time zone: /);
  });

  it("copies Monday to the other weekdays and keeps holidays sorted and once each", () => {
    const d = { ...newDesk("UTC"), weekly: { ...newDesk("UTC").weekly, mon: [{ from: "08:00", to: "16:00" }] } };
    const c = copyMondayToWeekdays(d);
    expect([c.weekly.tue, c.weekly.fri]).toEqual([[{ from: "08:00", to: "16:00" }], [{ from: "08:00", to: "16:00" }]]);
    expect(c.weekly.sat).toEqual([]);
    const h = addHoliday(addHoliday(addHoliday(d, "2025-12-26"), "2025-12-25"), "2025-12-26");
    expect(h.holidays).toEqual(["2025-12-25", "2025-12-26"]);
    expect(addHoliday(d, "").holidays).toEqual([]);
  });

  it("says whether a desk is open and when that changes, in its own zone", () => {
    const at = Date.parse("2025-01-13T08:00:00Z");
    expect(statusText({ open: false, next: at }, "Europe/Berlin")).toBe(
      "Closed · opens Mon 13 Jan, 09:00 (Europe/Berlin)",
    );
    expect(statusText({ open: true, next: at }, "UTC")).toBe("Open now · closes Mon 13 Jan, 08:00 (UTC)");
    expect(statusText({ open: false, next: null }, "UTC")).toBe("Closed · no opening ahead");
    expect(statusText(undefined, "UTC")).toBe("Always open");
  });

  it("offers only teams without hours of their own", () => {
    const f = toForm({ workspace: null, teams: { billing: newDesk("UTC") } }, "UTC");
    expect(teamsLeft(["billing", "support"], f)).toEqual(["support"]);
  });
});
