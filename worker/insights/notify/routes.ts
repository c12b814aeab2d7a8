// The owner's integrations API, `/admin/v1/notifications`: webhooks, the Slack URL, deliveries and
// dead letters. Owners only (or the ADMIN_TOKEN): a webhook sends the workspace's conversations to
// any URL, which is more than an editor's job needs.
import { Hono, type Context } from "hono";
import {
  deliveriesQuerySchema,
  eventTypes,
  slackSettingsSchema,
  webhookCreateSchema,
  webhookUpdateSchema,
  type Delivery,
  type Integrations,
  type WebhookEvent,
  type WebhookWithSecret,
} from "../../../shared/api.ts";
import { audit } from "../../audit/log.ts";
import type { AppEnv } from "../../env.ts";
import { ApiFailure, jsonBody, parseOr400 } from "../../http/errors.ts";
import { requireAdmin } from "../../middleware/auth.ts";
import { retryPolicy } from "./backoff.ts";
import {
  fromRow,
  loadConfig,
  newSecret,
  publicWebhook,
  ROTATION_OVERLAP_MS,
  slackSettings,
  type WebhookRow,
} from "./config.ts";
import { notifierOf } from "./index.ts";
import { slackMessageFor } from "./slack.ts";
import { allowPrivateTargets, checkTarget } from "./target.ts";
import { parseJson, stringList } from "../../../shared/json.ts";

export const notifications = new Hono<AppEnv>();
notifications.use(requireAdmin({ role: "owner" }));

const MAX_WEBHOOKS = 20;

const ws = (c: Context<AppEnv>) => c.get("agent").workspaceId;
const notifier = (c: Context<AppEnv>) => notifierOf(c.env, ws(c));

/** Refuses a URL the Notifier must not send to (target.ts), as a 400 on the field that holds it. */
function allowedTarget(c: Context<AppEnv>, url: string, path: string): void {
  const t = checkTarget(url, allowPrivateTargets(c.env));
  if (!t.ok)
    throw new ApiFailure(400, "target_not_allowed", `body: ${path}: ${t.reason}`, [{ path, message: t.reason }]);
}

/** A webhook in the audit log: where it points (origin only: a URL's path and query can hold a token), never its secret. */
function hookView(r: WebhookRow) {
  let target = "invalid";
  try {
    target = new URL(r.url).origin;
  } catch {
    // keep "invalid"
  }
  return {
    url: target,
    events: parseJson(stringList, r.events, "webhooks.events"),
    enabled: r.enabled === 1,
    description: r.description,
  };
}

async function webhookRow(c: Context<AppEnv>, id: string): Promise<WebhookRow> {
  const row = await c.env.DB.prepare("SELECT * FROM webhooks WHERE id = ? AND workspace_id = ?")
    .bind(id, ws(c))
    .first<WebhookRow>();
  if (!row) throw new ApiFailure(404, "not_found", "no such webhook");
  return row;
}

notifications.get("/", async (c) => {
  const cfg = await loadConfig(c.env.DB, ws(c));
  const body: Integrations = {
    webhooks: cfg.webhooks.map(publicWebhook),
    slack: slackSettings(cfg.slackUrl),
    eventTypes: [...eventTypes],
    maxAttempts: retryPolicy(c.env).maxAttempts,
  };
  return c.json(body);
});

notifications.post("/webhooks", async (c) => {
  const w = parseOr400(webhookCreateSchema, await jsonBody(c), "body");
  allowedTarget(c, w.url, "url");
  const count = await c.env.DB.prepare("SELECT COUNT(*) AS n FROM webhooks WHERE workspace_id = ?")
    .bind(ws(c))
    .first<{ n: number }>();
  if ((count?.n ?? 0) >= MAX_WEBHOOKS)
    throw new ApiFailure(409, "too_many_webhooks", `a workspace has at most ${MAX_WEBHOOKS} webhooks`);
  const now = Date.now();
  const row: WebhookRow = {
    id: `wh_${crypto.randomUUID().replace(/-/g, "").slice(0, 20)}`,
    workspace_id: ws(c),
    url: w.url,
    secret: w.secret ?? newSecret(),
    events: JSON.stringify([...new Set(w.events)]),
    enabled: w.enabled ? 1 : 0,
    description: w.description,
    created_at: now,
    updated_at: now,
    previous_secret: null,
    previous_until: null,
  };
  await c.env.DB.prepare(
    "INSERT INTO webhooks (id, workspace_id, url, secret, events, enabled, description, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
  )
    .bind(
      row.id,
      row.workspace_id,
      row.url,
      row.secret,
      row.events,
      row.enabled,
      row.description,
      row.created_at,
      row.updated_at,
    )
    .run();
  await notifier(c).reload();
  await audit(c, { action: "webhook.created", target: { type: "webhook", id: row.id }, after: hookView(row) });
  // The only time the secret is shown: the receiver needs it, nobody else does.
  const created: WebhookWithSecret = fromRow(row);
  return c.json(created, 201);
});

