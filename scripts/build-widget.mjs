// Builds the embeddable widget (loader + app, and the app's lazy chunks) with Vite's JS API, then checks
// the size budget that keeps it cheap for customers' pages: loader ≤ 3 KB gzip, loader + app (JS with
// inlined CSS) ≤ 30 KB. The chunks are fetched only when a visitor needs them (widget/app/lazy.ts), each
// with a budget of its own: the upload chunk (attaching a file) ≤ 6 KB, the form for a value an action
// asks for ≤ 3 KB, a language's words ≤ 2 KB.
import { build } from "vite";
import { readFileSync, rmSync } from "node:fs";
import { gzipSync } from "node:zlib";
import { writeFigures } from "./lib/doc-figures.mjs";

const out = "dist/public";
const LOADER_MAX = 3 * 1024;
const TOTAL_MAX = 30 * 1024;
const UPLOAD_MAX = 6 * 1024;
const FORM_MAX = 3 * 1024;
const WORDS_MAX = 2 * 1024;

const files = ["widget.js", "widget-app.js", "widget-upload.js", "widget-form.js", "widget-es.js"];
for (const f of files) rmSync(`${out}/${f}`, { force: true });
for (const mode of ["widget-loader", "widget-app", "widget-upload", "widget-form", "widget-es"]) {
  await build({ configFile: "vite.config.ts", mode, logLevel: "warn" });
}

const gz = (f) => gzipSync(readFileSync(`${out}/${f}`), { level: 9 }).length;
const raw = (f) => readFileSync(`${out}/${f}`).length;
const kb = (n) => `${(n / 1024).toFixed(2)} KB`;
const loader = gz("widget.js");
const app = gz("widget-app.js");
const total = loader + app;
const upload = gz("widget-upload.js");
const form = gz("widget-form.js");
const es = gz("widget-es.js");

console.log(
  `widget.js      ${kb(raw("widget.js")).padStart(9)} raw  ${kb(loader).padStart(8)} gzip  (budget ${kb(LOADER_MAX)})`,
);
console.log(`widget-app.js  ${kb(raw("widget-app.js")).padStart(9)} raw  ${kb(app).padStart(8)} gzip`);
console.log(`widget total   ${"".padStart(13)} ${kb(total).padStart(8)} gzip  (budget ${kb(TOTAL_MAX)})`);
console.log(
  `widget-upload.js ${kb(raw("widget-upload.js")).padStart(7)} raw  ${kb(upload).padStart(8)} gzip  (budget ${kb(UPLOAD_MAX)}; on the first file only)`,
);
console.log(
  `widget-form.js ${kb(raw("widget-form.js")).padStart(9)} raw  ${kb(form).padStart(8)} gzip  (budget ${kb(FORM_MAX)}; when an action asks for a value)`,
);
console.log(
  `widget-es.js   ${kb(raw("widget-es.js")).padStart(9)} raw  ${kb(es).padStart(8)} gzip  (budget ${kb(WORDS_MAX)}; Spanish pages and chats only)`,
);

// The READMEs quote these figures between build markers; they are the build's, never typed by hand.
const short = (n) => `${(n / 1024).toFixed(1)} KB`;
writeFigures({
  "widget-loader": short(loader),
  "widget-app": short(app),
  "widget-total": short(total),
  "widget-upload": short(upload),
  "widget-form": short(form),
  "widget-es": short(es),
});

let over = false;
if (loader > LOADER_MAX) (over = true), console.error(`✗ loader is over budget by ${kb(loader - LOADER_MAX)}`);
if (total > TOTAL_MAX) (over = true), console.error(`✗ widget is over budget by ${kb(total - TOTAL_MAX)}`);
if (upload > UPLOAD_MAX)
  (over = true), console.error(`✗ the upload chunk is over budget by ${kb(upload - UPLOAD_MAX)}`);
if (form > FORM_MAX) (over = true), console.error(`✗ the form chunk is over budget by ${kb(form - FORM_MAX)}`);
if (es > WORDS_MAX) (over = true), console.error(`✗ the Spanish words are over budget by ${kb(es - WORDS_MAX)}`);
if (over) process.exit(1);
