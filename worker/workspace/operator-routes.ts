// `/admin/v1/workspaces/:id`: the operator (ADMIN_TOKEN only) creates or renames a workspace. No budget
// of its own: the operator's occasional write.
import { Hono } from "hono";
import { WORKSPACE_ID, workspaceSchema } from "../../shared/security.ts";
import { recordAudit } from "../audit/log.ts";
import type { AppEnv } from "../env.ts";
import { ApiFailure, jsonBody, parseOr400 } from "../http/errors.ts";
import { OPERATOR, requireOperator } from "../middleware/auth.ts";

export const workspacesAdmin = new Hono<AppEnv>();
workspacesAdmin.use(requireOperator());

workspacesAdmin.put("/:id", async (c) => {
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
