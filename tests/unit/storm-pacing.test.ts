// The reconnect storm's --storm-rate (scripts/lib/chaos/storm.ts `stormPacing`): think time from the
// offered rate, so 1,000 customers can storm at a rate one local runtime answers.
import { describe, expect, it } from "vitest";
import { stormPacing } from "../../scripts/lib/chaos/storm.ts";

describe("stormPacing", () => {
  it("1,000 customers at 4 questions/s wait 250 s on average between questions", () => {
    const p = stormPacing(1000, 4);
    expect(p.thinkMs).toEqual([125_000, 375_000]);
    expect((p.thinkMs[0] + p.thinkMs[1]) / 2).toBe(250_000);
    // First questions spread over one gap: 1,000 of them in 250 s is the rate from the start.
    expect(1000 / (p.firstWithinMs / 1000)).toBe(4);
  });

  it("refuses a rate or a crowd of zero", () => {
    expect(() => stormPacing(1000, 0)).toThrow(RangeError);
    expect(() => stormPacing(0, 4)).toThrow(RangeError);
  });
});