notifications.patch("/webhooks/:id", async (c) => {
  const prior = await webhookRow(c, c.req.param("id"));
  const u = parseOr400(webhookUpdateSchema, await jsonBody(c), "body");
  if (u.url !== undefined) allowedTarget(c, u.url, "url");
  const now = Date.now();
  const next: WebhookRow = {
    ...prior,
    url: u.url ?? prior.url,
    events: u.events ? JSON.stringify([...new Set(u.events)]) : prior.events,
    enabled: u.enabled === undefined ? prior.enabled : u.enabled ? 1 : 0,
    description: u.description ?? prior.description,
    secret: u.rotateSecret ? newSecret() : prior.secret,
    // The rotated-out secret signs next to the new one for a day: receivers switch without a gap.
    previous_secret: u.rotateSecret ? prior.secret : prior.previous_secret,
    previous_until: u.rotateSecret ? now + ROTATION_OVERLAP_MS : prior.previous_until,
    updated_at: now,
  };
  await c.env.DB.prepare(
    "UPDATE webhooks SET url = ?, events = ?, enabled = ?, description = ?, secret = ?, previous_secret = ?, previous_until = ?, updated_at = ? WHERE id = ? AND workspace_id = ?",
  )
    .bind(
      next.url,
      next.events,
      next.enabled,
      next.description,
      next.secret,
      next.previous_secret,
      next.previous_until,
      next.updated_at,
      next.id,
      next.workspace_id,
    )
    .run();
  await notifier(c).reload();
  await audit(c, {
    action: "webhook.updated",
    target: { type: "webhook", id: next.id },
    before: hookView(prior),
    after: { ...hookView(next), ...(u.rotateSecret ? { secret: "rotated" } : {}) },
  });
  const w = fromRow(next);
  return c.json(u.rotateSecret ? w : publicWebhook(w));
});

notifications.delete("/webhooks/:id", async (c) => {
  const row = await webhookRow(c, c.req.param("id"));
  await c.env.DB.prepare("DELETE FROM webhooks WHERE id = ? AND workspace_id = ?").bind(row.id, row.workspace_id).run();
  await notifier(c).reload();
  await audit(c, { action: "webhook.deleted", target: { type: "webhook", id: row.id }, before: hookView(row) });
  return c.body(null, 204);
});

/** A `ping` event through the real outbox: signed, retried, listed like any other delivery. */
notifications.post("/webhooks/:id/test", async (c) => {
  const row = await webhookRow(c, c.req.param("id"));
  const event: WebhookEvent = {
    id: `ping.${crypto.randomUUID()}`,
    type: "ping",
    createdAt: Date.now(),
    workspaceId: ws(c),
    data: {},
  };
  const d = await notifier(c).sendTest(ws(c), row.id, event, JSON.stringify(event));
  if (!d) throw new ApiFailure(404, "not_found", "no such webhook");
  return c.json({ delivery: d }, 202);
});

notifications.put("/slack", async (c) => {
  const { url } = parseOr400(slackSettingsSchema, await jsonBody(c), "body");
  if (url !== null) allowedTarget(c, url, "url");
  const prior = (await loadConfig(c.env.DB, ws(c))).slackUrl;
  await c.env.DB.prepare(
    "INSERT INTO notification_settings (workspace_id, slack_url, updated_at) VALUES (?, ?, ?) ON CONFLICT (workspace_id) DO UPDATE SET slack_url = excluded.slack_url, updated_at = excluded.updated_at",
  )
    .bind(ws(c), url, Date.now())
    .run();
  await notifier(c).reload();
  // A Slack webhook URL is itself the credential: the log says whether one is set, never which.
  await audit(c, {
    action: "slack.updated",
    target: { type: "slack", id: ws(c) },
    before: { url: prior ? "set" : "none" },
    after: { url: url ? (prior ? "replaced" : "set") : "none" },
  });
  return c.json(slackSettings(url));
});

notifications.post("/slack/test", async (c) => {
  const now = Date.now();
  const event: WebhookEvent = {
    id: `ping.${crypto.randomUUID()}`,
    type: "conversation.handed_off",
    createdAt: now,
    workspaceId: ws(c),
    data: {
      conversation: {
        id: "test",
        state: "queued",
        channel: "chat",
        preview: "This is a test from EdgeDesk: Slack notifications work.",
        priority: "urgent",
        createdAt: now,
        updatedAt: now,
      },
    },
  };
  const d = await notifier(c).sendTest(ws(c), "slack", event, JSON.stringify(slackMessageFor(event)));
  if (!d) throw new ApiFailure(409, "slack_not_configured", "set a Slack webhook URL first");
  return c.json({ delivery: d }, 202);
});

notifications.get("/deliveries", async (c) => {
  const q = parseOr400(deliveriesQuerySchema, c.req.query(), "query");
  const page: { deliveries: Delivery[]; next?: string } = await notifier(c).page(q.status, q.limit, q.after);
  return c.json(page);
});

notifications.get("/dead-letters", async (c) => {
  const q = parseOr400(deliveriesQuerySchema, c.req.query(), "query");
  const page: { deliveries: Delivery[]; next?: string } = await notifier(c).page("dead", q.limit, q.after);
  return c.json(page);
});

notifications.post("/dead-letters/:id/retry", async (c) => {
  const r = await notifier(c).retry(c.req.param("id"));
  if (!r.ok)
    throw r.error === "not_found"
      ? new ApiFailure(404, "not_found", "no such delivery")
      : new ApiFailure(409, "not_dead", "only a dead letter can be retried");
  return c.json({ delivery: r.delivery }, 202);
});
