// `npm test`: lint, the generated `Env` is fresh, no import cycles, typecheck, build, `wrangler deploy --dry-run`, then every suite: unit (Node),
// worker (inside workerd, with the upgrade check of tests/worker/upgrade.test.ts), end-to-end (real
// Chromium against `wrangler dev`). Ends with one "N passed, N failed" line; exits non-zero if anything
// failed or if a suite ran no test (nothing is skipped silently). `npm test -- unit worker` runs only
// those suites. The checks before the suites run side by side (their output is printed whole as each
// ends); the suites run one after another. The last lines say how long each step took.
//
// Everything a suite starts inherits a marker in its environment; whatever is still alive when the
// suites end (a wrangler a crashed test never stopped, its workerd, a Chromium) is killed by it.
import { spawn, spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { hasChromium } from "./lib/browser.ts";
import { INSTALL_COMMAND, planChromium } from "./lib/chromium-setup.ts";
import { killMarked, RUN_MARKER } from "./lib/procs.ts";

type Report = {
  numPassedTests: number;
  numFailedTests: number;
  numPendingTests: number;
  numTotalTests: number;
  success: boolean;
};

const runId = `${process.pid}-${randomBytes(6).toString("hex")}`;
const env = { ...process.env, FORCE_COLOR: process.env.CI ? "0" : "1", [RUN_MARKER]: runId };
const run = (cmd: string, args: string[]) => spawnSync(cmd, args, { stdio: "inherit", env }).status ?? 1;

/** Runs a command with its output kept, for a check that runs beside others. */
const captured = (cmd: string, args: string[]): Promise<{ status: number; out: string }> =>
  new Promise((resolve) => {
    const child = spawn(cmd, args, { env, stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    child.stdout.on("data", (d: Buffer) => (out += d.toString()));
    child.stderr.on("data", (d: Buffer) => (out += d.toString()));
    child.on("error", (e) => resolve({ status: 1, out: `${out}${String(e)}\n` }));
    child.on("close", (code) => resolve({ status: code ?? 1, out }));
  });

const started = Date.now();
/** Seconds per step, printed at the end (and on a failure) so the next person sees where the time goes. */
const times: [string, number][] = [];
const seconds = (since: number) => (Date.now() - since) / 1000;
function timeTable(): string {
  const rows = [...times, ["total", seconds(started)] as [string, number]];
  return `── time per step\n${rows.map(([n, t]) => `  ${n.padEnd(30)} ${t.toFixed(1).padStart(7)} s`).join("\n")}`;
}

const fail = (what: string): never => {
  console.log(`\n${timeTable()}\n\n${what}\n0 passed, 1 failed`);
  process.exit(1);
};

const only = process.argv.slice(2);
const suites = ["unit", "worker", "e2e"].filter((s) => !only.length || only.includes(s));

/** The browser suite needs Debian's Chromium (scripts/lib/chromium-setup.ts decides what to do). */
function ensureChromium(): void {
  const plan = planChromium({
    present: hasChromium(),
    root: typeof process.getuid === "function" && process.getuid() === 0,
    apt: spawnSync("sh", ["-c", "command -v apt-get"], { encoding: "utf8" }).status === 0,
    customPath: process.env.CHROMIUM_PATH,
  });
  if (plan.kind === "ready") return;
  if (plan.kind === "stop") fail(plan.message);
  console.log("\n── chromium (missing: installing Debian's package)");
  const aptEnv = { ...process.env, DEBIAN_FRONTEND: "noninteractive" };
  const ok =
    spawnSync("apt-get", ["update", "-qq"], { stdio: "inherit", env: aptEnv }).status === 0 &&
    spawnSync("apt-get", ["install", "-y", "-qq", "chromium"], { stdio: "inherit", env: aptEnv }).status === 0;
  if (!ok || !hasChromium()) fail(`Installing Chromium failed: run \`${INSTALL_COMMAND}\`, then npm test`);
}

type Check = { name: string; cmd: string; args: string[] };
// Each inner list runs in order (`wrangler deploy --dry-run` uploads dist/public, which the build
// makes); the lists run side by side: on 2 cores about 13 s instead of 22 s one after another.
const dryRunDir = mkdtempSync(join(tmpdir(), "edgedesk-dry-run-"));
const checks: Check[][] = [
  [{ name: "typecheck", cmd: "npm", args: ["run", "typecheck", "--silent"] }],
  [
    { name: "build", cmd: "npm", args: ["run", "build", "--silent"] },
    // What `wrangler deploy` would upload, built and checked against the bindings without an account.
    {
      name: "deploy --dry-run",
      cmd: "node_modules/.bin/wrangler",
      args: ["deploy", "--dry-run", "--outdir", dryRunDir],
    },
  ],
  [
    { name: "lint", cmd: "npx", args: ["biome", "check", "."] },
    // worker/worker-configuration.d.ts (`Env`) against a fresh `wrangler types` of wrangler.jsonc.
    { name: "env types", cmd: "node", args: ["scripts/ts.mjs", "scripts/env-types.ts"] },
    // Any import cycle in worker/, widget/, console/ or shared/ (the rule: scripts/lib/import-cycles.ts).
    { name: "import cycles", cmd: "node", args: ["scripts/ts.mjs", "scripts/import-cycles.ts"] },
  ],
];

/** Runs the checks of one list in order; the name of the first that failed, or null. */
async function runChain(chain: Check[]): Promise<string | null> {
  for (const c of chain) {
    const t = Date.now();
    const { status, out } = await captured(c.cmd, c.args);
    times.push([c.name, seconds(t)]);
    console.log(`\n── ${c.name} (${seconds(t).toFixed(1)} s${status ? ", FAILED" : ""})\n${out.trimEnd()}`);
    if (status !== 0) return c.name;
  }
  return null;
}

if (suites.includes("e2e")) ensureChromium();
const checksStarted = Date.now();
const failedChecks = (await Promise.all(checks.map(runChain))).filter((n): n is string => n !== null);
rmSync(dryRunDir, { recursive: true, force: true });
times.push(["checks (side by side)", seconds(checksStarted)]);
if (failedChecks.length) fail(`${failedChecks.join(", ")} failed`);

mkdirSync("test-results", { recursive: true });
let passed = 0;
let failed = 0;
const lines: string[] = [];
for (const suite of suites) {
  console.log(`\n── ${suite} tests`);
  const suiteStarted = Date.now();
  const out = `test-results/${suite}.json`;
  rmSync(out, { force: true });
  const status = run("npx", [
    "vitest",
    "run",
    "-c",
    `vitest.${suite}.config.ts`,
    "--reporter=default",
    "--reporter=json",
    `--outputFile=${out}`,
  ]);
  const r: Report | null = existsSync(out) ? (JSON.parse(readFileSync(out, "utf8")) as Report) : null;
  const p = r?.numPassedTests ?? 0;
  // A suite that crashed or ran nothing counts as a failure, never as a pass.
  const f =
    (r?.numFailedTests ?? 0) + (status !== 0 && !r?.numFailedTests ? 1 : 0) + (r && r.numTotalTests === 0 ? 1 : 0);
  passed += p;
  failed += f;
  lines.push(
    `  ${suite.padEnd(7)} ${p} passed, ${f} failed${r?.numPendingTests ? `, ${r.numPendingTests} skipped` : ""}`,
  );
  const left = killMarked(RUN_MARKER, runId);
  if (left) lines.push(`  ${suite.padEnd(7)} left ${left} process(es) running: killed`);
  times.push([`${suite} tests`, seconds(suiteStarted)]);
}
console.log(`\n${timeTable()}\n\n${lines.join("\n")}\n\n${passed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);
