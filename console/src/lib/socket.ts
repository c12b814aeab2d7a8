// A WebSocket that stays up: reconnects with backoff, pings so idle proxies keep it open (the server
// answers `pong` without waking its Durable Object), and treats a silent socket as dead.
import { signal, type ReadonlySignal } from "@preact/signals";
import { PING, PONG } from "../../../shared/protocol.ts";
import { backoffDelay } from "./retry.ts";

export type SocketStatus =
  | { kind: "connecting" }
  | { kind: "open" }
  | { kind: "waiting"; retryAt: number; attempt: number }
  | { kind: "offline" }
  | { kind: "closed" };

type Options = {
  /** Called on every (re)connect, so the conversation socket can ask for `after=<lastSeq>`. */
  url: () => string;
  onFrame: (frame: unknown) => void;
  onOpen?: () => void;
  /** Whenever a connection ends, opened or not, including on stop(). */
  onClose?: () => void;
  /** After a failed connect; a session that expired shows up here as repeated failures. */
  onFailure?: (consecutive: number) => void;
  /** The worker closed the socket because the session was ended (4401: signed out elsewhere, disabled). */
  onSessionEnded?: () => void;
};

const PING_EVERY_MS = 25_000;
/** Close code of a socket whose session was ended (worker/people/revoke.ts). */
const SESSION_ENDED = 4401;
// Two missed pongs: the connection is gone even if the browser has not noticed yet.
const SILENCE_LIMIT_MS = 60_000;

export class LiveSocket {
  private ws: WebSocket | undefined;
  private attempt = 0;
  private failures = 0;
  private stopped = true;
  private retryTimer: ReturnType<typeof setTimeout> | undefined;
  private pingTimer: ReturnType<typeof setInterval> | undefined;
  private lastHeard = 0;
  private readonly statusSig = signal<SocketStatus>({ kind: "closed" });
  readonly status: ReadonlySignal<SocketStatus> = this.statusSig;

  constructor(private readonly opts: Options) {}

  start(): void {
    if (!this.stopped) return;
    this.stopped = false;
    addEventListener("online", this.onOnline);
    addEventListener("offline", this.onOffline);
    this.connect();
  }

  stop(): void {
    this.stopped = true;
    removeEventListener("online", this.onOnline);
    removeEventListener("offline", this.onOffline);
    this.teardown();
    this.statusSig.value = { kind: "closed" };
  }

  /** Reconnect now, skipping any backoff wait (the "Retry now" button, coming back online). */
  reconnect(): void {
    if (this.stopped) return;
    this.attempt = 0;
    this.teardown();
    this.connect();
  }

  get isOpen(): boolean {
    return this.ws?.readyState === WebSocket.OPEN;
  }

  send(frame: unknown): boolean {
    if (!this.ws || this.ws.readyState !== WebSocket.OPEN) return false;
    this.ws.send(typeof frame === "string" ? frame : JSON.stringify(frame));
    return true;
  }

  private readonly onOnline = (): void => this.reconnect();
  private readonly onOffline = (): void => {
    this.teardown();
    this.statusSig.value = { kind: "offline" };
  };

  private connect(): void {
    clearTimeout(this.retryTimer);
    this.statusSig.value = { kind: "connecting" };
    let ws: WebSocket;
    try {
      ws = new WebSocket(this.opts.url());
    } catch {
      this.scheduleRetry();
      return;
    }
    this.ws = ws;
    let opened = false;
    ws.onopen = () => {
      opened = true;
      this.attempt = 0;
      this.failures = 0;
      this.lastHeard = Date.now();
      this.statusSig.value = { kind: "open" };
      this.pingTimer = setInterval(() => {
        if (Date.now() - this.lastHeard > SILENCE_LIMIT_MS) {
          ws.close(4000, "silent");
          return;
        }
        this.send(PING);
      }, PING_EVERY_MS);
      this.opts.onOpen?.();
    };
    ws.onmessage = (ev: MessageEvent<unknown>) => {
      this.lastHeard = Date.now();
      if (typeof ev.data !== "string" || ev.data === PONG) return;
      let frame: unknown;
      try {
        frame = JSON.parse(ev.data);
      } catch {
        return;
      }
      this.opts.onFrame(frame);
    };
    ws.onclose = (ev) => {
      if (this.ws !== ws) return;
      this.clearConnection();
      this.opts.onClose?.();
      if (ev.code === SESSION_ENDED) this.opts.onSessionEnded?.();
      if (this.stopped) return;
      if (!opened) this.opts.onFailure?.(++this.failures);
      if (typeof navigator !== "undefined" && navigator.onLine === false) {
        this.statusSig.value = { kind: "offline" };
        return;
      }
      this.scheduleRetry();
    };
  }

  private scheduleRetry(): void {
    const delay = backoffDelay(this.attempt);
    this.statusSig.value = { kind: "waiting", retryAt: Date.now() + delay, attempt: this.attempt + 1 };
    this.attempt += 1;
    this.retryTimer = setTimeout(() => this.connect(), delay);
  }

  private clearConnection(): void {
    clearInterval(this.pingTimer);
    this.pingTimer = undefined;
    this.ws = undefined;
  }

  private teardown(): void {
    clearTimeout(this.retryTimer);
    const ws = this.ws;
    this.clearConnection();
    if (ws) {
      this.opts.onClose?.();
      ws.onopen = ws.onmessage = ws.onclose = ws.onerror = null;
      try {
        ws.close(1000, "bye");
      } catch {
        // Closing a socket that never opened can throw in some browsers; it is gone either way.
      }
    }
  }
}
