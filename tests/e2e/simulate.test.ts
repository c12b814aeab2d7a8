// `npm run simulate -- --url` as an operator runs it: the real CLI against a worker under `wrangler dev`
// with the deployment's default write limit (20 in a burst per IP), against a server that never
// answers, and against a URL that is not this machine. Issue #21 (simulate stopped after 20
// conversations and hung) and issue #13 finding 10 (a known owner password left on the target).
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { createServer, type Server } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, expect, it } from "vitest";
import { inDemo, seedDemo } from "../../scripts/lib/demo-seed.ts";
import { admin, type LocalWorker, startWorker } from "../../scripts/lib/worker.ts";

const AUTO_RESOLVE_MS = 1500;
const SHOTS = process.env.E2E_SCREENSHOTS ?? "test-results";
const WATCHER = { email: "e2e-watcher@lumen.example", password: "e2e-watcher-password", name: "W", role: "owner" };
let worker: LocalWorker;
let state: string;

beforeAll(async () => {
  state = mkdtempSync(join(tmpdir(), "edgedesk-e2e-simulate-"));
  // No RATE_LIMIT or LOGIN_RATE_LIMIT: the limits `npm run dev` and a deployment have.
  worker = await startWorker({
    persistTo: state,
    quiet: true,
    vars: { STREAM_DELAY_MS: "0", AUTO_RESOLVE_MS: String(AUTO_RESOLVE_MS) },
  });
  // A fresh worker has no workspace (migrations seed none): the demo one, as `npm run dev` makes it.
  await seedDemo(worker, [worker.url]);
  await admin(worker, "POST", inDemo("/admin/v1/agents"), WATCHER);
});

afterAll(async () => {
  await worker?.stop();
  if (state) rmSync(state, { recursive: true, force: true });
});

/** Runs the CLI to its end (or kills it after `ms`); its exit code and output. */
function simulateCli(
  args: string[],
  ms: number,
  env: Record<string, string> = {},
): Promise<{ code: number | null; out: string; killed: boolean }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ["scripts/ts.mjs", "scripts/simulate.ts", ...args], {
      env: { ...process.env, ADMIN_TOKEN: "", ...env },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let out = "";
    child.stdout.on("data", (d: Buffer) => (out += d.toString()));
    child.stderr.on("data", (d: Buffer) => (out += d.toString()));
    let killed = false;
    const timer = setTimeout(() => {
      killed = true;
      child.kill("SIGKILL");
    }, ms);
    child.on("exit", (code) => {
      clearTimeout(timer);
      resolve({ code, out, killed });
    });
  });
}

async function watcherCookie(): Promise<string> {
  const login = await fetch(`${worker.url}/api/auth/login`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(WATCHER),
  });
  return (login.headers.get("set-cookie") ?? "").split(";")[0] ?? "";
}

async function agentEmails(): Promise<string[]> {
  const cookie = await watcherCookie();
  const r = await fetch(`${worker.url}/api/agents`, { headers: { cookie } });
  return ((await r.json()) as { agents: { email: string }[] }).agents.map((a) => a.email);
}

