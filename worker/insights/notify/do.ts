// One Notifier Durable Object per workspace: the outbox of its webhooks and Slack posts. Every
// delivery is a row in the object's SQLite before anything is sent; an alarm sends what is due,
// records each attempt, and sets the next try with exponential backoff. After the last try the row
// stays as a dead letter until an owner retries it. Same delivery id on every attempt, so receivers
// can drop duplicates (an attempt that timed out may still have arrived).
import { DurableObject } from "cloudflare:workers";
import {
  attemptLogSchema,
  type Attempt,
  type Delivery,
  type DeliveryStatus,
  type WebhookEvent,
} from "../../../shared/api.ts";
import type { Env } from "../../env.ts";
import { backoffDelay, retryPolicy, type RetryPolicy, worthRetrying } from "./backoff.ts";
import { loadConfig, signingSecrets, slackSettings, type WorkspaceConfig } from "./config.ts";
import { signedHeaders } from "./signature.ts";
import { slackMessageFor, type SlackMessage } from "./slack.ts";
import { allowPrivateTargets, checkTarget } from "./target.ts";
import { log as logLine } from "../../ops/log.ts";
import { metric } from "../../ops/metrics.ts";
import { parseJson } from "../../../shared/json.ts";

type Row = {
  id: string;
  kind: "webhook" | "slack";
  target: string;
  event_id: string;
  event_type: string;
  body: string;
  status: DeliveryStatus;
  attempts: number;
  next_at: number | null;
  url: string;
  log: string;
  created_at: number;
  updated_at: number;
  /** The request id that queued it (worker/ops/log.ts); NULL for rows from before. */
  rid: string | null;
};

/** Workers allow six connections open at once per invocation; more would only queue. */
const CONCURRENCY = 6;
const BATCH = 50;
const CONFIG_TTL_MS = 60_000;
const DAY = 86_400_000;

