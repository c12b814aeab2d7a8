// The load bench's arithmetic (scripts/lib/load/stats.ts): percentiles, the knee of a ramp, the next
// rate a ramp tries and whether memory stayed flat over a soak.
import { describe, expect, it } from "vitest";
import {
  findKnee,
  linearFit,
  nextRate,
  percentile,
  type RampPlan,
  type Step,
  soakVerdict,
  stepVerdict,
  summarize,
} from "../../scripts/lib/load/stats.ts";

const step = (offered: number, p95: number, extra: Partial<Step> = {}): Step => ({
  offered,
  achieved: offered,
  firstTokenP95: p95,
  asked: offered * 10,
  errors: 0,
  ...extra,
});

describe("percentile", () => {
  it("takes the nearest rank, whatever the input order", () => {
    const xs = [5, 1, 4, 2, 3, 10, 9, 8, 7, 6];
    expect(percentile(xs, 50)).toBe(5);
    expect(percentile(xs, 95)).toBe(10);
    expect(percentile(xs, 90)).toBe(9);
    expect(percentile(xs, 0)).toBe(1);
    expect(percentile(xs, 100)).toBe(10);
    expect(xs[0]).toBe(5); // not sorted in place
  });
  it("is NaN without samples, and the sample itself with one", () => {
    expect(percentile([], 50)).toBeNaN();
    expect(percentile([42], 99)).toBe(42);
  });
  it("puts one slow answer in a hundred at p99, not p95", () => {
    const xs = [...Array.from({ length: 99 }, () => 10), 1000];
    expect(percentile(xs, 95)).toBe(10);
    expect(percentile(xs, 99)).toBe(10);
    expect(percentile([...xs, 1000], 99)).toBe(1000);
  });
  it("summarizes", () => {
    expect(summarize([1, 2, 3, 4])).toEqual({ n: 4, p50: 2, p95: 4, p99: 4, max: 4, mean: 2.5 });
    expect(summarize([]).n).toBe(0);
  });
});

describe("the knee", () => {
  it("is the last step passing before the first one over the limit", () => {
    const k = findKnee([step(50, 20), step(100, 60), step(200, 140), step(400, 300)]);
    expect(k.knee?.offered).toBe(200);
    expect(k.firstFailure?.offered).toBe(400);
    expect(k.reason).toMatch(/p95 300 ms > 150 ms/);
  });
  it("ignores a lucky pass above the first failure", () => {
    const k = findKnee([step(100, 60), step(200, 400), step(300, 120)]);
    expect(k.knee?.offered).toBe(100);
    expect(k.firstFailure?.offered).toBe(200);
  });
  it("is null when even the first step fails, and has no failure when none does", () => {
    expect(findKnee([step(10, 500)]).knee).toBeNull();
    const all = findKnee([step(10, 5), step(20, 6)]);
    expect(all.knee?.offered).toBe(20);
    expect(all.firstFailure).toBeNull();
  });
  it("fails a step with too many errors or one that falls behind, even at a low p95", () => {
    expect(stepVerdict(step(100, 20, { errors: 20, asked: 1000 }))).toMatch(/20 of 1000 questions failed/);
    expect(stepVerdict(step(100, 20, { errors: 5, asked: 1000 }))).toBeNull();
    expect(stepVerdict(step(100, 20, { achieved: 80 }))).toMatch(/answered 80\/s of 100\/s/);
    expect(stepVerdict(step(100, Number.NaN))).toMatch(/p95/);
    expect(stepVerdict(step(100, 20, { asked: 0 }))).toMatch(/no questions/);
  });
});

describe("the ramp", () => {
  const plan: RampPlan = { start: 10, factor: 2, refine: 2, max: 1000 };
  it("climbs geometrically, then bisects between the knee and the failure, then stops", () => {
    expect(nextRate([], plan)).toBe(10);
    expect(nextRate([step(10, 5)], plan)).toBe(20);
    const climbed = [step(10, 5), step(20, 10), step(40, 50), step(80, 400)];
    expect(nextRate(climbed, plan)).toBe(60);
    expect(nextRate([...climbed, step(60, 100)], plan)).toBe(70);
    expect(nextRate([...climbed, step(60, 100), step(70, 200)], plan)).toBeNull();
  });
  it("bisects downwards after a failed refinement", () => {
    const climbed = [step(10, 5), step(20, 10), step(40, 50), step(80, 400), step(60, 300)];
    expect(nextRate(climbed, plan)).toBe(50);
  });
  it("stops at max, and when the gap is within 5 %", () => {
    expect(nextRate([step(1000, 5)], plan)).toBeNull();
    expect(nextRate([step(600, 5)], plan)).toBe(1000);
    expect(nextRate([step(100, 5), step(104, 500)], { ...plan, refine: 5 })).toBeNull();
  });
  it("starts refining from zero when the first step fails", () => {
    expect(nextRate([step(10, 500)], plan)).toBe(5);
  });
});

describe("the soak's slope", () => {
  it("fits a line", () => {
    const f = linearFit([
      { x: 0, y: 1 },
      { x: 1, y: 3 },
      { x: 2, y: 5 },
    ]);
    expect(f.slope).toBeCloseTo(2);
    expect(f.intercept).toBeCloseTo(1);
    expect(linearFit([{ x: 1, y: 1 }]).slope).toBeNaN();
  });
  it("calls flat memory flat and a leak a leak, after the warm-up", () => {
    const flat = Array.from({ length: 30 }, (_, i) => ({ atMin: i, rssMb: 300 + (i < 5 ? i * 20 : 100) + (i % 2) }));
    expect(soakVerdict(flat).flat).toBe(true);
    const leak = Array.from({ length: 30 }, (_, i) => ({ atMin: i, rssMb: 300 + i * 2 }));
    const v = soakVerdict(leak);
    expect(v.slopeMbPerMin).toBeCloseTo(2);
    expect(v.flat).toBe(false);
  });
});
