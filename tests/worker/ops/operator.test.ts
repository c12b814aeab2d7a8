// The operator's view, run as `npm run dev` runs it (METRICS_D1=on, logs at info; the "worker-ops"
// project of vitest.worker.config.ts): one customer message sent with a request id is followed in the
// logs through the worker, its Conversation DO (the bot turn) and the webhook outbox (the delivery),
// with neither the message nor the customer's address in any line; the metrics it produced are on the
// operations report (owner: their workspace; operator token: all), with the outbox's backlog.
import { env } from "cloudflare:test";
import { afterAll, beforeAll, describe, expect, inject, it, vi } from "vitest";
import type { CreatedConversation, EventsPage } from "../../../shared/api.ts";
import type { OpsReport } from "../../../shared/ops.ts";
import { secretFor } from "../notify-helpers.ts";
import { ADMIN, BASE, createAgent, ORIGIN, publishDemoKb, SITE, waitFor, fetchAsCustomer } from "../helpers.ts";

const RID = "rid-ops-test-0001";
const TEXT = "How do I reset my password? platypus8812";
const EMAIL = "ops.customer@example.com";
const lines: string[] = [];
let owner = "";
let conv: CreatedConversation;

const spies = [vi.spyOn(console, "log"), vi.spyOn(console, "warn"), vi.spyOn(console, "error")];
for (const s of spies) s.mockImplementation((...a: unknown[]) => void lines.push(a.map(String).join(" ")));
afterAll(() => {
  for (const s of spies) s.mockRestore();
});

const parsed = () =>
  lines.flatMap((l) => {
    try {
      return [JSON.parse(l) as Record<string, unknown>];
    } catch {
      return [];
    }
  });

const json = { origin: ORIGIN, "content-type": "application/json" };
const q = (c: CreatedConversation) => `site=${SITE}&token=${encodeURIComponent(c.token)}`;

beforeAll(async () => {
  await publishDemoKb();
  owner = await createAgent("owner@ops.example", "owner");
  const receiver = inject("receiverUrl");
  await fetch(`${receiver}/_scenarios/ops`, {
    method: "PUT",
    body: JSON.stringify({ secret: secretFor("ops") }),
  });
  const hook = await fetchAsCustomer(`${BASE}/admin/v1/notifications/webhooks?workspace=demo`, {
    method: "POST",
    headers: ADMIN,
    body: JSON.stringify({ url: `${receiver}/hook/ops`, events: ["message.created"], secret: secretFor("ops") }),
  });
  expect(hook.status).toBe(201);
  const r = await fetchAsCustomer(`${BASE}/v1/conversations?site=${SITE}`, {
    method: "POST",
    headers: json,
    body: "{}",
  });
  conv = (await r.json()) as CreatedConversation;
  await fetchAsCustomer(`${BASE}/v1/conversations/${conv.id}/identify?${q(conv)}`, {
    method: "POST",
    headers: json,
    body: JSON.stringify({ user: { id: "u_ops", email: EMAIL, name: "Ops Customer" } }),
  });
}, 60_000);

describe("a message followed by its request id", () => {
  it("answers with the request id it was given", async () => {
    const sent = await fetchAsCustomer(`${BASE}/v1/conversations/${conv.id}/messages?${q(conv)}`, {
      method: "POST",
      headers: { ...json, "x-request-id": RID },
      body: JSON.stringify({ clientId: "ops-msg-000001", text: TEXT }),
    });
    expect(sent.status).toBe(202);
    expect(sent.headers.get("x-request-id")).toBe(RID);
    const fresh = await fetchAsCustomer(`${BASE}/health`);
    expect(fresh.headers.get("x-request-id")).toMatch(/^[0-9a-f-]{36}$/);
  });

  it("is logged by the worker, the Conversation DO's bot turn and the webhook delivery, all with that id", async () => {
    const mine = await waitFor(
      async () => parsed().filter((l) => l.rid === RID),
      (ls) =>
        ["request", "turn", "delivery"].every((m) =>
          ls.some((l) => l.msg === m && (m !== "delivery" || l.outcome === "delivered")),
        ),
      15_000,
    );
    expect(mine.find((l) => l.msg === "request")).toMatchObject({
      method: "POST",
      route: "/v1/conversations/:id/messages",
      status: 202,
      workspace: "demo",
    });
    expect(mine.find((l) => l.msg === "turn")).toMatchObject({
      conversation: conv.id,
      action: "answer",
      firstTokenMs: expect.any(Number),
    });
    expect(mine.find((l) => l.msg === "delivery" && l.outcome === "delivered")).toMatchObject({
      type: "message.created",
      kind: "webhook",
      status: 200,
    });
  });

  it("never logs the message, the customer's address or a secret", () => {
    const all = lines.join("\n");
    expect(all).not.toContain("platypus8812");
    expect(all).not.toContain(EMAIL);
    expect(all).not.toContain(conv.token);
    expect(all).not.toContain(env.SECRET);
    expect(all).not.toContain("ops-secret-0123456789");
  });
});

