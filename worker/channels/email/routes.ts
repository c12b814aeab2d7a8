// Agent routes of the email channel, mounted under /api: attachment downloads and the contact view
// (every conversation of one customer, whatever the channel). Session required; workspace-fenced.
import { Hono } from "hono";
import type { AppEnv } from "../../env.ts";
import { ApiFailure } from "../../http/errors.ts";
import { requireAgent } from "../../middleware/auth.ts";
import { attachmentKey, downloadResponse } from "./attachments.ts";
import { contactView } from "./db.ts";

export const emailApi = new Hono<AppEnv>();
// Only on these paths: the router is mounted beside the agent API, which guards its own.
emailApi.use("/conversations/:id/attachments/*", requireAgent());
emailApi.use("/contacts/*", requireAgent());

const ID = /^[\w-]{10,40}$/;

emailApi.get("/conversations/:id/attachments/:file", async (c) => {
  const id = c.req.param("id");
  const file = c.req.param("file");
  if (!ID.test(id) || !ID.test(file)) throw new ApiFailure(404, "not_found", "no such attachment");
  const row = await c.env.DB.prepare("SELECT workspace_id FROM conversations WHERE id = ?")
    .bind(id)
    .first<{ workspace_id: string }>();
  // Another workspace's files are missing, not forbidden: ids do not leak.
  if (!row || row.workspace_id !== c.get("agent").workspaceId || !c.env.ATTACHMENTS)
    throw new ApiFailure(404, "not_found", "no such attachment");
  const obj = await c.env.ATTACHMENTS.get(attachmentKey(id, file));
  if (!obj) throw new ApiFailure(404, "not_found", "no such attachment");
  return downloadResponse(obj);
});

emailApi.get("/contacts/:id", async (c) => {
  const view = await contactView(c.env.DB, c.get("agent").workspaceId, c.req.param("id"));
  if (!view) throw new ApiFailure(404, "not_found", "no such contact");
  return c.json(view);
});
