// `npm run chaos -- [--quick] [--json FILE] [--only storm,webhooks,publish,kill] [--worker-log FILE]
//                    [--storm-rate Q] [--storm-customers N] [--storm-disconnects D] [--storm-seconds S]`
//
// Faults against the real worker under `wrangler dev` (started here on a fresh state directory, stopped
// at the end, also on a failure or Ctrl-C). Each scenario ends by comparing every client's final
// transcript with the server's event log (read through the admin API) and prints lost, duplicated and
// out-of-order counts:
//
// - storm: customers asking questions while their links are cut at random moments, half of them while
//   an answer streams (1,000 customers and 10,000 disconnects; --quick 60 and 600);
// - kill: the runtime SIGKILLed while answers stream and restarted on the same state: every question
//   still answered once, and what was set to happen later (SLA breach, scheduled reply, reminder,
//   auto-resolve) still happens, once, with the customers rating afterwards;
// - webhooks: the receiver down, then flapping (500, 408, 429, answers past the timeout) while
//   customers write: every event delivered once it is back (a duplicate only under the same delivery
//   id), dead letters after the last attempt, attempts on the published schedule, a 410 never retried;
// - publish: a large KB published while customers ask: no question fails or waits past its budget.
//
// Timers are shortened through the deployment's own variables (AUTO_RESOLVE_MS, ROUTING_MATRIX, the
// NOTIFY_* retry policy at 1/75 of its default); webhook targets on loopback need
// NOTIFY_ALLOW_PRIVATE_URLS, which only local runs and tests set. --json FILE writes every scenario's
// `lost`, `duplicated` and `out_of_order` with its own facts.
import { cpus, loadavg } from "node:os";
import { writeFileSync } from "node:fs";
import type { ScenarioResult } from "./lib/chaos/common.ts";
import { killMidAnswer } from "./lib/chaos/kill.ts";
import { publishUnderLoad } from "./lib/chaos/publish.ts";
import { reconnectStorm, stormPacing } from "./lib/chaos/storm.ts";
import { webhookOutage } from "./lib/chaos/webhooks.ts";
import { LOAD_SITE, readQuestions, startDesk } from "./lib/load/desk.ts";
import { num, table } from "./lib/load/table.ts";

const argv = process.argv.slice(2);
const arg = (name: string) => {
  const i = argv.indexOf(`--${name}`);
  return i >= 0 ? argv[i + 1] : undefined;
};
const quick = argv.includes("--quick");
const only = new Set((arg("only") ?? "storm,kill,webhooks,publish").split(","));
// --storm-rate Q: the storm's customers together ask Q questions a second (think time set from it);
// --storm-customers N, --storm-disconnects D, --storm-seconds S: its size (defaults: the mode's).
const numArg = (name: string): number | undefined => {
  const v = arg(name);
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!Number.isFinite(n) || n <= 0) {
    console.error(`--${name} takes a number > 0`);
    process.exit(2);
  }
  return n;
};
const stormCustomers = numArg("storm-customers") ?? (quick ? 40 : 1000);
const stormRate = numArg("storm-rate");
const log = (s: string) => console.error(s);
const started = Date.now();

