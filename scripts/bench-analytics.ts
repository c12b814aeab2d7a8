// `npm run bench:analytics [-- --conversations 100000 --runs 5 --out DIR]`
// How long the dashboard's queries take over many conversations. SYNTHETIC DATA, FOR TIMING ONLY:
// it writes N made-up conversations' events (workspace `synthetic-bench`, spread over 30 days, about
// 6 events each with answers, handoffs, agent replies, resolves, ratings, verdicts, votes and gap
// questions) straight into a fresh local D1 with SQL, starts the worker on it, and times every chart
// through the real API (`GET /api/analytics/:chart.csv`, one query each) and the whole dashboard
// (`GET /api/analytics`), reporting the p50 of a few runs. None of this is shown as real figures.
// The per-conversation rows (`analytics_conversations`) are filled as in production: by the trigger
// on `analytics_events` (migration 0011) as the events are inserted, so loading includes that work;
// the script checks there is one row per conversation. `--out DIR` saves each chart's CSV (first
// run), to compare the figures of two versions.
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { CHARTS, type AnalyticsReport } from "../shared/analytics.ts";
import { startWorker } from "./lib/worker.ts";

const arg = (name: string, d: number) => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : d;
};
const N = arg("conversations", 100_000);
const RUNS = arg("runs", 5);
const outIndex = process.argv.indexOf("--out");
const OUT = outIndex >= 0 ? process.argv[outIndex + 1] : undefined;
const WS = "synthetic-bench";
const DAY = 86_400_000;
const to = Date.parse(new Date().toISOString().slice(0, 10)) + DAY;
const from = to - 30 * DAY;
const step = Math.floor((30 * DAY) / N);

// Pseudo-random but deterministic per conversation i: r(i, k) is in 0..99.
const r = (k: number) => `((i * ${k} + ${k * 7}) % 100)`;
const at = `(${from} + i * ${step})`;
const answered = `${r(7919)} < 70`;
const handedOff = `(${r(7919)} >= 70 AND ${r(7919)} < 85) OR (${r(7919)} >= 95 AND i % 2 = 0)`;
const sql = `
INSERT OR IGNORE INTO workspaces (id, name, created_at) VALUES ('${WS}', 'Synthetic (timing only)', 0);
CREATE TABLE bench_n (i INTEGER PRIMARY KEY);
WITH RECURSIVE s(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM s WHERE i < ${N - 1}) INSERT INTO bench_n SELECT i FROM s;
INSERT INTO analytics_events (workspace_id, conversation_id, seq, type, channel, category, article_id, actor, reason, value, at)
SELECT '${WS}', 'syn-' || i, 0, 'started', CASE WHEN i % 10 < 7 THEN 'chat' WHEN i % 10 < 9 THEN 'portal' ELSE 'api' END, NULL, NULL, 'customer', NULL, 1, ${at} FROM bench_n;
INSERT INTO analytics_events SELECT '${WS}', 'syn-' || i, 1, 'customer_message', CASE WHEN i % 10 < 7 THEN 'chat' WHEN i % 10 < 9 THEN 'portal' ELSE 'api' END, NULL, NULL, 'customer', NULL, NULL, ${at} FROM bench_n;
INSERT INTO analytics_events SELECT '${WS}', 'syn-' || i, 2, 'bot_message', 'chat', 'cat-' || (i % 6), 'art-' || (i * 31 % 28), 'bot',
  CASE WHEN ${answered} THEN 'answer' WHEN ${r(7919)} < 85 THEN 'handoff' ELSE 'decline' END, NULL, ${at} + 5 + ${r(13)} FROM bench_n;
INSERT INTO analytics_events SELECT '${WS}', 'syn-' || i, 3, 'handoff', 'chat', 'cat-' || (i % 6), NULL, NULL,
  CASE WHEN ${r(7919)} < 85 THEN 'article-requires-person' ELSE 'customer-requested' END, NULL, ${at} + 200 FROM bench_n WHERE ${handedOff};
INSERT INTO analytics_events SELECT '${WS}', 'syn-' || i, 4, 'agent_message', 'chat', NULL, NULL, 'Agent', NULL, NULL, ${at} + 30000 + ${r(17)} * 6000 FROM bench_n WHERE (${handedOff}) AND i % 20 <> 0;
INSERT INTO analytics_events SELECT '${WS}', 'syn-' || i, 5, 'resolved', 'chat', NULL, NULL, 'Agent', 'Agent', NULL, ${at} + 600000 + ${r(19)} * 60000 FROM bench_n WHERE ${handedOff};
INSERT INTO analytics_events SELECT '${WS}', 'syn-' || i, 6, 'handoff_marked', 'chat', NULL, NULL, 'Agent', NULL, CASE WHEN ${r(23)} < 88 THEN 1 ELSE 0 END, ${at} + 700000 FROM bench_n WHERE (${handedOff}) AND i % 10 <> 0;
INSERT INTO analytics_events SELECT '${WS}', 'syn-' || i, 3, 'resolved', 'chat', NULL, NULL, 'idle', 'idle', NULL, ${at} + 1800000 FROM bench_n WHERE NOT (${handedOff}) AND i % 50 <> 0;
INSERT INTO analytics_events SELECT '${WS}', 'syn-' || i, 9, 'csat', 'chat', NULL, NULL, 'customer', NULL, CASE WHEN ${r(29)} < 65 THEN 5 WHEN ${r(29)} < 88 THEN 4 WHEN ${r(29)} < 95 THEN 3 WHEN ${r(29)} < 98 THEN 2 ELSE 1 END, ${at} + 2000000 FROM bench_n WHERE i % 5 < 2 AND i % 50 <> 0;
INSERT INTO answer_votes (workspace_id, conversation_id, message_id, article_id, helpful, created_at)
SELECT '${WS}', 'syn-' || i, 'm' || i, 'art-' || (i * 31 % 28), CASE WHEN i % 17 = 0 THEN 0 ELSE 1 END, ${at} + 1000 FROM bench_n WHERE ${answered} AND i % 4 = 0;
INSERT INTO bot_turns (workspace_id, conversation_id, message_id, question, action, reason, article_id, confidence, created_at)
SELECT '${WS}', 'syn-' || i, 'm' || i, 'synthetic question about topic ' || (i % 40) || ' number ' || (i % 7), 'decline', 'out-of-scope', NULL, 0, ${at} + 5 FROM bench_n WHERE ${r(7919)} >= 85;
DROP TABLE bench_n;
`;

