// The console's operations page logic (console/src/ops/figures.ts) and its route.
import { describe, expect, it } from "vitest";
import type { OpsReport } from "../../../../shared/ops.ts";
import { bucketLabel, duration, opsTiles, sourceText, worst } from "./figures.ts";
import { href, parseRoute } from "../../lib/route.ts";

const point = (n: number, p95: number | null) => ({ t: 0, n, p50: p95, p95 });
const report = (over: Partial<OpsReport> = {}): OpsReport => ({
  window: "hour",
  from: 0,
  to: 1,
  bucketMs: 300_000,
  source: "d1",
  firstToken: [point(3, 40), point(0, null), point(2, 1500)],
  requests: [point(100, 20), point(50, 300)],
  answers: [],
  handoffs: [],
  webhooks: [],
  publishes: [],
  errorsByRoute: [{ label: "GET /api/inbox → 500", n: 3 }],
  latencyByRoute: [],
  backlog: { pending: 4, dead: 1, oldestPendingAt: 0 },
  ...over,
});

describe("operations figures", () => {
  it("formats durations and bucket times", () => {
    expect(duration(null)).toBe("—");
    expect(duration(12.4)).toBe("12 ms");
    expect(duration(1500)).toBe("1.5 s");
    expect(duration(180_000)).toBe("3 min");
    expect(bucketLabel(new Date(2026, 0, 1, 9, 5).getTime())).toBe("09:05");
  });

  it("tiles say the worst bucket p95, requests, error share and the outbox", () => {
    const t = opsTiles(report());
    expect(worst(report().firstToken)).toBe(1500);
    expect(t.map((x) => [x.id, x.value, x.state])).toEqual([
      ["first-token", "1.5 s", "warn"],
      ["requests", "150", "ok"],
      ["errors", "3", "bad"],
      ["backlog", "4 waiting", "bad"],
    ]);
    expect(t[2]?.note).toBe("2.00% of requests");
    expect(t[3]?.note).toBe("1 dead letter");
  });

  it("an empty window is neither good nor bad", () => {
    const t = opsTiles(
      report({
        firstToken: [point(0, null)],
        requests: [],
        errorsByRoute: [],
        backlog: { pending: 0, dead: 0, oldestPendingAt: null },
      }),
    );
    expect(t.map((x) => x.state)).toEqual(["none", "none", "none", "ok"]);
    expect(t[2]?.note).toBe("no requests");
  });

  it("says where the figures come from", () => {
    expect(sourceText(report())).toMatch(/D1/);
    expect(sourceText(report({ source: "analytics-engine" }))).toMatch(/Analytics Engine/);
    expect(sourceText(report({ source: "none" }))).toMatch(/No metrics store/);
  });

  it("has its own route", () => {
    expect(parseRoute("#/ops")).toEqual({ name: "ops" });
    expect(href({ name: "ops" })).toBe("#/ops");
  });
});