// Timers shortened through the deployment's own variables; production's defaults otherwise.
// The SLA runs out before the scheduled replies fall due (a reply first would be a first response in time).
const sla = { targetMinutes: 0.15 };
const vars: Record<string, string> = {
  METRICS_D1: "off",
  AUTO_RESOLVE_MS: "10000",
  ROUTING_MATRIX: JSON.stringify({
    tiers: { "self-service": sla, "tier-1": sla, "tier-2": sla, "tier-3": sla, executive: sla },
  }),
  // Webhook targets on this machine: the dev/test flag (docs/webhooks.md "Where webhooks may point").
  NOTIFY_ALLOW_PRIVATE_URLS: "true",
  // The retry policy at 1/75 of the default (15 s → 200 ms; 1 h → 48 s; --quick caps it at 3.2 s and
  // 8 attempts, 12.6 s in all, so a dead letter comes within seconds); the timeout stays a real second.
  NOTIFY_MAX_ATTEMPTS: quick ? "8" : "10",
  NOTIFY_RETRY_BASE_MS: "200",
  NOTIFY_RETRY_MAX_MS: quick ? "3200" : "48000",
  NOTIFY_TIMEOUT_MS: "1000",
};
let desk = await startDesk({ vars, agents: 1 });
const results: Record<string, ScenarioResult> = {};
/** What wrangler printed, per run of the worker (--worker-log FILE keeps it). */
const workerLogs: string[] = [];
let exitCode = 0;
try {
  log(`worker up in ${((Date.now() - started) / 1000).toFixed(1)} s at ${desk.url}`);
  const target = { url: desk.url, site: LOAD_SITE, operator: desk.worker.adminToken };
  const admin = { url: desk.url, adminToken: desk.worker.adminToken };
  const questions = readQuestions();
  if (only.has("storm")) {
    log("storm…");
    results.storm = await reconnectStorm(target, admin, {
      customers: stormCustomers,
      disconnects: numArg("storm-disconnects") ?? (quick ? 400 : 10_000),
      seconds: numArg("storm-seconds") ?? (quick ? 20 : 600),
      ...(stormRate
        ? { ...stormPacing(stormCustomers, stormRate), offeredQps: stormRate }
        : { thinkMs: quick ? ([1500, 4000] as [number, number]) : ([4000, 12_000] as [number, number]) }),
      questionTimeoutMs: quick ? 45_000 : 120_000,
      questions,
      log,
    });
  }
  if (only.has("webhooks")) {
    log("webhooks…");
    results.webhooks = await webhookOutage(target, admin, {
      customers: quick ? 10 : 30,
      // The ten minutes down, at the policy's scale (1/75): 8 s.
      downMs: 8000,
      flapMs: quick ? 10_000 : 60_000,
      policy: {
        maxAttempts: Number(vars.NOTIFY_MAX_ATTEMPTS),
        baseMs: Number(vars.NOTIFY_RETRY_BASE_MS),
        maxDelayMs: Number(vars.NOTIFY_RETRY_MAX_MS),
        jitter: 0.2,
        timeoutMs: Number(vars.NOTIFY_TIMEOUT_MS),
      },
      questions,
      log,
    });
  }
  if (only.has("publish")) {
    log("publish…");
    results.publish = await publishUnderLoad(target, admin, {
      articles: quick ? 100 : 1000,
      rate: quick ? 3 : 8,
      budgetMs: 1000,
      questions,
      log,
    });
  }
  if (only.has("kill")) {
    log("kill…");
    const r = await killMidAnswer(desk, {
      askers: quick ? 12 : 60,
      handoffs: quick ? 4 : 20,
      scheduleInMs: 12_000,
      autoResolveMs: Number(vars.AUTO_RESOLVE_MS),
      questions,
      vars,
      log,
    });
    const { desk: restarted, ...result } = r;
    results.kill = result;
    if (restarted !== desk) {
      workerLogs.push(desk.worker.log());
      await desk.close();
      desk = restarted;
    }
  }
} catch (e) {
  console.error(`\nchaos failed: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
  console.error(`--- worker log (last lines) ---\n${desk.worker.logTail()}`);
  exitCode = 1;
} finally {
  workerLogs.push(desk.worker.log());
  const file = arg("worker-log");
  if (file) writeFileSync(file, workerLogs.join("\n---- restarted ----\n"));
  await desk.close();
}

console.log("\n## Chaos\n");
console.log(
  table(
    ["scenario", "lost", "duplicated", "out of order", "passed", "seconds", "facts"],
    Object.entries(results).map(([name, r]) => [
      name,
      r.lost,
      r.duplicated,
      r.out_of_order ?? "n/a",
      r.passed ? "yes" : "NO",
      num(r.seconds),
      Object.entries(r.facts)
        .map(([k, v]) => `${k} ${typeof v === "object" ? JSON.stringify(v) : String(v)}`)
        .join(", "),
    ]),
  ),
);
for (const [name, r] of Object.entries(results))
  if (r.details.length) console.log(`\n${name}:\n  ${r.details.join("\n  ")}`);
if (Object.values(results).some((r) => !r.passed)) exitCode = 1;
const out = {
  command: `npm run chaos -- ${argv.join(" ")}`.trim(),
  mode: quick ? "quick" : "full",
  at: new Date().toISOString(),
  machine: { cores: cpus().length, loadAverageAtEnd: loadavg(), node: process.version },
  vars,
  seconds: Math.round((Date.now() - started) / 1000),
  scenarios: results,
};
console.log(
  `\n(${out.seconds} s; load average at the end ${loadavg()
    .map((x) => x.toFixed(2))
    .join(" ")})`,
);
const jsonOut = arg("json");
if (jsonOut) {
  writeFileSync(jsonOut, `${JSON.stringify(out, null, 2)}\n`);
  log(`wrote ${jsonOut}`);
}
process.exit(exitCode);
