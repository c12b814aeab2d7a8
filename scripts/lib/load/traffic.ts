// The customers' side of the load bench: questions arrive at a set rate (Poisson, open loop: a slow
// server does not slow the arrivals down), each one asked by a customer whose think time is over, or
// by a new customer who opens a conversation for it. A customer asks one to four questions with think
// time between them and leaves; some ask for a person after their first answer and wait for the agent
// (scripts/lib/load/agent.ts) to reply and resolve, then rate the conversation. Most talk over the
// WebSocket, some over the SSE fallback. Each question is timed from its send to the first streamed word
// and to the stored answer.
import { prng } from "../../../shared/random.ts";
import { type CustomerTransport, QuestionFailed, SimCustomer, type Target } from "./customer.ts";

export type TrafficOptions = {
  questions: string[];
  /** Think time between a customer's questions, ms. */
  thinkMs: [number, number];
  /** Share of customers who ask for a person after their first answer. */
  personShare: number;
  /** Share of customers on the SSE fallback instead of the WebSocket. */
  sseShare: number;
  /** Questions per customer: 1..maxQuestions, uniform. */
  maxQuestions: number;
  /** A question unanswered after this long counts as failed. */
  timeoutMs: number;
  seed: number;
  /** Keep the customers who finished normally (chaos compares their transcripts with the log). */
  keepFinished?: boolean;
  /**
   * Returning customers: at most this many conversations are ever opened; a customer who left comes back
   * to their own conversation (reconnects from their last seq) for a later question instead of a new
   * customer opening one. The soak uses it to tell memory that grows with new conversations from
   * memory that grows with questions. Undefined: every customer is new.
   */
  pool?: number;
};

export type StepSamples = {
  offered: number;
  seconds: number;
  asked: number;
  answered: number;
  firstToken: number[];
  complete: number[];
  errors: Record<string, number>;
  /** Conversations opened in the step, and handoffs asked for / resolved by an agent. */
  opened: number;
  /** With a pool: customers who came back to their conversation, and arrivals dropped as every pooled customer was busy. */
  returned: number;
  poolBusy: number;
  handoffs: number;
  handoffsResolved: number;
  /** From asking for a person to the agent's first reply, ms. */
  handoffToAgent: number[];
  /** Customers connected when the step ended. */
  connected: number;
};

type Idle = { c: SimCustomer; asked: number; quota: number; readyAt: number };

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

export class Traffic {
  private readonly rand: () => number;
  private readonly idle: Idle[] = [];
  private readonly all = new Set<SimCustomer>();
  private q = 0;
  private readonly background = new Set<Promise<void>>();
  /** Customers who left after their last answer (not after a failure), when `keepFinished`: their transcripts are final. */
  readonly finished: SimCustomer[] = [];
  /** With a pool: customers who left and may come back (oldest first), and how many of the pool exist. */
  private readonly returning: SimCustomer[] = [];
  private pooled = 0;
  /** Conversations opened over this traffic's life. */
  openedTotal = 0;

  constructor(
    private readonly target: Target,
    private readonly o: TrafficOptions,
  ) {
    this.rand = prng(o.seed);
  }

  private nextQuestion(): string {
    return this.o.questions[this.q++ % this.o.questions.length] as string;
  }

  private error(s: StepSamples, kind: string): void {
    s.errors[kind] = (s.errors[kind] ?? 0) + 1;
  }

  /** Runs `seconds` of arrivals at `rate` questions/s; waits (at most `drainMs`) for the step's questions to finish. */
  async step(rate: number, seconds: number, drainMs = 15_000): Promise<StepSamples> {
    const s: StepSamples = {
      offered: rate,
      seconds,
      asked: 0,
      answered: 0,
      firstToken: [],
      complete: [],
      errors: {},
      opened: 0,
      returned: 0,
      poolBusy: 0,
      handoffs: 0,
      handoffsResolved: 0,
      handoffToAgent: [],
      connected: 0,
    };
    const start = performance.now();
    const end = start + seconds * 1000;
    let next = start;
    const mine = new Set<Promise<void>>();
    while (next < end) {
      const now = performance.now();
      while (next <= now && next < end) {
        const p = this.arrival(s);
        mine.add(p);
        void p.finally(() => mine.delete(p));
        // Exponential gaps: arrivals as independent customers make them.
        next += (-Math.log(1 - this.rand()) / rate) * 1000;
      }
      await sleep(Math.max(1, Math.min(20, next - performance.now())));
    }
    const drained = Promise.all([...mine]);
    await Promise.race([drained, sleep(drainMs)]);
    s.connected = [...this.all].filter((c) => c.connected).length;
    return s;
  }

