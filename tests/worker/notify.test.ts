// Notifications against a real receiver: every delivery leaves the worker over the network for the
// Node HTTP server of tests/receiver (started by the project's globalSetup), which verifies
// signatures with the official Standard Webhooks library, dedups by webhook-id and fails on demand.
// Retry delays are milliseconds here (vitest.worker.config.ts: 5 attempts, 60 ms doubling, 1 s timeout).
import { env, SELF } from "cloudflare:test";
import { beforeAll, describe, expect, it } from "vitest";
import type { Delivery, InboxItem, Integrations, WebhookEvent, WebhookWithSecret } from "../../shared/api.ts";
import { backoffDelay, DEFAULT_POLICY, retryPolicy } from "../../worker/insights/notify/backoff.ts";
import { onBreach } from "../../worker/inbox/routing/hooks.ts";
import { ADMIN, BASE, createAgent, demoArticles } from "./helpers.ts";
import {
  call,
  chat,
  conversation,
  deliveries,
  headersOf,
  hmacBase64,
  keyOf,
  RECEIVER,
  policy,
  received,
  scenario,
  secretFor,
  verifies,
  waitFor,
  webhook,
  workspace,
} from "./notify-helpers.ts";

// ---- tests ---------------------------------------------------------------------------------------

describe("webhooks", () => {
  it("signs each delivery per Standard Webhooks: webhook-id, webhook-timestamp, v1,<base64 HMAC of id.timestamp.body>, verified by the official library", async () => {
    const { ws, site } = await workspace("sign");
    const hook = await webhook(ws, "sign", ["conversation.created", "conversation.handed_off"]);
    expect(hook.secret).toBe(secretFor("sign"));
    const c = await conversation(site);
    expect((await chat(site, c, "handoff", { reason: "customer-requested" })).status).toBe(202);

    const log = await waitFor(
      () => received("sign"),
      (l) => l.processed.length === 2,
    );
    for (const r of log.requests) {
      // The receiver (Node) verified it with `standardwebhooks`; so does the same library here.
      expect(r.verifyError).toBeNull();
      expect(r.signatureValid).toBe(true);
      const headers = headersOf(r);
      expect(verifies(hook.secret, r.raw, headers)).toBe(true);
      expect(r.signature).toBe(`v1,${await hmacBase64(keyOf(hook.secret), `${r.deliveryId}.${r.timestamp}.${r.raw}`)}`);
      expect(Number(r.timestamp)).toBeGreaterThan(Date.now() / 1000 - 60);
      expect(r.deliveryId).toMatch(/^dlv_[0-9a-f]{32}$/);
      // A body changed in transit, another id (the id is signed), an old timestamp, or another secret: refused.
      expect(verifies(hook.secret, r.raw.replace("conversation", "Conversation"), headers)).toBe(false);
      expect(verifies(hook.secret, r.raw, { ...headers, "webhook-id": "dlv_someone_else" })).toBe(false);
      expect(verifies(hook.secret, r.raw, { ...headers, "webhook-timestamp": String(Number(r.timestamp) - 301) })).toBe(
        false,
      );
      expect(verifies(secretFor("another"), r.raw, headers)).toBe(false);
    }
    const events = log.processed.map((p) => p.body as WebhookEvent);
    expect(events.map((e) => e.type).sort()).toEqual(["conversation.created", "conversation.handed_off"]);
    const handed = events.find((e) => e.type === "conversation.handed_off") as WebhookEvent;
    expect(handed).toMatchObject({
      id: expect.stringContaining(c.id),
      workspaceId: ws,
      data: { conversation: { id: c.id, state: "queued" }, handoff: { reason: "customer-requested" } },
    });
    expect(log.requests.map((r) => r.eventType).sort()).toEqual(["conversation.created", "conversation.handed_off"]);

    // The API lists the same deliveries, under the ids the receiver saw.
    const listed = await waitFor(
      () => deliveries(ws),
      (d) => d.length === 2 && d.every((x) => x.status === "delivered"),
    );
    expect(listed.map((d) => d.id).sort()).toEqual(log.requests.map((r) => r.deliveryId).sort());
    expect(listed[0]?.log[0]).toMatchObject({ n: 1, status: 200 });
  });

  it("retries with exponential backoff, the same delivery id and a fresh signed timestamp, then dead-letters", async () => {
    const { ws, site } = await workspace("backoff");
    await webhook(ws, "backoff", ["conversation.created"]);
    await scenario("backoff", { failFirst: 1000 }, "PATCH");
    const c = await conversation(site);

    const [dead] = await waitFor(
      () => deliveries(ws, "dead"),
      (d) => d.length === 1,
    );
    const log = await received("backoff");
    expect(log.processed).toEqual([]);
    expect(log.requests).toHaveLength(policy.maxAttempts);
    expect(new Set(log.requests.map((r) => r.deliveryId))).toEqual(new Set([dead?.id]));
    expect(log.requests.every((r) => r.signatureValid && r.answered === 500)).toBe(true);
    const stamps = log.requests.map((r) => Number(r.timestamp));
    expect(stamps).toEqual([...stamps].sort((a, b) => a - b));
    // The body, and so the event's own id and time, is the same on every attempt.
    expect(new Set(log.requests.map((r) => r.raw)).size).toBe(1);
    expect(JSON.parse(log.requests[0]?.raw ?? "{}")).toMatchObject({
      type: "conversation.created",
      id: `${c.id}.created`,
    });

    // The schedule: each delay nominally doubles (60, 120, 240, 480 ms), within ±20 % jitter, and the
    // receiver saw the attempts at least that far apart.
    expect(dead).toMatchObject({ status: "dead", attempts: policy.maxAttempts, nextAt: null });
    const attempts = dead?.log ?? [];
    expect(attempts.map((a) => a.n)).toEqual([1, 2, 3, 4, 5]);
    expect(attempts.map((a) => a.status)).toEqual([500, 500, 500, 500, 500]);
    expect(attempts.at(-1)?.retryInMs).toBeUndefined();
    for (let i = 0; i < attempts.length - 1; i++) {
      const nominal = Math.min(policy.maxDelayMs, policy.baseMs * 2 ** i);
      expect(attempts[i]?.retryInMs).toBeGreaterThanOrEqual(nominal * 0.8 - 1);
      expect(attempts[i]?.retryInMs).toBeLessThanOrEqual(nominal * 1.2 + 1);
      const gap = (log.requests[i + 1]?.receivedAt ?? 0) - (log.requests[i]?.receivedAt ?? 0);
      expect(gap).toBeGreaterThanOrEqual((attempts[i]?.retryInMs ?? 0) - 15);
    }
    expect(
      (await call<{ deliveries: Delivery[] }>("GET", "/dead-letters", ws)).body.deliveries.map((d) => d.id),
    ).toEqual([dead?.id]);
  });

  it("has a backoff schedule of 15 s doubling to 1 h by default, jittered ±20 %", () => {
    const mid = () => 0.5;
    expect([1, 2, 3, 4, 9, 10, 20].map((n) => backoffDelay(n, DEFAULT_POLICY, mid))).toEqual([
      15_000, 30_000, 60_000, 120_000, 3_600_000, 3_600_000, 3_600_000,
    ]);
    expect(backoffDelay(1, DEFAULT_POLICY, () => 0)).toBe(12_000);
    expect(backoffDelay(1, DEFAULT_POLICY, () => 0.999999)).toBe(18_000);
    expect(retryPolicy({ NOTIFY_MAX_ATTEMPTS: "x", NOTIFY_RETRY_BASE_MS: "-1" })).toEqual(DEFAULT_POLICY);
  });

  it("counts a timeout as a failure; the retry reuses the delivery id and the receiver processes it once", async () => {
    const { ws, site } = await workspace("timeout");
    await webhook(ws, "timeout", ["conversation.created"]);
    await scenario("timeout", { hang: [1], hangMs: 2500 }, "PATCH");
    await conversation(site);

    const [d] = await waitFor(
      () => deliveries(ws, "delivered"),
      (x) => x.length === 1,
    );
    const first = d?.log[0];
    expect(first?.status).toBeUndefined();
    expect(first?.error).toBe(`timed out after ${policy.timeoutMs} ms`);
    expect(first?.ms).toBeGreaterThanOrEqual(policy.timeoutMs - 5);
    expect(first?.ms).toBeLessThan(2500);
    expect(d?.log[1]).toMatchObject({ n: 2, status: 200 });
    const log = await received("timeout");
    expect(log.requests.map((r) => r.deliveryId)).toEqual([d?.id, d?.id]);
    expect(log.processed).toHaveLength(1);
    expect(log.duplicates).toBe(1);
  });

  it("retries a dead letter on request, with the same delivery id, once the endpoint is fixed", async () => {
    const { ws, site } = await workspace("manual");
    await webhook(ws, "manual", ["conversation.created"]);
    await scenario("manual", { failFirst: 1000 }, "PATCH");
    await conversation(site);
    const [dead] = await waitFor(
      () => deliveries(ws, "dead"),
      (d) => d.length === 1,
    );

    await scenario("manual", { failFirst: 0 }, "PATCH");
    const r = await call<{ delivery: Delivery }>("POST", `/dead-letters/${dead?.id}/retry`, ws);
    expect(r.status).toBe(202);
    expect(r.body.delivery).toMatchObject({ id: dead?.id, status: "pending", attempts: 0 });
    const [done] = await waitFor(
      () => deliveries(ws, "delivered"),
      (d) => d.length === 1,
    );
    expect(done?.id).toBe(dead?.id);
    expect(done?.log.map((a) => a.status)).toEqual([500, 500, 500, 500, 500, 200]);
    const log = await received("manual");
    expect(log.processed.map((p) => p.deliveryId)).toEqual([dead?.id]);
    expect((await call("GET", "/dead-letters", ws)).body).toEqual({ deliveries: [] });

    expect((await call("POST", `/dead-letters/${dead?.id}/retry`, ws)).status).toBe(409);
    expect((await call("POST", "/dead-letters/dlv_nope/retry", ws)).status).toBe(404);
  });

  it("delivers each event of a whole conversation exactly once to a receiver that fails the first tries and hangs once", async () => {
    const { ws, site } = await workspace("journey");
    await webhook(ws, "journey", [
      "conversation.created",
      "conversation.handed_off",
      "conversation.assigned",
      "conversation.resolved",
      "message.created",
    ]);
    await scenario("journey", { failFirst: 3, hang: [4], hangMs: 2500 }, "PATCH");
    const agent = await createAgent("journey-agent@notify.example", "agent", ws);

    const c = await conversation(site);
    expect((await chat(site, c, "handoff", {})).status).toBe(202);
    expect((await chat(site, c, "messages", { clientId: "journey-c-1", text: "My prints never arrived" })).status).toBe(
      202,
    );
    expect((await chat(site, c, "messages", { clientId: "journey-c-1", text: "My prints never arrived" })).status).toBe(
      202,
    ); // a resend
    const api = (path: string, body?: unknown) =>
      SELF.fetch(`${BASE}/api/conversations/${c.id}/${path}`, {
        method: "POST",
        headers: { cookie: agent, "content-type": "application/json" },
        ...(body ? { body: JSON.stringify(body) } : {}),
      });
    expect((await api("claim")).status).toBe(200);
    expect((await api("messages", { clientId: "journey-a-1", text: "Sorry! Reprinting them now." })).status).toBe(201);
    // A private note is for agents only: it must not leave the desk as a webhook either.
    expect((await api("notes", { clientId: "journey-n-1", text: "VIP customer, reprint at no cost" })).status).toBe(
      201,
    );
    expect((await api("resolve")).status).toBe(200);

    const expected = [
      "conversation.created",
      "conversation.handed_off",
      "message.created",
      "conversation.assigned",
      "message.created",
      "conversation.resolved",
    ];
    const all = await waitFor(
      () => deliveries(ws),
      (d) => d.length === expected.length && d.every((x) => x.status === "delivered"),
      15_000,
    );
    const log = await received("journey");
    const events = log.processed.map((p) => p.body as WebhookEvent);
    expect(events.map((e) => e.type).sort()).toEqual([...expected].sort());
    expect(new Set(events.map((e) => e.id)).size).toBe(expected.length);
    expect(new Set(log.processed.map((p) => p.deliveryId))).toEqual(new Set(all.map((d) => d.id)));
    // It really was retried: three 500s, one answer that came too late, and one duplicate dropped.
    expect(log.requests.filter((r) => r.answered === 500)).toHaveLength(3);
    expect(log.requests.filter((r) => r.hung)).toHaveLength(1);
    expect(log.duplicates).toBe(1);
    expect(log.requests.every((r) => r.signatureValid)).toBe(true);
    expect(all.some((d) => d.log.length > 1)).toBe(true);

    const messages = events.filter((e) => e.type === "message.created").map((e) => e.data.message);
    expect(messages).toEqual([
      expect.objectContaining({ author: "customer", text: "My prints never arrived" }),
      expect.objectContaining({ author: "agent", text: "Sorry! Reprinting them now.", name: "journey-agent" }),
    ]);
    expect(events.find((e) => e.type === "conversation.assigned")?.data.agent).toEqual({ name: "journey-agent" });
    expect(JSON.stringify(events)).not.toContain("VIP customer");
  });

  it("sends only subscribed events, and nothing to a disabled or deleted webhook", async () => {
    const { ws, site } = await workspace("subs");
    const hook = await webhook(ws, "subs", ["conversation.handed_off"]);
    const c = await conversation(site); // conversation.created: not subscribed
    await chat(site, c, "handoff", {});
    await waitFor(
      () => received("subs"),
      (l) => l.processed.length === 1,
    );
    expect((await call("PATCH", `/webhooks/${hook.id}`, ws, { enabled: false })).status).toBe(200);
    await conversation(site);
    expect((await call("DELETE", `/webhooks/${hook.id}`, ws)).status).toBe(204);
    await chat(site, await conversation(site), "handoff", {});
    await new Promise((r) => setTimeout(r, 300));
    const log = await received("subs");
    expect(log.processed.map((p) => (p.body as WebhookEvent).type)).toEqual(["conversation.handed_off"]);
    expect((await call("PATCH", `/webhooks/${hook.id}`, ws, { enabled: true })).status).toBe(404);
  });
});

