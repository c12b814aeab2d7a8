// The agent console's API: the workspace inbox and the conversations in it. Every route needs a
// session, and an agent only ever reaches conversations of their own workspace.
import { Hono, type Context } from "hono";
import { nanoid } from "nanoid";
import {
  afterQuerySchema,
  agentMessageSchema,
  cannedReplySchema,
  conversationPatchSchema,
  handoffNeededSchema,
  noteSchema,
  type CannedReply,
} from "../../shared/api.ts";
import type { Outcome } from "../conversation/do.ts";
import type { AppEnv } from "../env.ts";
import { ApiFailure, jsonBody, parseOr400 } from "../http/errors.ts";
import { requireAgent } from "../middleware/auth.ts";
import { trackSocket } from "../people/revoke.ts";

export const agentApi = new Hono<AppEnv>();
agentApi.use(requireAgent());

const inboxOf = (c: Context<AppEnv>) => c.env.INBOX.get(c.env.INBOX.idFromName(c.get("agent").workspaceId));

agentApi.get("/inbox", async (c) => c.json({ items: await inboxOf(c).list() }));

agentApi.get("/inbox/ws", async (c) => {
  if (c.req.header("upgrade")?.toLowerCase() !== "websocket")
    throw new ApiFailure(426, "upgrade_required", "expected a WebSocket upgrade");
  // The socket is the agent's presence: the inbox routes to whoever is connected and not away.
  const a = c.get("agent");
  const row = await c.env.DB.prepare("SELECT teams, away FROM agents WHERE id = ?")
    .bind(a.id)
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

/** The conversation's stub, once we know it belongs to the agent's workspace. */
export async function conversation(c: Context<AppEnv>) {
  const id = c.req.param("id") ?? "";
  const row = await c.env.DB.prepare("SELECT workspace_id FROM conversations WHERE id = ?")
    .bind(id)
    .first<{ workspace_id: string }>();
  // Another workspace's conversation is reported as missing, not forbidden: ids do not leak.
  if (!row || row.workspace_id !== c.get("agent").workspaceId)
    throw new ApiFailure(404, "not_found", "no such conversation");
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
  if (c.req.header("upgrade")?.toLowerCase() !== "websocket")
    throw new ApiFailure(426, "upgrade_required", "expected a WebSocket upgrade");
  const { after } = parseOr400(afterQuerySchema, c.req.query(), "query");
  const stub = await conversation(c);
  const a = who(c);
  // Ending this session later closes this socket too (people/revoke.ts).
  const sessionId = c.get("agent").sessionId;
  if (sessionId) await trackSocket(c.env.DB, sessionId, c.req.param("id"));
  return stub.fetch(`https://do/ws?after=${after}`, {
    headers: {
      upgrade: "websocket",
      "x-agent-id": a.id,
      "x-agent-name": a.name,
      ...(sessionId ? { "x-session-id": sessionId } : {}),
    },
  });
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

// ---- agent tools -----------------------------------------------------------------------------

/** Private note: agents only, never the customer (see docs/conversations.md "Who sees what"). */
agentApi.post("/conversations/:id/notes", async (c) => {
  const stub = await conversation(c);
  const body = parseOr400(noteSchema, await jsonBody(c), "body");
  return c.json(await stub.postNote(who(c), body.clientId, body.text), 201);
});

/** Labels and priority; the change is recorded in the timeline with the agent's name. */
agentApi.patch("/conversations/:id", async (c) => {
  const stub = await conversation(c);
  const body = parseOr400(conversationPatchSchema, await jsonBody(c), "body");
  const patch = {
    ...(body.labels ? { labels: body.labels } : {}),
    ...(body.priority ? { priority: body.priority } : {}),
  };
  return c.json(await stub.update(who(c), patch));
});

agentApi.post("/conversations/:id/handback", async (c) => {
  const stub = await conversation(c);
  settle(await stub.handBack(who(c)));
  return c.json({ ok: true });
});

agentApi.put("/conversations/:id/handoff-needed", async (c) => {
  const stub = await conversation(c);
  const body = parseOr400(handoffNeededSchema, await jsonBody(c), "body");
  return c.json(settle(await stub.markNeeded(who(c), body.needed)));
});

// Canned replies: every agent reads them; editors and owners manage them.
type CannedRow = { id: string; title: string; shortcut: string | null; body: string; updated_at: number };
const toCanned = (r: CannedRow): CannedReply => ({
  id: r.id,
  title: r.title,
  text: r.body,
  updatedAt: r.updated_at,
  ...(r.shortcut ? { shortcut: r.shortcut } : {}),
});

agentApi.get("/canned", async (c) => {
  const rows = await c.env.DB.prepare(
    "SELECT id, title, shortcut, body, updated_at FROM canned_replies WHERE workspace_id = ? ORDER BY title COLLATE NOCASE",
  )
    .bind(c.get("agent").workspaceId)
    .all<CannedRow>();
  return c.json({ items: rows.results.map(toCanned) });
});

const editors = requireAgent({ role: "editor" });

/** D1 reports a taken shortcut as a UNIQUE failure; that is the client's 409, not our 500. */
async function saveCanned(work: () => Promise<D1Result>): Promise<D1Result> {
  try {
    return await work();
  } catch (e) {
    if (String(e).includes("UNIQUE"))
      throw new ApiFailure(409, "shortcut_taken", "another canned reply has this shortcut");
    throw e;
  }
}

agentApi.post("/canned", editors, async (c) => {
  const b = parseOr400(cannedReplySchema, await jsonBody(c), "body");
  const a = c.get("agent");
  const now = Date.now();
  const id = nanoid(16);
  await saveCanned(() =>
    c.env.DB.prepare(
      "INSERT INTO canned_replies (id, workspace_id, title, shortcut, body, created_by, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
    )
      .bind(id, a.workspaceId, b.title, b.shortcut ?? null, b.text, a.id, now, now)
      .run(),
  );
  return c.json(toCanned({ id, title: b.title, shortcut: b.shortcut ?? null, body: b.text, updated_at: now }), 201);
});

agentApi.put("/canned/:cid", editors, async (c) => {
  const b = parseOr400(cannedReplySchema, await jsonBody(c), "body");
  const id = c.req.param("cid");
  const now = Date.now();
  const r = await saveCanned(() =>
    c.env.DB.prepare(
      "UPDATE canned_replies SET title = ?, shortcut = ?, body = ?, updated_at = ? WHERE id = ? AND workspace_id = ?",
    )
      .bind(b.title, b.shortcut ?? null, b.text, now, id, c.get("agent").workspaceId)
      .run(),
  );
  if (!r.meta.changes) throw new ApiFailure(404, "not_found", "no such canned reply");
  return c.json(toCanned({ id, title: b.title, shortcut: b.shortcut ?? null, body: b.text, updated_at: now }));
});

agentApi.delete("/canned/:cid", editors, async (c) => {
  const r = await c.env.DB.prepare("DELETE FROM canned_replies WHERE id = ? AND workspace_id = ?")
    .bind(c.req.param("cid"), c.get("agent").workspaceId)
    .run();
  if (!r.meta.changes) throw new ApiFailure(404, "not_found", "no such canned reply");
  return c.json({ ok: true });
});
