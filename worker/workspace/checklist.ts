// `/api/checklist`: the owner's guided first steps, each ticked from what the workspace has stored
// (D1), never from clicks in the console: a widget site with an allowed origin, a conversation from
// that site (the embed tag is live), published articles, a teammate, a message a customer sent.
// Owners (a session) or the operator's ADMIN_TOKEN naming the workspace; no budget of its own.
import { Hono } from "hono";
import { parseJson, stringList } from "../../shared/json.ts";
import type { Checklist } from "../../shared/setup.ts";
import type { AppEnv, Env } from "../env.ts";
import { ApiFailure } from "../http/errors.ts";
import { requireAdmin } from "../middleware/auth.ts";

export const checklistApi = new Hono<AppEnv>();
checklistApi.use(requireAdmin({ role: "owner" }));

type SiteRow = { key: string; name: string; allowed_origins: string };
type Counts = { articles: number; people: number; invited: number; opened: number; messages: number };

const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

export async function checklistOf(env: Env, workspaceId: string): Promise<Checklist> {
  const ws = await env.DB.prepare("SELECT id, name FROM workspaces WHERE id = ?")
    .bind(workspaceId)
    .first<{ id: string; name: string }>();
  if (!ws) throw new ApiFailure(404, "unknown_workspace", "no such workspace");
  // The widget sites (not the help centre's own), the one with origins first: the embed tag names it.
  const sites = await env.DB.prepare(
    "SELECT key, name, allowed_origins FROM sites WHERE workspace_id = ? AND portal = 0 ORDER BY allowed_origins = '[]', created_at, key",
  )
    .bind(workspaceId)
    .all<SiteRow>();
  const site = sites.results[0];
  const origins = site ? parseJson(stringList, site.allowed_origins, `sites.allowed_origins of ${site.key}`) : [];
  // "Invite a teammate": people in the workspace besides the first owner (home agents and members
  // alike), or an invitation still open (sent and neither used, revoked nor expired): the owner has
  // done their part once it is sent.
  const counts = await env.DB.prepare(
    `SELECT
       (SELECT COUNT(*) FROM articles WHERE workspace_id = ?1) AS articles,
       (SELECT COUNT(*) FROM workspace_people WHERE workspace_id = ?1 AND disabled_at IS NULL) AS people,
       (SELECT COUNT(*) FROM invites WHERE workspace_id = ?1 AND used_at IS NULL AND revoked_at IS NULL
          AND expires_at > ?2) AS invited,
       (SELECT COUNT(*) FROM conversations c JOIN sites s ON s.key = c.site_key
          WHERE c.workspace_id = ?1 AND s.portal = 0 AND c.channel = 'chat') AS opened,
       (SELECT COUNT(*) FROM conversations c JOIN sites s ON s.key = c.site_key
          WHERE c.workspace_id = ?1 AND s.portal = 0 AND c.channel = 'chat' AND c.preview != '') AS messages`,
  )
    .bind(workspaceId, Date.now())
    .first<Counts>();
  const n = counts ?? { articles: 0, people: 0, invited: 0, opened: 0, messages: 0 };
  return {
    workspace: ws,
    site: site ? { key: site.key, name: site.name, allowedOrigins: origins } : null,
    steps: [
      {
        id: "origin",
        done: origins.length > 0,
        detail: origins.length ? `allowed on ${origins.join(", ")}` : "no origin allowed yet",
      },
      {
        id: "embed",
        done: n.opened > 0,
        detail: n.opened
          ? `${plural(n.opened, "conversation")} started from your site`
          : "the widget has not been opened yet",
      },
      { id: "articles", done: n.articles > 0, detail: `${plural(n.articles, "article")} published` },
      {
        id: "teammate",
        done: n.people > 1 || n.invited > 0,
        detail: plural(n.people, "person", "people") + (n.invited ? `, ${plural(n.invited, "invitation")} open` : ""),
      },
      {
        id: "message",
        done: n.messages > 0,
        detail: n.messages ? `${plural(n.messages, "conversation")} with a message` : "no message yet",
      },
    ],
  };
}

checklistApi.get("/", async (c) => c.json(await checklistOf(c.env, c.get("agent").workspaceId)));
