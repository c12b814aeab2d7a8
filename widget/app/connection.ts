// One live link to a conversation. Prefers a WebSocket; falls back to SSE and then to polling when
// sockets keep failing. Whatever the transport, it resumes from the timeline's lastSeq (the server
// replays what was missed and the reducer drops overlap), and resends un-acked messages once the
// replay is done. Only one transport runs at a time: the reducer relies on frames arriving in order.
import type { ServerFrame } from "../../shared/protocol.ts";
import { wsProtocols } from "../../shared/credentials.ts";
import { ApiFailure, auth, conversationUrl, failure, getEvents, postHandoff, postMessage, type Conv } from "./http.ts";
import type { Pending } from "./pending.ts";
import * as wire from "./wire.ts";

export type Status = "connecting" | "live" | "reconnecting" | "offline";
export type Transport = "ws" | "sse" | "poll";

export type Env = {
  WebSocket: typeof WebSocket;
  fetch: typeof fetch;
  random: () => number;
  /** Receives `online`/`offline`; absent outside browsers. */
  events?: Pick<Window, "addEventListener" | "removeEventListener">;
  isOnline: () => boolean;
  isHidden: () => boolean;
};

export type ConnectionOptions = {
  api: string;
  site: string;
  conv: Conv;
  /** Highest seq applied so far: where to resume. */
  after(): number;
  onFrame(f: ServerFrame): void;
  onStatus(s: Status, transport: Transport): void;
  /** Un-acked messages, oldest first. */
  unsent(): Pending[];
  onAck(clientId: string, seq: number): void;
  onRejected(clientId: string, message: string): void;
  /** The conversation or token is invalid (HTTP 401/403/404/410). */
  onGone(): void;
  /** The site key or this page's origin is refused (ApiFailure.misconfigured): the link stops for good. */
  onUnavailable?(e: ApiFailure): void;
  /** The server asked us to slow down (true) and sending is back to normal (false): a calm note, not an error. */
  onSlowed?(on: boolean): void;
  env?: Partial<Env>;
};

export const PING_MS = 25_000;
/** Silence after which a socket is presumed dead even though the browser has not noticed. */
export const DEAD_MS = 2 * PING_MS + 5_000;
export const READY_TIMEOUT_MS = 15_000;
export const WS_FAILURES_BEFORE_SSE = 3;
export const SSE_FAILURES_BEFORE_POLL = 2;
export const POLL_MS = 3_000;
export const POLL_HIDDEN_MS = 15_000;
/** A refusal without a retry time (a proxy's 429): wait this long. */
export const SLOW_DOWN_MS = 2_000;

/** Exponential backoff with "equal jitter": spreads reconnect storms after a server deploy. */
export function backoff(attempt: number, random: () => number): number {
  const cap = Math.min(30_000, 1_000 * 2 ** Math.min(attempt, 10));
  return Math.round(cap / 2 + (random() * cap) / 2);
}

/** A frame as the shared schema allows it (wire.ts), or null: a proxy or a future server may send anything. */
export function parseFrame(data: string): ServerFrame | null {
  let f: unknown;
  try {
    f = JSON.parse(data);
  } catch {
    f = undefined;
  }
  return wire.frame(f) ?? null;
}

export class Connection {
  private readonly o: ConnectionOptions;
  private readonly env: Env;
  private transport: Transport = "ws";
  private ws: WebSocket | undefined;
  private abort: AbortController | undefined;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private heartbeat: ReturnType<typeof setInterval> | undefined;
  private attempt = 0;
  private failures = 0;
  private live = false;
  private everLive = false;
  private stopped = true;
  private lastRx = 0;
  private readonly posting = new Set<string>();
  /**
   * After the server refused a message for the conversation's budget (`rate_limited`): nothing goes
   * out until `pausedUntil`, then the waiting messages go one at a time, each after the previous ack,
   * until none wait. Sending the whole queue again would only be refused again.
   */
  private pacing = false;
  private pausedUntil = 0;
  private resumeTimer: ReturnType<typeof setTimeout> | undefined;

  constructor(o: ConnectionOptions) {
    this.o = o;
    const g = globalThis as typeof globalThis & Partial<Window>;
    this.env = {
      WebSocket: g.WebSocket,
      // Wrapped: a bare `fetch` called as a method of another object throws "Illegal invocation".
      fetch: (...a) => fetch(...a),
      random: Math.random,
      events: typeof g.addEventListener === "function" ? (g as Window) : undefined,
      isOnline: () => typeof navigator === "undefined" || navigator.onLine !== false,
      isHidden: () => typeof document !== "undefined" && document.visibilityState === "hidden",
      ...o.env,
    };
  }

  get current(): Transport {
    return this.transport;
  }

  start(): void {
    if (!this.stopped) return;
    this.stopped = false;
    this.env.events?.addEventListener("online", this.onOnline);
    this.env.events?.addEventListener("offline", this.onOffline);
    if (this.env.isOnline()) this.connect();
    else this.o.onStatus("offline", this.transport);
  }

