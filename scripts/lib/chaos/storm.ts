// Reconnect storm: many customers asking questions while their connections are cut at random moments,
// half of the cuts while an answer is streaming to them. Each customer reconnects on its own (from its
// last seq, resending what was never acked, as the widget does) and keeps asking until the storm has
// spent its disconnects. At the end every customer's transcript is compared with its conversation's log.
import { prng } from "../../../shared/random.ts";
import { QuestionFailed, SimCustomer, type Target } from "../load/customer.ts";
import { type Admin, pool, quiesce, type ScenarioResult, sleep, verdictOf } from "./common.ts";

export type StormOptions = {
  customers: number;
  disconnects: number;
  /** How long the storm lasts; disconnects are spread over it. */
  seconds: number;
  thinkMs: [number, number];
  /** A question unanswered after this long counts as failed (it may still be answered later: the log decides). */
  questionTimeoutMs: number;
  questions: string[];
  log: (s: string) => void;
  /** Each customer's first question comes within this long of the start (default: `thinkMs[1]`). */
  firstWithinMs?: number;
  /** The offered rate the think time was set for (`stormPacing`), reported beside what was answered. */
  offeredQps?: number;
};

/**
 * Think time for `customers` who together ask `rate` questions a second: each waits about customers/rate
 * seconds between questions (uniform within ±50 %), and the first questions are spread over one such
 * gap, so the storm offers `rate` from its start. The full storm's default (1,000 customers thinking
 * 4–12 s) offers ~125 questions/s, far past what one local runtime answers (docs/performance.md): it
 * would measure queueing, not reconnects.
 */
export function stormPacing(customers: number, rate: number): { thinkMs: [number, number]; firstWithinMs: number } {
  if (!(rate > 0) || !(customers > 0)) throw new RangeError("stormPacing: customers and rate must be > 0");
  const gap = (customers / rate) * 1000;
  return { thinkMs: [gap * 0.5, gap * 1.5], firstWithinMs: gap };
}

export async function reconnectStorm(target: Target, admin: Admin, o: StormOptions): Promise<ScenarioResult> {
  const t0 = Date.now();
  const rand = prng(11);
  const customers = await pool(
    Array.from({ length: o.customers }, (_, i) => i),
    32,
    async (i) => {
      // Most on the WebSocket, one in ten on the SSE fallback, as in the load bench.
      const c = new SimCustomer(target, i % 10 === 9 ? "sse" : "ws", [20, 300]);
      await c.open();
      return c;
    },
  );
  o.log(`  storm: ${customers.length} customers connected in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
  let done = false;
  // Think time ends with the storm: at a low --storm-rate a customer may be minutes from their next question.
  let over: () => void = () => undefined;
  const stormOver = new Promise<void>((r) => {
    over = r;
  });
  const think = (ms: number) => Promise.race([sleep(ms), stormOver]);
  let asked = 0;
  let answered = 0;
  const failures: Record<string, number> = {};
  let q = Math.floor(rand() * o.questions.length);
  const talk = async (c: SimCustomer) => {
    await think(rand() * (o.firstWithinMs ?? o.thinkMs[1]));
    // A conversation the bot handed to a person gets no more bot answers: its customer waits, asking nothing.
    while (!done && (c.timeline.state === "bot" || c.timeline.state === "resolved")) {
      asked++;
      try {
        await c.ask(o.questions[q++ % o.questions.length] as string, o.questionTimeoutMs);
        answered++;
      } catch (e) {
        const k =
          e instanceof QuestionFailed
            ? e.kind === "timeout"
              ? e.message.replace(/^.*\((.*)\)$/, "timeout, $1")
              : e.kind
            : "other";
        failures[k] = (failures[k] ?? 0) + 1;
      }
      await think(o.thinkMs[0] + rand() * (o.thinkMs[1] - o.thinkMs[0]));
    }
  };
  const talking = customers.map(talk);

  // The disconnects: as many as are due by now for an even spread over the storm (paced by the clock, not
  // by ticks: on a loaded machine a 20 ms sleep takes longer, and a per-tick quota fell 9 % short of
  // the 10,000); every other one goes to a customer an answer is streaming to right now, when there is one.
  let cut = 0;
  let midStream = 0;
  const tick = 20;
  const stormStart = Date.now();
  const stormEnd = stormStart + o.seconds * 1000;
  let lastLog = Date.now();
  while (cut < o.disconnects && Date.now() < stormEnd + 30_000) {
    const due = Math.min(o.disconnects, Math.floor((o.disconnects * (Date.now() - stormStart)) / (o.seconds * 1000)));
    while (cut < due) {
      const live = customers.filter((c) => c.connected);
      const streaming = live.filter((c) => Object.keys(c.timeline.drafts).length > 0);
      const pickFrom = cut % 2 === 0 && streaming.length ? streaming : live;
      const victim = pickFrom[Math.floor(rand() * pickFrom.length)];
      if (!victim) break;
      if (pickFrom === streaming) midStream++;
      victim.drop();
      cut++;
    }
    if (Date.now() - lastLog > 10_000) {
      lastLog = Date.now();
      o.log(`  storm: ${cut}/${o.disconnects} disconnects (${midStream} mid-stream), ${answered}/${asked} answered`);
    }
    await sleep(tick);
  }
  done = true;
  over();
  o.log(`  storm: ${cut} disconnects (${midStream} mid-stream); letting the last questions finish`);
  await Promise.all(talking);
  await quiesce(admin, customers, 120_000);
  const v = await verdictOf(admin, customers);
  const reconnects = customers.reduce((a, c) => a + c.stats.reconnects, 0);
  const badFrames = customers.reduce((a, c) => a + c.stats.badFrames, 0);
  for (const c of customers) c.close();
  const failed = Object.values(failures).reduce((a, b) => a + b, 0);
  return {
    lost: v.lost,
    duplicated: v.duplicated,
    out_of_order: v.out_of_order,
    passed: v.lost === 0 && v.duplicated === 0 && v.out_of_order === 0 && v.phantom === 0 && v.mismatched === 0,
    seconds: (Date.now() - t0) / 1000,
    facts: {
      customers: customers.length,
      ...(o.offeredQps ? { offeredQps: o.offeredQps } : {}),
      stormSeconds: o.seconds,
      answeredQps: Math.round((answered / o.seconds) * 100) / 100,
      disconnects: cut,
      midStream,
      reconnects,
      asked,
      answered,
      questionFailures: failures,
      failed,
      unanswered: v.unanswered,
      extraAnswers: v.extra_answers,
      phantom: v.phantom,
      mismatched: v.mismatched,
      badFrames,
    },
    details: v.details,
  };
}
