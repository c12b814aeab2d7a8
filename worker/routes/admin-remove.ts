// Removing what the admin API created: an agent (with its sessions) and a site key. Owners or the
// ADMIN_TOKEN only, within their workspace. `npm run simulate -- --url` removes the accounts and the
// site it made this way, so no simulated login outlives the run.
import { Hono } from "hono";
import type { AppEnv } from "../env.ts";
import { ApiFailure } from "../http/errors.ts";
import { requireAdmin } from "../middleware/auth.ts";
import { forgetSite } from "../middleware/site.ts";

export const adminRemove = new Hono<AppEnv>();
// Per route, not `use`: this router sits in front of the admin router and must not guard its
// other /agents and /sites routes.
const owner = requireAdmin({ role: "owner" });

adminRemove.delete("/agents/:id", owner, async (c) => {
  const r = await c.env.DB.prepare("DELETE FROM agents WHERE id = ? AND workspace_id = ?")
    .bind(c.req.param("id"), c.get("agent").workspaceId)
    .run();
  // Sessions go with the agent (ON DELETE CASCADE): a signed-in browser is signed out.
  if (!r.meta.changes) throw new ApiFailure(404, "not_found", "no such agent");
  return c.body(null, 204);
});

adminRemove.delete("/sites/:key", owner, async (c) => {
  const key = c.req.param("key");
  const r = await c.env.DB.prepare("DELETE FROM sites WHERE key = ? AND workspace_id = ? AND portal = 0")
    .bind(key, c.get("agent").workspaceId)
    .run();
  if (!r.meta.changes) throw new ApiFailure(404, "not_found", "no such site (a help centre's own site stays)");
  forgetSite(key);
  return c.body(null, 204);
});
