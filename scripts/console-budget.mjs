// Checks the agent console's size after `vite build`: what an agent downloads before the inbox shows
// (the entry chunk and its CSS) and everything together, including the lazily loaded pages. Agents
// reload the console all day, often on shared office connections; the budget stops quiet growth.
import { readdirSync, readFileSync } from "node:fs";
import { gzipSync } from "node:zlib";

const dir = "dist/public/console/assets";
const ENTRY_MAX = 75 * 1024;
const TOTAL_MAX = 100 * 1024;

const files = readdirSync(dir).filter((f) => /\.(js|css)$/.test(f));
const gz = (f) => gzipSync(readFileSync(`${dir}/${f}`), { level: 9 }).length;
const kb = (n) => `${(n / 1024).toFixed(2)} KB`;
const entry = files.filter((f) => f.startsWith("index-")).reduce((s, f) => s + gz(f), 0);
const total = files.reduce((s, f) => s + gz(f), 0);
console.log(`console entry (index JS+CSS) ${kb(entry).padStart(9)} gzip  (budget ${kb(ENTRY_MAX)})`);
console.log(`console total (all chunks)   ${kb(total).padStart(9)} gzip  (budget ${kb(TOTAL_MAX)})`);
let over = false;
if (!entry) (over = true), console.error("✗ no console entry chunk found: did vite build run?");
if (entry > ENTRY_MAX) (over = true), console.error(`✗ console entry is over budget by ${kb(entry - ENTRY_MAX)}`);
if (total > TOTAL_MAX) (over = true), console.error(`✗ console is over budget by ${kb(total - TOTAL_MAX)}`);
if (over) process.exit(1);