  stop(): void {
    this.stopped = true;
    clearTimeout(this.resumeTimer);
    this.env.events?.removeEventListener("online", this.onOnline);
    this.env.events?.removeEventListener("offline", this.onOffline);
    this.teardown();
  }

  /** Sends now if live; otherwise the message waits in the queue for the next `ready` (or the end of a pause). */
  send(p: Pending): void {
    if (!this.live || Date.now() < this.pausedUntil) return;
    // While pacing only the oldest waiting message goes; the others follow its ack.
    if (this.pacing && this.o.unsent()[0]?.clientId !== p.clientId) return;
    if (this.transport === "ws")
      this.wsSend({ t: "send", clientId: p.clientId, text: p.text, ...(p.choice ? { choice: p.choice } : {}) });
    else void this.post(p);
  }

  async handoff(reason?: string): Promise<void> {
    if (this.live && this.transport === "ws" && this.ws) {
      this.wsSend(reason ? { t: "handoff", reason } : { t: "handoff" });
      return;
    }
    // Not worth queueing: over HTTP it goes through now or the customer sees it fail and taps again.
    await postHandoff(this.o.api, this.o.site, this.o.conv, reason, this.env.fetch).catch((e: unknown) =>
      this.httpError(e),
    );
  }

  typing(on: boolean): void {
    // Best effort and WebSocket only: there is no HTTP equivalent and nothing breaks without it.
    if (this.live && this.transport === "ws") this.wsSend({ t: "typing", on });
  }

  // ---- lifecycle --------------------------------------------------------------------------------

  private readonly onOnline = (): void => {
    if (this.stopped) return;
    // A new network may not have the proxy that broke sockets: give them a fresh chance.
    this.transport = "ws";
    this.failures = 0;
    this.attempt = 0;
    this.teardown();
    this.connect();
  };

  private readonly onOffline = (): void => {
    if (this.stopped) return;
    this.teardown();
    this.o.onStatus("offline", this.transport);
  };

  private connect(): void {
    this.teardown();
    this.o.onStatus(this.everLive ? "reconnecting" : "connecting", this.transport);
    if (this.transport === "ws" && this.env.WebSocket) this.openWs();
    else if (this.transport === "poll") this.poll();
    else {
      this.transport = "sse";
      void this.openSse();
    }
  }

  private teardown(): void {
    this.live = false;
    clearTimeout(this.timer);
    clearInterval(this.heartbeat);
    this.timer = this.heartbeat = undefined;
    const ws = this.ws;
    this.ws = undefined;
    if (ws) {
      // Detach first: a half-dead socket may take a minute to report its close, and we do not wait.
      ws.onopen = ws.onmessage = ws.onclose = ws.onerror = null;
      try {
        ws.close();
      } catch {
        // already closed
      }
    }
    this.abort?.abort();
    this.abort = undefined;
  }

  /** A transport ended; `ready` says whether it had got as far as going live. */
  private dropped(ready: boolean): void {
    if (this.stopped) return;
    this.teardown();
    if (!ready && ++this.failures >= (this.transport === "ws" ? WS_FAILURES_BEFORE_SSE : SSE_FAILURES_BEFORE_POLL)) {
      if (this.transport !== "poll") {
        this.transport = this.transport === "ws" ? "sse" : "poll";
        this.failures = 0;
      }
    }
    if (!this.env.isOnline()) {
      this.o.onStatus("offline", this.transport);
      return;
    }
    this.o.onStatus(this.everLive ? "reconnecting" : "connecting", this.transport);
    this.timer = setTimeout(() => this.connect(), backoff(this.attempt++, this.env.random));
  }

  private handle(f: ServerFrame): void {
    this.o.onFrame(f);
    if (f.t === "ack") {
      this.o.onAck(f.clientId, f.seq);
      if (this.pacing) this.next();
    } else if (f.t === "error" && f.code === "rate_limited") this.slowDown(f.retryAfterMs);
    else if (f.t === "ready") {
      this.live = this.everLive = true;
      this.attempt = this.failures = 0;
      clearTimeout(this.timer);
      this.o.onStatus("live", this.transport);
      this.flush();
    }
  }

  private flush(): void {
    if (this.pacing) this.next();
    else for (const p of this.o.unsent()) this.send(p);
  }

  /** The server refused a message (or frames came too fast): wait, then pace. */
  private slowDown(retryAfterMs = SLOW_DOWN_MS): void {
    if (!this.pacing) this.o.onSlowed?.(true);
    this.pacing = true;
    this.pausedUntil = Math.max(this.pausedUntil, Date.now() + retryAfterMs);
    clearTimeout(this.resumeTimer);
    this.resumeTimer = setTimeout(() => this.next(), this.pausedUntil - Date.now());
  }

  /** While pacing: the oldest waiting message, or the end of pacing when none waits. */
  private next(): void {
    if (Date.now() < this.pausedUntil) return;
    const first = this.o.unsent()[0];
    if (first) this.send(first);
    else {
      this.pacing = false;
      this.o.onSlowed?.(false);
    }
  }

  // ---- WebSocket -------------------------------------------------------------------------------

