// `npm run wire`: writes widget/app/wire-shapes.gen.ts, the shapes of what the widget receives, from the
// shared zod schemas (scripts/lib/wire-shapes.ts), and formats it with Biome. Run it after changing a
// schema the widget receives; widget/app/wire.test.ts fails until then.
import { spawnSync } from "node:child_process";
import { writeFileSync } from "node:fs";
import { wireShapesModule } from "./lib/wire-shapes.ts";

const OUT = "widget/app/wire-shapes.gen.ts";
writeFileSync(OUT, wireShapesModule());
const r = spawnSync("node_modules/.bin/biome", ["format", "--write", OUT], { stdio: "inherit" });
if (r.status !== 0) process.exit(1);
console.log(`${OUT} written`);
