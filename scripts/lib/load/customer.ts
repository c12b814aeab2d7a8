// A simulated customer for the load bench and the chaos scenarios: opens a conversation over the public
// chat API and talks to it as the widget does (widget/app/connection.ts): a WebSocket with the token as
// a subprotocol, or the SSE fallback (a fetch-read event stream plus one POST per message). Every frame
// is checked with the widget's own wire shapes and folded through the shared reducer
// (shared/timeline.ts), so what this customer "shows" at the end is what a widget would. It resumes from
// its last seq after any drop and resends what was never acked, like the widget.
import { randomBytes } from "node:crypto";
import WebSocket from "ws";
import type { CreatedConversation } from "../../../shared/api.ts";
import { bearer, OPERATOR_HEADER, wsProtocols } from "../../../shared/credentials.ts";
import type { MessageEvent, ServerFrame } from "../../../shared/protocol.ts";
import { applyFrame, emptyTimeline, type Timeline } from "../../../shared/timeline.ts";
import * as wire from "../../../widget/app/wire.ts";
import type { ClientTranscript } from "./compare.ts";

export type Target = {
  /** Where customers connect (the app's own port, or wrangler's public one). */
  url: string;
  site: string;
  /** The ADMIN_TOKEN: the operator's own load is exempt from the per-IP write limit (shared/credentials.ts). */
  operator: string;
};

export type CustomerTransport = "ws" | "sse";

/** One question's timings, from the moment it was sent (ms). */
export type Answer = { firstTokenMs: number; completeMs: number; action: string; text: string };

export class QuestionFailed extends Error {
  constructor(
    readonly kind: "timeout" | "refused" | "closed",
    message: string,
  ) {
    super(message);
  }
}

type Asking = {
  clientId: string;
  t0: number;
  known: Set<string>;
  firstToken: number | null;
  resolve: (a: Answer) => void;
  reject: (e: Error) => void;
  timer: ReturnType<typeof setTimeout>;
};

const newClientId = () => randomBytes(9).toString("base64url");

export type CustomerStats = { frames: number; badFrames: number; reconnects: number; errorFrames: number };

export class SimCustomer {
  id = "";
  private token = "";
  timeline: Timeline = emptyTimeline();
  /** Every clientId this customer sent, in order. */
  readonly sent: string[] = [];
  private readonly unacked = new Map<string, string>();
  private ws: WebSocket | null = null;
  private sse: AbortController | null = null;
  private live = false;
  private closed = false;
  private asking: Asking | null = null;
  private readyWaiters: (() => void)[] = [];
  private reconnectTimer: ReturnType<typeof setTimeout> | null = null;
  readonly stats: CustomerStats = { frames: 0, badFrames: 0, reconnects: 0, errorFrames: 0 };
  /** Called on every frame after it was applied (chaos scenarios watch for deltas to drop a link mid-stream). */
  onFrame: ((f: ServerFrame) => void) | null = null;

  constructor(
    private readonly t: Target,
    readonly transport: CustomerTransport = "ws",
    /** Wait before reconnecting after a drop, ms: [min, max]. */
    private readonly reconnectMs: [number, number] = [50, 400],
  ) {}

  private headers(extra: Record<string, string> = {}): Record<string, string> {
    return { [OPERATOR_HEADER]: this.t.operator, "content-type": "application/json", ...extra };
  }

  /** Opens the conversation (POST /v1/conversations) and connects; resolves once the first replay is done. */
  async open(): Promise<void> {
    const r = await fetch(`${this.t.url}/v1/conversations?site=${this.t.site}`, {
      method: "POST",
      headers: this.headers(),
      body: JSON.stringify({ locale: "en", channel: "chat", pageUrl: "https://bench.example/app" }),
      signal: AbortSignal.timeout(30_000),
    });
    const body = wire.created(await r.json().catch(() => null));
    if (!r.ok || !body) throw new Error(`POST /v1/conversations: ${r.status}`);
    ({ id: this.id, token: this.token } = body as CreatedConversation);
    await this.connect();
  }

  /** Connects (or reconnects) from the last applied seq; resolves at the server's `ready`. */
  connect(): Promise<void> {
    this.closed = false;
    const ready = new Promise<void>((r) => this.readyWaiters.push(r));
    if (this.transport === "ws") this.openWs();
    else void this.openSse();
    return ready;
  }

