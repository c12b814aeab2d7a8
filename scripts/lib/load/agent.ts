// A simulated agent for the load bench: signs in through the console's API, keeps the inbox socket open
// (that socket is the agent's presence: routing gives conversations only to connected agents), and
// works every conversation the inbox assigns to them: claim, reply, resolve, each after a short pause,
// as a person at the console would (compressed from minutes to a second or two).
import { randomBytes } from "node:crypto";
import WebSocket from "ws";
import { type InboxItem, inboxFrameSchema, meSchema } from "../../../shared/api.ts";

export type AgentAccount = { email: string; name: string; password: string };

export type AgentStats = { claimed: number; replied: number; resolved: number; errors: number; lastError?: string };

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

export class SimAgent {
  id = "";
  private cookie = "";
  private ws: WebSocket | null = null;
  private stopped = false;
  private readonly working = new Set<string>();
  readonly stats: AgentStats = { claimed: 0, replied: 0, resolved: 0, errors: 0 };
  /** Every inbox item this agent's socket receives (snapshot and upserts), as it arrives. */
  onItem: ((item: InboxItem) => void) | null = null;

  constructor(
    private readonly url: string,
    readonly account: AgentAccount,
    /** Pause before each step (claim, reply, resolve), ms: [min, max]. */
    private readonly pauseMs: [number, number] = [200, 1200],
  ) {}

  private async call(method: string, path: string, body?: unknown): Promise<Response> {
    return fetch(`${this.url}${path}`, {
      method,
      headers: { cookie: this.cookie, "content-type": "application/json" },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      signal: AbortSignal.timeout(30_000),
    });
  }

  /** Signs in and opens the inbox socket; resolves once the inbox's snapshot arrived. */
  async start(): Promise<void> {
    const r = await fetch(`${this.url}/api/auth/login`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ email: this.account.email, password: this.account.password }),
      signal: AbortSignal.timeout(30_000),
    });
    if (!r.ok) throw new Error(`login ${this.account.email}: ${r.status} ${await r.text()}`);
    this.cookie = (r.headers.get("set-cookie") ?? "").split(";")[0] as string;
    this.id = meSchema.parse(await (await this.call("GET", "/api/me")).json()).id;
    await this.connect();
  }

  private connect(): Promise<void> {
    return new Promise((resolve, reject) => {
      const ws = new WebSocket(`${this.url.replace(/^http/, "ws")}/api/inbox/ws`, {
        headers: { cookie: this.cookie },
        perMessageDeflate: false,
      });
      this.ws = ws;
      let first = true;
      ws.on("message", (data) => {
        let raw: unknown;
        try {
          raw = JSON.parse(String(data));
        } catch {
          return;
        }
        const parsed = inboxFrameSchema.safeParse(raw);
        if (!parsed.success) return;
        const f = parsed.data;
        if (f.t === "snapshot") {
          if (first) (first = false), resolve();
          for (const item of f.items) this.consider(item);
        } else if (f.t === "upsert") this.consider(f.item);
      });
      ws.on("error", (e) => {
        if (first) reject(e);
      });
      ws.on("close", () => {
        if (this.ws !== ws || this.stopped) return;
        // Back online after a moment, as the console does.
        setTimeout(() => void this.connect().catch(() => undefined), 500);
      });
    });
  }

  /** An item assigned to this agent and waiting for them: work it (once). */
  private consider(item: InboxItem): void {
    this.onItem?.(item);
    if (this.stopped || item.state !== "queued" || item.assignee?.id !== this.id || this.working.has(item.id)) return;
    this.working.add(item.id);
    void this.work(item.id).finally(() => this.working.delete(item.id));
  }

  private pause(): Promise<void> {
    const [lo, hi] = this.pauseMs;
    return sleep(lo + Math.random() * (hi - lo));
  }

  private async work(id: string): Promise<void> {
    const step = async (what: keyof AgentStats, method: string, path: string, body?: unknown) => {
      await this.pause();
      const r = await this.call(method, path, body);
      await r.body?.cancel();
      if (!r.ok) throw new Error(`${method} ${path}: ${r.status}`);
      (this.stats[what] as number)++;
    };
    try {
      await step("claimed", "POST", `/api/conversations/${id}/claim`);
      await step("replied", "POST", `/api/conversations/${id}/messages`, {
        clientId: randomBytes(9).toString("base64url"),
        text: "Hi, this is a person from the team. I have sorted that out for you.",
      });
      await step("resolved", "POST", `/api/conversations/${id}/resolve`);
    } catch (e) {
      this.stats.errors++;
      this.stats.lastError = e instanceof Error ? e.message : String(e);
    }
  }

  stop(): void {
    this.stopped = true;
    this.ws?.close(1000);
    this.ws = null;
  }
}
