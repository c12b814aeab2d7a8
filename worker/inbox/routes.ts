// The console's inbox: `/api/inbox` (the workspace's open conversations, and the live socket that is
// also the agent's presence) and `/api/agents` (everyone in the workspace with presence and load). An
// agent's session, any role; only the caller's workspace. No budget of their own: reads of one
// Durable Object for a signed-in person. Assigning, availability and another agent's routing are
// served with the URLs they belong to (see agents.ts).
import { Hono } from "hono";
import type * as z from "zod/mini";
import type { reminderListSchema } from "../../shared/later.ts";
import type { mentionListSchema } from "../../shared/mentions.ts";
import type { AppEnv } from "../env.ts";
import { ApiFailure } from "../http/errors.ts";
import { requireAgent } from "../middleware/auth.ts";
import { inboxOf, roster } from "./agents.ts";

type ReminderList = z.infer<typeof reminderListSchema>;
type MentionList = z.infer<typeof mentionListSchema>;

export const inboxApi = new Hono<AppEnv>();
inboxApi.use(requireAgent());

inboxApi.get("/", async (c) => c.json({ items: await inboxOf(c).list() }));

/** The caller's own reminders (worker/inbox/reminders.ts), due ones first; nobody else's. */
inboxApi.get("/reminders", async (c) => {
  const body: ReminderList = { reminders: await inboxOf(c).remindersOf(c.get("agent").id) };
  return c.json(body);
});

/** The caller has seen to a due reminder of theirs: it leaves their list (404 for anyone else's). */
inboxApi.post("/reminders/:rid/dismiss", async (c) => {
  if (!(await inboxOf(c).dismissReminder(c.get("agent").id, c.req.param("rid"))))
    throw new ApiFailure(404, "not_found", "no such due reminder of yours");
  return c.json({ ok: true });
});

/** The caller's own unread @mentions (worker/inbox/mentions.ts), newest first; nobody else's. */
inboxApi.get("/mentions", async (c) => {
  const body: MentionList = { mentions: await inboxOf(c).mentionsOf(c.get("agent").id) };
  return c.json(body);
});

/** The caller has seen a mention of theirs: it leaves their list (404 for anyone else's or an unknown one). */
inboxApi.post("/mentions/:mid/seen", async (c) => {
  if (!(await inboxOf(c).markMentionSeen(c.get("agent").id, c.req.param("mid"))))
    throw new ApiFailure(404, "not_found", "no such unread mention of yours");
  return c.json({ ok: true });
});

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
