// Customer health (worker/insights/customers/): each conversation of a verified customer keeps its
// signals (its `health` follower; never the text); the contact's and the company's scores say why; an
// owner's rule fires once per window to Slack through the notifier; agents read, owners manage rules;
// other workspaces see nothing.
import { env, SELF } from "cloudflare:test";
import { beforeAll, describe, expect, it } from "vitest";
import type { CustomerHealth, HealthRule } from "../../shared/customer-health.ts";
import { checkRules } from "../../worker/insights/customers/rules.ts";
import { ADMIN, asCustomer, BASE, call, createAgent, ORIGIN, signIdentity, waitFor } from "./helpers.ts";
import { RECEIVER } from "./notify-helpers.ts";

const WS = "n_health";
const SITE_KEY = "n_health_site";
const SECRET = "health-identity-secret-0123456789";
const json = { origin: ORIGIN, "content-type": "application/json" };
let owner = "";
let agent = "";
let stranger = "";

beforeAll(async () => {
  await env.DB.prepare("INSERT OR IGNORE INTO workspaces (id, name, created_at) VALUES (?, 'Health', 0)")
    .bind(WS)
    .run();
  await env.DB.prepare(
    "INSERT OR IGNORE INTO workspaces (id, name, created_at) VALUES ('health-other', 'Other', 0)",
  ).run();
  const r = await SELF.fetch(`${BASE}/admin/v1/sites/${SITE_KEY}?workspace=${WS}`, {
    method: "PUT",
    headers: ADMIN,
    body: JSON.stringify({ name: "health", allowedOrigins: [ORIGIN], identitySecret: SECRET }),
  });
  expect(r.status).toBe(200);
  owner = await createAgent("health-owner@example.test", "owner", WS);
  agent = await createAgent("health-agent@example.test", "agent", WS);
  stranger = await createAgent("health-stranger@other.test", "owner", "health-other");
  // Slack for the workspace (the local receiver stands in): the rule's alert is a delivery of the notifier.
  await env.DB.prepare(
    "INSERT OR REPLACE INTO notification_settings (workspace_id, slack_url, updated_at) VALUES (?, ?, 0)",
  )
    .bind(WS, `${RECEIVER}/slack-health`)
    .run();
});

let n = 0;
/** A conversation of a verified customer with these messages. */
async function conversationOf(user: { id: string; email: string }, texts: string[]) {
  const c = (await (
    await SELF.fetch(`${BASE}/v1/conversations?site=${SITE_KEY}`, {
      method: "POST",
      headers: json,
      body: JSON.stringify({ locale: "en" }),
    })
  ).json()) as { id: string; token: string };
  const ts = Math.floor(Date.now() / 1000);
  expect(
    (
      await SELF.fetch(`${BASE}/v1/conversations/${c.id}/identify?site=${SITE_KEY}`, {
        method: "POST",
        headers: { ...json, ...asCustomer(c) },
        body: JSON.stringify({ user, hmac: await signIdentity(SECRET, ts, user.id, user.email), ts }),
      })
    ).status,
  ).toBe(202);
  for (const text of texts)
    expect(
      (
        await SELF.fetch(`${BASE}/v1/conversations/${c.id}/messages?site=${SITE_KEY}`, {
          method: "POST",
          headers: { ...json, ...asCustomer(c) },
          body: JSON.stringify({ clientId: `health-${++n}-${crypto.randomUUID().slice(0, 8)}`, text }),
        })
      ).status,
    ).toBe(202);
  return c;
}

const contacts = (cookie: string, q = "") =>
  call<{ customers: CustomerHealth[] }>(cookie, "GET", `/api/customer-health/contacts${q}`);

describe("customer health", () => {
  it("a customer with several angry conversations is at risk, with reasons; their company too; text never stored", async () => {
    const dana = { id: "dana-1", email: "dana@acme.example" };
    for (let i = 0; i < 3; i++) await conversationOf(dana, ["This is useless, the export is broken again", "terrible"]);
    await conversationOf({ id: "eve-1", email: "eve@gmail.com" }, ["thanks, all good"]);
    const list = await waitFor(
      () => contacts(agent),
      (r) => r.body.customers?.some((x) => x.email === "dana@acme.example" && x.signals.recent === 3),
      15_000,
    );
    const d = list.body.customers.find((x) => x.email === "dana@acme.example");
    expect(d).toMatchObject({
      kind: "contact",
      company: "acme.example",
      level: expect.stringMatching(/watch|at-risk/),
    });
    expect(d?.reasons).toContain("3 conversations with negative messages in 30 days");
    const eve = list.body.customers.find((x) => x.email === "eve@gmail.com");
    expect(eve?.reasons.some((r) => r.includes("negative"))).toBe(false);
    expect(eve?.company).toBeUndefined();
    // The least healthy first.
    expect(list.body.customers[0]?.score).toBeLessThanOrEqual(eve?.score ?? 0);
    const companies = await call<{ customers: CustomerHealth[] }>(agent, "GET", "/api/customer-health/companies");
    expect(companies.body.customers.map((x) => x.name)).toEqual(["acme.example"]);
    const stored = await env.DB.prepare("SELECT * FROM conversation_health WHERE workspace_id = ?").bind(WS).all();
    expect(JSON.stringify(stored.results)).not.toContain("useless");
    // Another workspace sees none of it.
    expect((await contacts(stranger)).body.customers.some((x) => x.email === "dana@acme.example")).toBe(false);
    expect((await call({}, "GET", "/api/customer-health/contacts")).status).toBe(401);
  });

  it("an owner's rule fires once per window to Slack; agents cannot manage rules", async () => {
    const rule: Omit<HealthRule, "id" | "createdAt"> = {
      name: "Three angry in 14 days",
      signal: "negative",
      threshold: 3,
      days: 14,
      notify: "slack",
    };
    expect((await call(agent, "POST", "/api/customer-health/rules", rule)).status).toBe(403);
    expect((await call(owner, "POST", "/api/customer-health/rules", { ...rule, threshold: 0 })).status).toBe(400);
    const made = await call<HealthRule>(owner, "POST", "/api/customer-health/rules", rule);
    expect(made.status).toBe(201);
    const frank = { id: "frank-1", email: "frank@globex.example" };
    for (let i = 0; i < 3; i++) await conversationOf(frank, ["awful service, this is broken"]);
    const alerts = () =>
      env.DB.prepare("SELECT * FROM health_alerts WHERE rule_id = ?").bind(made.body.id).all<{ subject: string }>();
    await waitFor(alerts, (r) => r.results.length === 1, 15_000);
    const contactId = (await alerts()).results[0]?.subject.replace("contact:", "") ?? "";
    // Checked again (another conversation changes): the same window fires nothing new.
    expect(await checkRules(env, WS, contactId, Date.now())).toEqual([]);
    expect((await alerts()).results).toHaveLength(1);
    const deliveries = await env.NOTIFIER.get(env.NOTIFIER.idFromName(WS)).list(undefined, 50);
    expect(deliveries.filter((d) => d.kind === "slack" && d.eventType === "customer.at_risk")).toHaveLength(1);

    expect((await call<{ rules: HealthRule[] }>(owner, "GET", "/api/customer-health/rules")).body.rules).toHaveLength(
      1,
    );
    expect((await call(stranger, "DELETE", `/api/customer-health/rules/${made.body.id}`)).status).toBe(404);
    expect((await call(owner, "DELETE", `/api/customer-health/rules/${made.body.id}`)).status).toBe(200);
  });
});
