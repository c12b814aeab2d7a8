// Builds the upgrade check's snapshot (tests/worker/upgrade.test.ts): a D1 database as a previous
// release left it, with data, exported the way `wrangler d1 export` exports a production database.
// Run it once per release you want the check to start from; the output is committed, so the test
// needs neither git history nor network:
//
//   node scripts/ts.mjs scripts/upgrade-fixture.ts --from 77de114 [--seed tests/fixtures/upgrade/seed-77de114.sql]
//
// It takes that commit's worker/db/migrations, applies them with wrangler to an empty local D1, runs
// the seed (data written for that release's schema) and exports schema, data and the d1_migrations
// table to tests/fixtures/upgrade/db/release-<commit>.sql.
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";

const arg = (name: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : undefined;
};
const from = arg("from");
if (!from) throw new Error("usage: upgrade-fixture.ts --from <commit> [--seed file.sql]");
const seed = resolve(arg("seed") ?? `tests/fixtures/upgrade/seed-${from}.sql`);
const out = resolve(`tests/fixtures/upgrade/db/release-${from}.sql`);

const git = (...args: string[]) => {
  const r = spawnSync("git", args, { encoding: "utf8" });
  if (r.status !== 0) throw new Error(`git ${args.join(" ")}: ${r.stderr}`);
  return r.stdout;
};

const dir = mkdtempSync(join(tmpdir(), "edgedesk-upgrade-"));
try {
  mkdirSync(join(dir, "migrations"));
  for (const path of git("ls-tree", "--name-only", from, "worker/db/migrations/").trim().split("\n")) {
    writeFileSync(join(dir, "migrations", path.split("/").pop() as string), git("show", `${from}:${path}`));
  }
  writeFileSync(
    join(dir, "wrangler.jsonc"),
    JSON.stringify({
      name: "edgedesk-upgrade-fixture",
      compatibility_date: "2026-04-20",
      d1_databases: [
        { binding: "DB", database_name: "release", database_id: "release", migrations_dir: join(dir, "migrations") },
      ],
    }),
  );
  const wrangler = (...args: string[]) => {
    const r = spawnSync(
      resolve("node_modules/.bin/wrangler"),
      // State goes next to the config (the temporary directory): `d1 export` takes no --persist-to.
      [...args, "--local", "-c", join(dir, "wrangler.jsonc")],
      { encoding: "utf8", env: { ...process.env, CI: "1", WRANGLER_SEND_METRICS: "false" } },
    );
    if (r.status !== 0) throw new Error(`wrangler ${args.join(" ")}:\n${r.stdout}\n${r.stderr}`);
  };
  wrangler("d1", "migrations", "apply", "release");
  wrangler("d1", "execute", "release", "--file", seed);
  mkdirSync(resolve("tests/fixtures/upgrade/db"), { recursive: true });
  wrangler("d1", "export", "release", "--output", out);
  console.log(`wrote ${out}`);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
