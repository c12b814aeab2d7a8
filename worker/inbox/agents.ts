// The workspace's agents as routing sees them: who they are, their teams and availability, and who may
// assign a conversation to whom. The routes that use these live with the URLs they serve: the roster
// (inbox/routes.ts), assigning (conversation/agent-routes.ts), one's own availability
// (people/me-routes.ts) and another agent's routing (people/routes.ts).
//
// Roles: any agent may take a conversation themselves (assign to self, claim) and set their own
// availability. Assigning to someone else or to a team needs the editor or owner role, or being the
// conversation's current assignee (passing on your own work). Setting another agent's teams or
// availability needs the owner role (or the ADMIN_TOKEN): the guard of people/routes.ts.
//
// A workspace's agents are its home agents and its members alike (the `workspace_people` view,
// migration 0033), each with this workspace's role, teams and availability.
import type { Context } from "hono";
import type * as z from "zod/mini";
import type { AgentPresence, AgentSummary, agentRoutingSchema, AssignRequest, Role } from "../../shared/api.ts";
import { parseJson, stringList } from "../../shared/json.ts";
import { audit } from "../audit/log.ts";
import type { AppEnv } from "../env.ts";
import { ApiFailure } from "../http/errors.ts";
import { setPerWorkspace } from "../people/members.ts";

type AgentRow = { id: string; email: string; name: string; role: Role; teams: string; away: number };

export const inboxOf = (c: Context<AppEnv>) => c.env.INBOX.get(c.env.INBOX.idFromName(c.get("agent").workspaceId));

async function agentIn(c: Context<AppEnv>, id: string): Promise<AgentRow | null> {
  return c.env.DB.prepare(
    "SELECT id, email, name, role, teams, away FROM workspace_people WHERE id = ? AND workspace_id = ?",
  )
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

/** Everyone in the workspace, with who is online and their load from the inbox. */
export async function roster(c: Context<AppEnv>): Promise<(AgentSummary & Pick<AgentPresence, "online" | "load">)[]> {
  const rows = await c.env.DB.prepare(
    "SELECT id, email, name, role, teams, away FROM workspace_people WHERE workspace_id = ? ORDER BY name",
  )
    .bind(c.get("agent").workspaceId)
    .all<AgentRow>();
  const live = new Map((await inboxOf(c).presence()).map((p) => [p.id, p]));
  return rows.results.map((r) => ({
    ...summary(r),
    online: live.get(r.id)?.online ?? false,
    load: live.get(r.id)?.load ?? 0,
  }));
}

/** The caller's own availability: stored, and the inbox routes accordingly from now on. */
export async function setOwnAvailability(c: Context<AppEnv>, away: boolean): Promise<void> {
  const me = c.get("agent");
  await setPerWorkspace(c.env.DB, me.workspaceId, me.id, { away: away ? 1 : 0 });
  await inboxOf(c).setAgent({ id: me.id, name: me.name, away });
}

/** Where `body` sends the conversation `:id`, once the caller may send it there. */
export async function assignTarget(
  c: Context<AppEnv>,
  body: AssignRequest,
): Promise<{ agent: { id: string; name: string } } | { team: string }> {
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
  if (body.agentId === undefined) return { team: body.team ?? "" };
  const target = await agentIn(c, body.agentId);
  // Another workspace's agent is reported as missing, like its conversations.
  if (!target) throw new ApiFailure(404, "no_such_agent", "no such agent in this workspace");
  return { agent: { id: target.id, name: target.name } };
}

/** Another agent's teams and availability (the caller's guard requires an owner or the ADMIN_TOKEN). */
export async function setRouting(
  c: Context<AppEnv>,
  id: string,
  body: z.infer<typeof agentRoutingSchema>,
): Promise<AgentSummary> {
  const row = await agentIn(c, id);
  if (!row) throw new ApiFailure(404, "not_found", "no such agent");
  const before = parseJson(stringList, row.teams, `agents.teams of ${row.id}`);
  const teams = body.teams ? [...new Set(body.teams)] : before;
  const away = body.away ?? row.away === 1;
  await setPerWorkspace(c.env.DB, c.get("agent").workspaceId, row.id, {
    teams: JSON.stringify(teams),
    away: away ? 1 : 0,
  });
  await inboxOf(c).setAgent({ id: row.id, name: row.name, teams, away });
  await audit(c, {
    action: "agent.routing",
    target: { type: "agent", id: row.id },
    before: { teams: before, away: row.away === 1 },
    after: { teams, away },
  });
  return summary({ ...row, teams: JSON.stringify(teams), away: away ? 1 : 0 });
}
