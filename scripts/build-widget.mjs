// Builds the embeddable widget (loader + app) with Vite's JS API, then checks the size budget that
// keeps it cheap for customers' pages: loader ≤ 3 KB gzip, loader + app (JS with inlined CSS) ≤ 30 KB.
import { build } from "vite";
import { readFileSync, rmSync } from "node:fs";
import { gzipSync } from "node:zlib";
import { writeFigures } from "./lib/doc-figures.mjs";

const out = "dist/public";
const LOADER_MAX = 3 * 1024;
const TOTAL_MAX = 30 * 1024;

for (const f of ["widget.js", "widget-app.js"]) rmSync(`${out}/${f}`, { force: true });
for (const mode of ["widget-loader", "widget-app"]) {
  await build({ configFile: "vite.config.ts", mode, logLevel: "warn" });
}

const gz = (f) => gzipSync(readFileSync(`${out}/${f}`), { level: 9 }).length;
const raw = (f) => readFileSync(`${out}/${f}`).length;
const kb = (n) => `${(n / 1024).toFixed(2)} KB`;
const loader = gz("widget.js");
const app = gz("widget-app.js");
const total = loader + app;

console.log(
  `widget.js      ${kb(raw("widget.js")).padStart(9)} raw  ${kb(loader).padStart(8)} gzip  (budget ${kb(LOADER_MAX)})`,
);
console.log(`widget-app.js  ${kb(raw("widget-app.js")).padStart(9)} raw  ${kb(app).padStart(8)} gzip`);
console.log(`widget total   ${"".padStart(13)} ${kb(total).padStart(8)} gzip  (budget ${kb(TOTAL_MAX)})`);

// The READMEs quote these figures between build markers; they are the build's, never typed by hand.
const short = (n) => `${(n / 1024).toFixed(1)} KB`;
writeFigures({ "widget-loader": short(loader), "widget-app": short(app), "widget-total": short(total) });

let over = false;
if (loader > LOADER_MAX) (over = true), console.error(`✗ loader is over budget by ${kb(loader - LOADER_MAX)}`);
if (total > TOTAL_MAX) (over = true), console.error(`✗ widget is over budget by ${kb(total - TOTAL_MAX)}`);
if (over) process.exit(1);
