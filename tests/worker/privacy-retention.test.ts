// Retention (worker/privacy/retention.ts): conversations whose last activity is older than a
// workspace's N days are deleted, or anonymised keeping aggregate analytics, by the scheduled job; a
// run takes a bounded batch, the next run continues (resumable), a run with nothing due changes
// nothing (idempotent), and a run that died after erasing an object but before its D1 rows is finished
// by the next. Conversations are aged by moving their index row's last activity back in time.
import { createExecutionContext, createScheduledController, env, waitOnExecutionContext } from "cloudflare:test";
import { beforeAll, describe, expect, it } from "vitest";
import type { CreatedConversation, EventsPage } from "../../shared/api.ts";
import type { PrivacyAuditEntry, RetentionSetting } from "../../shared/privacy.ts";
import worker from "../../worker/index.ts";
import { runRetention } from "../../worker/privacy/retention.ts";
import { ADMIN, BASE, createAgent, demoArticles, ORIGIN, waitFor, fetchAsCustomer } from "./helpers.ts";

const DAY = 86_400_000;
const json = { origin: ORIGIN, "content-type": "application/json" };

async function workspace(ws: string): Promise<string> {
  await env.DB.prepare("INSERT OR IGNORE INTO workspaces (id, name, created_at) VALUES (?, ?, 0)").bind(ws, ws).run();
  const site = `${ws}_site`;
  const r = await fetchAsCustomer(`${BASE}/admin/v1/sites/${site}?workspace=${ws}`, {
    method: "PUT",
    headers: ADMIN,
    body: JSON.stringify({ name: site, allowedOrigins: [ORIGIN] }),
  });
  expect(r.status).toBe(200);
  // The KB is per workspace: publish the demo one here too, so the bot answers.
  const kb = await fetchAsCustomer(`${BASE}/admin/v1/kb/articles?workspace=${ws}`, {
    method: "PUT",
    headers: ADMIN,
    body: JSON.stringify({ articles: demoArticles, replace: true }),
  });
  expect(kb.status).toBe(200);
  return site;
}

async function chat(site: string, text: string): Promise<CreatedConversation> {
  const r = await fetchAsCustomer(`${BASE}/v1/conversations?site=${site}`, {
    method: "POST",
    headers: json,
    body: JSON.stringify({ locale: "en" }),
  });
  const c = (await r.json()) as CreatedConversation;
  const q = `site=${site}&token=${encodeURIComponent(c.token)}`;
  const sent = await fetchAsCustomer(`${BASE}/v1/conversations/${c.id}/messages?${q}`, {
    method: "POST",
    headers: json,
    body: JSON.stringify({ clientId: `r-${crypto.randomUUID().slice(0, 12)}`, text }),
  });
  expect(sent.status).toBe(202);
  await waitFor(
    async () =>
      (await (
        await fetchAsCustomer(`${BASE}/v1/conversations/${c.id}/events?${q}`, { headers: { origin: ORIGIN } })
      ).json()) as EventsPage,
    (p) => p.events.some((e) => e.type === "message" && e.author === "bot"),
    10_000,
  );
  return c;
}

/** Moves a conversation's last activity `days` into the past, as if it had been quiet since. */
async function age(id: string, days: number): Promise<void> {
  await waitFor(
    async () => await env.DB.prepare("SELECT 1 AS x FROM conversations WHERE id = ?").bind(id).first(),
    (r) => r !== null,
    5000,
  );
  await env.DB.prepare("UPDATE conversations SET updated_at = ? WHERE id = ?")
    .bind(Date.now() - days * DAY, id)
    .run();
}

const exists = (id: string) => env.CONVERSATION.get(env.CONVERSATION.idFromName(id)).exists();
const rows = async (table: string, id: string, col = "conversation_id") =>
  (await env.DB.prepare(`SELECT COUNT(*) AS n FROM ${table} WHERE ${col} = ?`).bind(id).first<{ n: number }>())?.n ?? 0;

async function setRetention(ws: string, days: number | null, mode: "delete" | "anonymise", cookie?: string) {
  return fetchAsCustomer(`${BASE}/${cookie ? "api" : "admin/v1"}/privacy/retention?workspace=${ws}`, {
    method: "PUT",
    headers: cookie ? { cookie, "content-type": "application/json" } : ADMIN,
    body: JSON.stringify({ days, mode }),
  });
}

