// The workspace's audit log for its owners: `/admin/v1/audit` (JSON) and `/admin/v1/audit.csv` (the
// same entries as a download, up to 1,000 by default). Owners (a session) or the operator's ADMIN_TOKEN
// with `?workspace=`; only that workspace's entries. Two routers because they are two prefixes
// (`audit.csv` is not under `audit/`). No budget of their own: an owner's occasional read.
import { Hono } from "hono";
import { auditQuerySchema } from "../../shared/security.ts";
import type { AppEnv } from "../env.ts";
import { parseOr400 } from "../http/errors.ts";
import { requireAdmin } from "../middleware/auth.ts";
import { auditCsv, readAudit } from "./log.ts";

export const auditAdmin = new Hono<AppEnv>();
auditAdmin.use(requireAdmin({ role: "owner" }));

auditAdmin.get("/", async (c) => {
  const q = parseOr400(auditQuerySchema, c.req.query(), "query");
  return c.json({ entries: await readAudit(c.env.DB, c.get("agent").workspaceId, q) });
});

export const auditCsvAdmin = new Hono<AppEnv>();
auditCsvAdmin.use(requireAdmin({ role: "owner" }));

auditCsvAdmin.get("/", async (c) => {
  const q = parseOr400(auditQuerySchema, { limit: 1000, ...c.req.query() }, "query");
  const ws = c.get("agent").workspaceId;
  return c.body(auditCsv(await readAudit(c.env.DB, ws, q)), 200, {
    "content-type": "text/csv; charset=utf-8",
    "content-disposition": `attachment; filename="audit-${ws}.csv"`,
    "cache-control": "no-store",
  });
});
