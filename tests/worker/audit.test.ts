// The audit log (docs/security.md): every change to people, sessions, sites and their secrets,
// webhooks and Slack, API keys, routing, publishes and rollbacks is recorded with who, when and
// before/after; secret values never appear; owners alone read and export it; rows cannot be changed.
import { env, SELF } from "cloudflare:test";
import { beforeAll, describe, expect, it } from "vitest";
import type { KbJob } from "../../shared/api.ts";
import type { AuditEntry } from "../../shared/security.ts";
import { auditCsv } from "../../worker/audit/log.ts";
import { ADMIN, BASE, call, createAgent, demoArticles, login, PASSWORD, publishDemoKb } from "./helpers.ts";

let owner = "";
let ownerId = "";
beforeAll(async () => {
  await publishDemoKb();
  owner = await createAgent("owner@audit.example", "owner");
  ownerId =
    (await env.DB.prepare("SELECT id FROM agents WHERE email = 'owner@audit.example'").first<{ id: string }>())?.id ??
    "";
});

const entries = async (who: string | Record<string, string> = owner, q = "") =>
  (await call<{ entries: AuditEntry[] }>(who, "GET", `/admin/v1/audit${q}`)).body.entries;
const latest = async (action: string) => (await entries()).find((e) => e.action === action);

