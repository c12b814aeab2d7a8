// `node scripts/ts.mjs scripts/bench-search.ts [--conversations 5000 --runs 15]`
// How long a conversation search takes over many conversations (docs/search.md). SYNTHETIC DATA, FOR
// TIMING ONLY: N made-up conversations (workspace `search-bench`, 60 days, 2 to 6 messages and notes
// each, names, addresses, labels, order numbers) are written straight into a fresh local D1 with SQL:
// the `conversations` index rows and the search tables the search follower keeps, the FTS5 index
// filled by migration 0040's triggers as in production. Then the worker starts on that state and an
// agent's session times each query through the real API (`GET /api/search`): wall time at the client
// (HTTP through wrangler dev, the session lookup, the D1 queries) and the server's own `tookMs`.
// Local workerd SQLite, not Cloudflare's D1: production adds its network hop to D1.
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { SearchQuery, SearchResult } from "../shared/search.ts";
import { startWorker } from "./lib/worker.ts";

const arg = (name: string, d: number) => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : d;
};
const N = arg("conversations", 5000);
const RUNS = arg("runs", 15);
const WS = "search-bench";
const DAY = 86_400_000;
const now = Date.now();

// A deterministic generator: the same N gives the same data.
let seed = 42;
const rnd = () => {
  seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31;
  return seed / 2 ** 31;
};
const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)] as T;

const first = ["Ana", "Bruno", "Carla", "Dmitri", "Eva", "Fatima", "Giulia", "Hiro", "Ines", "Jamal", "Kofi", "Lena"];
const last = ["Garcia", "Keller", "Mendes", "Volkov", "Lind", "Haddad", "Rossi", "Tanaka", "Costa", "Okafor"];
const topics = [
  "My order {order} never arrived",
  "I was charged twice for order {num}",
  "Refund for {order} please, the parcel came broken",
  "How do I change my plan to yearly?",
  "The app crashes when I upload photos",
  "Can I get an invoice for {num}?",
  "My photos will not sync since Monday",
  "I cannot sign in after resetting my password",
  "Where is my parcel? Tracking says delivered",
  "Please cancel my subscription",
];
const replies = [
  "Thanks for waiting, I checked {order} and a new parcel is on its way.",
  "I have issued the refund; it shows in 3 to 5 days.",
  "Could you send a screenshot of the error?",
  "Your plan is now yearly, the difference is credited.",
  "The invoice for {num} is attached to your account page.",
  "I reset the sync for your library; please try again.",
];
const notes = ["Customer is a VIP, handle first", "Check with finance about {num}", "Duplicate of last week's ticket"];
const labels = ["billing", "shipping", "vip", "bug", "refund", "account"];
const channels = ["chat", "chat", "chat", "portal", "email", "api"];
const states = ["resolved", "resolved", "resolved", "bot", "queued", "agent"];

const orderOf = (i: number) => `#${String.fromCharCode(65 + (i % 26))}-${1000 + ((i * 7919) % 9000)}`;
const numOf = (i: number) => String(10_000 + ((i * 104_729) % 90_000));
const fill = (t: string, i: number) => t.replace("{order}", orderOf(i)).replace("{num}", numOf(i));
const q = (s: string) => `'${s.replace(/'/g, "''")}'`;

const convRows: string[] = [];
const facetRows: string[] = [];
const docRows: string[] = [];
for (let i = 0; i < N; i++) {
  const id = `sb-${String(i).padStart(6, "0")}`;
  const created = now - Math.floor(rnd() * 60 * DAY);
  const updated = Math.min(now, created + Math.floor(rnd() * 3 * DAY));
  const name = `${pick(first)} ${pick(last)}`;
  const email = `${name.toLowerCase().replace(" ", ".")}${i}@example.com`;
  const channel = pick(channels);
  const opening = fill(pick(topics), i);
  const subject = channel === "email" ? `Re: ${opening.slice(0, 40)}` : opening;
  const ls = labels.filter(() => rnd() < 0.2);
  const labelLines = ls.length ? `\n${ls.join("\n")}\n` : "";
  convRows.push(
    `(${q(id)}, ${q(WS)}, 'bench_site', ${q(channel)}, ${q(pick(states))}, 'en', '', ${q(opening.slice(0, 200))}, ${created}, ${updated})`,
  );
  facetRows.push(`(${q(id)}, ${q(WS)}, ${q(subject)}, ${q(name)}, ${q(email)}, ${q(labelLines)})`);
  docRows.push(`(${q(id)}, ${q(WS)}, 0, NULL, ${q(`${subject}\n${name}\n${email}`)})`);
  const texts = [
    opening,
    ...Array.from({ length: 1 + Math.floor(rnd() * 5) }, (_, k) =>
      fill(k % 3 === 2 ? pick(notes) : k % 2 ? pick(replies) : pick(topics), i + k),
    ),
  ];
  for (const [k, t] of texts.entries()) docRows.push(`(${q(id)}, ${q(WS)}, ${k + 2}, ${q(`m${i}-${k}`)}, ${q(t)})`);
}

