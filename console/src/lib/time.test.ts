import { describe, expect, it } from "vitest";
import { duration, timeAgo } from "./time.ts";

const now = Date.UTC(2026, 2, 20, 12, 0, 0);
const s = 1000;
const min = 60 * s;
const h = 60 * min;

describe("timeAgo", () => {
  it.each([
    [0, "just now"],
    [44 * s, "just now"],
    [46 * s, "1 min ago"],
    [3 * min, "3 min ago"],
    [59 * min, "59 min ago"],
    [60 * min, "1 h ago"],
    [5 * h + 59 * min, "5 h ago"],
    [24 * h, "1 d ago"],
    [6 * 24 * h, "6 d ago"],
  ])("%i ms → %s", (ago, label) => {
    expect(timeAgo(now - ago, now)).toBe(label);
  });

  it("treats future times (clock skew) as now", () => {
    expect(timeAgo(now + 5 * min, now)).toBe("just now");
  });

  it("shows a date after a week", () => {
    expect(timeAgo(now - 10 * 24 * h, now)).toMatch(/10|Mar/);
  });
});

describe("duration", () => {
  it.each([
    [10 * s, "<1 min"],
    [3 * min, "3 min"],
    [h, "1 h"],
    [h + 5 * min, "1 h 5 min"],
    [50 * h, "2 d"],
  ])("%i ms → %s", (ms, label) => {
    expect(duration(ms)).toBe(label);
  });
});
