import { describe, expect, it } from "vitest";
import {
  addOpenTime,
  type BusinessHours,
  businessHoursSchema,
  canonicalZone,
  describeOpening,
  hoursFor,
  hoursSettingsSchema,
  instantAt,
  instantOfWall,
  isOpen,
  isTimeZone,
  nextClose,
  nextOpen,
  openTimeBetween,
  wallValue,
} from "./hours.ts";

const H = 3_600_000;
const iso = (s: string) => Date.parse(s);
const nine2five = [{ from: "09:00", to: "17:00" }];
const week = (tz: string, days: Partial<BusinessHours["weekly"]>, holidays: string[] = []): BusinessHours => ({
  timeZone: tz,
  weekly: { mon: [], tue: [], wed: [], thu: [], fri: [], sat: [], sun: [], ...days },
  holidays,
});
const office = (tz: string, holidays: string[] = []) =>
  week(tz, { mon: nine2five, tue: nine2five, wed: nine2five, thu: nine2five, fri: nine2five }, holidays);

describe("business hours: open or closed", () => {
  const berlin = office("Europe/Berlin");

  it("is open from the opening instant and closed from the closing one, in the desk's zone", () => {
    // Monday 6 January 2025, winter: Berlin is UTC+1.
    expect(isOpen(berlin, iso("2025-01-06T07:59:59Z"))).toBe(false);
    expect(isOpen(berlin, iso("2025-01-06T08:00:00Z"))).toBe(true);
    expect(isOpen(berlin, iso("2025-01-06T15:59:59Z"))).toBe(true);
    expect(isOpen(berlin, iso("2025-01-06T16:00:00Z"))).toBe(false);
    // Saturday.
    expect(isOpen(berlin, iso("2025-01-11T10:00:00Z"))).toBe(false);
  });

  it("is always open without hours", () => {
    expect(isOpen(null, 0)).toBe(true);
    expect(nextOpen(null, 5)).toBe(5);
    expect(addOpenTime(null, 5, 10)).toBe(15);
  });

  it("finds the next opening over a weekend", () => {
    // Friday 17:30 Berlin → Monday 09:00 Berlin.
    expect(nextOpen(berlin, iso("2025-01-10T16:30:00Z"))).toBe(iso("2025-01-13T08:00:00Z"));
    expect(nextOpen(berlin, iso("2025-01-13T08:30:00Z"))).toBe(iso("2025-01-13T08:30:00Z"));
    expect(nextClose(berlin, iso("2025-01-13T08:30:00Z"))).toBe(iso("2025-01-13T16:00:00Z"));
    expect(nextClose(berlin, iso("2025-01-11T08:30:00Z"))).toBeNull();
  });

  it("keeps holidays closed all day, in the desk's own calendar", () => {
    const h = office("Europe/Berlin", ["2025-01-06"]);
    expect(isOpen(h, iso("2025-01-06T10:00:00Z"))).toBe(false);
    expect(nextOpen(h, iso("2025-01-06T10:00:00Z"))).toBe(iso("2025-01-07T08:00:00Z"));
    // 23:30 UTC on the 5th is already the 6th in Berlin.
    expect(nextOpen(h, iso("2025-01-05T23:30:00Z"))).toBe(iso("2025-01-07T08:00:00Z"));
    // In Los Angeles the 6th starts nine hours later: the holiday follows that desk's calendar.
    const la = office("America/Los_Angeles", ["2025-01-06"]);
    expect(nextOpen(la, iso("2025-01-06T10:00:00Z"))).toBe(iso("2025-01-07T17:00:00Z"));
  });

  it("never opens with no weekly hours", () => {
    const h = week("Europe/Berlin", {});
    expect(isOpen(h, iso("2025-01-06T10:00:00Z"))).toBe(false);
    expect(nextOpen(h, iso("2025-01-06T10:00:00Z"))).toBeNull();
    expect(addOpenTime(h, iso("2025-01-06T10:00:00Z"), H)).toBeNull();
  });

  it("runs through midnight when two intervals touch", () => {
    const h = week("UTC", { fri: [{ from: "22:00", to: "24:00" }], sat: [{ from: "00:00", to: "02:00" }] });
    expect(isOpen(h, iso("2025-01-10T23:59:00Z"))).toBe(true);
    expect(isOpen(h, iso("2025-01-11T00:00:00Z"))).toBe(true);
    expect(nextClose(h, iso("2025-01-10T22:30:00Z"))).toBe(iso("2025-01-11T02:00:00Z"));
    expect(addOpenTime(h, iso("2025-01-10T23:00:00Z"), 2 * H)).toBe(iso("2025-01-11T01:00:00Z"));
  });

  it("says nothing closes for a desk open around the clock", () => {
    const all = [{ from: "00:00", to: "24:00" }];
    const h = week("Europe/Berlin", { mon: all, tue: all, wed: all, thu: all, fri: all, sat: all, sun: all });
    const t = iso("2025-03-29T12:00:00Z");
    expect(isOpen(h, t)).toBe(true);
    expect(nextClose(h, t)).toBeNull();
    // Across the spring-forward night too: 24 hours of open time are 24 real hours.
    expect(addOpenTime(h, t, 24 * H)).toBe(t + 24 * H);
  });
});