const chunks = (rows: string[], head: string) => {
  const out: string[] = [];
  for (let i = 0; i < rows.length; i += 500) out.push(`${head} VALUES ${rows.slice(i, i + 500).join(",\n")};`);
  return out.join("\n");
};
const sql = [
  `INSERT OR IGNORE INTO workspaces (id, name, created_at) VALUES ('${WS}', 'Synthetic (timing only)', 0);`,
  chunks(
    convRows,
    "INSERT INTO conversations (id, workspace_id, site_key, channel, state, locale, page_url, preview, created_at, updated_at)",
  ),
  chunks(
    facetRows,
    "INSERT INTO search_conversations (conversation_id, workspace_id, subject, customer, emails, labels)",
  ),
  chunks(docRows, "INSERT INTO search_docs (conversation_id, workspace_id, seq, message_id, text)"),
].join("\n");

const state = mkdtempSync(join(tmpdir(), "edgedesk-bench-search-"));
const file = join(state, "synthetic.sql");
writeFileSync(file, sql);
const vars = { SEARCH_RATE_LIMIT: "1000,1000" };
let worker = await startWorker({ persistTo: state, quiet: true, vars });
await worker.stop();
const t0 = Date.now();
const load = spawnSync(
  "node_modules/.bin/wrangler",
  ["d1", "execute", "edgedesk", "--local", "--persist-to", state, "--file", file, "--yes"],
  { encoding: "utf8", env: { ...process.env, CI: "1", WRANGLER_SEND_METRICS: "false" } },
);
if (load.status !== 0) throw new Error(`loading synthetic rows failed:\n${load.stdout}\n${load.stderr}`);
console.error(
  `loaded ${N} synthetic conversations, ${docRows.length} searchable texts, in ${((Date.now() - t0) / 1000).toFixed(1)} s`,
);

worker = await startWorker({ persistTo: state, quiet: true, vars });
const p50 = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.ceil(xs.length / 2) - 1] ?? Number.NaN;
try {
  const agent = { email: "bench@search-bench.example", password: "bench-password-123", name: "Bench", role: "agent" };
  const made = await fetch(`${worker.url}/admin/v1/agents?workspace=${WS}`, {
    method: "POST",
    headers: { authorization: `Bearer ${worker.adminToken}`, "content-type": "application/json" },
    body: JSON.stringify(agent),
  });
  if (made.status !== 201) throw new Error(`agent: ${made.status} ${await made.text()}`);
  const login = await fetch(`${worker.url}/api/auth/login`, {
    method: "POST",
    headers: { "content-type": "application/json", origin: worker.url },
    body: JSON.stringify({ email: agent.email, password: agent.password }),
  });
  const cookie = (login.headers.get("set-cookie") ?? "").split(";")[0] ?? "";
  const day = (t: number) => new Date(t).toISOString().slice(0, 10);
  const queries: [string, SearchQuery][] = [
    ["one order number (#B-…)", { q: orderOf(1) }],
    ["a 5-digit number", { q: numOf(2) }],
    ["a common word, prefix (refun)", { q: "refun" }],
    ["a very common word (order)", { q: "order" }],
    ['a phrase ("never arrived")', { q: '"never arrived"' }],
    ["customer name", { customer: "volkov" }],
    ["email address", { email: "ana.garcia" }],
    ["label + open", { label: "billing", status: "open" }],
    ["text + channel email + 7 days", { q: "invoice", channel: "email", from: day(now - 7 * DAY), to: day(now) }],
    ["no criteria (newest first)", {}],
  ];
  const all: number[] = [];
  const server: number[] = [];
  console.log(`\n${N} synthetic conversations, ${docRows.length} texts; p50 of ${RUNS} runs, ms`);
  console.log("| query | results (page of 20) | wall p50 | server p50 |");
  console.log("| --- | --- | --- | --- |");
  for (const [label, query] of queries) {
    const qs = new URLSearchParams(Object.entries(query) as [string, string][]);
    const wall: number[] = [];
    const took: number[] = [];
    let count = "";
    for (let k = 0; k < RUNS; k++) {
      const t = performance.now();
      const r = await fetch(`${worker.url}/api/search?${qs}`, { headers: { cookie } });
      const body = (await r.json()) as SearchResult;
      if (!r.ok) throw new Error(`${label}: ${r.status} ${JSON.stringify(body)}`);
      wall.push(performance.now() - t);
      took.push(body.tookMs);
      count = `${body.items.length}${body.next ? "+" : ""}`;
    }
    all.push(...wall);
    server.push(...took);
    console.log(`| ${label} | ${count} | ${p50(wall).toFixed(1)} | ${p50(took).toFixed(0)} |`);
  }
  console.log(`\nmedian over all ${all.length} searches: wall ${p50(all).toFixed(1)} ms, server ${p50(server)} ms`);
} finally {
  await worker.stop();
  rmSync(state, { recursive: true, force: true });
}
