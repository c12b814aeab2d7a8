// Workspace-level settings and the audit log (owners), and what only the operator does: create a
// workspace, map an inbound email address to one (an owner could otherwise claim another
// tenant's support address and read its mail).
import { Hono } from "hono";
import { auditQuerySchema, WORKSPACE_ID, workspaceSchema, workspaceSecuritySchema } from "../../shared/security.ts";
import { audit, auditCsv, readAudit, recordAudit } from "../audit/log.ts";
import type { AppEnv } from "../env.ts";
import { ApiFailure, jsonBody, parseOr400 } from "../http/errors.ts";
import { requireAdmin, requireOperator } from "../middleware/auth.ts";

const OPERATOR = { id: "operator", email: "operator (ADMIN_TOKEN)" };

/** Mounted at /admin/v1: `/workspace/security`, `/audit`, `/audit.csv`. */
export const workspaceAdmin = new Hono<AppEnv>();
const owners = requireAdmin({ role: "owner" });
workspaceAdmin.use("/workspace/*", owners);
workspaceAdmin.use("/audit", owners);
workspaceAdmin.use("/audit.csv", owners);

workspaceAdmin.get("/workspace/security", async (c) => {
  const w = await c.env.DB.prepare("SELECT require_two_factor FROM workspaces WHERE id = ?")
    .bind(c.get("agent").workspaceId)
    .first<{ require_two_factor: number }>();
  return c.json({ requireTwoFactor: w?.require_two_factor === 1 });
});

/** Requiring two-factor: from the next request on, people without it can only set it up. */
workspaceAdmin.put("/workspace/security", async (c) => {
  const { requireTwoFactor } = parseOr400(workspaceSecuritySchema, await jsonBody(c), "body");
  const me = c.get("agent");
  const ws = me.workspaceId;
  // An owner who requires it without having it would lock themselves out of everything but enrolment.
  if (requireTwoFactor && me.sessionId) {
    const mine = await c.env.DB.prepare("SELECT totp_secret IS NOT NULL AS on_ FROM agents WHERE id = ?")
      .bind(me.id)
      .first<{ on_: number }>();
    if (!mine?.on_)
      throw new ApiFailure(409, "two_factor_first", "turn on two-factor sign-in for yourself before requiring it");
  }
  const before = await c.env.DB.prepare("SELECT require_two_factor FROM workspaces WHERE id = ?")
    .bind(ws)
    .first<{ require_two_factor: number }>();
  await c.env.DB.prepare("UPDATE workspaces SET require_two_factor = ? WHERE id = ?")
    .bind(requireTwoFactor ? 1 : 0, ws)
    .run();
  await audit(c, {
    action: "workspace.security",
    target: { type: "workspace", id: ws },
    before: { requireTwoFactor: before?.require_two_factor === 1 },
    after: { requireTwoFactor },
  });
  return c.json({ requireTwoFactor });
});

workspaceAdmin.get("/audit", async (c) => {
  const q = parseOr400(auditQuerySchema, c.req.query(), "query");
  return c.json({ entries: await readAudit(c.env.DB, c.get("agent").workspaceId, q) });
});

workspaceAdmin.get("/audit.csv", async (c) => {
  const q = parseOr400(auditQuerySchema, { limit: 1000, ...c.req.query() }, "query");
  const ws = c.get("agent").workspaceId;
  return c.body(auditCsv(await readAudit(c.env.DB, ws, q)), 200, {
    "content-type": "text/csv; charset=utf-8",
    "content-disposition": `attachment; filename="audit-${ws}.csv"`,
    "cache-control": "no-store",
  });
});

/** Mounted at /admin/v1: `/workspaces/:id`, `/email-addresses/:address`. The ADMIN_TOKEN only. */
export const operatorAdmin = new Hono<AppEnv>();
operatorAdmin.use("/workspaces/*", requireOperator());
operatorAdmin.use("/email-addresses/*", requireOperator());

operatorAdmin.put("/workspaces/:id", async (c) => {
  const id = c.req.param("id");
  if (!WORKSPACE_ID.test(id))
    throw new ApiFailure(400, "invalid_path", "a workspace id is 2-64 lowercase letters, digits, _ or -");
  const { name } = parseOr400(workspaceSchema, await jsonBody(c), "body");
  const prior = await c.env.DB.prepare("SELECT name FROM workspaces WHERE id = ?").bind(id).first<{ name: string }>();
  await c.env.DB.prepare(
    "INSERT INTO workspaces (id, name, created_at) VALUES (?, ?, ?) ON CONFLICT (id) DO UPDATE SET name = excluded.name",
  )
    .bind(id, name, Date.now())
    .run();
  await recordAudit(c.env, id, OPERATOR, {
    action: prior ? "workspace.renamed" : "workspace.created",
    target: { type: "workspace", id },
    ...(prior ? { before: { name: prior.name } } : {}),
    after: { name },
  });
  return c.json({ id, name }, prior ? 200 : 201);
});

/** Inbound mail to `address` (a mailbox, or "@domain" for a whole domain) opens conversations in `?workspace=`. */
operatorAdmin.put("/email-addresses/:address", async (c) => {
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