  /** One question: an idle customer whose think time is over asks it, or a new one opens a conversation for it. */
  private async arrival(s: StepSamples): Promise<void> {
    const now = performance.now();
    const i = this.idle.findIndex((x) => x.readyAt <= now);
    let who: Idle;
    if (i >= 0) who = this.idle.splice(i, 1)[0] as Idle;
    else if (this.o.pool !== undefined && (this.returning.length > 0 || this.pooled >= this.o.pool)) {
      const c = this.returning.shift();
      if (!c) {
        s.poolBusy++;
        return;
      }
      this.all.add(c);
      try {
        await c.connect();
        s.returned++;
      } catch {
        this.error(s, "reconnect");
        this.drop(c);
        return;
      }
      who = { c, asked: 0, quota: 1 + Math.floor(this.rand() * this.o.maxQuestions), readyAt: 0 };
    } else {
      const transport: CustomerTransport = this.rand() < this.o.sseShare ? "sse" : "ws";
      const c = new SimCustomer(this.target, transport);
      this.all.add(c);
      this.pooled++;
      try {
        await c.open();
        s.opened++;
        this.openedTotal++;
      } catch {
        this.error(s, "open");
        this.drop(c);
        return;
      }
      who = { c, asked: 0, quota: 1 + Math.floor(this.rand() * this.o.maxQuestions), readyAt: 0 };
    }
    s.asked++;
    let lastAction = "";
    try {
      const a = await who.c.ask(this.nextQuestion(), this.o.timeoutMs);
      // Only the step it was asked in counts it (a slow answer may land in the next step).
      s.answered++;
      s.firstToken.push(a.firstTokenMs);
      s.complete.push(a.completeMs);
      lastAction = a.action;
      who.asked++;
    } catch (e) {
      this.error(s, e instanceof QuestionFailed ? e.kind : "other");
      this.drop(who.c);
      return;
    }
    // The bot handed the conversation to a person itself (an article that needs one, low confidence after
    // a rephrase): the customer waits for the agent, like one who asked.
    const handedOff = who.c.timeline.state === "queued" || lastAction === "handoff";
    if (handedOff || (who.asked === 1 && this.rand() < this.o.personShare)) {
      const p = this.handoff(who.c, s, !handedOff);
      this.background.add(p);
      void p.finally(() => this.background.delete(p));
      return;
    }
    if (who.asked >= who.quota) {
      if (this.o.keepFinished) this.finished.push(who.c);
      return this.leave(who.c);
    }
    const [lo, hi] = this.o.thinkMs;
    who.readyAt = performance.now() + lo + this.rand() * (hi - lo);
    this.idle.push(who);
  }

  /** The customer asks for a person (unless the bot handed off already) and waits for the agent's reply and the resolve, then rates and leaves. */
  private async handoff(c: SimCustomer, s: StepSamples, ask: boolean): Promise<void> {
    s.handoffs++;
    const t0 = performance.now();
    try {
      if (ask) await c.askForPerson();
      await c.until((t) => t.messages.some((m) => m.author === "agent"), 120_000);
      s.handoffToAgent.push(performance.now() - t0);
      await c.until((t) => t.state === "resolved", 120_000);
      s.handoffsResolved++;
      if ((await c.rate(5)) >= 300) this.error(s, "csat");
    } catch {
      this.error(s, "handoff");
      this.drop(c);
      return;
    }
    this.leave(c);
  }

  /** The customer leaves after their last answer (with a pool: to come back later). */
  private leave(c: SimCustomer): void {
    c.close();
    this.all.delete(c);
    if (this.o.pool !== undefined) this.returning.push(c);
  }

  /** The customer leaves after a failure, for good (with a pool, a new customer may take the place). */
  private drop(c: SimCustomer): void {
    c.close();
    this.all.delete(c);
    if (this.o.pool !== undefined) this.pooled--;
  }

  /** Customers connected now. */
  get connected(): number {
    return [...this.all].filter((c) => c.connected).length;
  }

  /** Waits for handoffs still being worked (at most `ms`), then closes every customer. */
  async close(ms = 0): Promise<void> {
    if (ms > 0) await Promise.race([Promise.all([...this.background]), sleep(ms)]);
    for (const c of this.all) c.close();
    this.all.clear();
    this.idle.length = 0;
    this.returning.length = 0;
  }
}
