// `npm run deploy`: build, check the configuration (the doctor's offline checks), apply D1 migrations,
// then deploy. Migrations go first because they are additive (tests/worker/upgrade.test.ts holds every
// new one to that): the worker still running keeps working on the new schema, and the new worker
// never starts on a database without its tables. Durable Object migrations (wrangler.jsonc
// `migrations`) are applied by `wrangler deploy` itself, atomically with the code that needs them.
// `--dry-run` builds and checks without touching Cloudflare (what CI runs).
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { stripJsonc, type WranglerConfig } from "./lib/doctor.ts";

const dry = process.argv.includes("--dry-run");
const env = { ...process.env, WRANGLER_SEND_METRICS: "false" };
const step = (what: string, cmd: string, args: string[]) => {
  console.log(`\n── ${what}`);
  const r = spawnSync(cmd, args, { stdio: "inherit", env });
  if (r.status !== 0) {
    console.error(
      `\n${what} failed: nothing was deployed${what === "deploy" ? " (the migrations already applied are additive)" : ""}`,
    );
    process.exit(1);
  }
};

step("build", "npm", ["run", "build", "--silent"]);
if (dry) {
  const out = mkdtempSync(join(tmpdir(), "edgedesk-dry-run-"));
  try {
    step("deploy --dry-run", "node_modules/.bin/wrangler", ["deploy", "--dry-run", "--outdir", out]);
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
  process.exit(0);
}
step("doctor", "node", ["scripts/ts.mjs", "scripts/doctor.ts"]);
const cfg = JSON.parse(stripJsonc(readFileSync("wrangler.jsonc", "utf8"))) as WranglerConfig;
const db = cfg.d1_databases?.find((d) => d.binding === "DB")?.database_name ?? "edgedesk";
step("D1 migrations", "node_modules/.bin/wrangler", ["d1", "migrations", "apply", db, "--remote"]);
step("deploy", "node_modules/.bin/wrangler", ["deploy"]);
