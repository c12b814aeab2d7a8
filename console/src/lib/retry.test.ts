import { describe, expect, it } from "vitest";
import { backoffDelay } from "./retry.ts";

describe("backoffDelay", () => {
  it("doubles from 0.5 s and caps at 15 s", () => {
    const mid = () => 0.5;
    expect([0, 1, 2, 3, 10].map((a) => backoffDelay(a, mid))).toEqual([500, 1000, 2000, 4000, 15000]);
  });

  it("jitters within ±20 %", () => {
    expect(backoffDelay(2, () => 0)).toBe(1600);
    expect(backoffDelay(2, () => 1)).toBe(2400);
  });
});
