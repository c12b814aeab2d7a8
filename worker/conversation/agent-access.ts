// How the agent and admin routes reach one conversation: only inside the caller's workspace, and a
// refused state change becomes a 409 the console can show.
import type { Context } from "hono";
import type { Outcome } from "./model.ts";
import type { AppEnv } from "../env.ts";
import { ApiFailure } from "../http/errors.ts";

/** The conversation's stub (`:id`, or `id`), once we know it belongs to the caller's workspace. */
export async function workspaceConversation(c: Context<AppEnv>, id = c.req.param("id") ?? "") {
  const row = await c.env.DB.prepare("SELECT workspace_id FROM conversations WHERE id = ?")
    .bind(id)
    .first<{ workspace_id: string }>();
  // Another workspace's conversation is reported as missing, not forbidden: ids do not leak.
  if (!row || row.workspace_id !== c.get("agent").workspaceId)
    throw new ApiFailure(404, "not_found", "no such conversation");
  return c.env.CONVERSATION.get(c.env.CONVERSATION.idFromName(id));
}

/** Turns a refused state change into a 409 the console can show (404 for what is not there). */
export function settle<T>(r: Outcome<T>): T {
  if (!r.ok) throw new ApiFailure(r.error === "not_found" ? 404 : 409, r.error, r.message);
  return r.value;
}
