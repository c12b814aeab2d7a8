// The console's conversation API, `/api/conversations` (an agent's session, any role): detail, live
// socket, reply, claim, resolve, notes, labels/priority, hand back, handoff-needed, assign, merge and
// split (merge.ts: any agent, between conversations of their workspace and of one customer), snooze,
// scheduled replies and reminders (later.ts), files (worker/attachments/: an agent's upload, and every
// file of the conversation on the console's origin, served so that no browser runs it); and the admin read
// `/admin/v1/conversations/:id` (editors, owners or the ADMIN_TOKEN).
// Every route reaches only conversations of the caller's workspace (agent-access.ts). No budget of
// their own: each needs a signed-in person, and every write is one turn of that conversation's object.
import { Hono, type Context } from "hono";
import {
  afterQuerySchema,
  agentMessageSchema,
  assignSchema,
  conversationPatchSchema,
  handoffNeededSchema,
  type Mentioned,
  noteSchema,
  reminderSchema,
  scheduledReplySchema,
  snoozeSchema,
} from "../../shared/api.ts";
import { type MergeResult, mergeRequestSchema, type SplitResult, splitRequestSchema } from "../../shared/merge.ts";
import { agentFile } from "../attachments/routes.ts";
import { upload } from "../attachments/upload.ts";
import type { AppEnv } from "../env.ts";
import { ApiFailure, jsonBody, parseOr400 } from "../http/errors.ts";
import { assignTarget } from "../inbox/agents.ts";
import { requireAdmin, requireAgent } from "../middleware/auth.ts";
import { trackSocket } from "../people/revoke.ts";
import { settle, workspaceConversation } from "./agent-access.ts";

export const agentConversations = new Hono<AppEnv>();
agentConversations.use(requireAgent());

const who = (c: Context<AppEnv>) => ({ id: c.get("agent").id, name: c.get("agent").name });

agentConversations.get("/:id", async (c) => c.json(await (await workspaceConversation(c)).detail()));