describe("the operations report", () => {
  const report = async (headers: Record<string, string>, path = "/api/ops/metrics?window=hour") => {
    const r = await fetchAsCustomer(`${BASE}${path}`, { headers });
    expect(r.status).toBe(200);
    return (await r.json()) as OpsReport;
  };

  it("charts the last hour from D1 locally: first token, decisions, requests by route, webhooks, backlog", async () => {
    const r = await waitFor(
      () => report({ cookie: owner }),
      (x) => x.webhooks.some((w) => w.label === "delivered") && x.answers.length > 0,
      10_000,
    );
    expect(r).toMatchObject({ window: "hour", source: "d1", bucketMs: 300_000 });
    expect(r.firstToken).toHaveLength(12);
    expect(r.firstToken.reduce((n, p) => n + p.n, 0)).toBeGreaterThanOrEqual(1);
    expect(r.firstToken.find((p) => p.n > 0)?.p95).toEqual(expect.any(Number));
    expect(r.answers.find((a) => a.label === "answer")?.n).toBeGreaterThanOrEqual(1);
    const route = r.latencyByRoute.find((x) => x.label === "POST /v1/conversations/:id/messages");
    expect(route).toMatchObject({ n: 1, p95: expect.any(Number) });
    expect(r.requests.reduce((n, p) => n + p.n, 0)).toBeGreaterThan(3);
    // The route pattern of the handler that answered, not of a router's catch-all middleware.
    expect(r.latencyByRoute.map((x) => x.label)).toContain("GET /api/ops/metrics");
    expect(r.latencyByRoute.map((x) => x.label)).toContain("POST /api/auth/login");
    expect(r.latencyByRoute.some((x) => x.label.endsWith("*"))).toBe(false);
    expect(r.backlog).toEqual({ pending: 0, dead: 0, oldestPendingAt: null });
    const day = await report({ cookie: owner }, "/api/ops/metrics?window=day");
    expect(day).toMatchObject({ window: "day", bucketMs: 3_600_000 });
    expect(day.firstToken).toHaveLength(24);
  });

  it("records handoffs by reason and a publish's time", async () => {
    await fetchAsCustomer(`${BASE}/v1/conversations/${conv.id}/handoff?${q(conv)}`, {
      method: "POST",
      headers: json,
      body: JSON.stringify({ reason: "customer-requested" }),
    });
    await waitFor(
      async () =>
        (await (
          await fetchAsCustomer(`${BASE}/v1/conversations/${conv.id}/events?${q(conv)}`, {
            headers: { origin: ORIGIN },
          })
        ).json()) as EventsPage,
      (p) => p.state === "queued",
      5000,
    );
    const r = await waitFor(
      () => report({ cookie: owner }),
      (x) => x.handoffs.some((h) => h.label === "customer-requested"),
      5000,
    );
    expect(r.publishes.reduce((n, p) => n + p.n, 0)).toBeGreaterThanOrEqual(1);
  });

  it("is the owner's (their workspace) or the operator token's (every workspace), no one else's", async () => {
    const agent = await createAgent("agent@ops.example", "agent");
    expect((await fetchAsCustomer(`${BASE}/api/ops/metrics`, { headers: { cookie: agent } })).status).toBe(403);
    expect((await fetchAsCustomer(`${BASE}/api/ops/metrics`)).status).toBe(401);
    expect((await fetchAsCustomer(`${BASE}/api/ops/metrics?window=week`, { headers: { cookie: owner } })).status).toBe(
      400,
    );
    // A point of another workspace: the operator sees it, the demo owner does not.
    await env.DB.prepare(
      "INSERT INTO ops_metrics (at, name, label, label2, workspace_id, value) VALUES (?, 'answer', 'decline', 'elsewhere', 'other_ws', 1)",
    )
      .bind(Date.now())
      .run();
    const operator = await report({ authorization: ADMIN.authorization }, "/admin/v1/ops/metrics?window=hour");
    expect(operator.answers.some((a) => a.label === "decline")).toBe(true);
    const own = await report({ cookie: owner });
    expect(own.answers.some((a) => a.label === "decline")).toBe(false);
  });
});
