// `/admin/v1/workspaces`: the operator (ADMIN_TOKEN only) lists the deployment's workspaces, and creates
// or renames one at `/:id` (removal: `DELETE /admin/v1/workspace?workspace=ID&confirm=ID`, routes.ts).
// No budget of its own: the operator's occasional call.
import { Hono } from "hono";
import { WORKSPACE_ID, workspaceSchema } from "../../shared/security.ts";
import type { WorkspaceSummary } from "../../shared/setup.ts";
import { recordAudit } from "../audit/log.ts";
import type { AppEnv } from "../env.ts";
import { ApiFailure, jsonBody, parseOr400 } from "../http/errors.ts";
import { OPERATOR, requireOperator } from "../middleware/auth.ts";

export const workspacesAdmin = new Hono<AppEnv>();
workspacesAdmin.use(requireOperator());

workspacesAdmin.get("/", async (c) => {
  const rows = await c.env.DB.prepare(
    `SELECT w.id, w.name, w.created_at,
       (SELECT COUNT(*) FROM workspace_people a WHERE a.workspace_id = w.id) AS people,
       (SELECT COUNT(*) FROM sites s WHERE s.workspace_id = w.id) AS sites,
       (SELECT COUNT(*) FROM conversations v WHERE v.workspace_id = w.id) AS conversations
     FROM workspaces w ORDER BY w.created_at, w.id`,
  ).all<{ id: string; name: string; created_at: number; people: number; sites: number; conversations: number }>();
  const workspaces: WorkspaceSummary[] = rows.results.map((r) => ({
    id: r.id,
    name: r.name,
    createdAt: r.created_at,
    people: r.people,
    sites: r.sites,
    conversations: r.conversations,
  }));
  return c.json({ workspaces });
});

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
