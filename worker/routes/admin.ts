// The admin API: publish KB articles, record resolved questions, create agents, set a site's allowed
// origins. Bearer ADMIN_TOKEN (operators, CI, the kb CLI) or an editor/owner session.
import { Hono } from "hono";
import { historySchema, newAgentSchema, publishSchema, siteSchema, type HistoryResult, type PublishResult } from "../../shared/api.ts";
import { hashPassword } from "../auth/password.ts";
import type { AppEnv } from "../env.ts";
import { ApiFailure, jsonBody, parseOr400 } from "../http/errors.ts";
import { requireAdmin } from "../middleware/auth.ts";
import { forgetSite } from "../middleware/site.ts";
import { listArticles, publishArticles, recordResolved } from "../knowledge/store.ts";

export const admin = new Hono<AppEnv>();
admin.use(requireAdmin());

admin.get("/kb/articles", async (c) => c.json({ articles: await listArticles(c.env.DB, c.get("agent").workspaceId) }));

admin.put("/kb/articles", async (c) => {
  const { articles, replace } = parseOr400(publishSchema, await jsonBody(c), "body");
  const seen = new Set<string>();
  for (const a of articles) {
    if (seen.has(a.id)) throw new ApiFailure(400, "duplicate_id", `article id ${a.id} appears twice`);
    seen.add(a.id);
  }
  const result: PublishResult = await publishArticles(c.env, c.get("agent").workspaceId, articles, replace);
  return c.json(result);
});

admin.post("/kb/history", async (c) => {
  const { items } = parseOr400(historySchema, await jsonBody(c), "body");
  const r = await recordResolved(c.env, c.get("agent").workspaceId, items);
  const result: HistoryResult = { recorded: items.length, version: r.version };
  return c.json(result);
});

admin.get("/conversations/:id", async (c) => {
  const id = c.req.param("id");
  const row = await c.env.DB.prepare("SELECT workspace_id FROM conversations WHERE id = ?").bind(id).first<{ workspace_id: string }>();
  if (!row || row.workspace_id !== c.get("agent").workspaceId) throw new ApiFailure(404, "not_found", "no such conversation");
  return c.json(await c.env.CONVERSATION.get(c.env.CONVERSATION.idFromName(id)).detail());
});

admin.post("/agents", async (c) => {
  const a = parseOr400(newAgentSchema, await jsonBody(c), "body");
  const id = crypto.randomUUID();
  const ws = c.get("agent").workspaceId;
  const hash = await hashPassword(a.password);
  // Re-creating an agent with the same email resets it (used by `npm run dev` on every start).
  await c.env.DB.prepare(
    `INSERT INTO agents (id, workspace_id, email, name, role, teams, password_hash, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)
     ON CONFLICT (email) DO UPDATE SET name = excluded.name, role = excluded.role, teams = excluded.teams, password_hash = excluded.password_hash
     WHERE agents.workspace_id = excluded.workspace_id`,
  )
    .bind(id, ws, a.email, a.name, a.role, JSON.stringify(a.teams), hash, Date.now())
    .run();
  const row = await c.env.DB.prepare("SELECT id, workspace_id FROM agents WHERE email = ?").bind(a.email).first<{ id: string; workspace_id: string }>();
  if (row?.workspace_id !== ws) throw new ApiFailure(409, "email_taken", "this email belongs to another workspace");
  return c.json({ id: row.id, email: a.email, name: a.name, role: a.role }, 201);
});

admin.put("/sites/:key", async (c) => {
  const key = c.req.param("key");
  if (!/^[\w-]{3,64}$/.test(key)) throw new ApiFailure(400, "invalid_path", "site key is 3-64 letters, digits, _ or -");
  const s = parseOr400(siteSchema, await jsonBody(c), "body");
  const ws = c.get("agent").workspaceId;
  // An omitted identity secret keeps the stored one: rotating origins must not switch verification off.
  const r = await c.env.DB.prepare(
    `INSERT INTO sites (key, workspace_id, name, allowed_origins, identity_secret, created_at) VALUES (?, ?, ?, ?, ?, ?)
     ON CONFLICT (key) DO UPDATE SET name = excluded.name, allowed_origins = excluded.allowed_origins,
       identity_secret = COALESCE(excluded.identity_secret, sites.identity_secret) WHERE sites.workspace_id = excluded.workspace_id`,
  )
    .bind(key, ws, s.name, JSON.stringify(s.allowedOrigins), s.identitySecret ?? null, Date.now())
    .run();
  if (!r.meta.changes) throw new ApiFailure(409, "site_taken", "this site key belongs to another workspace");
  forgetSite(key);
  const { identitySecret, ...shown } = s;
  return c.json({ key, ...shown, identityVerification: identitySecret !== undefined });
});