agentConversations.get("/:id/ws", async (c) => {
  if (c.req.header("upgrade")?.toLowerCase() !== "websocket")
    throw new ApiFailure(426, "upgrade_required", "expected a WebSocket upgrade");
  const { after } = parseOr400(afterQuerySchema, c.req.query(), "query");
  const stub = await workspaceConversation(c);
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

agentConversations.post("/:id/messages", async (c) => {
  const stub = await workspaceConversation(c);
  const body = parseOr400(agentMessageSchema, await jsonBody(c), "body");
  return c.json(settle(await stub.postAgent(who(c), body.clientId, body.text)), 201);
});

agentConversations.post("/:id/claim", async (c) => {
  const stub = await workspaceConversation(c);
  settle(await stub.claim(who(c)));
  return c.json({ ok: true });
});

agentConversations.post("/:id/resolve", async (c) => {
  const stub = await workspaceConversation(c);
  settle(await stub.resolve(who(c)));
  return c.json({ ok: true });
});

// ---- agent tools -----------------------------------------------------------------------------

/**
 * The people a note @mentions, each checked to be in the caller's workspace (anyone else is a 400, so
 * a note cannot ping, or learn the name of, a stranger). Mentioning oneself alerts nobody: dropped.
 */
async function teammates(c: Context<AppEnv>, ids: readonly string[]): Promise<Mentioned[]> {
  const me = c.get("agent");
  const wanted = [...new Set(ids)].filter((id) => id !== me.id);
  if (!wanted.length) return [];
  const rows = await c.env.DB.prepare(
    `SELECT id, name FROM workspace_people WHERE workspace_id = ? AND id IN (${wanted.map(() => "?").join(",")})`,
  )
    .bind(me.workspaceId, ...wanted)
    .all<Mentioned>();
  const found = new Map(rows.results.map((r) => [r.id, r.name]));
  const missing = wanted.filter((id) => !found.has(id));
  if (missing.length) throw new ApiFailure(400, "invalid_body", "mentions: not a member of this workspace");
  return wanted.map((id) => ({ id, name: found.get(id) ?? "" }));
}

/** Private note: agents only, never the customer (see docs/conversations.md "Who sees what"). */
agentConversations.post("/:id/notes", async (c) => {
  const stub = await workspaceConversation(c);
  const body = parseOr400(noteSchema, await jsonBody(c), "body");
  const mentions = await teammates(c, body.mentions ?? []);
  return c.json(await stub.postNote(who(c), body.clientId, body.text, mentions), 201);
});

/** Labels and priority; the change is recorded in the timeline with the agent's name. */
agentConversations.patch("/:id", async (c) => {
  const stub = await workspaceConversation(c);
  const body = parseOr400(conversationPatchSchema, await jsonBody(c), "body");
  const patch = {
    ...(body.labels ? { labels: body.labels } : {}),
    ...(body.priority ? { priority: body.priority } : {}),
  };
  return c.json(await stub.update(who(c), patch));
});

agentConversations.post("/:id/handback", async (c) => {
  const stub = await workspaceConversation(c);
  settle(await stub.handBack(who(c)));
  return c.json({ ok: true });
});

agentConversations.put("/:id/handoff-needed", async (c) => {
  const stub = await workspaceConversation(c);
  const body = parseOr400(handoffNeededSchema, await jsonBody(c), "body");
  return c.json(settle(await stub.markNeeded(who(c), body.needed)));
});

/** To an agent or a team; who may assign to whom is the inbox's rule (inbox/agents.ts). */
agentConversations.post("/:id/assign", async (c) => {
  const stub = await workspaceConversation(c);
  const body = parseOr400(assignSchema, await jsonBody(c), "body");
  const to = await assignTarget(c, body);
  const assignee = settle(await stub.assign(to));
  return c.json({ assignee, ...("team" in to ? { team: to.team } : {}) });
});

// ---- later (later.ts): each refused by the conversation's state or its limits with a 409 ------------

/** Snooze until a time, or (no `until`) until the customer replies; a customer reply wakes it either way. */
agentConversations.post("/:id/snooze", async (c) => {
  const stub = await workspaceConversation(c);
  const body = parseOr400(snoozeSchema, await jsonBody(c), "body");
  return c.json(settle(await stub.snooze(who(c), body.until)));
});

agentConversations.delete("/:id/snooze", async (c) => {
  const stub = await workspaceConversation(c);
  settle(await stub.unsnooze(who(c)));
  return c.json({ ok: true });
});

/** A reply sent once at `at`, as the agent who wrote it; the same clientId again is the same schedule. */
agentConversations.post("/:id/scheduled-replies", async (c) => {
  const stub = await workspaceConversation(c);
  const body = parseOr400(scheduledReplySchema, await jsonBody(c), "body");
  return c.json(settle(await stub.scheduleReply(who(c), body.clientId, body.text, body.at)), 201);
});

/** "Remind me about this at `at`": an alert to the caller alone when it falls due. */
agentConversations.post("/:id/reminders", async (c) => {
  const stub = await workspaceConversation(c);
  const body = parseOr400(reminderSchema, await jsonBody(c), "body");
  return c.json(settle(await stub.remind(who(c), body.clientId, body.at, body.note)), 201);
});

/** Calls off a scheduled reply (anyone who works the conversation) or a reminder (its own agent). */
agentConversations.delete("/:id/schedules/:sid", async (c) => {
  const stub = await workspaceConversation(c);
  settle(await stub.cancelSchedule(who(c), c.req.param("sid")));
  return c.json({ ok: true });
});

/**
 * Merges `other` into this conversation (kept): both must be the caller's workspace's (a conversation of
 * another workspace is missing, as everywhere here) and the same customer's (refused with 409
 * `different_customer` in the other conversation's object, which holds its own record). Answers once
 * the history is copied; the same merge again answers `duplicate`.
 */
agentConversations.post("/:id/merge", async (c) => {
  const id = c.req.param("id");
  const kept = await workspaceConversation(c);
  const body = parseOr400(mergeRequestSchema, await jsonBody(c), "body");
  if (body.other === id) throw new ApiFailure(409, "same_conversation", "a conversation cannot be merged into itself");
  const other = await workspaceConversation(c, body.other);
  const target = await kept.mergeTarget();
  if (!target) throw new ApiFailure(404, "not_found", "no such conversation");
  const r = settle(await other.mergeInto(target, who(c)));
  const out: MergeResult = { kept: id, merged: body.other, duplicate: r.duplicate };
  return c.json(out, r.duplicate ? 200 : 201);
});

/** Moves one message into a new conversation of the same customer; asked again, the same one (200). */
agentConversations.post("/:id/split", async (c) => {
  const stub = await workspaceConversation(c);
  const body = parseOr400(splitRequestSchema, await jsonBody(c), "body");
  const r: SplitResult = settle(await stub.split(who(c), body.messageId));
  return c.json(r, r.duplicate ? 200 : 201);
});

/**
 * An agent attaches a file (raw body, `x-file-name`, `x-client-id`): the same checks as the customer's
 * (worker/attachments/upload.ts), stored as the agent's message; a merged conversation refuses (409).
 */
agentConversations.post("/:id/attachments", async (c) => {
  const stub = await workspaceConversation(c);
  const agent = c.get("agent");
  return upload(c, { id: c.req.param("id"), workspaceId: agent.workspaceId, stub }, { author: "agent", agent: who(c) });
});

/** Any file of the conversation: an email's, the customer's, an agent's (worker/attachments/store.ts serveFile). */
agentConversations.get("/:id/attachments/:file", (c) => agentFile(c, c.req.param("id"), c.req.param("file")));

/** The same detail for the admin API: editors and owners, or the ADMIN_TOKEN with `?workspace=`. */
export const adminConversations = new Hono<AppEnv>();
adminConversations.use(requireAdmin());

adminConversations.get("/:id", async (c) => c.json(await (await workspaceConversation(c)).detail()));
