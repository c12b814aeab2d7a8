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
import { generate, OUT, staleness } from "./lib/env-types.ts";

if (process.argv.includes("--write")) {
  generate(".");
  console.log(`${OUT} written`);
  process.exit(0);
}
const stale = staleness(".");
if (stale) {
  console.error(
    `✗ ${OUT} is stale (wrangler.jsonc or wrangler changed, or the file was edited): run \`npm run types\` and commit it.\n  ${stale}`,
  );
  process.exit(1);
}
console.log(`${OUT} is up to date with wrangler.jsonc`);