  private wsUrl(): string {
    return `${this.t.url.replace(/^http/, "ws")}/v1/conversations/${this.id}/ws?site=${this.t.site}&after=${this.timeline.lastSeq}`;
  }

  private openWs(): void {
    const ws = new WebSocket(this.wsUrl(), wsProtocols(this.token), { perMessageDeflate: false });
    this.ws = ws;
    ws.on("message", (data) => {
      if (this.ws === ws) this.receive(String(data));
    });
    ws.on("error", () => undefined);
    ws.on("close", () => {
      if (this.ws !== ws) return;
      this.ws = null;
      this.dropped();
    });
  }

  private async openSse(): Promise<void> {
    const ac = new AbortController();
    this.sse = ac;
    try {
      const r = await fetch(
        `${this.t.url}/v1/conversations/${this.id}/events?site=${this.t.site}&after=${this.timeline.lastSeq}`,
        { headers: { ...bearer(this.token), accept: "text/event-stream" }, signal: ac.signal },
      );
      if (!r.ok || !r.body) throw new Error(`SSE ${r.status}`);
      const decoder = new TextDecoder();
      let buf = "";
      for await (const chunk of r.body as unknown as AsyncIterable<Uint8Array>) {
        buf += decoder.decode(chunk, { stream: true });
        let i: number;
        while ((i = buf.indexOf("\n\n")) >= 0) {
          const block = buf.slice(0, i);
          buf = buf.slice(i + 2);
          if (block.startsWith("data: ") && this.sse === ac) this.receive(block.slice(6));
        }
      }
    } catch {
      // dropped, refused or aborted: handled below
    }
    if (this.sse === ac) {
      this.sse = null;
      this.dropped();
    }
  }

  private dropped(): void {
    this.live = false;
    if (this.closed) return;
    this.stats.reconnects++;
    const [lo, hi] = this.reconnectMs;
    this.reconnectTimer = setTimeout(
      () => {
        this.reconnectTimer = null;
        if (this.closed) return;
        if (this.transport === "ws") this.openWs();
        else void this.openSse();
      },
      lo + Math.random() * (hi - lo),
    );
  }

  private receive(data: string): void {
    this.stats.frames++;
    let raw: unknown;
    try {
      raw = JSON.parse(data);
    } catch {
      raw = undefined;
    }
    const f = raw === undefined ? undefined : wire.frame(raw);
    if (!f) {
      this.stats.badFrames++;
      return;
    }
    this.timeline = applyFrame(this.timeline, f);
    if (f.t === "ack") this.unacked.delete(f.clientId);
    if (f.t === "error") {
      this.stats.errorFrames++;
      if (this.asking && f.clientId === this.asking.clientId) {
        this.unacked.delete(f.clientId);
        this.fail(new QuestionFailed("refused", `${f.code}: ${f.message}`));
      }
    }
    if (f.t === "ready") {
      this.live = true;
      for (const w of this.readyWaiters.splice(0)) w();
      this.flush();
    }
    this.check(f);
    this.onFrame?.(f);
  }

  /** Sends every message not acked yet (after a (re)connect, as the widget does). */
  private flush(): void {
    for (const [clientId, text] of this.unacked) this.deliver(clientId, text);
  }

  private deliver(clientId: string, text: string): void {
    if (!this.live) return;
    if (this.transport === "ws") {
      try {
        this.ws?.send(JSON.stringify({ t: "send", clientId, text }));
      } catch {
        // closing: resent after the next ready
      }
      return;
    }
    void fetch(`${this.t.url}/v1/conversations/${this.id}/messages?site=${this.t.site}`, {
      method: "POST",
      headers: this.headers(bearer(this.token)),
      body: JSON.stringify({ clientId, text }),
      signal: AbortSignal.timeout(30_000),
    })
      .then(async (r) => {
        const body = wire.posted(await r.json().catch(() => null));
        if (r.ok && body) this.unacked.delete(clientId);
        else if (r.status === 429 && this.asking?.clientId === clientId) {
          this.unacked.delete(clientId);
          this.fail(new QuestionFailed("refused", "rate_limited"));
        }
      })
      .catch(() => undefined);
  }