describe("business hours across daylight-saving changes", () => {
  it("opens at 09:00 local before and after the spring change (Berlin, 30 March 2025)", () => {
    const h = office("Europe/Berlin");
    // Friday 28 March: UTC+1; Monday 31 March: UTC+2.
    expect(nextOpen(h, iso("2025-03-28T05:00:00Z"))).toBe(iso("2025-03-28T08:00:00Z"));
    expect(nextOpen(h, iso("2025-03-28T17:00:00Z"))).toBe(iso("2025-03-31T07:00:00Z"));
    expect(isOpen(h, iso("2025-03-31T07:30:00Z"))).toBe(true);
    expect(isOpen(h, iso("2025-03-31T15:30:00Z"))).toBe(false);
  });

  it("counts a night shift over the skipped hour as one hour shorter", () => {
    // Sunday 30 March 2025, Berlin: 02:00 becomes 03:00.
    const h = week("Europe/Berlin", { sun: [{ from: "01:00", to: "05:00" }] });
    const opens = iso("2025-03-30T00:00:00Z"); // 01:00 CET
    const closes = iso("2025-03-30T03:00:00Z"); // 05:00 CEST
    expect(nextOpen(h, iso("2025-03-29T12:00:00Z"))).toBe(opens);
    expect(nextClose(h, opens)).toBe(closes);
    expect(openTimeBetween(h, opens - H, closes + H)).toBe(3 * H);
  });

  it("starts an interval that opens inside the skipped hour when the clock comes out of it", () => {
    const h = week("Europe/Berlin", { sun: [{ from: "02:30", to: "04:00" }] });
    // 02:30 never happens: the clock reads 03:00 CEST at 01:00 UTC.
    expect(nextOpen(h, iso("2025-03-29T12:00:00Z"))).toBe(iso("2025-03-30T01:00:00Z"));
    expect(isOpen(h, iso("2025-03-30T00:59:00Z"))).toBe(false);
    expect(isOpen(h, iso("2025-03-30T01:00:00Z"))).toBe(true);
  });

  it("counts a night shift over the repeated hour as one hour longer (Berlin, 26 October 2025)", () => {
    const h = week("Europe/Berlin", { sun: [{ from: "01:00", to: "05:00" }] });
    const opens = iso("2025-10-25T23:00:00Z"); // 01:00 CEST
    const closes = iso("2025-10-26T04:00:00Z"); // 05:00 CET
    expect(nextOpen(h, iso("2025-10-25T12:00:00Z"))).toBe(opens);
    expect(nextClose(h, opens)).toBe(closes);
    expect(openTimeBetween(h, opens, closes)).toBe(5 * H);
  });

  it("opens a 02:30 interval at the first 02:30 of a night that has two", () => {
    const h = week("Europe/Berlin", { sun: [{ from: "02:30", to: "04:00" }] });
    expect(nextOpen(h, iso("2025-10-25T12:00:00Z"))).toBe(iso("2025-10-26T00:30:00Z"));
    expect(nextClose(h, iso("2025-10-26T00:30:00Z"))).toBe(iso("2025-10-26T03:00:00Z"));
  });

  it("follows New York's change, on its own date (9 March 2025)", () => {
    const h = office("America/New_York");
    expect(nextOpen(h, iso("2025-03-07T23:00:00Z"))).toBe(iso("2025-03-10T13:00:00Z")); // 09:00 EDT
    expect(nextOpen(h, iso("2025-03-06T23:00:00Z"))).toBe(iso("2025-03-07T14:00:00Z")); // 09:00 EST
  });

  it("follows the southern hemisphere, where April turns the clocks back (Sydney)", () => {
    const h = office("Australia/Sydney");
    // Friday 4 April 2025 09:00 AEDT (UTC+11); Monday 7 April 09:00 AEST (UTC+10).
    expect(nextOpen(h, iso("2025-04-03T21:00:00Z"))).toBe(iso("2025-04-03T22:00:00Z"));
    expect(nextOpen(h, iso("2025-04-04T07:00:00Z"))).toBe(iso("2025-04-06T23:00:00Z"));
  });
});