async function auditOf(ws: string): Promise<PrivacyAuditEntry[]> {
  const r = await fetchAsCustomer(`${BASE}/admin/v1/privacy/audit?workspace=${ws}`, { headers: ADMIN });
  return ((await r.json()) as { entries: PrivacyAuditEntry[] }).entries;
}

describe("the retention setting", () => {
  it("is the owner's: read, changed (and audited), validated", async () => {
    await workspace("ret_set");
    const owner = await createAgent("owner@ret-set.example", "owner", "ret_set");
    const agent = await createAgent("agent@ret-set.example", "agent", "ret_set");
    const read = await fetchAsCustomer(`${BASE}/api/privacy/retention`, { headers: { cookie: owner } });
    expect(await read.json()).toEqual({ days: null, mode: "delete" });
    const r = await setRetention("ret_set", 90, "anonymise", owner);
    expect(r.status).toBe(200);
    expect(await r.json()).toMatchObject({ days: 90, mode: "anonymise", updatedAt: expect.any(Number) });
    expect((await setRetention("ret_set", 0, "delete", owner)).status).toBe(400);
    expect((await setRetention("ret_set", 30, "delete", agent)).status).toBe(403);
    const entries = await auditOf("ret_set");
    expect(entries[0]).toMatchObject({ action: "retention.changed", detail: { days: 90, mode: "anonymise" } });
  });
});

describe("deleting expired conversations", () => {
  const ws = "ret_del";
  let old: CreatedConversation[] = [];
  let fresh: CreatedConversation;

  beforeAll(async () => {
    const site = await workspace(ws);
    old = [
      await chat(site, "How do I reset my password? oldest"),
      await chat(site, "Where is my invoice? older"),
      await chat(site, "How do I export photos? old"),
    ];
    fresh = await chat(site, "How do I reset my password? recent");
    await age(old[0]?.id as string, 400);
    await age(old[1]?.id as string, 200);
    await age(old[2]?.id as string, 40);
    await age(fresh.id, 5);
    expect((await setRetention(ws, 30, "delete")).status).toBe(200);
  }, 60_000);

  it("takes a bounded batch, oldest first, and the next run continues", async () => {
    const first = (await runRetention(env, { batch: 2 })).find((p) => p.workspaceId === ws);
    expect(first).toMatchObject({ mode: "delete", more: true, counts: { conversations: 2 } });
    expect(await exists(old[0]?.id as string)).toBe(false);
    expect(await exists(old[1]?.id as string)).toBe(false);
    expect(await exists(old[2]?.id as string)).toBe(true);
    for (const c of old.slice(0, 2)) {
      expect(await rows("conversations", c.id, "id")).toBe(0);
      expect(await rows("analytics_events", c.id)).toBe(0);
      expect(await rows("bot_turns", c.id)).toBe(0);
    }
    const second = (await runRetention(env, { batch: 2 })).find((p) => p.workspaceId === ws);
    expect(second).toMatchObject({ more: false, counts: { conversations: 1 } });
    expect(await exists(old[2]?.id as string)).toBe(false);
  });

  it("keeps what is younger than the setting", async () => {
    expect(await exists(fresh.id)).toBe(true);
    expect(await rows("conversations", fresh.id, "id")).toBe(1);
    expect(await rows("analytics_events", fresh.id)).toBeGreaterThan(0);
  });

  it("is idempotent: a run with nothing due changes nothing and records nothing", async () => {
    const before = (await auditOf(ws)).length;
    const again = (await runRetention(env)).find((p) => p.workspaceId === ws);
    expect(again).toMatchObject({ more: false, counts: { conversations: 0, events: 0, rows: 0 } });
    expect((await auditOf(ws)).length).toBe(before);
    expect((await auditOf(ws)).filter((e) => e.action === "retention.run").map((e) => e.detail.conversations)).toEqual([
      1, 2,
    ]);
  });

  it("finishes a conversation a dead run left half-erased (object gone, rows still there)", async () => {
    const site = `${ws}_site`;
    const c = await chat(site, "Where is my invoice? half-erased");
    await age(c.id, 60);
    // What a run that died right after the object's erasure leaves behind.
    expect(await env.CONVERSATION.get(env.CONVERSATION.idFromName(c.id)).erase(ws)).toMatchObject({ erased: true });
    expect(await rows("conversations", c.id, "id")).toBe(1);
    expect(await rows("analytics_events", c.id)).toBeGreaterThan(0);
    const pass = (await runRetention(env)).find((p) => p.workspaceId === ws);
    expect(pass?.counts.conversations).toBe(1);
    expect(await rows("conversations", c.id, "id")).toBe(0);
    expect(await rows("analytics_events", c.id)).toBe(0);
  });

  it("runs from the cron trigger", async () => {
    const c = await chat(`${ws}_site`, "How do I export photos? cron");
    await age(c.id, 31);
    const ctx = createExecutionContext();
    await worker.scheduled(createScheduledController({ scheduledTime: Date.now(), cron: "*/10 * * * *" }), env, ctx);
    await waitOnExecutionContext(ctx);
    expect(await exists(c.id)).toBe(false);
    expect(await rows("conversations", c.id, "id")).toBe(0);
  });
});