  private openWs(): void {
    const url = conversationUrl(this.o.api, this.o.site, this.o.conv, "ws", this.o.after()).replace(/^http/, "ws");
    let ws: WebSocket;
    try {
      // A browser cannot set headers on a WebSocket: the token rides as an offered subprotocol.
      ws = new this.env.WebSocket(url, wsProtocols(this.o.conv.token));
    } catch {
      this.dropped(false);
      return;
    }
    this.ws = ws;
    let ready = false;
    this.lastRx = Date.now();
    this.timer = setTimeout(() => this.dropped(false), READY_TIMEOUT_MS);
    ws.onmessage = (ev: MessageEvent) => {
      this.lastRx = Date.now();
      if (typeof ev.data !== "string" || ev.data === "pong") return;
      const f = parseFrame(ev.data);
      if (!f) return;
      if (f.t === "ready") ready = true;
      this.handle(f);
    };
    ws.onclose = () => this.dropped(ready);
    ws.onopen = () => {
      this.heartbeat = setInterval(() => {
        if (Date.now() - this.lastRx > DEAD_MS) this.dropped(ready);
        else this.wsSend("ping");
      }, PING_MS);
    };
  }

  private wsSend(f: object | string): void {
    try {
      this.ws?.send(typeof f === "string" ? f : JSON.stringify(f));
    } catch {
      // Closing: the queue keeps the message and the next `ready` resends it.
    }
  }

  // ---- SSE (fetch-based, so we can see HTTP statuses that EventSource hides) --------------------

  private async openSse(): Promise<void> {
    const ac = (this.abort = new AbortController());
    let ready = false;
    try {
      const res = await this.env.fetch(
        conversationUrl(this.o.api, this.o.site, this.o.conv, "events", this.o.after()),
        {
          headers: auth(this.o.conv, { accept: "text/event-stream" }),
          signal: ac.signal,
          cache: "no-store",
        },
      );
      if (!res.ok) throw await failure(res);
      if (!res.body || !(res.headers.get("content-type") ?? "").includes("text/event-stream")) {
        // A server (or proxy) that only answers JSON: that is the polling API, so poll.
        this.transport = "poll";
        if (!ac.signal.aborted) this.connect();
        return;
      }
      const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
      let buf = "";
      let data: string[] = [];
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        buf += value;
        let nl: number;
        while ((nl = buf.indexOf("\n")) >= 0) {
          const line = buf.slice(0, nl).replace(/\r$/, "");
          buf = buf.slice(nl + 1);
          if (line === "") {
            const f = data.length ? parseFrame(data.join("\n")) : null;
            data = [];
            if (f) {
              if (f.t === "ready") ready = true;
              this.handle(f);
            }
          } else if (line.startsWith("data:")) data.push(line.slice(line[5] === " " ? 6 : 5));
        }
      }
    } catch (e) {
      if (ac.signal.aborted) return;
      if (!this.httpError(e)) return;
    }
    if (this.abort === ac) this.dropped(ready);
  }

  // ---- polling ---------------------------------------------------------------------------------

  private poll(): void {
    const ac = (this.abort = new AbortController());
    getEvents(this.o.api, this.o.site, this.o.conv, this.o.after(), ac.signal, this.env.fetch).then(
      (page) => {
        if (ac.signal.aborted) return;
        for (const event of page.events) this.handle({ t: "event", event });
        const ready: ServerFrame = { t: "ready", lastSeq: page.lastSeq, state: page.state };
        if (this.live) {
          this.o.onFrame(ready);
          // Messages whose POST failed on a flaky network get another go with every poll.
          this.flush();
        } else this.handle(ready);
        // Next poll without teardown: the link stays "live" between polls, no status flicker.
        this.timer = setTimeout(() => this.poll(), this.env.isHidden() ? POLL_HIDDEN_MS : POLL_MS);
      },
      (e: unknown) => {
        if (ac.signal.aborted || !this.httpError(e)) return;
        this.dropped(false);
      },
    );
  }

  // ---- HTTP sends ------------------------------------------------------------------------------

  private async post(p: Pending): Promise<void> {
    if (this.posting.has(p.clientId)) return;
    this.posting.add(p.clientId);
    try {
      const r = await postMessage(this.o.api, this.o.site, this.o.conv, p.clientId, p.text, this.env.fetch, p.choice);
      this.o.onAck(p.clientId, r.seq);
      if (this.pacing) queueMicrotask(() => this.next());
    } catch (e) {
      if (e instanceof ApiFailure && e.status === 429) this.slowDown(e.retryAfterMs);
      else if (e instanceof ApiFailure && e.rejected) this.o.onRejected(p.clientId, e.message);
      else this.httpError(e);
      // Anything else stays queued for the next `ready`.
    } finally {
      this.posting.delete(p.clientId);
    }
  }

  /** Returns false when the error ends this connection for good. */
  private httpError(e: unknown): boolean {
    if (e instanceof ApiFailure && e.misconfigured && this.o.onUnavailable) {
      // Not the conversation's fault: keep it (stored) for when the owner has fixed the site.
      this.stop();
      this.o.onUnavailable(e);
      return false;
    }
    if (e instanceof ApiFailure && e.gone) {
      this.stop();
      this.o.onGone();
      return false;
    }
    return true;
  }
}
