// Moving a workspace: `GET /api/workspace/export` (owner session) or `/admin/v1/workspace/export`
// (ADMIN_TOKEN) download the archive, part by part (`after`, `limit`); the operator of the destination
// imports it with `POST /admin/v1/workspace/import?workspace=ID` (the token only: it creates a
// workspace) and removes a workspace that left with `DELETE /admin/v1/workspace?workspace=ID&confirm=ID`;
// an owner removes their own with `DELETE /api/workspace?confirm=ID` and renames it with `PATCH`.
// Each is heavy (a Durable Object call per conversation): 1 request a second per caller, bursts of 10.
// `/admin/v1/workspace/security` (security-routes.ts) is served by the admin router too, with the
// same guard and budget and the owner guard on top.
import { Hono, type Context } from "hono";
import { exportQuerySchema } from "../../shared/workspace.ts";
import { audit } from "../audit/privacy.ts";
import type { AppEnv } from "../env.ts";
import { workspaceSchema } from "../../shared/security.ts";
import { workspaceRemovalSchema } from "../../shared/setup.ts";
import { recordAudit } from "../audit/log.ts";
import { verifyPassword } from "../auth/password.ts";
import { ApiFailure, jsonBody, parseOr400 } from "../http/errors.ts";
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

type Caller = { get(k: "agent"): { id: string }; req: { query(k: string): string | undefined } };

/** The operator's token, and the workspace named explicitly (the token's default workspace is never assumed here). */
const operatorOnly = (c: Caller) => {
  if (c.get("agent").id !== OPERATOR.id)
    throw new ApiFailure(403, "operator_only", "importing a workspace needs the operator's ADMIN_TOKEN");
  if (!c.req.query("workspace")) throw new ApiFailure(400, "invalid_query", "workspace: name the workspace");
};

/** Removal: an owner removes their own workspace (the session names it); the operator names one. */
const ownerOrNamed = (c: Caller) => {
  if (c.get("agent").id === OPERATOR.id && !c.req.query("workspace"))
    throw new ApiFailure(400, "invalid_query", "workspace: name the workspace");
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
  ownerOrNamed(c);
  const ws = c.get("agent").workspaceId;
  if (c.req.query("confirm") !== ws)
    throw new ApiFailure(400, "invalid_query", "confirm: repeat the workspace id to remove it and all its data");
  // A person also gives their password: a session left open must not be enough to erase a workspace.
  if (c.get("agent").id !== OPERATOR.id) await passwordAgain(c);
  const r = await removeWorkspace(c.env, ws);
  if (r.done)
    await audit(c.env.DB, { workspaceId: ws, actor: c.get("agent").id, action: "workspace.removed", detail: { ...r } });
  return c.json(r, r.done ? 200 : 202);
};

async function passwordAgain(c: Context<AppEnv>): Promise<void> {
  const { password } = parseOr400(workspaceRemovalSchema, await jsonBody(c), "body");
  const row = await c.env.DB.prepare("SELECT password_hash FROM agents WHERE id = ?")
    .bind(c.get("agent").id)
    .first<{ password_hash: string }>();
  if (!row || !(await verifyPassword(password, row.password_hash)))
    throw new ApiFailure(403, "wrong_password", "the password is wrong", [
      { path: "password", message: "this is not your password" },
    ]);
}

/** Renames the workspace (owners, or the operator naming it); its id, in help-centre URLs, stays. */
const renameRoute = async (c: Context<AppEnv>) => {
  const a = c.get("agent");
  const { name } = parseOr400(workspaceSchema, await jsonBody(c), "body");
  const prior = await c.env.DB.prepare("SELECT name FROM workspaces WHERE id = ?")
    .bind(a.workspaceId)
    .first<{ name: string }>();
  if (!prior) throw new ApiFailure(404, "unknown_workspace", "no such workspace");
  await c.env.DB.prepare("UPDATE workspaces SET name = ? WHERE id = ?").bind(name, a.workspaceId).run();
  await recordAudit(c.env, a.workspaceId, a, {
    action: "workspace.renamed",
    target: { type: "workspace", id: a.workspaceId },
    before: { name: prior.name },
    after: { name },
  });
  return c.json({ id: a.workspaceId, name });
};

for (const r of [workspaceApi, workspaceAdmin]) {
  r.get("/export", exportRoute);
  r.post("/import", importRoute);
  r.patch("/", renameRoute);
  r.delete("/", removeRoute);
}