describe("the owner's integrations API", () => {
  it("is for owners and the admin token only: agents and editors are refused", async () => {
    const { ws } = await workspace("roles");
    const agent = await createAgent("roles-agent@notify.example", "agent", ws);
    const editor = await createAgent("roles-editor@notify.example", "editor", ws);
    const owner = await createAgent("roles-owner@notify.example", "owner", ws);
    const as = (cookie: string) => ({ cookie, "content-type": "application/json" });
    expect((await call("GET", "", ws, undefined, {})).status).toBe(401);
    expect((await call("GET", "", ws, undefined, as(agent))).status).toBe(403);
    expect((await call("GET", "", ws, undefined, as(editor))).status).toBe(403);
    expect(
      (await call("POST", "/webhooks", ws, { url: `${RECEIVER}/hook/roles`, events: ["message.created"] }, as(agent)))
        .status,
    ).toBe(403);
    expect((await call("PUT", "/slack", ws, { url: `${RECEIVER}/slack/roles` }, as(editor))).status).toBe(403);

    const created = await call<WebhookWithSecret>(
      "POST",
      "/webhooks",
      ws,
      { url: `${RECEIVER}/hook/roles`, events: ["message.created"] },
      as(owner),
    );
    expect(created.status).toBe(201);
    expect(created.body.secret).toMatch(/^whsec_/);
    const listed = await call<Integrations>("GET", "", ws, undefined, as(owner));
    expect(listed.status).toBe(200);
    expect(listed.body.webhooks).toEqual([
      expect.objectContaining({ id: created.body.id, secretHint: `…${created.body.secret.slice(-4)}` }),
    ]);
    expect(JSON.stringify(listed.body)).not.toContain(created.body.secret);
    expect((await call("GET", "", ws)).status).toBe(200); // ADMIN_TOKEN
    const rotated = await call<WebhookWithSecret>(
      "PATCH",
      `/webhooks/${created.body.id}`,
      ws,
      { rotateSecret: true },
      as(owner),
    );
    expect(rotated.body.secret).toMatch(/^whsec_/);
    expect(rotated.body.secret).not.toBe(created.body.secret);
  });

  it("validates webhooks and the Slack URL", async () => {
    const { ws } = await workspace("valid");
    const bad = await call<{ error: string; issues: { path: string }[] }>("POST", "/webhooks", ws, {
      url: "ftp://x",
      events: ["nope"],
    });
    expect(bad.status).toBe(400);
    expect(bad.body.issues.map((i) => i.path).sort()).toEqual(["events.0", "url"]);
    expect((await call("POST", "/webhooks", ws, { url: "https://example.com/h", events: [] })).status).toBe(400);
    expect(
      (
        await call("POST", "/webhooks", ws, {
          url: "https://example.com/h",
          events: ["message.created"],
          secret: "short",
        })
      ).status,
    ).toBe(400);
    expect((await call("PUT", "/slack", ws, { url: "javascript:alert(1)" })).status).toBe(400);
    const slack = await call<Integrations["slack"]>("PUT", "/slack", ws, {
      url: "https://hooks.slack.com/services/T000/B000/abcdefghijkl",
    });
    expect(slack.body).toEqual({ configured: true, hint: "hooks.slack.com/…ghijkl" });
    expect((await call("PUT", "/slack", ws, { url: null })).body).toEqual({ configured: false, hint: null });
  });

  it("keeps workspaces apart: another workspace's owner sees and retries nothing of ours", async () => {
    const a = await workspace("iso_a");
    const b = await workspace("iso_b");
    const hookA = await webhook(a.ws, "iso_a", ["conversation.created"]);
    await scenario("iso_a", { failFirst: 1000 }, "PATCH");
    await webhook(b.ws, "iso_b", ["conversation.created"]);
    const ownerB = {
      cookie: await createAgent("iso-owner@b.example", "owner", b.ws),
      "content-type": "application/json",
    };
    await conversation(a.site);
    const [deadA] = await waitFor(
      () => deliveries(a.ws, "dead"),
      (d) => d.length === 1,
    );

    // Owner B, even naming workspace A in the query, acts on B: the session decides, not the URL.
    const seen = await call<Integrations>("GET", "", a.ws, undefined, ownerB);
    expect(seen.body.webhooks.map((w) => w.id)).not.toContain(hookA.id);
    expect(
      (await call<{ deliveries: Delivery[] }>("GET", "/dead-letters", a.ws, undefined, ownerB)).body.deliveries,
    ).toEqual([]);
    expect((await call("POST", `/dead-letters/${deadA?.id}/retry`, a.ws, undefined, ownerB)).status).toBe(404);
    expect((await call("PATCH", `/webhooks/${hookA.id}`, a.ws, { url: "https://evil.example/h" }, ownerB)).status).toBe(
      404,
    );
    expect((await call("DELETE", `/webhooks/${hookA.id}`, a.ws, undefined, ownerB)).status).toBe(404);
    expect((await call("POST", `/webhooks/${hookA.id}/test`, a.ws, undefined, ownerB)).status).toBe(404);
    // And B's endpoint never heard of A's conversation.
    expect((await received("iso_b")).requests).toEqual([]);
    expect((await received("iso_a")).requests.length).toBe(policy.maxAttempts);
  });

  it("sends a signed ping through the outbox on request", async () => {
    const { ws } = await workspace("ping");
    const hook = await webhook(ws, "ping", ["sla.breached"]);
    const r = await call<{ delivery: Delivery }>("POST", `/webhooks/${hook.id}/test`, ws);
    expect(r.status).toBe(202);
    const log = await waitFor(
      () => received("ping"),
      (l) => l.processed.length === 1,
    );
    expect(log.requests[0]).toMatchObject({ eventType: "ping", signatureValid: true, deliveryId: r.body.delivery.id });
  });

  it("lists deliveries a page at a time, every one reachable exactly once", async () => {
    // The full chaos run's 503 and 410 endpoints left more dead letters than one page (200) could show.
    const { ws } = await workspace("pages");
    const hook = await webhook(ws, "pages", ["sla.breached"]);
    const sent: string[] = [];
    for (let i = 0; i < 7; i++)
      sent.push((await call<{ delivery: Delivery }>("POST", `/webhooks/${hook.id}/test`, ws)).body.delivery.id);
    const seen: string[] = [];
    let after: string | undefined;
    let pages = 0;
    do {
      const r = await call<{ deliveries: Delivery[]; next?: string }>(
        "GET",
        `/deliveries?limit=3${after ? `&after=${encodeURIComponent(after)}` : ""}`,
        ws,
      );
      expect(r.status).toBe(200);
      expect(r.body.deliveries.length).toBeLessThanOrEqual(3);
      seen.push(...r.body.deliveries.map((d) => d.id));
      after = r.body.next;
      pages++;
    } while (after && pages < 10);
    expect(pages).toBe(3);
    expect(seen.length).toBe(7);
    expect(new Set(seen)).toEqual(new Set(sent));
    // Not a cursor: refused, never read as SQL.
    expect((await call("GET", "/deliveries?after=1'%20OR%201=1", ws)).status).toBe(400);
  });
});

