// Held connections: N customers who opened a conversation and keep its WebSocket open without saying
// anything (a widget left open in a tab). Each conversation is its own Durable Object, and its socket
// is accepted with the hibernation API, so an idle one can leave memory while the socket stays. The
// runtime's resident memory is read before, right after connecting, and after the objects had time to
// hibernate; at the end a few of them ask a question, to show the sockets still work.
import { SimCustomer, type Target } from "./customer.ts";
import { raiseFdLimit, type RuntimeSample, sampleRuntime } from "./procstat.ts";

export type HeldResult = {
  connections: number;
  failed: number;
  connectSeconds: number;
  rssBeforeMb: number;
  rssConnectedMb: number;
  rssIdleMb: number;
  idleWaitSeconds: number;
  /** (idle − before) / connections, in KB. */
  kbPerConnection: number;
  /** (connected − before) / connections, before the objects could hibernate, in KB. */
  kbPerConnectionAwake: number;
  /** Of the questions asked on held sockets at the end: answered / asked. */
  wokeAnswered: number;
  wokeAsked: number;
  /** The runtime's open-files limits during the test (raised for it when allowed), and the most it held. */
  fdLimits: number[];
  maxFds: number;
  /** Why opening stopped before `count` (null: it did not); "runtime died" skips the idle wait and the questions. */
  stopped: StopReason | null;
  /** Opens still in flight when the phase stopped (given up, not counted as failed). */
  abandoned: number;
};

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

export type OpenAllOptions<T> = {
  count: number;
  concurrency: number;
  make: () => T;
  open: (c: T) => Promise<void>;
  /** Called on one that failed, timed out or was still opening when the phase stopped. */
  discard: (c: T) => void;
  progress?: (connected: number, failed: number) => void;
  /** One open that has not finished after this long is a failure (a dead runtime never answers it). */
  openTimeoutMs: number;
  /** The whole phase: no new open starts after it, and those still opening are given up. */
  phaseMs: number;
  /** False once the runtime is gone: the phase stops at the next check. */
  alive: () => boolean;
  checkEveryMs?: number;
};

export type StopReason = "deadline" | "runtime died" | "too many failures";

/**
 * Opens `count` of them, `concurrency` at a time. Stops early, saying why, at the phase's deadline,
 * when the runtime died (checked every `checkEveryMs`), or past a few percent of failures; every single
 * open is bounded too, so the phase never waits on one that will not finish.
 */
export async function openAll<T>(
  o: OpenAllOptions<T>,
): Promise<{ items: T[]; failed: number; abandoned: number; stopped: StopReason | null }> {
  const items: T[] = [];
  let failed = 0;
  let abandoned = 0;
  let next = 0;
  let stopped: StopReason | null = null;
  let wake: () => void = () => undefined;
  const stop = new Promise<"stop">((r) => {
    wake = () => r("stop");
  });
  const halt = (why: StopReason) => {
    stopped ??= why;
    wake();
  };
  const t0 = Date.now();
  const check = () => {
    if (!o.alive()) halt("runtime died");
    else if (Date.now() - t0 >= o.phaseMs) halt("deadline");
  };
  const watch = setInterval(check, o.checkEveryMs ?? 1000);
  const maxFailures = Math.max(50, o.count * 0.05);
  try {
    await Promise.all(
      Array.from({ length: o.concurrency }, async () => {
        while (next < o.count && stopped === null) {
          if (failed > maxFailures) {
            // More attempts past a few percent of failures (the runtime out of descriptors, say) only take time.
            halt("too many failures");
            break;
          }
          next++;
          const c = o.make();
          let timer: ReturnType<typeof setTimeout> | undefined;
          const timedOut = new Promise<"timeout">((r) => {
            timer = setTimeout(() => r("timeout"), o.openTimeoutMs);
          });
          const r = await Promise.race([
            o.open(c).then(
              () => "open" as const,
              () => "failed" as const,
            ),
            timedOut,
            stop,
          ]);
          clearTimeout(timer);
          if (r === "open") items.push(c);
          else {
            if (r === "stop") abandoned++;
            else failed++;
            o.discard(c);
          }
          o.progress?.(items.length, failed);
          check();
        }
      }),
    );
  } finally {
    clearInterval(watch);
  }
  return { items, failed, abandoned, stopped };
}

