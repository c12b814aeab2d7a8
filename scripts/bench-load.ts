// `npm run bench:load -- [--quick] [--json FILE] [--soak MIN [--soak-rate R]] [--held N] [--via-proxy] [--start R] [--max R] [--step-s S] [--seed S]
//                        [--profile FILE.cpuprofile [--profile-rate R]] [--worker-log FILE] [--var KEY=VALUE]`
//
// Many customers at once against the real worker under `wrangler dev`, started here on a fresh state
// directory and stopped at the end (also on a failure or Ctrl-C). Customers ask the shared benchmark's
// banking questions (../shared/bench/banking77, text only) with think time, over the WebSocket and
// some over the SSE fallback; some ask for a person, and simulated agents claim, reply and resolve.
// The question rate climbs in steps until first-token p95 passes 150 ms (or errors pass 1 %, or the
// desk falls behind), then narrows down on the knee. Then: N idle customer WebSockets held open (the
// memory each costs once hibernated), and with --soak, MIN minutes at half the knee with resident
// memory sampled to see whether anything grows. With --profile, a step before the ramp (at
// --profile-rate, default half the first step's rate) runs with V8's sampling profiler in the app's
// isolate (through workerd's inspector) and prints where the CPU went, by function and source line; the
// .cpuprofile opens in Chrome's DevTools.
//
// Prints a table per phase; --json FILE writes the same as one JSON object. --quick: smaller and
// shorter (under three minutes here). Customers talk to the app's own workerd, not through wrangler's
// dev proxy, unless --via-proxy (scripts/lib/load/procstat.ts says why).
import { writeFileSync } from "node:fs";
import { monitorEventLoopDelay } from "node:perf_hooks";
import { SimAgent } from "./lib/load/agent.ts";
import { LOAD_SITE, readQuestions, startDesk } from "./lib/load/desk.ts";
import { type HeldResult, holdConnections } from "./lib/load/held.ts";
import {
  bundleSources,
  type HeapUsage,
  heapSampler,
  type HotSpot,
  hotSpots,
  startProfile,
} from "./lib/load/inspector.ts";
import { coresBusy, sampleRuntime } from "./lib/load/procstat.ts";
import {
  DEFAULT_KNEE_RULE,
  findKnee,
  linearFit,
  nextRate,
  type RampPlan,
  type Step,
  soakVerdict,
  stepVerdict,
  summarize,
} from "./lib/load/stats.ts";
import { benchArgs } from "./lib/load/args.ts";
import { num, table } from "./lib/load/table.ts";
import { type StepSamples, Traffic, type TrafficOptions } from "./lib/load/traffic.ts";

const argv = process.argv.slice(2);
const { arg, numArg, flag } = benchArgs(argv);
const quick = flag("quick");
const jsonOut = arg("json");
const profileOut = arg("profile");
const plan: RampPlan = {
  start: numArg("start", quick ? 20 : 25),
  factor: 2,
  refine: quick ? 1 : 3,
  max: numArg("max", 2000),
};
const stepSeconds = numArg("step-s", quick ? 7 : 20);
const heldCount = numArg("held", quick ? 1000 : 10_000);
// --held-max-s S: the connecting phase's deadline (then it stops and reports what it held; the bench exits 1).
const heldMaxSeconds = numArg("held-max-s", quick ? 180 : 1800);
const soakMin = numArg("soak", 0);
// --soak-rate R: the soak's rate instead of half the knee. The soak is about memory, so on a machine shared
// with other work (where the knee moves with the neighbours' load) a rate it sustains keeps the question
// "does anything grow?" apart from "does a backlog grow?".
const soakRateArg = numArg("soak-rate", 0);
// --soak-pool N: the soak's customers are N returning ones (each comes back to their own conversation)
// instead of a new customer per arrival: with it, no new conversation comes into memory after the first N.
const soakPool = arg("soak-pool") === undefined ? undefined : numArg("soak-pool", 0) || undefined;
const seed = numArg("seed", 1);
const log = (s: string) => console.error(s);

