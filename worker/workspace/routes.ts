// Moving a workspace: `GET /api/workspace/export` (owner session) or `/admin/v1/workspace/export`
// (ADMIN_TOKEN) download the archive, part by part (`after`, `limit`); the operator of the destination
// imports it with `POST /admin/v1/workspace/import?workspace=ID` (the token only: it creates a
// workspace) and removes a workspace that left with `DELETE /admin/v1/workspace?workspace=ID&confirm=ID`.
// Each is heavy (a Durable Object call per conversation): 1 request a second per caller, bursts of 10.
// `/admin/v1/workspace/security` (security-routes.ts) is served by the admin router too, with the
// same guard and budget and the owner guard on top.
import { Hono, type Context } from "hono";
import { exportQuerySchema } from "../../shared/workspace.ts";
import { audit } from "../audit/privacy.ts";
import type { AppEnv } from "../env.ts";
import { ApiFailure, parseOr400 } from "../http/errors.ts";
import { OPERATOR, ownerOrOperator } from "../middleware/auth.ts";
import { parseLimits, rateLimit } from "../middleware/rate-limit.ts";
import { ExportTooLarge } from "../privacy/contact.ts";
import { exportWorkspace } from "./export.ts";
import { importWorkspace } from "./import.ts";
import { removeWorkspace } from "./remove.ts";
import { ownersOnly, readSecurity, writeSecurity } from "./security-routes.ts";

/** Largest archive accepted by import: the worker holds it in memory (128 MB in all). */
const IMPORT_MAX_BYTES = 80 * 1024 * 1024;

// One budget for both doors: a caller does not get twice the rate by alternating /api and /admin/v1.
const budget = rateLimit({
  limits: (c) => parseLimits(c.env.PRIVACY_RATE_LIMIT, { perSecond: 1, burst: 10 }),
  key: (c) => `workspace:${c.get("agent").workspaceId}:${c.get("agent").id}`,
});

/** `/api/workspace` (the console) and, with the security routes, `/admin/v1/workspace`. */
export const workspaceApi = new Hono<AppEnv>();
export const workspaceAdmin = new Hono<AppEnv>();
for (const r of [workspaceApi, workspaceAdmin]) {
  r.use(ownerOrOperator());
  r.use(budget);
}
workspaceAdmin.get("/security", ownersOnly, readSecurity);
workspaceAdmin.put("/security", ownersOnly, writeSecurity);

/** The operator's token, and the workspace named explicitly (the token's default workspace is never assumed here). */
const operatorOnly = (c: { get(k: "agent"): { id: string }; req: { query(k: string): string | undefined } }) => {
  if (c.get("agent").id !== OPERATOR.id)
    throw new ApiFailure(403, "operator_only", "importing or removing a workspace needs the operator's ADMIN_TOKEN");
  if (!c.req.query("workspace")) throw new ApiFailure(400, "invalid_query", "workspace: name the workspace");
};

const exportRoute = async (c: Context<AppEnv>) => {
  const q = parseOr400(exportQuerySchema, c.req.query(), "query");
  const ws = c.get("agent").workspaceId;
  let out: Awaited<ReturnType<typeof exportWorkspace>>;
  try {
    out = await exportWorkspace(c.env, ws, q);
  } catch (e) {
    if (e instanceof ExportTooLarge) throw new ApiFailure(413, "export_too_large", e.message);
    throw e;
  }
  await audit(c.env.DB, {
    workspaceId: ws,
    actor: c.get("agent").id,
    action: "workspace.exported",
    detail: {
      conversations: out.manifest.conversations.length,
      settings: out.manifest.settings,
      bytes: out.archive.length,
    },
  });
  const day = new Date().toISOString().slice(0, 10);
  const suffix = q.after ? `-after-${q.after}` : "";
  return new Response(out.archive, {
    headers: {
      "content-type": "application/zip",
      "content-disposition": `attachment; filename="workspace-${ws}-${day}${suffix}.zip"`,
      "content-length": String(out.archive.length),
      "cache-control": "no-store",
      ...(out.manifest.next ? { "x-next-after": out.manifest.next } : {}),
    },
  });
};

const importRoute = async (c: Context<AppEnv>) => {
  operatorOnly(c);
  if (!/^[\w-]{2,64}$/.test(c.get("agent").workspaceId))
    throw new ApiFailure(400, "invalid_query", "workspace: 2 to 64 letters, digits, _ or -");
  const size = Number(c.req.header("content-length") ?? 0);
  if (size > IMPORT_MAX_BYTES) throw new ApiFailure(413, "too_large", `archives up to ${IMPORT_MAX_BYTES} bytes`);
  const body = new Uint8Array(await c.req.arrayBuffer());
  if (body.length > IMPORT_MAX_BYTES)
    throw new ApiFailure(413, "too_large", `archives up to ${IMPORT_MAX_BYTES} bytes`);
  return c.json(await importWorkspace(c.env, c.get("agent").workspaceId, body, c.get("agent").id), 200);
};

const removeRoute = async (c: Context<AppEnv>) => {
  operatorOnly(c);
  const ws = c.get("agent").workspaceId;
  if (c.req.query("confirm") !== ws)
    throw new ApiFailure(400, "invalid_query", "confirm: repeat the workspace id to remove it and all its data");
  const r = await removeWorkspace(c.env, ws);
  if (r.done)
    await audit(c.env.DB, { workspaceId: ws, actor: c.get("agent").id, action: "workspace.removed", detail: { ...r } });
  return c.json(r, r.done ? 200 : 202);
};

for (const r of [workspaceApi, workspaceAdmin]) {
  r.get("/export", exportRoute);
  r.post("/import", importRoute);
  r.delete("/", removeRoute);
}
