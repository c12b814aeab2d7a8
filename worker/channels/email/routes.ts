// The email channel's routes. `/api/contacts/:id`: the contact view (every conversation of one
// customer, whatever the channel), an agent's session, only the caller's workspace.
// `/admin/v1/email-addresses/:address`: the operator (ADMIN_TOKEN only) maps an inbound address to a
// workspace, since an owner could otherwise claim another tenant's support address and read its mail.
// The files an email brought are served with every other file of a conversation (worker/attachments/).
// No budgets of their own: signed-in reads, and the operator's occasional write.
import { Hono } from "hono";
import { recordAudit } from "../../audit/log.ts";
import type { AppEnv } from "../../env.ts";
import { ApiFailure } from "../../http/errors.ts";
import { OPERATOR, requireAgent, requireOperator } from "../../middleware/auth.ts";
import { contactView } from "./db.ts";

export const contactsApi = new Hono<AppEnv>();
contactsApi.use(requireAgent());

contactsApi.get("/:id", async (c) => {
  const view = await contactView(c.env.DB, c.get("agent").workspaceId, c.req.param("id"));
  if (!view) throw new ApiFailure(404, "not_found", "no such contact");
  return c.json(view);
});

export const emailAddressesAdmin = new Hono<AppEnv>();
emailAddressesAdmin.use(requireOperator());

/** Inbound mail to `address` (a mailbox, or "@domain" for a whole domain) opens conversations in `?workspace=`. */
emailAddressesAdmin.put("/:address", async (c) => {
  const address = decodeURIComponent(c.req.param("address")).trim().toLowerCase();
  if (!/^[^@\s]*@[a-z0-9.-]+\.[a-z]{2,}$/.test(address) || address.length > 200)
    throw new ApiFailure(400, "invalid_path", "an address is name@domain or @domain");
  const ws = c.req.query("workspace") ?? "";
  if (!(await c.env.DB.prepare("SELECT 1 AS x FROM workspaces WHERE id = ?").bind(ws).first()))
    throw new ApiFailure(404, "unknown_workspace", `no workspace ${ws}`);
  const r = await c.env.DB.prepare(
    "INSERT INTO email_addresses (address, workspace_id, created_at) VALUES (?, ?, ?) ON CONFLICT (address) DO NOTHING",
  )
    .bind(address, ws, Date.now())
    .run();
  if (!r.meta.changes) {
    const owner = await c.env.DB.prepare("SELECT workspace_id FROM email_addresses WHERE address = ?")
      .bind(address)
      .first<{ workspace_id: string }>();
    if (owner?.workspace_id !== ws) throw new ApiFailure(409, "address_taken", "another workspace has this address");
    return c.json({ address, workspace: ws });
  }
  await recordAudit(c.env, ws, OPERATOR, {
    action: "email_address.added",
    target: { type: "email_address", id: address },
  });
  return c.json({ address, workspace: ws });
});