// Production's settings except METRICS_D1 (local metrics in D1: production writes them to Analytics Engine).
const vars: Record<string, string> = { METRICS_D1: "off" };
// --var KEY=VALUE (repeatable): a deployment variable for this run, e.g. LOG_LEVEL=warn to see what log lines cost.
for (const [i, a] of argv.entries())
  if (a === "--var") {
    const [k, ...v] = (argv[i + 1] ?? "").split("=");
    if (k) vars[k] = v.join("=");
  }
const started = Date.now();
const desk = await startDesk({ vars, agents: 4, history: true, viaProxy: argv.includes("--via-proxy") });
const loop = monitorEventLoopDelay({ resolution: 10 });
loop.enable();

type StepReport = Step & {
  firstToken: ReturnType<typeof summarize>;
  complete: ReturnType<typeof summarize>;
  errorKinds: Record<string, number>;
  opened: number;
  handoffs: number;
  handoffToAgentP50: number;
  connected: number;
  runtimeCores: number;
  /** The runtime's CPU (both workerd processes) per question answered in the step, ms. */
  runtimeCpuMsPerQuestion: number;
  runtimeRssMb: number;
  runtimeFds: number;
  generatorCores: number;
  generatorLoopP99Ms: number;
  verdict: string;
};

const agents: SimAgent[] = [];
const report: Record<string, unknown> = {};
let exitCode = 0;
try {
  log(
    `worker up in ${((Date.now() - started) / 1000).toFixed(1)} s at ${desk.url} (${desk.direct ? "the app's own workerd" : "through wrangler's proxy"}); ` +
      `published ${desk.published.articles} articles + ${desk.published.history} resolved tickets in ${(desk.published.ms / 1000).toFixed(1)} s`,
  );
  for (const a of desk.agents) {
    const agent = new SimAgent(desk.url, a);
    await agent.start();
    agents.push(agent);
  }
  const target = { url: desk.url, site: LOAD_SITE, operator: desk.worker.adminToken };
  const options: TrafficOptions = {
    questions: readQuestions(),
    thinkMs: [2000, 6000],
    personShare: 0.03,
    sseShare: 0.1,
    maxQuestions: 4,
    timeoutMs: 15_000,
    seed,
  };
  const traffic = new Traffic(target, options);
  // Warm-up: the KB snapshot loads, the isolate's code is compiled; not measured.
  await traffic.step(10, quick ? 3 : 5, 10_000);

  if (profileOut) {
    // A step with V8's sampling profiler on in the app's isolate (scripts/lib/load/inspector.ts), before
    // the ramp: once the runtime has held more than about a thousand descriptors (the ramp's top steps)
    // workerd logs "overloaded: Too many open files" and its inspector stops answering.
    const rate = numArg("profile-rate", Math.max(1, Math.round(plan.start / 2)));
    log(`profiling ${stepSeconds} s at ${rate} questions/s…`);
    const sources = bundleSources();
    const prof = await startProfile(desk.worker.marker);
    const profiled = new Traffic(target, { ...options, seed: seed + 2 });
    const r0 = sampleRuntime(desk.worker.marker);
    const s = await profiled.step(rate, stepSeconds);
    const r1 = sampleRuntime(desk.worker.marker);
    const profile = await prof.stop();
    writeFileSync(profileOut, JSON.stringify(profile));
    const h = hotSpots(profile, 20, sources);
    const cpuPerQ = s.answered ? (r1.cpuMs - r0.cpuMs) / s.answered : Number.NaN;
    console.log(
      `\n## Profile (${stepSeconds} s at ${rate} questions/s: ${s.answered} answered, ${num(cpuPerQ, 1)} ms of runtime CPU each; ` +
        `${num(h.totalMs)} ms of JavaScript sampled in the app's isolate; written to ${profileOut})\n`,
    );
    const rows = (xs: HotSpot[]) => xs.map((x) => [`${num(x.share * 100, 1)} %`, num(x.ms), x.name, x.where]);
    console.log(table(["inclusive", "ms", "function", "source"], rows(h.inclusive)));
    console.log("");
    console.log(table(["self", "ms", "function", "source"], rows(h.self)));
    report.profile = {
      rate,
      seconds: stepSeconds,
      answered: s.answered,
      cpuMsPerQuestion: cpuPerQ,
      file: profileOut,
      ...h,
    };
    await profiled.close(5_000);
  }

  const steps: StepReport[] = [];
  for (let rate = nextRate([], plan); rate !== null; rate = nextRate(steps, plan)) {
    const r0 = sampleRuntime(desk.worker.marker);
    const c0 = process.cpuUsage();
    const w0 = performance.now();
    loop.reset();
    const s: StepSamples = await traffic.step(rate, stepSeconds);
    const r1 = sampleRuntime(desk.worker.marker);
    const cpu = process.cpuUsage(c0);
    const ft = summarize(s.firstToken);
    // A copy: questions of this step that fail later (past the step's drain) are not counted in it.
    const errorKinds = { ...s.errors };
    const errors = Object.values(errorKinds).reduce((a, b) => a + b, 0);
    const step: StepReport = {
      offered: rate,
      achieved: s.answered / s.seconds,
      firstTokenP95: ft.p95,
      asked: s.asked,
      errors,
      firstToken: ft,
      complete: summarize(s.complete),
      errorKinds,
      opened: s.opened,
      handoffs: s.handoffs,
      handoffToAgentP50: summarize(s.handoffToAgent).p50,
      connected: s.connected,
      runtimeCores: coresBusy(r0, r1),
      runtimeCpuMsPerQuestion: s.answered ? (r1.cpuMs - r0.cpuMs) / s.answered : Number.NaN,
      runtimeRssMb: r1.rssMb,
      runtimeFds: r1.fds,
      generatorCores: (cpu.user + cpu.system) / 1000 / (performance.now() - w0),
      generatorLoopP99Ms: loop.percentile(99) / 1e6,
      verdict: "",
    };
    step.verdict = stepVerdict(step) ?? "pass";
    steps.push(step);
    log(
      `  ${rate}/s offered: ${num(step.achieved, 1)}/s answered, first token p50 ${num(ft.p50)} / p95 ${num(ft.p95)} ms, ` +
        `${errors} errors, runtime ${num(step.runtimeCores, 2)} cores (${num(step.runtimeCpuMsPerQuestion)} ms a question), ${num(step.runtimeRssMb)} MB, ${step.runtimeFds} fds, bench ${num(step.generatorCores, 2)} cores: ${step.verdict}`,
    );
  }
  const knee = findKnee(steps);
  const kneeStep = knee.knee as StepReport | null;
  await traffic.close(quick ? 5_000 : 30_000);
  const ordered = [...steps].sort((a, b) => a.offered - b.offered);
  console.log(`\n## Ramp (first-token p95 limit ${DEFAULT_KNEE_RULE.p95LimitMs} ms, ${stepSeconds} s steps)\n`);
  console.log(
    table(
      [
        "offered q/s",
        "answered q/s",
        "first token p50/p95/p99 ms",
        "complete p50/p95 ms",
        "errors",
        "conversations opened",
        "handoffs",
        "sockets",
        "runtime CPU (cores)",
        "runtime CPU ms / question",
        "runtime RSS MB",
        "bench CPU (cores)",
        "verdict",
      ],
      ordered.map((s) => [
        s.offered,
        num(s.achieved, 1),
        `${num(s.firstToken.p50)} / ${num(s.firstToken.p95)} / ${num(s.firstToken.p99)}`,
        `${num(s.complete.p50)} / ${num(s.complete.p95)}`,
        s.errors
          ? `${s.errors} (${Object.entries(s.errorKinds)
              .map(([k, v]) => `${k} ${v}`)
              .join(", ")})`
          : "0",
        s.opened,
        s.handoffs,
        s.connected,
        num(s.runtimeCores, 2),
        num(s.runtimeCpuMsPerQuestion, 1),
        num(s.runtimeRssMb),
        num(s.generatorCores, 2),
        s.verdict,
      ]),
    ),
  );
  console.log(
    kneeStep
      ? `\nknee: ${kneeStep.offered} questions/s offered, ${num(kneeStep.achieved, 1)}/s sustained, first token p50 ${num(kneeStep.firstToken.p50)} / p95 ${num(kneeStep.firstToken.p95)} / p99 ${num(kneeStep.firstToken.p99)} ms, complete p50 ${num(kneeStep.complete.p50)} / p95 ${num(kneeStep.complete.p95)} ms` +
          (knee.firstFailure ? `; at ${knee.firstFailure.offered}/s: ${knee.reason}` : "; no step failed (raise --max)")
      : `\nknee: below ${plan.start} questions/s (${knee.reason})`,
  );
  report.ramp = { plan, stepSeconds, rule: DEFAULT_KNEE_RULE, steps: ordered };
  report.knee = kneeStep
    ? {
        offered: kneeStep.offered,
        sustainedQps: kneeStep.achieved,
        firstToken: kneeStep.firstToken,
        complete: kneeStep.complete,
        errors: kneeStep.errors,
        runtimeRssMb: kneeStep.runtimeRssMb,
        runtimeCores: kneeStep.runtimeCores,
        runtimeCpuMsPerQuestion: kneeStep.runtimeCpuMsPerQuestion,
        firstFailure: knee.firstFailure?.offered ?? null,
        reason: knee.reason,
      }
    : { offered: null, reason: knee.reason };
  report.handoffs = {
    agents: agents.length,
    claimed: agents.reduce((a, x) => a + x.stats.claimed, 0),
    resolved: agents.reduce((a, x) => a + x.stats.resolved, 0),
    errors: agents.reduce((a, x) => a + x.stats.errors, 0),
  };

  let held: HeldResult | null = null;
  if (heldCount > 0) {
    log(`holding ${heldCount} idle customer WebSockets…`);
    held = await holdConnections(target, desk.worker.marker, {
      count: heldCount,
      concurrency: 32,
      idleSeconds: quick ? 20 : 60,
      question: "How do I top up my card?",
      log,
      phaseSeconds: heldMaxSeconds,
    });
    const dead = held.stopped === "runtime died";
    console.log("\n## Held connections (idle customer WebSockets, one conversation each)\n");
    console.log(
      table(
        [
          "sockets",
          "failed",
          "connect s",
          "RSS before MB",
          "RSS connected MB",
          "RSS after idle MB",
          "KB per socket (awake)",
          "KB per socket (idle)",
          "woken sockets answered",
          "runtime fds (most) / limit",
        ],
        [
          [
            held.connections,
            held.failed,
            num(held.connectSeconds, 1),
            num(held.rssBeforeMb),
            // A dead runtime's memory is not a figure: only what was measured before it died is shown.
            dead ? "runtime died" : num(held.rssConnectedMb),
            dead ? "-" : `${num(held.rssIdleMb)} (after ${held.idleWaitSeconds} s)`,
            dead ? "-" : num(held.kbPerConnectionAwake, 1),
            dead ? "-" : num(held.kbPerConnection, 1),
            `${held.wokeAnswered}/${held.wokeAsked}`,
            `${held.maxFds} / ${held.fdLimits.join(", ")}`,
          ],
        ],
      ),
    );
    report.held = held;
    if (held.stopped) {
      // What it measured is printed and written; the run is not a full one, and says so in its exit code.
      console.log(
        `\nheld sockets: stopped before ${heldCount} (${held.stopped}${held.stopped === "runtime died" ? ": the app's workerd or wrangler's proxy exited" : ""}); ${held.abandoned} opens given up`,
      );
      exitCode = 1;
    }
  }

  if (soakMin > 0 && report.held && (report.held as HeldResult).stopped === "runtime died")
    log("soak skipped: the runtime died during the held sockets");
  else if (soakMin > 0) {
    const rate = soakRateArg || Math.max(1, Math.round((kneeStep?.offered ?? plan.start) / 2));
    log(
      `soak: ${soakMin} min at ${rate} questions/s${soakPool ? `, ${soakPool} returning customers` : ", a new customer per conversation"}…`,
    );
    const soak = new Traffic(target, { ...options, seed: seed + 1, ...(soakPool ? { pool: soakPool } : {}) });
    // The app isolate's live JS heap beside the runtime's RSS (scripts/lib/load/inspector.ts): whether what
    // grows is the app's heap or workerd's native memory. Null where the inspector does not answer.
    const heap = await heapSampler(desk.worker.marker, () =>
      fetch(`${desk.url}/health`, { signal: AbortSignal.timeout(10_000) }).then((r) => r.body?.cancel()),
    ).catch((e: unknown) => {
      log(`  heap sampling unavailable: ${e instanceof Error ? e.message : String(e)}`);
      return null;
    });
    const heapNow = async (): Promise<HeapUsage | null> => (heap ? await heap.sample().catch(() => null) : null);
    type SoakSample = {
      atMin: number;
      rssMb: number;
      heapUsedMb: number | null;
      heapTotalMb: number | null;
      heapBackingMb: number | null;
      /** Conversations opened since the soak began, and customers connected at the sample. */
      opened: number;
      connected: number;
      fds: number;
      /** The runtime's RSS by kind (summed over its workerd processes), and each process's RSS: wrangler's proxy, then the app. */
      anonMb: number;
      fileMb: number;
      shmemMb: number;
      processRssMb: number[];
    };
    const samples: SoakSample[] = [];
    const t0 = Date.now();
    const first = sampleRuntime(desk.worker.marker);
    const firstHeap = await heapNow();
    const every = Math.min(30, Math.max(5, (soakMin * 60) / 40));
    let asked = 0;
    let answered = 0;
    let errors = 0;
    let returned = 0;
    let poolBusy = 0;
    const ft: number[] = [];
    while (Date.now() - t0 < soakMin * 60_000) {
      const s = await soak.step(rate, every, 2_000);
      asked += s.asked;
      answered += s.answered;
      returned += s.returned;
      poolBusy += s.poolBusy;
      errors += Object.values(s.errors).reduce((a, b) => a + b, 0);
      ft.push(...s.firstToken);
      const r = sampleRuntime(desk.worker.marker);
      const h = await heapNow();
      samples.push({
        atMin: (Date.now() - t0) / 60_000,
        rssMb: r.rssMb,
        heapUsedMb: h?.usedMb ?? null,
        heapTotalMb: h?.totalMb ?? null,
        heapBackingMb: h?.backingMb ?? null,
        opened: soak.openedTotal,
        connected: s.connected,
        fds: r.fds,
        anonMb: r.processes.reduce((a, p) => a + p.rssAnonKb, 0) / 1024,
        fileMb: r.processes.reduce((a, p) => a + p.rssFileKb, 0) / 1024,
        shmemMb: r.processes.reduce((a, p) => a + p.rssShmemKb, 0) / 1024,
        // wrangler's proxy first, then the app's workerd (the one wrangler starts with an inspector).
        processRssMb: [...r.processes]
          .sort((a, b) => Number(a.args.includes("--inspector-addr")) - Number(b.args.includes("--inspector-addr")))
          .map((p) => Math.round(p.rssKb / 1024)),
      });
      log(
        `  ${num(samples.at(-1)?.atMin ?? 0, 1)} min: RSS ${num(r.rssMb)} MB (anon ${num(samples.at(-1)?.anonMb ?? 0)}, file ${num(samples.at(-1)?.fileMb ?? 0)}, shmem ${num(samples.at(-1)?.shmemMb ?? 0)}; proxy + app ${samples.at(-1)?.processRssMb.join(" + ")}), heap ${h ? `${num(h.usedMb, 1)} MB live` : "?"}, ` +
          `${soak.openedTotal} conversations opened, ${s.connected} connected, ${r.fds} fds`,
      );
    }
    await soak.close(10_000);
    const last = sampleRuntime(desk.worker.marker);
    const lastHeap = await heapNow();
    heap?.close();
    const v = soakVerdict(samples);
    const heapSamples = samples.flatMap((x) =>
      x.heapUsedMb === null ? [] : [{ atMin: x.atMin, rssMb: x.heapUsedMb }],
    );
    const hv = heapSamples.length > 2 ? soakVerdict(heapSamples) : null;
    // What each conversation opened adds to RSS and to the heap: the slope against conversations, after
    // the same warm-up share the verdict leaves out. With a returning pool few are opened: then null.
    const kept = samples.filter((x) => x.atMin >= (samples.at(-1)?.atMin ?? 0) * 0.2);
    const openedInKept = (kept.at(-1)?.opened ?? 0) - (kept[0]?.opened ?? 0);
    const perConversation = (y: (x: SoakSample) => number | null): number | null => {
      const pts = kept.flatMap((x) => {
        const yy = y(x);
        return yy === null ? [] : [{ x: x.opened, y: yy }];
      });
      return openedInKept >= 20 && pts.length > 2 ? linearFit(pts).slope * 1024 : null;
    };
    const rssKbPerConversation = perConversation((x) => x.rssMb);
    const heapKbPerConversation = perConversation((x) => x.heapUsedMb);
    const f = summarize(ft);
    console.log(
      `\n## Soak (${soakMin} min at ${rate} questions/s, ${soakPool ? `${soakPool} returning customers` : "a new customer per conversation"}; RSS and the app isolate's live heap every ${every} s)\n`,
    );
    console.log(
      table(
        [
          "asked",
          "answered",
          "errors",
          "first token p50/p95",
          "conversations opened",
          "RSS start / end MB",
          "RSS slope MB/min",
          "RSS growth per hour",
          "heap start / end MB",
          "heap slope MB/min",
          "KB per conversation opened (RSS / heap)",
          "flat",
        ],
        [
          [
            asked,
            answered,
            errors,
            `${num(f.p50)} / ${num(f.p95)}`,
            soak.openedTotal,
            `${num(first.rssMb)} / ${num(last.rssMb)}`,
            num(v.slopeMbPerMin, 2),
            `${num(v.growthPerHour * 100, 1)} %`,
            `${firstHeap ? num(firstHeap.usedMb, 1) : "?"} / ${lastHeap ? num(lastHeap.usedMb, 1) : "?"}`,
            hv ? num(hv.slopeMbPerMin, 3) : "?",
            `${rssKbPerConversation === null ? "n/a" : num(rssKbPerConversation)} / ${heapKbPerConversation === null ? "n/a" : num(heapKbPerConversation, 1)}`,
            v.flat ? "yes" : "no",
          ],
        ],
      ),
    );
    report.soak = {
      minutes: soakMin,
      rate,
      pool: soakPool ?? null,
      asked,
      answered,
      errors,
      returned,
      poolBusy,
      conversationsOpened: soak.openedTotal,
      firstToken: f,
      rssStartMb: first.rssMb,
      rssEndMb: last.rssMb,
      heapStartMb: firstHeap?.usedMb ?? null,
      heapEndMb: lastHeap?.usedMb ?? null,
      heap: hv,
      rssKbPerConversation,
      heapKbPerConversation,
      samples,
      ...v,
    };
  }
} catch (e) {
  console.error(`\nbench failed: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
  console.error(`--- worker log (last lines) ---\n${desk.worker.logTail()}`);
  exitCode = 1;
} finally {
  for (const a of agents) a.stop();
  loop.disable();
  const workerLog = arg("worker-log");
  if (workerLog) writeFileSync(workerLog, desk.worker.log());
  await desk.close();
}

const machine = {
  cores: (await import("node:os")).cpus().length,
  loadAverageAtEnd: (await import("node:os")).loadavg(),
  node: process.version,
};
const out = {
  command: `npm run bench:load -- ${argv.join(" ")}`.trim(),
  mode: quick ? "quick" : "full",
  at: new Date().toISOString(),
  machine,
  target: desk.direct ? "the app's own workerd (wrangler's dev proxy bypassed)" : "wrangler dev's public port",
  vars,
  published: desk.published,
  seconds: Math.round((Date.now() - started) / 1000),
  ...report,
};
console.log(
  `\n(${out.seconds} s; load average at the end ${machine.loadAverageAtEnd.map((x) => x.toFixed(2)).join(" ")})`,
);
if (jsonOut) {
  writeFileSync(jsonOut, `${JSON.stringify(out, null, 2)}\n`);
  log(`wrote ${jsonOut}`);
}
process.exit(exitCode);
