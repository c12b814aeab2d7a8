// Routing endpoints: the workspace's agents with presence and load, an agent's own availability,
// assigning conversations (agent API, session), and an agent's teams and availability (admin API).
//
// Roles: any agent may take a conversation themselves (assign to self, claim) and set their own
// availability. Assigning to someone else or to a team needs the editor or owner role, or being the
// conversation's current assignee (passing on your own work). Setting another agent's teams or
// availability needs the owner role (or the ADMIN_TOKEN).
import { Hono, type Context } from "hono";
import {
  agentRoutingSchema,
  assignSchema,
  availabilitySchema,
  type AgentPresence,
  type AgentSummary,
  type Role,
} from "../../shared/api.ts";
import { audit } from "../audit/log.ts";
import type { AppEnv } from "../env.ts";
import { ApiFailure, jsonBody, parseOr400 } from "../http/errors.ts";
import { requireAdmin, requireAgent } from "../middleware/auth.ts";
import { conversation, settle } from "../routes/agent.ts";
import { parseJson, stringList } from "../../shared/json.ts";

type AgentRow = { id: string; email: string; name: string; role: Role; teams: string; away: number };

const inboxOf = (c: Context<AppEnv>) => c.env.INBOX.get(c.env.INBOX.idFromName(c.get("agent").workspaceId));

async function agentIn(c: Context<AppEnv>, id: string): Promise<AgentRow | null> {
  return c.env.DB.prepare("SELECT id, email, name, role, teams, away FROM agents WHERE id = ? AND workspace_id = ?")
    .bind(id, c.get("agent").workspaceId)
    .first<AgentRow>();
}

const summary = (r: AgentRow): AgentSummary => ({
  id: r.id,
  email: r.email,
  name: r.name,
  role: r.role,
  teams: parseJson(stringList, r.teams, `agents.teams of ${r.id}`),
  away: r.away === 1,
});

export const routingApi = new Hono<AppEnv>();
routingApi.use(requireAgent());

/** Everyone in the workspace, with who is online and their load from the inbox. */
routingApi.get("/agents", async (c) => {
  const rows = await c.env.DB.prepare(
    "SELECT id, email, name, role, teams, away FROM agents WHERE workspace_id = ? ORDER BY name",
  )
    .bind(c.get("agent").workspaceId)
    .all<AgentRow>();
  const live = new Map((await inboxOf(c).presence()).map((p) => [p.id, p]));
  const agents: (AgentSummary & Pick<AgentPresence, "online" | "load">)[] = rows.results.map((r) => ({
    ...summary(r),
    online: live.get(r.id)?.online ?? false,
    load: live.get(r.id)?.load ?? 0,
  }));
  return c.json({ agents });
});

routingApi.put("/me/availability", async (c) => {
  const { away } = parseOr400(availabilitySchema, await jsonBody(c), "body");
  const me = c.get("agent");
  await c.env.DB.prepare("UPDATE agents SET away = ? WHERE id = ?")
    .bind(away ? 1 : 0, me.id)
    .run();
  await inboxOf(c).setAgent({ id: me.id, name: me.name, away });
  return c.json({ away });
});

routingApi.post("/conversations/:id/assign", async (c) => {
  const stub = await conversation(c);
  const body = parseOr400(assignSchema, await jsonBody(c), "body");
  const me = c.get("agent");
  if (body.agentId !== me.id && me.role === "agent") {
    const item = await inboxOf(c).get(c.req.param("id") ?? "");
    if (item?.assignee?.id !== me.id)
      throw new ApiFailure(
        403,
        "forbidden",
        "assigning to others needs the editor or owner role, or being the assignee",
      );
  }
  let to: { agent: { id: string; name: string } } | { team: string };
  if (body.agentId !== undefined) {
    const target = await agentIn(c, body.agentId);
    // Another workspace's agent is reported as missing, like its conversations.
    if (!target) throw new ApiFailure(404, "no_such_agent", "no such agent in this workspace");
    to = { agent: { id: target.id, name: target.name } };
  } else {
    to = { team: body.team ?? "" };
  }
  const assignee = settle(await stub.assign(to));
  return c.json({ assignee, ...("team" in to ? { team: to.team } : {}) });
});

export const routingAdmin = new Hono<AppEnv>();
routingAdmin.use(requireAdmin());

routingAdmin.put("/agents/:id/routing", async (c) => {
  if (c.get("agent").role !== "owner")
    throw new ApiFailure(403, "forbidden", "setting an agent's teams or availability needs the owner role");
  const body = parseOr400(agentRoutingSchema, await jsonBody(c), "body");
  const row = await agentIn(c, c.req.param("id") ?? "");
  if (!row) throw new ApiFailure(404, "not_found", "no such agent");
  const before = parseJson(stringList, row.teams, `agents.teams of ${row.id}`);
  const teams = body.teams ? [...new Set(body.teams)] : before;
  const away = body.away ?? row.away === 1;
  await c.env.DB.prepare("UPDATE agents SET teams = ?, away = ? WHERE id = ?")
    .bind(JSON.stringify(teams), away ? 1 : 0, row.id)
    .run();
  await inboxOf(c).setAgent({ id: row.id, name: row.name, teams, away });
  await audit(c, {
    action: "agent.routing",
    target: { type: "agent", id: row.id },
    before: { teams: before, away: row.away === 1 },
    after: { teams, away },
  });
  return c.json(summary({ ...row, teams: JSON.stringify(teams), away: away ? 1 : 0 }));
});