  /** Is the question being asked answered, or its first word out? */
  private check(f: ServerFrame): void {
    const a = this.asking;
    if (!a) return;
    const now = performance.now();
    if (a.firstToken === null && f.t === "delta" && !a.known.has(f.id)) a.firstToken = now;
    const msgs = this.timeline.messages;
    const q = msgs.findIndex((m) => m.clientId === a.clientId);
    if (q < 0) return;
    const answer = msgs.slice(q + 1).find((m) => m.author === "bot" || m.author === "agent");
    if (!answer) return;
    if (a.firstToken === null) a.firstToken = now;
    this.asking = null;
    clearTimeout(a.timer);
    a.resolve({
      firstTokenMs: a.firstToken - a.t0,
      completeMs: now - a.t0,
      action: (answer as MessageEvent).action ?? answer.author,
      text: answer.text,
    });
  }

  private fail(e: Error): void {
    const a = this.asking;
    if (!a) return;
    this.asking = null;
    clearTimeout(a.timer);
    a.reject(e);
  }

  /** Asks a question and resolves with its timings once the whole answer is stored and received. */
  ask(text: string, timeoutMs = 30_000): Promise<Answer> {
    if (this.asking) return Promise.reject(new Error("one question at a time"));
    const clientId = newClientId();
    this.sent.push(clientId);
    this.unacked.set(clientId, text);
    return new Promise<Answer>((resolve, reject) => {
      this.asking = {
        clientId,
        t0: performance.now(),
        known: new Set([...this.timeline.messages.map((m) => m.id), ...Object.keys(this.timeline.drafts)]),
        firstToken: null,
        resolve,
        reject,
        timer: setTimeout(() => {
          const stored = this.timeline.messages.some((m) => m.clientId === clientId);
          const why = this.unacked.has(clientId) ? "never acked" : stored ? "no answer shown" : "acked, not shown";
          this.fail(new QuestionFailed("timeout", `no answer within ${timeoutMs} ms (${this.transport}: ${why})`));
        }, timeoutMs),
      };
      this.deliver(clientId, text);
    });
  }

  /** "Talk to a person": the widget's button (a frame on the socket, a POST on SSE). */
  async askForPerson(): Promise<void> {
    if (this.transport === "ws" && this.live) {
      this.ws?.send(JSON.stringify({ t: "handoff", reason: "customer-requested" }));
      return;
    }
    const r = await fetch(`${this.t.url}/v1/conversations/${this.id}/handoff?site=${this.t.site}`, {
      method: "POST",
      headers: this.headers(bearer(this.token)),
      body: JSON.stringify({ reason: "customer-requested" }),
      signal: AbortSignal.timeout(30_000),
    });
    await r.body?.cancel();
    if (!r.ok) throw new Error(`handoff: ${r.status}`);
  }

  /** Rates the conversation after a resolve (the widget's CSAT form). */
  async rate(score: number): Promise<number> {
    const r = await fetch(`${this.t.url}/v1/conversations/${this.id}/csat?site=${this.t.site}`, {
      method: "POST",
      headers: this.headers(bearer(this.token)),
      body: JSON.stringify({ score }),
      signal: AbortSignal.timeout(30_000),
    });
    await r.body?.cancel();
    return r.status;
  }

  /** Resolves once the conversation is in `state` (as this customer's frames say), or rejects after `timeoutMs`. */
  async until(pred: (t: Timeline) => boolean, timeoutMs: number): Promise<void> {
    const end = Date.now() + timeoutMs;
    while (!pred(this.timeline)) {
      if (Date.now() > end) throw new QuestionFailed("timeout", `condition not met within ${timeoutMs} ms`);
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  /** The link dies without a goodbye (a network drop): the customer reconnects on its own. */
  drop(): void {
    if (this.ws) this.ws.terminate();
    else this.sse?.abort();
  }

  get connected(): boolean {
    return this.live;
  }

  get pendingAcks(): number {
    return this.unacked.size;
  }

  /** Leaves for good: no reconnect. */
  close(): void {
    this.closed = true;
    this.live = false;
    if (this.reconnectTimer) clearTimeout(this.reconnectTimer);
    const ws = this.ws;
    this.ws = null;
    ws?.close(1000);
    const sse = this.sse;
    this.sse = null;
    sse?.abort();
    this.fail(new QuestionFailed("closed", "closed"));
  }

  /** What this customer shows, for the comparison with the stored log (compare.ts). */
  transcript(): ClientTranscript {
    return {
      messages: this.timeline.messages.map((m) => ({ id: m.id, seq: m.seq, text: m.text })),
      sent: [...this.sent],
    };
  }
}
