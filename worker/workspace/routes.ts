// Moving a workspace: `GET /api/workspace/export` (owner session) or `/admin/v1/workspace/export`
// (ADMIN_TOKEN) download the archive, part by part (`after`, `limit`); the operator of the destination
// imports it with `POST /admin/v1/workspace/import?workspace=ID` (the token only: it creates a
// workspace) and removes a workspace that left with `DELETE /admin/v1/workspace?workspace=ID&confirm=ID`.
// Each is heavy (a Durable Object call per conversation): 1 request a second per caller, bursts of 10.
import { Hono } from "hono";
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

/** Largest archive accepted by import: the worker holds it in memory (128 MB in all). */
const IMPORT_MAX_BYTES = 80 * 1024 * 1024;

export const workspaceApi = new Hono<AppEnv>();
workspaceApi.use(ownerOrOperator());
workspaceApi.use(
  rateLimit({
    limits: (c) => parseLimits(c.env.PRIVACY_RATE_LIMIT, { perSecond: 1, burst: 10 }),
    key: (c) => `workspace:${c.get("agent").workspaceId}:${c.get("agent").id}`,
  }),
);

/** The operator's token, and the workspace named explicitly (the token's default workspace is never assumed here). */
const operatorOnly = (c: { get(k: "agent"): { id: string }; req: { query(k: string): string | undefined } }) => {
  if (c.get("agent").id !== OPERATOR.id)
    throw new ApiFailure(403, "operator_only", "importing or removing a workspace needs the operator's ADMIN_TOKEN");
  if (!c.req.query("workspace")) throw new ApiFailure(400, "invalid_query", "workspace: name the workspace");
};

workspaceApi.get("/export", async (c) => {
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
});

workspaceApi.post("/import", async (c) => {
  operatorOnly(c);
  if (!/^[\w-]{2,64}$/.test(c.get("agent").workspaceId))
    throw new ApiFailure(400, "invalid_query", "workspace: 2 to 64 letters, digits, _ or -");
  const size = Number(c.req.header("content-length") ?? 0);
  if (size > IMPORT_MAX_BYTES) throw new ApiFailure(413, "too_large", `archives up to ${IMPORT_MAX_BYTES} bytes`);
  const body = new Uint8Array(await c.req.arrayBuffer());
  if (body.length > IMPORT_MAX_BYTES)
    throw new ApiFailure(413, "too_large", `archives up to ${IMPORT_MAX_BYTES} bytes`);
  return c.json(await importWorkspace(c.env, c.get("agent").workspaceId, body, c.get("agent").id), 200);
});

workspaceApi.delete("/", async (c) => {
  operatorOnly(c);
  const ws = c.get("agent").workspaceId;
  if (c.req.query("confirm") !== ws)
    throw new ApiFailure(400, "invalid_query", "confirm: repeat the workspace id to remove it and all its data");
  const r = await removeWorkspace(c.env, ws);
  if (r.done)
    await audit(c.env.DB, { workspaceId: ws, actor: c.get("agent").id, action: "workspace.removed", detail: { ...r } });
  return c.json(r, r.done ? 200 : 202);
});
