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
};

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

export async function holdConnections(
  target: Target,
  marker: string,
  o: { count: number; concurrency: number; idleSeconds: number; question: string; log: (s: string) => void },
): Promise<HeldResult> {
  // Each socket holds a descriptor or two in workerd, and each awake conversation its SQLite files.
  const fdLimits = raiseFdLimit(marker, Math.max(65_536, o.count * 4));
  const before: RuntimeSample = sampleRuntime(marker);
  let maxFds = before.fds;
  const held: SimCustomer[] = [];
  let failed = 0;
  let next = 0;
  const t0 = Date.now();
  let lastLog = 0;
  await Promise.all(
    Array.from({ length: o.concurrency }, async () => {
      // Past a few percent of failures (the runtime out of descriptors, say) more attempts only take time.
      while (next < o.count && failed <= Math.max(50, o.count * 0.05)) {
        next++;
        // Never reconnects by itself within the test: a dropped socket shows as a smaller count.
        const c = new SimCustomer(target, "ws", [1000, 3000]);
        try {
          await c.open();
          held.push(c);
        } catch {
          failed++;
          c.close();
        }
        if (Date.now() - lastLog > 5000) {
          lastLog = Date.now();
          maxFds = Math.max(maxFds, sampleRuntime(marker).fds);
          o.log(`  held: ${held.length}/${o.count} connected, ${failed} failed`);
        }
      }
    }),
  );
  const connectSeconds = (Date.now() - t0) / 1000;
  const connected = sampleRuntime(marker);
  maxFds = Math.max(maxFds, connected.fds);
  o.log(`  held: ${held.length} connected in ${connectSeconds.toFixed(1)} s; idle ${o.idleSeconds} s for hibernation`);
  await sleep(o.idleSeconds * 1000);
  const idle = sampleRuntime(marker);
  const still = held.filter((c) => c.connected).length;
  const wake = held.filter((c) => c.connected).slice(0, 10);
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
  };
}