describe("Slack", () => {
  beforeAll(async () => {
    const { ws } = await workspace("slack");
    const r = await SELF.fetch(`${BASE}/admin/v1/kb/articles?workspace=${ws}`, {
      method: "PUT",
      headers: ADMIN,
      body: JSON.stringify({ articles: demoArticles, replace: true }),
    });
    expect(r.status).toBe(200);
  });

  it("posts a new urgent handoff (text and blocks), and not an ordinary one", async () => {
    const ws = "n_slack";
    const site = "n_slack_site";
    await scenario("slack", {});
    expect((await call("PUT", "/slack", ws, { url: `${RECEIVER}/slack/slack` })).status).toBe(200);

    const ordinary = await conversation(site);
    await chat(site, ordinary, "handoff", {}); // priority normal: not Slack's business
    const urgent = await conversation(site);
    await chat(site, urgent, "messages", {
      clientId: "slack-urgent-1",
      text: "someone hacked my account and changed my password",
    });

    const log = await waitFor(
      () => received("slack"),
      (l) => l.processed.length >= 1,
    );
    await new Promise((r) => setTimeout(r, 300));
    const posts = (await received("slack")).processed.map(
      (p) =>
        p.body as { text: string; blocks: { type: string; text?: { text: string }; elements?: { text: string }[] }[] },
    );
    expect(posts).toHaveLength(1);
    expect(log.requests[0]?.signature).toBeNull();
    const [post] = posts;
    expect(post?.text).toMatch(/^Urgent handoff waiting: /);
    expect(post?.text).toContain("hacked my account");
    expect(post?.blocks[0]?.text?.text).toContain(":rotating_light: *Urgent handoff waiting*");
    expect(JSON.stringify(post?.blocks)).toContain("*Priority*\\nurgent");
    expect(post?.blocks[1]?.elements?.[0]?.text).toContain(`/console/#/c/${urgent.id}|Open in EdgeDesk>`);

    const slackDeliveries = (await deliveries(ws)).filter((d) => d.kind === "slack");
    expect(slackDeliveries).toEqual([
      expect.objectContaining({ status: "delivered", eventType: "conversation.handed_off", target: "slack" }),
    ]);
    expect(slackDeliveries[0]?.url).not.toContain("/slack/slack"); // the URL is a credential: masked
  });

  it("posts an SLA breach from the routing hook, and sends sla.breached to subscribed webhooks, once per breach", async () => {
    const ws = "n_slack";
    await scenario("slack_sla", {});
    expect((await call("PUT", "/slack", ws, { url: `${RECEIVER}/slack/slack_sla` })).status).toBe(200);
    await webhook(ws, "sla_hook", ["sla.breached"]);
    const item: InboxItem = {
      id: "conv_sla_1",
      state: "queued",
      channel: "chat",
      preview: "Where is my refund?",
      team: "billing",
      priority: "high",
      tier: "tier-1",
      slaDueAt: 1000,
      createdAt: 1,
      updatedAt: 2,
    };
    // The Inbox DO's alarm calls this hook on a breach; it records the breach and raises the alert.
    await onBreach(env, ws, item);
    await onBreach(env, ws, item); // the same breach again

    const slack = await waitFor(
      () => received("slack_sla"),
      (l) => l.processed.length === 1,
    );
    expect((slack.processed[0]?.body as { text: string } | undefined)?.text).toBe(
      "SLA breached (first_response): Where is my refund?",
    );
    const hook = await waitFor(
      () => received("sla_hook"),
      (l) => l.processed.length === 1,
    );
    expect(hook.processed[0]?.body).toMatchObject({
      type: "sla.breached",
      id: "conv_sla_1.sla.first_response.1000",
      data: {
        sla: { metric: "first_response", dueAt: 1000, policy: "tier-1" },
        conversation: { id: "conv_sla_1", team: "billing" },
      },
    });
    await new Promise((r) => setTimeout(r, 200));
    expect((await received("slack_sla")).requests).toHaveLength(1);
    expect((await received("sla_hook")).requests).toHaveLength(1);
  });
});
