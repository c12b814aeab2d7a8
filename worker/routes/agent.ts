// The agent console's API: the workspace inbox and the conversations in it. Every route needs a
// session, and an agent only ever reaches conversations of their own workspace.
import { Hono, type Context } from "hono";
import { afterQuerySchema, agentMessageSchema } from "../../shared/api.ts";
import type { Outcome } from "../conversation/do.ts";
import type { AppEnv } from "../env.ts";
import { ApiFailure, jsonBody, parseOr400 } from "../http/errors.ts";
import { requireAgent } from "../middleware/auth.ts";

export const agentApi = new Hono<AppEnv>();
agentApi.use(requireAgent());

const inboxOf = (c: Context<AppEnv>) => c.env.INBOX.get(c.env.INBOX.idFromName(c.get("agent").workspaceId));

agentApi.get("/inbox", async (c) => c.json({ items: await inboxOf(c).list() }));

agentApi.get("/inbox/ws", async (c) => {
  if (c.req.header("upgrade")?.toLowerCase() !== "websocket") throw new ApiFailure(426, "upgrade_required", "expected a WebSocket upgrade");
  // The socket is the agent's presence: the inbox routes to whoever is connected and not away.
  const a = c.get("agent");
  const row = await c.env.DB.prepare("SELECT teams, away FROM agents WHERE id = ?").bind(a.id).first<{ teams: string; away: number }>();
  return inboxOf(c).fetch("https://inbox/ws", {
    headers: { upgrade: "websocket", "x-agent-id": a.id, "x-agent-name": a.name, "x-agent-teams": row?.teams ?? "[]", "x-agent-away": row?.away ? "1" : "0", "x-workspace-id": a.workspaceId },
  });
});

/** The conversation's stub, once we know it belongs to the agent's workspace. */
export async function conversation(c: Context<AppEnv>) {
  const id = c.req.param("id") ?? "";
  const row = await c.env.DB.prepare("SELECT workspace_id FROM conversations WHERE id = ?").bind(id).first<{ workspace_id: string }>();
  // Another workspace's conversation is reported as missing, not forbidden: ids do not leak.
  if (!row || row.workspace_id !== c.get("agent").workspaceId) throw new ApiFailure(404, "not_found", "no such conversation");
  return c.env.CONVERSATION.get(c.env.CONVERSATION.idFromName(id));
}

const who = (c: Context<AppEnv>) => ({ id: c.get("agent").id, name: c.get("agent").name });

/** Turns a refused state change into a 409 the console can show. */
export function settle<T>(r: Outcome<T>): T {
  if (!r.ok) throw new ApiFailure(409, r.error, r.message);
  return r.value;
}

agentApi.get("/conversations/:id", async (c) => c.json(await (await conversation(c)).detail()));

agentApi.get("/conversations/:id/ws", async (c) => {
  if (c.req.header("upgrade")?.toLowerCase() !== "websocket") throw new ApiFailure(426, "upgrade_required", "expected a WebSocket upgrade");
  const { after } = parseOr400(afterQuerySchema, c.req.query(), "query");
  const stub = await conversation(c);
  const a = who(c);
  return stub.fetch(`https://do/ws?after=${after}`, { headers: { upgrade: "websocket", "x-agent-id": a.id, "x-agent-name": a.name } });
});

agentApi.post("/conversations/:id/messages", async (c) => {
  const stub = await conversation(c);
  const body = parseOr400(agentMessageSchema, await jsonBody(c), "body");
  return c.json(settle(await stub.postAgent(who(c), body.clientId, body.text)), 201);
});

agentApi.post("/conversations/:id/claim", async (c) => {
  const stub = await conversation(c);
  settle(await stub.claim(who(c)));
  return c.json({ ok: true });
});

agentApi.post("/conversations/:id/resolve", async (c) => {
  const stub = await conversation(c);
  settle(await stub.resolve(who(c)));
  return c.json({ ok: true });
});
