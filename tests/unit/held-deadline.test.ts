// The held-sockets phase of bench:load (scripts/lib/load/held.ts `openAll`) has deadlines: the full
// run once waited for ever on opens that never finished after the app's workerd died (9,303 of 10,000
// sockets, docs/performance.md). Every open is bounded, the whole phase is bounded, and a dead runtime
// stops it at once and says so.
import { describe, expect, it } from "vitest";
import { openAll } from "../../scripts/lib/load/held.ts";

const never = () => new Promise<void>(() => undefined);
const soon = (ms: number) => () => new Promise<void>((r) => setTimeout(r, ms));

describe("held sockets: openAll's deadlines", () => {
  it("an open that never finishes fails after its own timeout, and the rest go on", async () => {
    let n = 0;
    const discarded: number[] = [];
    const t0 = Date.now();
    const r = await openAll<number>({
      count: 6,
      concurrency: 2,
      make: () => n++,
      open: (c) => (c === 1 ? never() : soon(5)()),
      discard: (c) => discarded.push(c),
      openTimeoutMs: 150,
      phaseMs: 5_000,
      alive: () => true,
    });
    expect(r.items).toHaveLength(5);
    expect(r.failed).toBe(1);
    expect(discarded).toEqual([1]);
    expect(r.stopped).toBeNull();
    expect(Date.now() - t0).toBeLessThan(2_000);
  }, 5_000);

  it("the whole phase ends at its deadline, with what it opened", async () => {
    const t0 = Date.now();
    const r = await openAll<number>({
      count: 1_000_000,
      concurrency: 4,
      make: () => 0,
      open: soon(20),
      discard: () => undefined,
      openTimeoutMs: 1_000,
      phaseMs: 300,
      alive: () => true,
    });
    expect(r.stopped).toBe("deadline");
    expect(r.items.length).toBeGreaterThan(10);
    expect(Date.now() - t0).toBeLessThan(1_500);
  }, 5_000);

  it("a runtime that died stops the phase at once and is reported as such", async () => {
    let alive = true;
    setTimeout(() => {
      alive = false;
    }, 100);
    const t0 = Date.now();
    const r = await openAll<number>({
      count: 10_000,
      concurrency: 8,
      make: () => 0,
      // After the death every open hangs, as a socket to a dead process does.
      open: () => (alive ? soon(10)() : never()),
      discard: () => undefined,
      openTimeoutMs: 60_000,
      phaseMs: 60_000,
      alive: () => alive,
      checkEveryMs: 50,
    });
    expect(r.stopped).toBe("runtime died");
    expect(r.items.length).toBeGreaterThan(0);
    expect(Date.now() - t0).toBeLessThan(1_500);
  }, 5_000);
});