export class NotifierDO extends DurableObject<Env> {
  private readonly policy: RetryPolicy;
  private cfg: { value: WorkspaceConfig; until: number } | null = null;
  private sending = false;

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    this.policy = retryPolicy(env);
    this.schema();
  }

  /** The outbox's tables; again after forgetWorkspace() emptied the storage. */
  private schema(): void {
    const ctx = this.ctx;
    ctx.storage.sql.exec(`CREATE TABLE IF NOT EXISTS deliveries (
      id TEXT PRIMARY KEY,
      kind TEXT NOT NULL,
      target TEXT NOT NULL,
      event_id TEXT NOT NULL,
      event_type TEXT NOT NULL,
      body TEXT NOT NULL,
      status TEXT NOT NULL,
      attempts INTEGER NOT NULL DEFAULT 0,
      next_at INTEGER,
      url TEXT NOT NULL DEFAULT '',
      log TEXT NOT NULL DEFAULT '[]',
      created_at INTEGER NOT NULL,
      updated_at INTEGER NOT NULL,
      UNIQUE (event_id, target)
    )`);
    ctx.storage.sql.exec("CREATE INDEX IF NOT EXISTS deliveries_due ON deliveries(status, next_at)");
    ctx.storage.sql.exec("CREATE INDEX IF NOT EXISTS deliveries_recent ON deliveries(updated_at)");
    ctx.storage.sql.exec("CREATE TABLE IF NOT EXISTS kv (k TEXT PRIMARY KEY, v TEXT NOT NULL)");
    // Added after the table was first made: objects from before get the column.
    if (
      !ctx.storage.sql
        .exec<{ name: string }>("PRAGMA table_info(deliveries)")
        .toArray()
        .some((c) => c.name === "rid")
    )
      ctx.storage.sql.exec("ALTER TABLE deliveries ADD COLUMN rid TEXT");
  }

  // ---- RPC ------------------------------------------------------------------------------------

  /** Fans events out to the endpoints subscribed to them; returns how many deliveries were queued. */
  async enqueue(workspaceId: string, events: WebhookEvent[], rid?: string): Promise<number> {
    this.remember(workspaceId);
    const cfg = await this.config();
    let queued = 0;
    for (const e of events) {
      const body = JSON.stringify(e);
      for (const w of cfg.webhooks) {
        if (w.enabled && (w.events as string[]).includes(e.type))
          queued += this.insert("webhook", w.id, w.url, e, body, rid);
      }
      const slack = cfg.slackUrl ? slackMessageFor(e) : null;
      if (slack && cfg.slackUrl) queued += this.insert("slack", "slack", cfg.slackUrl, e, JSON.stringify(slack), rid);
    }
    if (queued) await this.wake(Date.now());
    return queued;
  }

  /** Queues one event for one target whatever it subscribes to (the console's "Send test"). */
  async sendTest(workspaceId: string, target: string, event: WebhookEvent, body: string): Promise<Delivery | null> {
    this.remember(workspaceId);
    const cfg = await this.config();
    const url = target === "slack" ? cfg.slackUrl : cfg.webhooks.find((w) => w.id === target)?.url;
    if (!url) return null;
    this.insert(target === "slack" ? "slack" : "webhook", target, url, event, body);
    await this.wake(Date.now());
    return this.get(this.one("SELECT * FROM deliveries WHERE event_id = ? AND target = ?", event.id, target)?.id ?? "");
  }

  /**
   * Posts one message to the workspace's Slack through the outbox (retried like any delivery), e.g. a
   * surge escalation with its context pack. False when no Slack URL is set; `eventId` dedups.
   */
  async postSlack(workspaceId: string, eventId: string, eventType: string, message: SlackMessage): Promise<boolean> {
    this.remember(workspaceId);
    const cfg = await this.config();
    if (!cfg.slackUrl) return false;
    this.insert("slack", "slack", cfg.slackUrl, { id: eventId, type: eventType }, JSON.stringify(message));
    await this.wake(Date.now());
    return true;
  }

  /** The endpoints changed: read them again before the next send. */
  reload(): void {
    this.cfg = null;
  }

  /**
   * Newest change first, `limit` at a time; `after` (a page's `next`) continues past that delivery. A
   * workspace can hold far more dead letters than one page, and every one must be reachable to retry.
   */
  page(status: DeliveryStatus | undefined, limit: number, after?: string): { deliveries: Delivery[]; next?: string } {
    const conds: string[] = [];
    const args: (string | number)[] = [];
    if (status) {
      conds.push("status = ?");
      args.push(status);
    }
    const at = after?.match(/^(\d+)\.(\d+)\.([\w-]+)$/);
    if (at) {
      conds.push("(updated_at, created_at, id) < (?, ?, ?)");
      args.push(Number(at[1]), Number(at[2]), at[3] as string);
    }
    const rows = this.rows(
      `SELECT * FROM deliveries ${conds.length ? `WHERE ${conds.join(" AND ")}` : ""} ORDER BY updated_at DESC, created_at DESC, id DESC LIMIT ?`,
      ...args,
      limit + 1,
    );
    const page = rows.slice(0, limit);
    const last = page.at(-1);
    return {
      deliveries: page.map((r) => this.view(r)),
      ...(rows.length > limit && last ? { next: `${last.updated_at}.${last.created_at}.${last.id}` } : {}),
    };
  }

  list(status: DeliveryStatus | undefined, limit: number): Delivery[] {
    return this.page(status, limit).deliveries;
  }

  get(id: string): Delivery | null {
    const r = this.one("SELECT * FROM deliveries WHERE id = ?", id);
    return r ? this.view(r) : null;
  }

  /**
   * A dead letter goes back in the queue for a full new series of attempts, with the same delivery
   * id (the receiver may have processed an attempt whose answer never came back).
   */
  async retry(id: string): Promise<{ ok: true; delivery: Delivery } | { ok: false; error: "not_found" | "not_dead" }> {
    const r = this.one("SELECT * FROM deliveries WHERE id = ?", id);
    if (!r) return { ok: false, error: "not_found" };
    if (r.status !== "dead") return { ok: false, error: "not_dead" };
    const now = Date.now();
    this.ctx.storage.sql.exec(
      "UPDATE deliveries SET status = 'pending', attempts = 0, next_at = ?, updated_at = ? WHERE id = ?",
      now,
      now,
      id,
    );
    await this.wake(now);
    return { ok: true, delivery: this.get(id) as Delivery };
  }

  /**
   * Erasure and retention (worker/privacy/): every delivery of these conversations goes, whatever its
   * status (a dead letter holds the message text as much as a pending one). Event ids start with the
   * conversation id (notify/events.ts, SLA alerts); surge escalations end with it.
   */
  forgetConversations(ids: string[]): number {
    let n = 0;
    for (const id of ids)
      n += this.ctx.storage.sql
        .exec(
          `DELETE FROM deliveries WHERE substr(event_id, 1, length(?1) + 1) = ?1 || '.'
           OR (event_id LIKE 'surge.%' AND substr(event_id, -length(?1) - 1) = '.' || ?1)
           OR json_extract(body, '$.data.conversation.id') = ?1 RETURNING id`,
          id,
        )
        .toArray().length;
    return n;
  }

  /** The workspace was removed (worker/workspace/): the whole outbox goes, dead letters included. */
  async forgetWorkspace(): Promise<void> {
    await this.ctx.storage.deleteAlarm();
    await this.ctx.storage.deleteAll();
    this.cfg = null;
    this.schema();
  }

  // ---- sending --------------------------------------------------------------------------------

  override async alarm(): Promise<void> {
    // An alarm that fires while a send round is still out (a slow receiver) leaves it to that round,
    // which reschedules from the table when it ends.
    if (this.sending) return;
    this.sending = true;
    try {
      const now = Date.now();
      const due = this.rows(
        "SELECT * FROM deliveries WHERE status = 'pending' AND next_at <= ? ORDER BY next_at LIMIT ?",
        now,
        BATCH,
      );
      if (due.length) {
        const cfg = await this.config();
        // A lease: if the object dies mid-send, these come due again once it has surely timed out.
        const lease = Date.now() + this.policy.timeoutMs + 30_000;
        for (const d of due) this.ctx.storage.sql.exec("UPDATE deliveries SET next_at = ? WHERE id = ?", lease, d.id);
        await pool(due, CONCURRENCY, (d) => this.attempt(d, cfg));
      }
      this.prune(now);
    } finally {
      this.sending = false;
      await this.reschedule();
    }
  }

  private async attempt(d: Row, cfg: WorkspaceConfig): Promise<void> {
    const log = parseJson(attemptLogSchema, d.log, `deliveries.log of ${d.id}`);
    const n = log.length + 1;
    const at = Date.now();
    const hook = d.kind === "webhook" ? cfg.webhooks.find((w) => w.id === d.target) : undefined;
    const url = d.kind === "slack" ? cfg.slackUrl : hook?.url;
    // The endpoint was removed or switched off since this was queued: nobody wants it any more.
    if (!url || (d.kind === "webhook" && !hook?.enabled)) {
      const why = d.kind === "slack" ? "Slack is no longer configured" : hook ? "webhook disabled" : "webhook deleted";
      return this.settle(d, "cancelled", null, [...log, { n, at, ms: 0, error: why }], url ?? d.url);
    }
    // Checked again at send time: a row may predate the check, or the deployment may have tightened it.
    // Nothing is sent to a refused target, so nothing of its answer can show up in the log.
    const target = checkTarget(url, allowPrivateTargets(this.env));
    if (!target.ok)
      return this.settle(d, "dead", null, [...log, { n, at, ms: 0, error: `refused: ${target.reason}` }], url);
    const entry: Attempt = { n, at, ms: 0 };
    try {
      const headers = hook
        ? await signedHeaders(signingSecrets(hook, at), { id: d.id, eventType: d.event_type }, d.body, at)
        : { "content-type": "application/json" };
      // Redirects are not followed: a webhook URL that moved should be updated, not chased.
      const res = await fetch(url, {
        method: "POST",
        headers,
        body: d.body,
        redirect: "manual",
        signal: AbortSignal.timeout(this.policy.timeoutMs),
      });
      entry.status = res.status;
      const text = await res.text();
      if (text) entry.response = text.slice(0, 200);
    } catch (e) {
      const name = e instanceof Error ? e.name : "";
      entry.error =
        name === "TimeoutError" || name === "AbortError"
          ? `timed out after ${this.policy.timeoutMs} ms`
          : e instanceof Error
            ? e.message.slice(0, 200)
            : "network error";
    }
    entry.ms = Date.now() - at;
    if (entry.status !== undefined && entry.status >= 200 && entry.status < 300)
      return this.settle(d, "delivered", null, [...log, entry], url);
    const failedInSeries = d.attempts + 1;
    if (failedInSeries >= this.policy.maxAttempts || !worthRetrying(entry.status))
      return this.settle(d, "dead", null, [...log, entry], url, failedInSeries);
    entry.retryInMs = backoffDelay(failedInSeries, this.policy);
    this.settle(d, "pending", at + entry.ms + entry.retryInMs, [...log, entry], url, failedInSeries);
  }

  private settle(
    d: Row,
    status: DeliveryStatus,
    nextAt: number | null,
    log: Attempt[],
    url: string,
    attempts = d.attempts + 1,
  ): void {
    this.ctx.storage.sql.exec(
      "UPDATE deliveries SET status = ?, next_at = ?, log = ?, url = ?, attempts = ?, updated_at = ? WHERE id = ?",
      status,
      nextAt,
      JSON.stringify(log.slice(-50)),
      url,
      attempts,
      Date.now(),
      d.id,
    );
    // For the operator: each attempt's outcome, with the request id that set it off.
    const last = log[log.length - 1];
    const outcome = status === "pending" ? "retry" : status;
    const workspaceId = this.one<{ v: string }>("SELECT v FROM kv WHERE k = 'workspace'")?.v;
    metric(this.env, (p) => this.ctx.waitUntil(p), {
      name: "webhook",
      label: outcome,
      label2: d.kind,
      ...(workspaceId ? { workspaceId } : {}),
      value: last?.ms ?? 0,
    });
    logLine(this.env, status === "dead" ? "warn" : "info", "delivery", {
      rid: d.rid ?? null,
      delivery: d.id,
      event: d.event_id,
      type: d.event_type,
      kind: d.kind,
      outcome,
      attempt: attempts,
      status: last?.status ?? null,
      ms: last?.ms ?? null,
      workspace: workspaceId ?? null,
    });
  }

  /** The outbox now, for the operator page: what waits, what is dead, since when the oldest waits. */
  backlog(): { pending: number; dead: number; oldestPendingAt: number | null } {
    const r = this.one<{ pending: number; dead: number; oldest: number | null }>(
      "SELECT SUM(status = 'pending') AS pending, SUM(status = 'dead') AS dead, MIN(CASE WHEN status = 'pending' THEN created_at END) AS oldest FROM deliveries",
    );
    return { pending: r?.pending ?? 0, dead: r?.dead ?? 0, oldestPendingAt: r?.oldest ?? null };
  }

  private async reschedule(): Promise<void> {
    const next =
      this.one<{ at: number | null }>("SELECT MIN(next_at) AS at FROM deliveries WHERE status = 'pending'")?.at ?? null;
    if (next === null) await this.ctx.storage.deleteAlarm();
    else await this.ctx.storage.setAlarm(next);
  }

  private async wake(at: number): Promise<void> {
    const current = await this.ctx.storage.getAlarm();
    if (current === null || current > at) await this.ctx.storage.setAlarm(at);
  }

  /** Delivered and cancelled rows are history after a week; dead letters after thirty days. */
  private prune(now: number): void {
    this.ctx.storage.sql.exec(
      "DELETE FROM deliveries WHERE status IN ('delivered', 'cancelled') AND updated_at < ?",
      now - 7 * DAY,
    );
    this.ctx.storage.sql.exec("DELETE FROM deliveries WHERE status = 'dead' AND updated_at < ?", now - 30 * DAY);
  }

  // ---- storage --------------------------------------------------------------------------------

  private insert(
    kind: Row["kind"],
    target: string,
    url: string,
    e: Pick<WebhookEvent, "id"> & { type: string },
    body: string,
    rid?: string,
  ): number {
    const now = Date.now();
    // UNIQUE (event_id, target): an event published twice still goes to each endpoint once.
    const c = this.ctx.storage.sql.exec(
      `INSERT OR IGNORE INTO deliveries (id, kind, target, event_id, event_type, body, status, attempts, next_at, url, created_at, updated_at, rid)
       VALUES (?, ?, ?, ?, ?, ?, 'pending', 0, ?, ?, ?, ?, ?)`,
      `dlv_${crypto.randomUUID().replace(/-/g, "")}`,
      kind,
      target,
      e.id,
      e.type,
      body,
      now,
      url,
      now,
      now,
      rid ?? null,
    );
    return c.rowsWritten > 0 ? 1 : 0;
  }

  private async config(): Promise<WorkspaceConfig> {
    if (this.cfg && this.cfg.until > Date.now()) return this.cfg.value;
    const ws = this.one<{ v: string }>("SELECT v FROM kv WHERE k = 'workspace'")?.v;
    const value = ws ? await loadConfig(this.env.DB, ws) : { webhooks: [], slackUrl: null };
    this.cfg = { value, until: Date.now() + CONFIG_TTL_MS };
    return value;
  }

  private remember(workspaceId: string): void {
    this.ctx.storage.sql.exec("INSERT INTO kv (k, v) VALUES ('workspace', ?) ON CONFLICT (k) DO NOTHING", workspaceId);
  }

  private rows(query: string, ...params: (string | number)[]): Row[] {
    return this.ctx.storage.sql.exec<Row>(query, ...params).toArray();
  }

  private one<T extends Record<string, SqlStorageValue> = Row>(
    query: string,
    ...params: (string | number)[]
  ): T | undefined {
    return this.ctx.storage.sql.exec<T>(query, ...params).toArray()[0];
  }

  private view(r: Row): Delivery {
    return {
      id: r.id,
      kind: r.kind,
      target: r.target,
      url: r.kind === "slack" ? (slackSettings(r.url).hint ?? "") : r.url,
      eventId: r.event_id,
      eventType: r.event_type,
      status: r.status,
      attempts: r.attempts,
      maxAttempts: this.policy.maxAttempts,
      nextAt: r.status === "pending" ? r.next_at : null,
      createdAt: r.created_at,
      updatedAt: r.updated_at,
      log: parseJson(attemptLogSchema, r.log, `deliveries.log of ${r.id}`),
    };
  }
}

async function pool<T>(items: T[], size: number, work: (item: T) => Promise<void>): Promise<void> {
  let i = 0;
  const lane = async () => {
    while (i < items.length) {
      const item = items[i++] as T;
      try {
        await work(item);
      } catch (e) {
        // One delivery's bug must not stall the others; its lease brings it back later.
        console.error("[edgedesk] notifier: delivery failed unexpectedly", e);
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(size, items.length) }, lane));
}
