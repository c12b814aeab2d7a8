// The console's inbox: `/api/inbox` (the workspace's open conversations, and the live socket that is
// also the agent's presence) and `/api/agents` (everyone in the workspace with presence and load). An
// agent's session, any role; only the caller's workspace. No budget of their own: reads of one
// Durable Object for a signed-in person. Assigning, availability and another agent's routing are
// served with the URLs they belong to (see agents.ts).
import { Hono } from "hono";
import type { AppEnv } from "../env.ts";
import { ApiFailure } from "../http/errors.ts";
import { requireAgent } from "../middleware/auth.ts";
import { inboxOf, roster } from "./agents.ts";

export const inboxApi = new Hono<AppEnv>();
inboxApi.use(requireAgent());

inboxApi.get("/", async (c) => c.json({ items: await inboxOf(c).list() }));

inboxApi.get("/ws", async (c) => {
  if (c.req.header("upgrade")?.toLowerCase() !== "websocket")
    throw new ApiFailure(426, "upgrade_required", "expected a WebSocket upgrade");
  // The socket is the agent's presence: the inbox routes to whoever is connected and not away.
  const a = c.get("agent");
  const row = await c.env.DB.prepare("SELECT teams, away FROM workspace_people WHERE id = ? AND workspace_id = ?")
    .bind(a.id, a.workspaceId)
    .first<{ teams: string; away: number }>();
  return inboxOf(c).fetch("https://inbox/ws", {
    headers: {
      upgrade: "websocket",
      "x-agent-id": a.id,
      "x-agent-name": a.name,
      "x-agent-teams": row?.teams ?? "[]",
      "x-agent-away": row?.away ? "1" : "0",
      "x-workspace-id": a.workspaceId,
      ...(a.sessionId ? { "x-session-id": a.sessionId } : {}),
    },
  });
});

export const agentsApi = new Hono<AppEnv>();
agentsApi.use(requireAgent());

agentsApi.get("/", async (c) => c.json({ agents: await roster(c) }));
