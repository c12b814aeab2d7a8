// The worker's `Env`, generated from wrangler.jsonc by `wrangler types` into worker/worker-configuration.d.ts
// (worker/env.ts adds what the generator cannot see: secrets, vars not set in wrangler.jsonc, bindings
// commented out there).
//   node scripts/ts.mjs scripts/env-types.ts --write   (`npm run types`): regenerate the committed file
//   node scripts/ts.mjs scripts/env-types.ts           (`npm test`): fail when the committed file is stale
// The check regenerates beside it under another name and compares every line: `wrangler types --check`
// only compares the hash in the header, so a hand edit of the file would pass it. Same folder, so the
// `import("./index")` paths of the DO classes come out the same; only the output path in the header differs.
// `--env-file /dev/null`: otherwise a developer's .dev.vars (made by `npm run dev`) would add its secrets
// to the generated types, and the file would depend on whose machine made it.
import { spawnSync } from "node:child_process";
import { existsSync, readFileSync, rmSync } from "node:fs";

const OUT = "worker/worker-configuration.d.ts";
const CHECK = "worker/.worker-configuration.check.d.ts";

function generate(path: string): void {
  const r = spawnSync(
    "node_modules/.bin/wrangler",
    ["types", path, "--include-runtime=false", "--strict-vars=false", "--env-file", "/dev/null"],
    { encoding: "utf8", env: { ...process.env, WRANGLER_SEND_METRICS: "false" } },
  );
  if (r.status !== 0) {
    console.error(r.stdout, r.stderr);
    process.exit(1);
  }
}

if (process.argv.includes("--write")) {
  generate(OUT);
  console.log(`${OUT} written`);
  process.exit(0);
}

try {
  generate(CHECK);
  const fresh = readFileSync(CHECK, "utf8").replaceAll(CHECK, OUT);
  const committed = existsSync(OUT) ? readFileSync(OUT, "utf8") : "";
  if (fresh !== committed) {
    const a = committed.split("\n");
    const b = fresh.split("\n");
    const at = b.findIndex((line, i) => line !== a[i]);
    console.error(
      `✗ ${OUT} is stale (wrangler.jsonc or wrangler changed, or the file was edited): run \`npm run types\` and commit it.`,
    );
    console.error(
      `  first difference, line ${at + 1}:\n  committed: ${a[at] ?? "(end)"}\n  generated: ${b[at] ?? "(end)"}`,
    );
    process.exit(1);
  }
  console.log(`${OUT} is up to date with wrangler.jsonc`);
} finally {
  rmSync(CHECK, { force: true });
}
