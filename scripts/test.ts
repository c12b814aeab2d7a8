// `npm test`: typecheck, build, then every suite: unit (Node), worker (inside workerd), end-to-end
// (real Chromium against `wrangler dev`). Ends with one "N passed, N failed" line; exits non-zero if
// anything failed or if a suite ran no test (nothing is skipped silently).
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, rmSync } from "node:fs";

type Report = {
  numPassedTests: number;
  numFailedTests: number;
  numPendingTests: number;
  numTotalTests: number;
  success: boolean;
};

const run = (cmd: string, args: string[]) =>
  spawnSync(cmd, args, { stdio: "inherit", env: { ...process.env, FORCE_COLOR: process.env.CI ? "0" : "1" } }).status ??
  1;

const steps: [string, () => number][] = [
  ["typecheck", () => run("npm", ["run", "typecheck", "--silent"])],
  ["build", () => run("npm", ["run", "build", "--silent"])],
];
for (const [name, step] of steps) {
  console.log(`\n── ${name}`);
  if (step() !== 0) {
    console.log(`\n${name} failed\n0 passed, 1 failed`);
    process.exit(1);
  }
}

mkdirSync("test-results", { recursive: true });
const only = process.argv.slice(2);
const suites = ["unit", "worker", "e2e"].filter((s) => !only.length || only.includes(s));
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
}
console.log(`\n${lines.join("\n")}\n\n${passed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);
