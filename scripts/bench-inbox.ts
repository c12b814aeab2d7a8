// `node scripts/ts.mjs scripts/bench-inbox.ts [--quick] [--burst B] [--bursts K] [--gap-s S] [--spread-ms M] [--agents A] [--json FILE] [--profile FILE.cpuprofile]`
//
// The Inbox under handoff load: many conversations asking for a person at once. B customers (each in a
// conversation of their own, opened beforehand and not timed) ask for a person within M ms of each
// other, K times, S seconds apart; simulated agents are online and work what the inbox assigns them
// (scripts/lib/load/agent.ts). Measured: the time from each customer's request to its conversation's
// item reaching an agent's inbox socket (p50/p95/p99, per burst and overall), and the CPU of the Inbox
// object: V8's sampling profiler runs in the app's isolate over the bursts (scripts/lib/load/inspector.ts)
// and the samples with a worker/inbox/ frame on their stack are the Inbox's JavaScript time. Locally the
// Worker, every conversation and the Inbox share one isolate and one thread, so latency here includes
// waiting behind the conversations' own work; on Cloudflare the Inbox is one object with a thread of
// its own, and its CPU per handoff is what bounds a workspace's handoff rate (docs/performance.md).
import { writeFileSync } from "node:fs";
import { cpus, loadavg } from "node:os";
import { SimAgent } from "./lib/load/agent.ts";
import { SimCustomer } from "./lib/load/customer.ts";
import { LOAD_SITE, startDesk } from "./lib/load/desk.ts";
import { bundleSources, hotSpots, startProfile, timeUnder } from "./lib/load/inspector.ts";
import { coresBusy, sampleRuntime } from "./lib/load/procstat.ts";
import { summarize } from "./lib/load/stats.ts";
import { benchArgs } from "./lib/load/args.ts";
import { num, table } from "./lib/load/table.ts";
import { pool } from "./lib/chaos/common.ts";

const argv = process.argv.slice(2);
const { arg, numArg, flag } = benchArgs(argv);
const quick = flag("quick");
const burst = numArg("burst", quick ? 20 : 100);
const bursts = numArg("bursts", quick ? 2 : 3);
const gapSeconds = numArg("gap-s", quick ? 5 : 15);
const spreadMs = numArg("spread-ms", 1000);
const agentCount = numArg("agents", 4);
const jsonOut = arg("json");
const log = (s: string) => console.error(s);
const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));
const started = Date.now();

