// Checks the agent console's size after `vite build`: what an agent downloads before the inbox shows
// (the first load: index.html's entry script, every chunk it imports statically, and the stylesheets
// index.html links) and everything together, including the lazily loaded pages. Agents reload the
// console all day, often on shared office connections; the budget stops quiet growth.
//
// The first load follows the real import graph: Rollup moves modules shared by the entry and lazy pages
// into chunks of their own (named after their first module, e.g. `jsxRuntime-*.js`), which the entry
// loads anyway; counting only `index-*` files missed 21.7 KB of them.
import { readdirSync, readFileSync } from "node:fs";
import { gzipSync } from "node:zlib";

const root = "dist/public/console";
const dir = `${root}/assets`;
const ENTRY_MAX = 75 * 1024;
// All pages together. Raised from 100 KB when the owner's set-up pages arrived (sites, set-up and
// checklist, people and invitations, widget look, knowledge import: +17 KB, all lazy): the first load,
// which every agent pays, keeps its 75 KB. Raised to 138 KB for business hours and later (#17:
// Settings → Business hours, 3.8 KB, lazy; snooze, send later, reminders and their alerts, 4.4 KB in
// the first load, which is what an agent works with all day). Raised to 142 KB for desktop alerts
// (a lazy chunk, 2.9 KB) and @mentions in notes (the picker and the mention cards, 1.2 KB, in the
// first load with the conversation they belong to). Raised to 150 KB for the Quality page (#20, a lazy
// chunk of 3.3 KB) and files in the chat (#17, docs/attachments.md: thumbnails, chips and the
// composer's attach in the first load, 1.7 KB; Settings → Files, 1.7 KB, lazy). Raised to 154 KB for
// the weekly reports page (2.0 KB) and customer health (2.2 KB), both lazy (#20). Raised to 164 KB for
// actions (#19: Settings → Actions with try it, secrets and the call log, the approvals queue and the
// conversation's actions panel: 9.4 KB, one lazy chunk; 0.9 KB in the first load, the action steps in
// the transcript). Raised to 166 KB for proactive outreach (#20: Reach out on the at-risk list, the
// drafts waiting for approval, the rule's draft option; time available and load in Performance), which
// its branch fitted into 164 by trimming, and the ask form's fields in the shared schema every page
// parses (#19), which then passed it by 0.02 KB. Every raise names what it paid for; the first-load budget, which every agent pays
// on every visit, has not moved.
const TOTAL_MAX = 166 * 1024;

const gz = (f) => gzipSync(readFileSync(`${dir}/${f}`), { level: 9 }).length;
const kb = (n) => `${(n / 1024).toFixed(2)} KB`;

/** Chunks a file imports statically (`import"./x.js"`, `from"./x.js"`), never `import("./x.js")`. */
const staticImports = (f) =>
  [...readFileSync(`${dir}/${f}`, "utf8").matchAll(/(?:\bfrom|\bimport)\s*["']\.\/([\w.-]+\.js)["']/g)].map(
    (m) => m[1],
  );

export function firstLoad(html) {
  const assets = (re) => [...html.matchAll(re)].map((m) => m[1].replace(/^.*\/assets\//, ""));
  const seen = new Set();
  const queue = assets(/<script[^>]+type="module"[^>]+src="([^"]+)"/g);
  while (queue.length) {
    const f = queue.shift();
    if (seen.has(f)) continue;
    seen.add(f);
    queue.push(...staticImports(f));
  }
  for (const css of assets(/<link[^>]+rel="stylesheet"[^>]+href="([^"]+)"/g)) seen.add(css);
  return [...seen];
}

const files = readdirSync(dir).filter((f) => /\.(js|css)$/.test(f));
const first = firstLoad(readFileSync(`${root}/index.html`, "utf8"));
const entry = first.reduce((s, f) => s + gz(f), 0);
const total = files.reduce((s, f) => s + gz(f), 0);
console.log(
  `console first load          ${kb(entry).padStart(9)} gzip  (budget ${kb(ENTRY_MAX)}): ${first.join(", ")}`,
);
console.log(`console total (all chunks)  ${kb(total).padStart(9)} gzip  (budget ${kb(TOTAL_MAX)})`);
let over = false;
if (!first.some((f) => f.endsWith(".js")))
  (over = true), console.error("✗ no console entry script found: did vite build run?");
if (entry > ENTRY_MAX) (over = true), console.error(`✗ console first load is over budget by ${kb(entry - ENTRY_MAX)}`);
if (total > TOTAL_MAX) (over = true), console.error(`✗ console is over budget by ${kb(total - TOTAL_MAX)}`);
if (over) process.exit(1);
