// `npm test`: lint, the generated `Env` is fresh, no import cycles, typecheck, build, `wrangler deploy --dry-run`, then every suite: unit (Node),
// worker (inside workerd, with the upgrade check of tests/worker/upgrade.test.ts), end-to-end (real
// Chromium against `wrangler dev`). Ends with one "N passed, N failed" line; exits non-zero if anything
// failed or if a suite ran no test (nothing is skipped silently). `npm test -- unit worker` runs only
// those suites.
//
// Everything a suite starts inherits a marker in its environment; whatever is still alive when the
// suites end (a wrangler a crashed test never stopped, its workerd, a Chromium) is killed by it.
import { spawnSync } from "node:child_process";
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

const fail = (what: string): never => {
  console.log(`\n${what}\n0 passed, 1 failed`);
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

const steps: [string, () => number][] = [
  ["lint", () => run("npx", ["biome", "check", "."])],
  // worker/worker-configuration.d.ts (`Env`) against a fresh `wrangler types` of wrangler.jsonc.
  ["env types", () => run("node", ["scripts/ts.mjs", "scripts/env-types.ts"])],
  // Any import cycle in worker/, widget/, console/ or shared/ (the rule: scripts/lib/import-cycles.ts).
  ["import cycles", () => run("node", ["scripts/ts.mjs", "scripts/import-cycles.ts"])],
  ["typecheck", () => run("npm", ["run", "typecheck", "--silent"])],
  ["build", () => run("npm", ["run", "build", "--silent"])],
  // What `wrangler deploy` would upload, built and checked against the bindings without an account.
  [
    "deploy --dry-run",
    () => {
      const out = mkdtempSync(join(tmpdir(), "edgedesk-dry-run-"));
      try {
        return run("node_modules/.bin/wrangler", ["deploy", "--dry-run", "--outdir", out]);
      } finally {
        rmSync(out, { recursive: true, force: true });
      }
    },
  ],
];
if (suites.includes("e2e")) ensureChromium();
for (const [name, step] of steps) {
  console.log(`\n── ${name}`);
  if (step() !== 0) fail(`${name} failed`);
}

mkdirSync("test-results", { recursive: true });
let passed = 0;
let failed = 0;
const lines: string[] = [];
for (const suite of suites) {
  console.log(`\n── ${suite} tests`);
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
}
console.log(`\n${lines.join("\n")}\n\n${passed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);
