// `wrangler types` for the worker's `Env` (scripts/env-types.ts runs it; the why of each flag is there).
import { spawnSync } from "node:child_process";
import { existsSync, readFileSync, rmSync } from "node:fs";
import { join, resolve } from "node:path";

export const OUT = "worker/worker-configuration.d.ts";
const CHECK = "worker/.worker-configuration.check.d.ts";
const WRANGLER = resolve("node_modules/.bin/wrangler");

/** Writes `path` (relative to `root`, the folder of wrangler.jsonc); throws with wrangler's output on failure. */
export function generate(root: string, path = OUT): void {
  const r = spawnSync(
    WRANGLER,
    ["types", path, "--include-runtime=false", "--strict-vars=false", "--env-file", "/dev/null"],
    { cwd: root, encoding: "utf8", env: { ...process.env, WRANGLER_SEND_METRICS: "false" } },
  );
  if (r.status !== 0) throw new Error(`wrangler types failed:\n${r.stdout}\n${r.stderr}`);
}

/** Null when the committed file is what `wrangler types` makes now; otherwise the first difference. */
export function staleness(root: string): string | null {
  try {
    generate(root, CHECK);
    const fresh = readFileSync(join(root, CHECK), "utf8").replaceAll(CHECK, OUT);
    const committed = existsSync(join(root, OUT)) ? readFileSync(join(root, OUT), "utf8") : "";
    if (fresh === committed) return null;
    const a = committed.split("\n");
    const b = fresh.split("\n");
    const at = b.findIndex((line, i) => line !== a[i]);
    return `first difference, line ${at + 1}:\n  committed: ${a[at] ?? "(end)"}\n  generated: ${b[at] ?? "(end)"}`;
  } finally {
    rmSync(join(root, CHECK), { force: true });
  }
}