describe("anonymising expired conversations", () => {
  const ws = "ret_anon";
  let c: CreatedConversation;

  beforeAll(async () => {
    const site = await workspace(ws);
    const agent = await createAgent("agent@ret-anon.example", "agent", ws);
    c = await chat(site, "How do I reset my password? please-forget-me");
    const q = `site=${site}&token=${encodeURIComponent(c.token)}`;
    const call = (path: string, body: unknown) =>
      fetchAsCustomer(`${BASE}/v1/conversations/${c.id}/${path}?${q}`, {
        method: "POST",
        headers: json,
        body: JSON.stringify(body),
      });
    expect((await call("handoff", { reason: "customer-requested" })).status).toBe(202);
    await waitFor(
      async () => (await fetchAsCustomer(`${BASE}/api/conversations/${c.id}`, { headers: { cookie: agent } })).status,
      (s) => s === 200,
      5000,
    );
    for (const step of ["claim", "resolve"]) {
      const r = await fetchAsCustomer(`${BASE}/api/conversations/${c.id}/${step}`, {
        method: "POST",
        headers: { cookie: agent },
      });
      expect(r.status).toBe(200);
    }
    expect((await call("csat", { score: 4, comment: "thanks, please-forget-me" })).status).toBe(201);
    await waitFor(
      () => rows("analytics_conversations", c.id),
      (n) => n === 1,
      5000,
    );
    await age(c.id, 100);
    expect((await setRetention(ws, 30, "anonymise")).status).toBe(200);
  }, 60_000);

  it("removes the content and keeps the aggregates", async () => {
    const before = await env.DB.prepare("SELECT * FROM analytics_conversations WHERE conversation_id = ?")
      .bind(c.id)
      .first();
    const pass = (await runRetention(env)).find((p) => p.workspaceId === ws);
    expect(pass).toMatchObject({ mode: "anonymise", counts: { conversations: 1 } });
    expect(await exists(c.id)).toBe(false);
    expect(await rows("conversations", c.id, "id")).toBe(0);
    // The dashboard's figures stand.
    expect(
      await env.DB.prepare("SELECT * FROM analytics_conversations WHERE conversation_id = ?").bind(c.id).first(),
    ).toEqual(before);
    expect(await rows("analytics_events", c.id)).toBeGreaterThan(0);
    expect(
      await env.DB.prepare("SELECT score, comment FROM csat WHERE conversation_id = ?").bind(c.id).first(),
    ).toEqual({ score: 4, comment: null });
    const turns = await env.DB.prepare("SELECT question, action FROM bot_turns WHERE conversation_id = ?")
      .bind(c.id)
      .all<{ question: string; action: string }>();
    expect(turns.results.length).toBeGreaterThan(0);
    expect(turns.results.every((t) => t.question === "")).toBe(true);
    // No customer text is left anywhere in D1.
    const tables = await env.DB.prepare(
      "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name NOT LIKE '_cf_%'",
    ).all<{ name: string }>();
    for (const { name } of tables.results) {
      const all = await env.DB.prepare(`SELECT * FROM "${name}"`).all();
      expect(JSON.stringify(all.results).includes("please-forget-me"), name).toBe(false);
    }
  });

  it("an anonymised conversation is not anonymised twice", async () => {
    const pass = (await runRetention(env)).find((p) => p.workspaceId === ws);
    expect(pass?.counts).toMatchObject({ conversations: 0, rows: 0 });
    const setting = (await (
      await fetchAsCustomer(`${BASE}/admin/v1/privacy/retention?workspace=${ws}`, { headers: ADMIN })
    ).json()) as RetentionSetting;
    expect(setting).toMatchObject({ days: 30, mode: "anonymise" });
  });
});
