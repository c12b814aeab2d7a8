// No test run leaves a process behind: when a later step of the harness throws (here the browser
// launch, made to fail on purpose), the worker it already started is stopped with all its children.
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, expect, it } from "vitest";
import { processesMarked } from "../../scripts/lib/procs.ts";
import { startWorker } from "../../scripts/lib/worker.ts";
import { startHarness } from "./harness.ts";

const PROBE = "EDGEDESK_LEAK_PROBE";
const saved = { chromium: process.env.CHROMIUM_PATH, probe: process.env[PROBE] };

afterEach(() => {
  for (const [k, v] of [
    ["CHROMIUM_PATH", saved.chromium],
    [PROBE, saved.probe],
  ] as const)
    if (v === undefined) delete process.env[k];
    else process.env[k] = v;
});

it("sees a running worker's processes by their marker, and none once it is stopped", async () => {
  const probe = randomBytes(6).toString("hex");
  process.env[PROBE] = probe;
  // State of its own: without one, wrangler would migrate the dev command's .wrangler/state in place
  // (8 s on a fresh clone) and this test would write into a developer's local data.
  const state = mkdtempSync(join(tmpdir(), "edgedesk-e2e-leak-"));
  const w = await startWorker({ quiet: true, persistTo: state });
  const alive = processesMarked(PROBE, probe);
  await w.stop();
  rmSync(state, { recursive: true, force: true });
  // wrangler and the workerd it runs, at least: the check below would see a leak.
  expect(alive.length).toBeGreaterThanOrEqual(2);
  expect(processesMarked(PROBE, probe)).toEqual([]);
});

it("stops the worker it started when the browser launch fails", async () => {
  const probe = randomBytes(6).toString("hex");
  process.env[PROBE] = probe;
  process.env.CHROMIUM_PATH = "/nonexistent/chromium";
  await expect(startHarness()).rejects.toThrow();
  expect(processesMarked(PROBE, probe)).toEqual([]);
});
