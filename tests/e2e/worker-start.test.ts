// Two browser test files start their workers at the same moment (vitest.e2e.config.ts), and other
// runs on the machine pick free ports too: a port found free can be taken before wrangler binds it.
// startWorker (scripts/lib/worker.ts) must then neither hand out a URL where another server answers
// nor fail the file: it tries a new port. Here "the other server" holds the port first and answers
// /health like a worker would.
import { mkdtempSync, rmSync } from "node:fs";
import { createServer, type Server } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, afterEach, beforeAll, expect, it, vi } from "vitest";
import * as procs from "../../scripts/lib/procs.ts";
import { startWorker, type LocalWorker } from "../../scripts/lib/worker.ts";
import { listen } from "./harness.ts";

vi.mock("../../scripts/lib/procs.ts", { spy: true });

let other: Server;
let otherPort: number;
let worker: LocalWorker | undefined;
const dirs: string[] = [];
const tempState = () => {
  const d = mkdtempSync(join(tmpdir(), "edgedesk-e2e-port-"));
  dirs.push(d);
  return d;
};

// As under `npm test` (scripts/test.ts sets it): wrangler then prints its "Ready on" URL in colour codes.
const savedColor = process.env.FORCE_COLOR;
beforeAll(async () => {
  process.env.FORCE_COLOR = "1";
  other = createServer((_req, res) => res.end("ok"));
  otherPort = Number(new URL(await listen(other)).port);
});
afterEach(async () => {
  await worker?.stop();
  worker = undefined;
});
afterAll(async () => {
  if (savedColor === undefined) delete process.env.FORCE_COLOR;
  else process.env.FORCE_COLOR = savedColor;
  await new Promise<void>((r) => other.close(() => r()));
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

it("tries a new port when the free one it found was taken before wrangler could bind it", async () => {
  vi.mocked(procs.freePort).mockResolvedValueOnce(otherPort);
  worker = await startWorker({ quiet: true, persistTo: tempState() });
  expect(worker.port).not.toBe(otherPort);
  expect(vi.mocked(procs.freePort)).toHaveBeenCalledTimes(2);
  // The worker answers, not the other server: its admin API knows its token.
  const r = await fetch(`${worker.url}/admin/v1/workspaces`, {
    headers: { authorization: `Bearer ${worker.adminToken}` },
  });
  expect(r.status).toBe(200);
});

it("fails, naming the taken port, when the caller chose a port that is taken", async () => {
  const start = startWorker({ quiet: true, port: otherPort, persistTo: tempState() });
  // Should it start after all, afterEach stops it.
  start.then((w) => (worker = w)).catch(() => undefined);
  await expect(start).rejects.toThrow(/Address already in use/);
});