describe("audit log", () => {
  it("records people changes with actor, time and before/after, never a password", async () => {
    const t0 = Date.now();
    const created = await call<{ id: string }>(owner, "POST", "/admin/v1/agents", {
      email: "new@audit.example",
      name: "New",
      password: "the password itself",
      role: "agent",
    });
    await call(owner, "PATCH", `/admin/v1/agents/${created.body.id}`, {
      role: "editor",
      password: "another secret pw",
    });
    await login("new@audit.example", "another secret pw");
    await call(owner, "DELETE", `/admin/v1/agents/${created.body.id}/sessions`);

    const made = await latest("agent.created");
    expect(made).toMatchObject({
      actor: { id: ownerId, email: "owner@audit.example" },
      target: { type: "agent", id: created.body.id },
      after: { email: "new@audit.example", role: "agent" },
    });
    expect(made?.at).toBeGreaterThanOrEqual(t0);
    const changed = await latest("agent.updated");
    expect(changed?.before).toMatchObject({ role: "agent" });
    expect(changed?.after).toMatchObject({ role: "editor", password: "reset" });
    expect(await latest("sessions.ended")).toMatchObject({ target: { id: created.body.id } });
    const all = JSON.stringify(await entries());
    expect(all).not.toContain("the password itself");
    expect(all).not.toContain("another secret pw");
  });

  it("records sites with the identity secret as set/rotated only, and the operator as the actor", async () => {
    const secret = "site-identity-secret-0123456789";
    const put = (body: unknown) => call(ADMIN, "PUT", "/admin/v1/sites/audit_site?workspace=demo", body);
    expect((await put({ name: "Audit", allowedOrigins: ["https://a.example"], identitySecret: secret })).status).toBe(
      200,
    );
    expect(
      (await put({ name: "Audit", allowedOrigins: ["https://b.example"], identitySecret: `${secret}x` })).status,
    ).toBe(200);
    const log = await entries();
    const created = log.find((e) => e.action === "site.created" && e.target.id === "audit_site");
    const updated = log.find((e) => e.action === "site.updated" && e.target.id === "audit_site");
    expect(created).toMatchObject({ actor: { id: "operator" }, after: { identitySecret: "set" } });
    expect(updated).toMatchObject({
      before: { allowedOrigins: ["https://a.example"], identitySecret: "set" },
      after: { allowedOrigins: ["https://b.example"], identitySecret: "rotated" },
    });
    expect(JSON.stringify(log)).not.toContain(secret);
  });

  it("records webhooks, Slack and API keys without their secrets", async () => {
    // A Standard Webhooks secret (whsec_ + base64 of 24 bytes), as the webhooks API requires.
    const hookSecret = `whsec_${btoa("audit-webhook-secret-0123")}`;
    const hook = await call<{ id: string; secret: string }>(owner, "POST", "/admin/v1/notifications/webhooks", {
      url: "https://hooks.example/in?token=hunter2",
      events: ["conversation.handed_off"],
      secret: hookSecret,
    });
    expect(hook.status).toBe(201);
    const rotated = await call<{ secret: string }>(owner, "PATCH", `/admin/v1/notifications/webhooks/${hook.body.id}`, {
      rotateSecret: true,
    });
    await call(owner, "DELETE", `/admin/v1/notifications/webhooks/${hook.body.id}`);
    await call(owner, "PUT", "/admin/v1/notifications/slack", {
      url: "https://hooks.slack.example/services/T0/B0/xyz",
    });
    const key = await call<{ id: string; key: string }>(owner, "POST", "/api/api-keys", { name: "CRM sync" });
    await call(owner, "DELETE", `/api/api-keys/${key.body.id}`);

    const log = await entries();
    const actions = log.map((e) => e.action);
    for (const a of [
      "webhook.created",
      "webhook.updated",
      "webhook.deleted",
      "slack.updated",
      "api_key.created",
      "api_key.revoked",
    ])
      expect(actions, a).toContain(a);
    expect(log.find((e) => e.action === "webhook.created")?.after).toMatchObject({ url: "https://hooks.example" });
    expect(log.find((e) => e.action === "webhook.updated")?.after).toMatchObject({ secret: "rotated" });
    expect(log.find((e) => e.action === "slack.updated")?.after).toEqual({ url: "set" });
    const text = JSON.stringify(log);
    for (const secret of [hookSecret, rotated.body.secret, "hunter2", "hooks.slack.example", key.body.key])
      expect(text).not.toContain(secret);
  });

  it("records routing changes, publishes and rollbacks", async () => {
    const agent = await createAgent("routed@audit.example");
    const id = (await call<{ id: string }>(agent, "GET", "/api/me")).body.id;
    await call(owner, "PUT", `/admin/v1/agents/${id}/routing`, { teams: ["billing"], away: true });
    const routed = await latest("agent.routing");
    expect(routed).toMatchObject({ before: { teams: [], away: false }, after: { teams: ["billing"], away: true } });

    const draft = {
      id: "audit-lens",
      title: "Cleaning the lens",
      category: "devices",
      tags: [],
      body: "Use a dry cloth.",
    };
    expect((await call(owner, "POST", "/api/kb/drafts", { article: draft })).status).toBe(201);
    const job = await call<KbJob>(owner, "POST", "/api/kb/publish", { ids: ["audit-lens"] });
    expect(job.status).toBe(202);
    expect(await latest("kb.published")).toMatchObject({
      target: { type: "kb_job", id: job.body.id },
      after: { articles: ["audit-lens"], count: 1 },
    });
    const article = demoArticles[0];
    const versions = await env.DB.prepare(
      "SELECT kb_version FROM article_versions WHERE workspace_id = 'demo' AND id = ? ORDER BY kb_version LIMIT 1",
    )
      .bind(article?.id)
      .first<{ kb_version: number }>();
    const back = await call<KbJob>(owner, "POST", `/api/kb/articles/${article?.id}/rollback`, {
      version: versions?.kb_version,
    });
    expect(back.status).toBe(202);
    expect(await latest("kb.rolled_back")).toMatchObject({
      after: { articles: [article?.id], toVersion: versions?.kb_version },
    });
  });

  it("lets owners alone read and export it, per workspace", async () => {
    const editor = await createAgent("editor@audit.example", "editor");
    expect((await call(editor, "GET", "/admin/v1/audit")).status).toBe(403);
    expect((await call(editor, "GET", "/admin/v1/audit.csv")).status).toBe(403);
    await env.DB.prepare("INSERT OR IGNORE INTO workspaces (id, name, created_at) VALUES ('other', 'Other', 1)").run();
    const outsider = await createAgent("owner@other-audit.example", "owner", "other");
    expect((await entries(outsider)).some((e) => e.actor.email === "owner@audit.example")).toBe(false);

    // Paging: `before` a sequence number.
    const page = await entries(owner, "?limit=2");
    expect(page).toHaveLength(2);
    const next = await entries(owner, `?limit=2&before=${page[1]?.seq}`);
    expect(next[0]?.seq).toBeLessThan(page[1]?.seq as number);

    const r = await fetch(owner, "/admin/v1/audit.csv");
    expect(r.headers.get("content-type")).toMatch(/^text\/csv/);
    expect(r.headers.get("content-disposition")).toMatch(/attachment; filename="audit-demo.csv"/);
    const csv = await r.text();
    expect(csv.split("\r\n")[0]).toBe("seq,at,actor_id,actor_email,action,target_type,target_id,before,after");
    expect(csv).toContain("agent.created");
    expect(csv).not.toContain(PASSWORD);
  });

  it("defuses spreadsheet formulas in the CSV and keeps rows unchangeable", async () => {
    const csv = auditCsv([
      {
        seq: 1,
        at: 0,
        actor: { id: "=cmd|' /C calc'!A0", email: "@SUM(1+1)" },
        action: "agent.updated",
        target: { type: "agent", id: "-2+3" },
        before: null,
        after: { name: 'say "hi", bye' },
      },
    ]);
    const row = csv.split("\r\n")[1] as string;
    expect(row).toContain(",'=cmd|' /C calc'!A0,'@SUM(1+1),agent.updated,agent,'-2+3,,");
    expect(row).toContain('"{""name"":""say \\""hi\\"", bye""}"');
    await expect(env.DB.prepare("UPDATE audit_log SET actor_email = 'someone else'").run()).rejects.toThrow(
      /append-only/,
    );
    await expect(env.DB.prepare("DELETE FROM audit_log").run()).rejects.toThrow(/append-only/);
  });
});

function fetch(cookie: string, path: string): Promise<Response> {
  return SELF.fetch(`${BASE}${path}`, { headers: { cookie } });
}