describe("an SLA clock that runs only while open", () => {
  const h = office("Europe/Berlin", ["2025-01-13"]);

  it("adds open time, pausing overnight, over weekends and holidays", () => {
    // Friday 10 January 16:00 Berlin + 4 h of open time: 1 h on Friday, then Monday is a holiday,
    // so 3 h on Tuesday: 12:00 Berlin.
    expect(addOpenTime(h, iso("2025-01-10T15:00:00Z"), 4 * H)).toBe(iso("2025-01-14T11:00:00Z"));
    // Handed off on Saturday night: the clock starts at the next opening.
    expect(addOpenTime(h, iso("2025-01-11T22:00:00Z"), 4 * H)).toBe(iso("2025-01-14T12:00:00Z"));
    // A zero target is due at the next opening.
    expect(addOpenTime(h, iso("2025-01-11T22:00:00Z"), 0)).toBe(iso("2025-01-14T08:00:00Z"));
    // Due exactly at closing time, not the next morning.
    expect(addOpenTime(h, iso("2025-01-10T15:00:00Z"), H)).toBe(iso("2025-01-10T16:00:00Z"));
  });

  it("measures open time between two instants", () => {
    expect(openTimeBetween(h, iso("2025-01-10T15:00:00Z"), iso("2025-01-14T11:00:00Z"))).toBe(4 * H);
    expect(openTimeBetween(h, iso("2025-01-11T00:00:00Z"), iso("2025-01-12T23:00:00Z"))).toBe(0);
  });

  it("agrees with isOpen minute by minute over a DST week", () => {
    const d = office("Europe/Berlin");
    const start = iso("2025-03-27T00:00:00Z");
    let open = 0;
    for (let t = start; t < start + 7 * 24 * H; t += 60_000) if (isOpen(d, t)) open += 60_000;
    expect(openTimeBetween(d, start, start + 7 * 24 * H)).toBe(open);
    expect(open).toBe(5 * 8 * H);
  });
});

describe("words and wall times", () => {
  it("describes the opening in the customer's language and the desk's zone", () => {
    const now = iso("2025-01-10T20:00:00Z");
    const at = iso("2025-01-13T08:00:00Z");
    expect(describeOpening(at, "Europe/Berlin", "en", now)).toEqual({
      day: "Monday",
      time: "9:00",
      zone: "Europe/Berlin",
    });
    expect(describeOpening(at, "Europe/Berlin", "es", now).day).toBe("lunes");
    expect(describeOpening(at, "Europe/Berlin", "de", now).day).toBe("Montag");
    // A week or more away: the date too.
    expect(describeOpening(at, "Europe/Berlin", "en", now - 7 * 24 * H).day).toBe("Monday, January 13");
    // A locale Intl cannot take falls back to English.
    expect(describeOpening(at, "Europe/Berlin", "not a locale!", now).day).toBe("Monday");
  });

  it("turns a wall reading in a zone into an instant and back", () => {
    expect(instantOfWall("2025-03-31T09:00", "Europe/Berlin")).toBe(iso("2025-03-31T07:00:00Z"));
    expect(instantOfWall("2025-03-31T09:00:30", "Europe/Berlin")).toBe(iso("2025-03-31T07:00:30Z"));
    expect(instantOfWall("2025-02-30T09:00", "Europe/Berlin")).toBeNull();
    expect(instantOfWall("tomorrow", "Europe/Berlin")).toBeNull();
    expect(wallValue(iso("2025-03-31T07:00:00Z"), "Europe/Berlin")).toBe("2025-03-31T09:00");
    expect(instantAt("Asia/Kolkata", 2025, 1, 1, 9 * 60 + 30)).toBe(iso("2025-01-01T04:00:00Z"));
  });
});

describe("the settings schema", () => {
  const ok = office("Europe/Berlin", ["2025-12-25"]);

  it("takes valid hours and names the team's or the workspace's", () => {
    expect(businessHoursSchema.safeParse(ok).success).toBe(true);
    const s = hoursSettingsSchema.parse({ workspace: ok, teams: { billing: office("America/New_York") } });
    expect(hoursFor(s, "billing")?.timeZone).toBe("America/New_York");
    expect(hoursFor(s, "support")?.timeZone).toBe("Europe/Berlin");
    expect(hoursFor({ workspace: null, teams: {} }, "support")).toBeNull();
  });

  it.each([
    ["an unknown zone", { ...ok, timeZone: "Mars/Olympus_Mons" }],
    ["a fixed offset", { ...ok, timeZone: "+01:00" }],
    ["a backwards interval", { ...ok, weekly: { ...ok.weekly, mon: [{ from: "17:00", to: "09:00" }] } }],
    ["a time past midnight", { ...ok, weekly: { ...ok.weekly, mon: [{ from: "09:00", to: "24:30" }] } }],
    [
      "overlapping intervals",
      {
        ...ok,
        weekly: {
          ...ok.weekly,
          mon: [
            { from: "09:00", to: "13:00" },
            { from: "12:00", to: "17:00" },
          ],
        },
      },
    ],
    ["a date that does not exist", { ...ok, holidays: ["2025-02-29"] }],
  ])("refuses %s", (_, bad) => {
    expect(businessHoursSchema.safeParse(bad).success).toBe(false);
  });

  it("knows zones and spells them canonically", () => {
    expect(isTimeZone("Europe/Berlin")).toBe(true);
    expect(isTimeZone("UTC")).toBe(true);
    expect(isTimeZone("America/Argentina/Buenos_Aires")).toBe(true);
    expect(isTimeZone("Nowhere/Special")).toBe(false);
    expect(canonicalZone("europe/berlin")).toBe("Europe/Berlin");
  });
});
