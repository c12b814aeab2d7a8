// A workspace's sites, `/admin/v1/sites/:key`: owners only (a session, or the operator's ADMIN_TOKEN with
// `?workspace=`), because the allowed origins decide who may embed the widget and the identity secret
// who is "verified". Only the caller's workspace: another workspace's key is refused (409) or missing
// (404). No budget of its own: an owner's occasional write. The site guard that reads these rows for
// the public API is middleware/site.ts.
import { Hono } from "hono";
import { siteSchema } from "../../shared/api.ts";
import { parseJson, stringList } from "../../shared/json.ts";
import { audit } from "../audit/log.ts";
import type { AppEnv } from "../env.ts";
import { ApiFailure, jsonBody, parseOr400 } from "../http/errors.ts";
import { requireAdmin } from "../middleware/auth.ts";
import { forgetSite } from "../middleware/site.ts";

export const sitesAdmin = new Hono<AppEnv>();
sitesAdmin.use(requireAdmin({ role: "owner" }));

type SiteRow = {
  name: string;
  allowed_origins: string;
  identity_secret: string | null;
  portal: number;
  workspace_id: string;
};
const siteView = (r: SiteRow | null) =>
  r && {
    name: r.name,
    allowedOrigins: parseJson(stringList, r.allowed_origins, `sites.allowed_origins of ${r.name}`),
    portal: r.portal === 1,
    identitySecret: r.identity_secret ? "set" : "none",
  };

/** Owners only: the allowed origins decide who may embed the widget, the identity secret who is "verified". */
sitesAdmin.put("/:key", async (c) => {
  const key = c.req.param("key");
  if (!/^[\w-]{3,64}$/.test(key)) throw new ApiFailure(400, "invalid_path", "site key is 3-64 letters, digits, _ or -");
  const s = parseOr400(siteSchema, await jsonBody(c), "body");
  const ws = c.get("agent").workspaceId;
  const prior = await c.env.DB.prepare(
    "SELECT name, allowed_origins, identity_secret, portal, workspace_id FROM sites WHERE key = ?",
  )
    .bind(key)
    .first<SiteRow>();
  // An omitted identity secret keeps the stored one: rotating origins must not switch verification off.
  const r = await c.env.DB.prepare(
    `INSERT INTO sites (key, workspace_id, name, allowed_origins, identity_secret, created_at, portal) VALUES (?1, ?2, ?3, ?4, ?5, ?6, COALESCE(?7, 0))
     ON CONFLICT (key) DO UPDATE SET name = excluded.name, allowed_origins = excluded.allowed_origins,
       identity_secret = COALESCE(excluded.identity_secret, sites.identity_secret), portal = COALESCE(?7, sites.portal)
       WHERE sites.workspace_id = excluded.workspace_id`,
  )
    .bind(
      key,
      ws,
      s.name,
      JSON.stringify(s.allowedOrigins),
      s.identitySecret ?? null,
      Date.now(),
      s.portal === undefined ? null : s.portal ? 1 : 0,
    )
    .run();
  if (!r.meta.changes) throw new ApiFailure(409, "site_taken", "this site key belongs to another workspace");
  forgetSite(key);
  const before = siteView(prior);
  await audit(c, {
    action: prior ? "site.updated" : "site.created",
    target: { type: "site", id: key },
    before,
    after: {
      name: s.name,
      allowedOrigins: s.allowedOrigins,
      portal: s.portal ?? before?.portal ?? false,
      // Never the secret itself: whether there is one, and whether this call replaced it.
      identitySecret:
        s.identitySecret !== undefined
          ? prior?.identity_secret
            ? "rotated"
            : "set"
          : (before?.identitySecret ?? "none"),
    },
  });
  const { identitySecret, ...shown } = s;
  return c.json({ key, ...shown, identityVerification: identitySecret !== undefined });
});

/** Owners only. A help centre's own site stays: the portal needs it. `npm run simulate -- --url` removes its site this way. */
sitesAdmin.delete("/:key", async (c) => {
  const key = c.req.param("key");
  const ws = c.get("agent").workspaceId;
  const prior = await c.env.DB.prepare(
    "SELECT name, allowed_origins, identity_secret, portal, workspace_id FROM sites WHERE key = ? AND workspace_id = ? AND portal = 0",
  )
    .bind(key, ws)
    .first<SiteRow>();
  if (!prior) throw new ApiFailure(404, "not_found", "no such site (a help centre's own site stays)");
  await c.env.DB.prepare("DELETE FROM sites WHERE key = ? AND workspace_id = ? AND portal = 0").bind(key, ws).run();
  forgetSite(key);
  await audit(c, { action: "site.removed", target: { type: "site", id: key }, before: siteView(prior) });
  return c.body(null, 204);
});