it("runs 30 conversations against a running worker with the default write limit, then removes its accounts", async () => {
  const before = await agentEmails();
  const run = await simulateCli(
    [
      "--url",
      worker.url,
      "--token",
      worker.adminToken,
      "--conversations",
      "30",
      "--concurrency",
      "10",
      "--auto-resolve-ms",
      String(AUTO_RESOLVE_MS),
      "--pages-screenshots",
      SHOTS,
    ],
    230_000,
  );
  expect(run.killed, run.out).toBe(false);
  expect(run.code, run.out).toBe(0);
  expect(run.out).toMatch(/simulated 30 conversations in [\d.]+ s: \d+ handed off/);
  expect(run.out).toContain("removed the simulation's 4 accounts and site key sim_site");
  // The pages of issue #20 have data: verified customers grouped in companies, some at risk; a rule's drafted
  // outreach (one approved, one waiting) and an agent's; a lead's overrides; the weekly report.
  expect(run.out).toContain(
    "customer health: 6 contacts in 3 companies (Northwind Traders, globex.example, initech.example), 2 at risk; " +
      "outreach: 2 drafted by a rule (1 approved), 1 sent by an agent; 3 scores overridden; weekly report made",
  );
  expect(run.out).toMatch(
    /page screenshots: .*sim-quality\.png.*sim-performance\.png.*sim-reports\.png.*sim-customers\.png.*sim-outreach-approval\.png/,
  );
  const cookie = await watcherCookie();
  const get = async <T>(path: string): Promise<T> =>
    (await (await fetch(`${worker.url}${path}`, { headers: { cookie } })).json()) as T;
  const atRisk = await get<{ customers: { email?: string; reasons: string[] }[] }>(
    "/api/customer-health/contacts?atRisk=1",
  );
  expect(atRisk.customers.map((c) => c.email).sort()).toEqual([
    "ned.park@northwind.example",
    "nora.hale@northwind.example",
  ]);
  expect(atRisk.customers.every((c) => c.reasons.length > 0)).toBe(true);
  const outreach = await get<{ outreach: { status: string; ruleId?: string }[] }>("/api/outreach");
  expect(outreach.outreach.map((o) => `${o.status}:${o.ruleId ? "rule" : "agent"}`).sort()).toEqual([
    "proposed:rule",
    "sent:agent",
    "sent:rule",
  ]);
  const stats = await get<{ overrides: number }>("/api/quality/overrides/stats");
  expect(stats.overrides).toBe(3);
  expect((await get<{ reports: unknown[] }>("/api/reports/weekly")).reports.length).toBeGreaterThan(0);
  // Time available, measured while the simulation's agents were online (they are removed now): every agent
  // some, and Kai, away for the customer-health part, less than Sam.
  const avail = /time available: Sam Rivera (\d+) s, Ana Costa (\d+) s, Kai Tanaka (\d+) s/.exec(run.out);
  expect(avail, run.out).not.toBeNull();
  const [sam, ana, kai] = (avail ?? []).slice(1).map(Number) as [number, number, number];
  expect(Math.min(sam, ana, kai)).toBeGreaterThan(0);
  expect(kai).toBeLessThan(sam);
  // Nothing it made can sign in afterwards: the accounts are gone, and the old fixed logins never existed.
  expect(await agentEmails()).toEqual(before);
  for (const [email, password] of [
    ["olivia@lumen.example", "simulate-owner-pass"],
    ["sam@lumen.example", "simulate-agent-pass"],
  ]) {
    const r = await fetch(`${worker.url}/api/auth/login`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ email, password }),
    });
    expect(r.status).toBe(401);
  }
  // Its site key is gone too: nobody can start conversations with it any more.
  const started = await fetch(`${worker.url}/v1/conversations?site=sim_site`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ locale: "en" }),
  });
  expect(started.status).toBeGreaterThanOrEqual(400);
}, 240_000);

it("gives up with a clear error when the target never answers, instead of hanging", async () => {
  // Accepts connections and never answers a byte.
  const silent: Server = createServer(() => {});
  await new Promise<void>((ready) => silent.listen(0, "127.0.0.1", ready));
  const url = `http://127.0.0.1:${(silent.address() as AddressInfo).port}`;
  try {
    const run = await simulateCli(["--url", url, "--token", "t", "--conversations", "5", "--timeout-s", "2"], 30_000);
    expect(run.killed, run.out).toBe(false);
    expect(run.code).toBe(1);
    expect(run.out).toContain(`no answer from ${url} within 2 s`);
  } finally {
    silent.closeAllConnections();
    silent.close();
  }
}, 40_000);

it("refuses a URL that is not this machine unless --allow-remote is given", async () => {
  const run = await simulateCli(["--url", "https://desk.example.com", "--token", "t", "--conversations", "5"], 20_000);
  expect(run.code).toBe(2);
  expect(run.out).toContain("refusing to simulate against https://desk.example.com");
  expect(run.out).toContain("--allow-remote");
}, 30_000);