const desk = await startDesk({ vars: { METRICS_D1: "off" }, agents: agentCount, history: false });
const agents: SimAgent[] = [];
const customers: SimCustomer[] = [];
let exitCode = 0;
const report: Record<string, unknown> = {};
try {
  const target = { url: desk.url, site: LOAD_SITE, operator: desk.worker.adminToken };
  for (const a of desk.agents) {
    const agent = new SimAgent(desk.url, a);
    await agent.start();
    agents.push(agent);
  }
  // When each conversation's request went out, and when its item first reached an agent's socket.
  const askedAt = new Map<string, number>();
  const seenAt = new Map<string, number>();
  const observer = agents[0] as SimAgent;
  observer.onItem = (item) => {
    if (item.state !== "bot" && askedAt.has(item.id) && !seenAt.has(item.id)) seenAt.set(item.id, performance.now());
  };
  log(`opening ${burst * bursts} conversations…`);
  const opened = await pool(
    Array.from({ length: burst * bursts }, (_, i) => i),
    16,
    async () => {
      const c = new SimCustomer(target, "ws");
      await c.open();
      customers.push(c);
      return c;
    },
  );
  const sources = bundleSources();
  const prof = await startProfile(desk.worker.marker);
  const r0 = sampleRuntime(desk.worker.marker);
  const t0 = performance.now();
  const rows: { burst: number; seen: number; latency: ReturnType<typeof summarize> }[] = [];
  const all: number[] = [];
  for (let b = 0; b < bursts; b++) {
    const group = opened.slice(b * burst, (b + 1) * burst);
    await Promise.all(
      group.map(async (c) => {
        await sleep(Math.random() * spreadMs);
        askedAt.set(c.id, performance.now());
        await c.askForPerson();
      }),
    );
    // Wait for every item of the burst (60 s at most).
    const until = performance.now() + 60_000;
    while (performance.now() < until && group.some((c) => !seenAt.has(c.id))) await sleep(50);
    const lat = group.flatMap((c) => {
      const s = seenAt.get(c.id);
      const a = askedAt.get(c.id);
      return s !== undefined && a !== undefined ? [s - a] : [];
    });
    all.push(...lat);
    rows.push({ burst: b + 1, seen: lat.length, latency: summarize(lat) });
    log(`  burst ${b + 1}: ${lat.length}/${group.length} items in the inbox, p50 ${num(summarize(lat).p50)} ms`);
    if (b < bursts - 1) await sleep(gapSeconds * 1000);
  }
  const wallMs = performance.now() - t0;
  const r1 = sampleRuntime(desk.worker.marker);
  const profile = await prof.stop();
  const inbox = timeUnder(profile, sources, (src) => src.includes("worker/inbox/"));
  const profileOut = arg("profile");
  if (profileOut) writeFileSync(profileOut, JSON.stringify(profile));
  // Where the Inbox's time goes: the functions of worker/inbox/ by inclusive time.
  const spots = hotSpots(profile, 400, sources)
    .inclusive.filter((h) => h.where.includes("worker/inbox/"))
    .slice(0, 12);
  const handoffs = all.length;
  const total = summarize(all);
  console.log(
    `\n## Inbox under handoff load (${bursts} bursts of ${burst} handoffs within ${spreadMs} ms, ${gapSeconds} s apart; ${agentCount} agents online)\n`,
  );
  console.log(
    table(
      ["burst", "items seen", "request → inbox p50 / p95 / p99 ms", "max ms"],
      [
        ...rows.map((r) => [
          r.burst,
          `${r.seen}/${burst}`,
          `${num(r.latency.p50)} / ${num(r.latency.p95)} / ${num(r.latency.p99)}`,
          num(r.latency.max),
        ]),
        [
          "all",
          `${handoffs}/${burst * bursts}`,
          `${num(total.p50)} / ${num(total.p95)} / ${num(total.p99)}`,
          num(total.max),
        ],
      ],
    ),
  );
  const inboxMsPerHandoff = handoffs ? inbox.ms / handoffs : Number.NaN;
  console.log(
    `\nInbox object's JavaScript: ${num(inbox.ms)} ms of ${num(inbox.totalMs)} ms sampled in the app's isolate ` +
      `(${num((inbox.ms / Math.max(1, inbox.totalMs)) * 100, 1)} %), ${num(inboxMsPerHandoff, 2)} ms per handoff ` +
      `(routing, the item, broadcasts to ${agentCount} agents, and the agents' claims, replies and resolves meanwhile); ` +
      `runtime ${num(coresBusy(r0, r1), 2)} cores over ${num(wallMs / 1000, 1)} s`,
  );
  console.log("");
  console.log(
    table(
      ["inclusive ms", "share of sampled", "function", "source"],
      spots.map((h) => [num(h.ms), `${num(h.share * 100, 1)} %`, h.name, h.where]),
    ),
  );
  report.inboxHotSpots = spots;
  report.bursts = rows;
  report.latency = total;
  report.inbox = { ms: inbox.ms, sampledMs: inbox.totalMs, msPerHandoff: inboxMsPerHandoff };
  report.runtime = { cores: coresBusy(r0, r1), cpuMs: r1.cpuMs - r0.cpuMs, wallMs, rssMb: r1.rssMb };
  report.agents = agents.map((a) => a.stats);
  if (handoffs < burst * bursts) exitCode = 1;
} catch (e) {
  console.error(`\nbench failed: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
  console.error(`--- worker log (last lines) ---\n${desk.worker.logTail()}`);
  exitCode = 1;
} finally {
  for (const c of customers) c.close();
  for (const a of agents) a.stop();
  await desk.close();
}
const out = {
  command: `node scripts/ts.mjs scripts/bench-inbox.ts ${argv.join(" ")}`.trim(),
  at: new Date().toISOString(),
  machine: { cores: cpus().length, loadAverageAtEnd: loadavg(), node: process.version },
  burst,
  bursts,
  gapSeconds,
  spreadMs,
  agents: agentCount,
  seconds: Math.round((Date.now() - started) / 1000),
  ...report,
};
console.log(
  `\n(${out.seconds} s; load average at the end ${loadavg()
    .map((x) => x.toFixed(2))
    .join(" ")})`,
);
if (jsonOut) {
  writeFileSync(jsonOut, `${JSON.stringify(out, null, 2)}\n`);
  log(`wrote ${jsonOut}`);
}
process.exit(exitCode);
