// `POST /api/workspaces`: an owner creates a further workspace from the console (docs/setup.md). They
// become its owner by membership (their account and home stay where they are), the workspace starts
// like one from first-run set-up (a widget site, a help-centre site: starter.ts), and the session
// switches into it: a new session acting there, and the current one ends. The name and help-centre
// address follow set-up's rules (shared/setup.ts). A session of an owner of the current workspace
// only (not the ADMIN_TOKEN: the operator has `PUT /admin/v1/workspaces/:id`). Budget: per person,
// CREATE_BUDGET (a workspace is a tenant: a burst of a few, then one a minute).
import { Hono } from "hono";
import { newWorkspaceSchema } from "../../shared/setup.ts";
import { openSession } from "../auth/routes.ts";
import type { AppEnv } from "../env.ts";
import { ApiFailure, jsonBody, parseOr400 } from "../http/errors.ts";
import { requireAgent } from "../middleware/auth.ts";
import { rateLimit } from "../middleware/rate-limit.ts";
import { endSessions } from "../people/revoke.ts";
import { auditCreated, starterSites } from "./starter.ts";

export const CREATE_BUDGET = { perSecond: 1 / 60, burst: 5 };

export const workspaceCreate = new Hono<AppEnv>();
workspaceCreate.use(requireAgent({ role: "owner" }));
workspaceCreate.use(rateLimit({ limits: () => CREATE_BUDGET, key: (c) => `workspace-create:${c.get("agent").id}` }));

workspaceCreate.post("/", async (c) => {
  const ws = parseOr400(newWorkspaceSchema, await jsonBody(c), "body");
  const me = c.get("agent");
  const now = Date.now();
  const created = await c.env.DB.prepare(
    "INSERT INTO workspaces (id, name, created_at) VALUES (?, ?, ?) ON CONFLICT (id) DO NOTHING",
  )
    .bind(ws.id, ws.name, now)
    .run();
  // Help-centre addresses are public (`/hc/:id/`), so saying this one is taken tells nothing new.
  if (!created.meta.changes)
    throw new ApiFailure(409, "workspace_taken", "this help-centre address is taken: choose another", [
      { path: "id", message: "this address is taken" },
    ]);
  await c.env.DB.batch([
    c.env.DB.prepare(
      "INSERT INTO memberships (agent_id, workspace_id, role, teams, created_at) VALUES (?, ?, 'owner', '[]', ?)",
    ).bind(me.id, ws.id, now),
    ...starterSites(c.env.DB, ws, now),
  ]);
  await auditCreated(c.env, ws, me, "console");
  const next = await openSession(c, me, { workspaceId: ws.id, role: "owner", home: false });
  if (me.sessionId) await endSessions(c.env, me.id, { only: [me.sessionId] });
  return c.json(next, 201);
});
