// First run (docs/setup.md): `/api/setup` creates the deployment's first workspace, its help centre's
// site, a widget site and its owner, then signs the owner in. Public, but never open to strangers: it
// answers only while no workspace exists at all, and it asks for the deployment's ADMIN_TOKEN (the
// set-up token; whoever deployed has it, `npm run dev` prints it). The first workspace is claimed with one
// conditional insert, so two racing requests cannot both become its owner. Budget: per IP.
import { Hono } from "hono";
import { setupRequestSchema, type SetupStatus } from "../../shared/setup.ts";
import { timingSafeEqualText } from "../auth/crypto.ts";
import { hashPassword } from "../auth/password.ts";
import { openSession } from "../auth/routes.ts";
import type { AppEnv, Env } from "../env.ts";
import { ApiFailure, jsonBody, parseOr400 } from "../http/errors.ts";
import { clientIp, parseLimits, rateLimit } from "../middleware/rate-limit.ts";
import { auditCreated, starterSites } from "./starter.ts";

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
  await c.env.DB.batch([
    c.env.DB.prepare(
      "INSERT INTO agents (id, workspace_id, email, name, role, teams, password_hash, created_at) VALUES (?, ?, ?, ?, 'owner', '[]', ?, ?)",
    ).bind(agentId, ws.id, body.owner.email, body.owner.name, await hashPassword(body.owner.password), now),
    ...starterSites(c.env.DB, ws, now),
  ]);
  const owner = { id: agentId, email: body.owner.email, name: body.owner.name };
  await auditCreated(c.env, ws, owner, "setup");
  return c.json(await openSession(c, owner, { workspaceId: ws.id, role: "owner", home: true }), 201);
});