export async function holdConnections(
  target: Target,
  marker: string,
  o: {
    count: number;
    concurrency: number;
    idleSeconds: number;
    question: string;
    log: (s: string) => void;
    /** The connecting phase's deadline, and one open's. */
    phaseSeconds: number;
    openTimeoutSeconds?: number;
  },
): Promise<HeldResult> {
  // Each socket holds a descriptor or two in workerd, and each awake conversation its SQLite files.
  const fdLimits = raiseFdLimit(marker, Math.max(65_536, o.count * 4));
  const before: RuntimeSample = sampleRuntime(marker);
  let maxFds = before.fds;
  // The runtime is alive while every workerd it started with is (wrangler dev's proxy and the app's).
  const pids = before.processes.map((p) => p.pid);
  const alive = () => {
    const now = new Set(sampleRuntime(marker).processes.map((p) => p.pid));
    return pids.every((p) => now.has(p));
  };
  const t0 = Date.now();
  let lastLog = 0;
  const opened = await openAll<SimCustomer>({
    count: o.count,
    concurrency: o.concurrency,
    // Never reconnects by itself within the test: a dropped socket shows as a smaller count.
    make: () => new SimCustomer(target, "ws", [1000, 3000]),
    open: (c) => c.open(),
    discard: (c) => c.close(),
    openTimeoutMs: (o.openTimeoutSeconds ?? 60) * 1000,
    phaseMs: o.phaseSeconds * 1000,
    alive,
    progress: (n, failed) => {
      if (Date.now() - lastLog < 5000) return;
      lastLog = Date.now();
      maxFds = Math.max(maxFds, sampleRuntime(marker).fds);
      o.log(`  held: ${n}/${o.count} connected, ${failed} failed`);
    },
  });
  const held = opened.items;
  const failed = opened.failed;
  const connectSeconds = (Date.now() - t0) / 1000;
  const connected = sampleRuntime(marker);
  maxFds = Math.max(maxFds, connected.fds);
  const died = opened.stopped === "runtime died";
  if (opened.stopped)
    o.log(`  held: stopped (${opened.stopped}) after ${connectSeconds.toFixed(1)} s with ${held.length} connected`);
  else
    o.log(
      `  held: ${held.length} connected in ${connectSeconds.toFixed(1)} s; idle ${o.idleSeconds} s for hibernation`,
    );
  // A dead runtime has nothing left to measure: no idle wait, no questions.
  if (!died) await sleep(o.idleSeconds * 1000);
  const idle = died ? connected : sampleRuntime(marker);
  const still = held.filter((c) => c.connected).length;
  const wake = died ? [] : held.filter((c) => c.connected).slice(0, 10);
  let answered = 0;
  await Promise.all(
    wake.map(async (c) => {
      try {
        await c.ask(o.question, 30_000);
        answered++;
      } catch {
        // counted as not answered
      }
    }),
  );
  for (const c of held) c.close();
  const n = Math.max(1, still);
  return {
    connections: still,
    failed: failed + (held.length - still),
    connectSeconds,
    rssBeforeMb: before.rssMb,
    rssConnectedMb: connected.rssMb,
    rssIdleMb: idle.rssMb,
    idleWaitSeconds: o.idleSeconds,
    kbPerConnection: ((idle.rssMb - before.rssMb) * 1024) / n,
    kbPerConnectionAwake: ((connected.rssMb - before.rssMb) * 1024) / n,
    wokeAnswered: answered,
    wokeAsked: wake.length,
    fdLimits,
    maxFds,
    stopped: opened.stopped,
    abandoned: opened.abandoned,
  };
}