const state = mkdtempSync(join(tmpdir(), "edgedesk-bench-analytics-"));
const file = join(state, "synthetic.sql");
writeFileSync(file, sql);
// Migrations first (startWorker applies them), then the synthetic rows, then the worker on that state.
let worker = await startWorker({ persistTo: state, quiet: true });
await worker.stop();
const t0 = Date.now();
const load = spawnSync(
  "node_modules/.bin/wrangler",
  ["d1", "execute", "edgedesk", "--local", "--persist-to", state, "--file", file, "--yes"],
  {
    encoding: "utf8",
    env: { ...process.env, CI: "1", WRANGLER_SEND_METRICS: "false" },
  },
);
if (load.status !== 0) throw new Error(`loading synthetic rows failed:\n${load.stdout}\n${load.stderr}`);
console.error(
  `loaded ${N} synthetic conversations in ${((Date.now() - t0) / 1000).toFixed(1)} s (events, votes, bot turns, and the per-conversation rows the trigger keeps)`,
);
const check = spawnSync(
  "node_modules/.bin/wrangler",
  [
    "d1",
    "execute",
    "edgedesk",
    "--local",
    "--persist-to",
    state,
    "--json",
    "--command",
    `SELECT (SELECT COUNT(*) FROM analytics_events WHERE workspace_id = '${WS}') AS events, (SELECT COUNT(*) FROM analytics_conversations WHERE workspace_id = '${WS}') AS conversations`,
  ],
  { encoding: "utf8", env: { ...process.env, CI: "1", WRANGLER_SEND_METRICS: "false" } },
);
const counts = (JSON.parse(check.stdout) as { results: { events: number; conversations: number }[] }[])[0]?.results[0];
if (counts?.conversations !== N)
  throw new Error(`expected ${N} per-conversation rows, found ${counts?.conversations}:\n${check.stderr}`);
console.error(`${counts.events} analytics_events rows, ${counts.conversations} analytics_conversations rows`);
if (OUT) mkdirSync(OUT, { recursive: true });
worker = await startWorker({ persistTo: state, quiet: true });

const p50 = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.ceil(xs.length / 2) - 1] ?? NaN;
const day = (t: number) => new Date(t).toISOString().slice(0, 10);
try {
  for (const [label, f] of [
    ["30 days (all)", from],
    ["7 days", to - 7 * DAY],
  ] as const) {
    const qs = `workspace=${WS}&from=${day(f)}&to=${day(to - DAY)}`;
    const get = async (path: string) => {
      const t = performance.now();
      const res = await fetch(`${worker.url}${path}${path.includes("?") ? "&" : "?"}${qs}`, {
        headers: { authorization: `Bearer ${worker.adminToken}` },
        signal: AbortSignal.timeout(240_000),
      });
      const body = await res.text();
      if (!res.ok) throw new Error(`${path}: ${res.status} ${body}`);
      return { ms: performance.now() - t, body };
    };
    console.log(`\n${label} (synthetic), p50 of ${RUNS} runs, ms`);
    console.log("| chart | API (CSV, wall) |");
    console.log("| --- | --- |");
    for (const chart of CHARTS) {
      const times: number[] = [];
      for (let k = 0; k < RUNS; k++) {
        const { ms, body } = await get(`/api/analytics/${chart}.csv`);
        times.push(ms);
        if (OUT && k === 0) writeFileSync(join(OUT, `${label.split(" ")[0]}d-${chart}.csv`), body);
      }
      process.stderr.write(`${chart} done\n`);
      console.log(`| ${chart} | ${p50(times).toFixed(0)} |`);
    }
    const whole: number[] = [];
    const server: Record<string, number[]> = {};
    for (let k = 0; k < RUNS; k++) {
      const { ms, body } = await get("/api/analytics");
      whole.push(ms);
      for (const [q, t] of Object.entries((JSON.parse(body) as AnalyticsReport).timings)) (server[q] ??= []).push(t);
    }
    console.log(`| whole dashboard (GET /api/analytics) | ${p50(whole).toFixed(0)} |`);
    console.log(
      `server-side per query inside the dashboard call (p50): ${Object.entries(server)
        .map(([q, t]) => `${q} ${p50(t).toFixed(0)}`)
        .join(", ")}`,
    );
  }
} finally {
  await worker.stop();
  rmSync(state, { recursive: true, force: true });
}
