// First run (docs/setup.md): `/api/setup` creates the deployment's first workspace, its help centre's
// site, a widget site and its owner, then signs the owner in. Public, but never open to strangers: it
// answers only while no workspace exists at all, and it asks for the deployment's ADMIN_TOKEN (the
// set-up token; whoever deployed has it, `npm run dev` prints it). The first workspace is claimed with one
// conditional insert, so two racing requests cannot both become its owner. Budget: per IP.
import { Hono } from "hono";
import { setCookie } from "hono/cookie";
import type { Me } from "../../shared/api.ts";
import { setupRequestSchema, type SetupStatus } from "../../shared/setup.ts";
import { recordAudit } from "../audit/log.ts";
import { randomToken, timingSafeEqualText } from "../auth/crypto.ts";
import { hashPassword } from "../auth/password.ts";
import { createSession, SESSION_COOKIE, SESSION_TTL_MS } from "../auth/sessions.ts";
import type { AppEnv, Env } from "../env.ts";
import { ApiFailure, jsonBody, parseOr400 } from "../http/errors.ts";
import { clientIp, parseLimits, rateLimit } from "../middleware/rate-limit.ts";

export const setupApi = new Hono<AppEnv>();
setupApi.use(
  rateLimit({
    limits: (c) => parseLimits(c.env.RATE_LIMIT, { perSecond: 2, burst: 20 }),
    key: (c) => `setup:${clientIp(c)}`,
  }),
);

/** Whether the deployment still has no workspace (and so no owner anywhere). */
async function empty(env: Env): Promise<boolean> {
  return !(await env.DB.prepare("SELECT 1 AS x FROM workspaces LIMIT 1").first());
}

setupApi.get("/", async (c) => {
  const status: SetupStatus = { open: !!c.env.ADMIN_TOKEN && (await empty(c.env)) };
  return c.json(status, 200, { "cache-control": "no-store" });
});

setupApi.post("/", async (c) => {
  const body = parseOr400(setupRequestSchema, await jsonBody(c), "body");
  // Closed first: once a workspace exists nobody learns anything here, with or without the token.
  if (!(await empty(c.env))) throw new ApiFailure(409, "setup_done", "this deployment is set up: sign in instead");
  if (!c.env.ADMIN_TOKEN || !timingSafeEqualText(body.setupToken, c.env.ADMIN_TOKEN))
    throw new ApiFailure(401, "bad_setup_token", "the set-up token is wrong (it is the deployment's ADMIN_TOKEN)");

  const now = Date.now();
  const ws = body.workspace;
  // The claim: inserts only while the table is empty, in one statement.
  const claimed = await c.env.DB.prepare(
    "INSERT INTO workspaces (id, name, created_at) SELECT ?1, ?2, ?3 WHERE NOT EXISTS (SELECT 1 FROM workspaces)",
  )
    .bind(ws.id, ws.name, now)
    .run();
  if (!claimed.meta.changes) throw new ApiFailure(409, "setup_done", "this deployment is set up: sign in instead");

  const agentId = crypto.randomUUID();
  // Site keys are public (they sit in the embed tag); random so they do not name the workspace's plans.
  const widgetKey = `site_${randomToken(9)}`;
  const portalKey = `hc_${randomToken(9)}`;
  await c.env.DB.batch([
    c.env.DB.prepare(
      "INSERT INTO agents (id, workspace_id, email, name, role, teams, password_hash, created_at) VALUES (?, ?, ?, ?, 'owner', '[]', ?, ?)",
    ).bind(agentId, ws.id, body.owner.email, body.owner.name, await hashPassword(body.owner.password), now),
    // The widget site starts with no allowed origin: the checklist's first step adds the owner's.
    c.env.DB.prepare(
      "INSERT INTO sites (key, workspace_id, name, allowed_origins, portal, created_at) VALUES (?, ?, ?, '[]', 0, ?)",
    ).bind(widgetKey, ws.id, `${ws.name} website`, now),
    c.env.DB.prepare(
      "INSERT INTO sites (key, workspace_id, name, allowed_origins, portal, created_at) VALUES (?, ?, ?, '[]', 1, ?)",
    ).bind(portalKey, ws.id, `${ws.name} help centre`, now),
  ]);
  const actor = { id: agentId, email: body.owner.email };
  await recordAudit(c.env, ws.id, actor, {
    action: "workspace.created",
    target: { type: "workspace", id: ws.id },
    after: { name: ws.name, by: "setup" },
  });
  await recordAudit(c.env, ws.id, actor, {
    action: "agent.created",
    target: { type: "agent", id: agentId },
    after: { email: body.owner.email, name: body.owner.name, role: "owner", by: "setup" },
  });

  const { token } = await createSession(c.env.DB, agentId, {
    ip: c.req.header("cf-connecting-ip") ?? null,
    userAgent: c.req.header("user-agent") ?? null,
  });
  setCookie(c, SESSION_COOKIE, token, {
    httpOnly: true,
    secure: new URL(c.req.url).protocol === "https:",
    sameSite: "Strict",
    path: "/",
    maxAge: SESSION_TTL_MS / 1000,
  });
  const me: Me = { id: agentId, email: body.owner.email, name: body.owner.name, role: "owner", workspaceId: ws.id };
  return c.json(me, 201);
});
