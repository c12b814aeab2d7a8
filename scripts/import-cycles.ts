// `npm test`'s import-cycle step (also `node scripts/ts.mjs scripts/import-cycles.ts`): fails when the
// runtime imports of worker/, widget/, console/ or shared/ form any cycle, and prints each knot's files
// with one cycle through them. The rule (type-only imports count, dynamic `import()` does not) and
// why: lib/import-cycles.ts.
// No allow-list: a cycle is fixed, not recorded.
import { readdirSync } from "node:fs";
import { join } from "node:path";
import { importGraph, knots, shortestCycle } from "./lib/import-cycles.ts";

const FOLDERS = ["worker", "widget", "console", "shared"];

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = join(dir, e.name);
    if (e.isDirectory()) return e.name === "node_modules" || e.name === "dist" ? [] : sources(p);
    return /\.tsx?$/.test(e.name) && !e.name.endsWith(".d.ts") ? [p] : [];
  });
}

const graph = importGraph(FOLDERS.flatMap(sources));
const found = knots(graph);
for (const [n, knot] of found.entries()) {
  console.log(`\ncycle ${n + 1}: ${knot.length} files`);
  console.log(`  e.g. ${shortestCycle(graph, knot).join(" → ")}`);
  for (const f of knot) console.log(`  ${f}`);
}
console.log(
  found.length
    ? `\n✗ ${found.length} import cycle(s) among ${graph.size} modules of ${FOLDERS.join(", ")}`
    : `no import cycles among ${graph.size} modules of ${FOLDERS.join(", ")}`,
);
process.exit(found.length ? 1 : 0);
