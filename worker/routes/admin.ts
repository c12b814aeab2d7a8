// The admin API: publish KB articles (as jobs; see knowledge/publish.ts), push drafts, record resolved
// questions (editors and owners), set a site's allowed origins and identity secret (owners). Bearer
// ADMIN_TOKEN with `?workspace=` (operators, CI, the kb CLI) or a session. People: people/routes.ts.
import { Hono } from "hono";
import {
  draftsSchema,
  historySchema,
  publishSchema,
  siteSchema,
  synonymsSchema,
  type HistoryResult,
  type KbJob,
  type PublishResult,
} from "../../shared/api.ts";
import { audit, auditJob } from "../audit/log.ts";
import type { AppEnv } from "../env.ts";
import { ApiFailure, jsonBody, parseOr400 } from "../http/errors.ts";
import { requireAdmin } from "../middleware/auth.ts";
import { forgetSite } from "../middleware/site.ts";
import { saveDrafts } from "../knowledge/library.ts";
import { getJob, queueJob, saveSynonyms, waitForJob } from "../knowledge/publish.ts";
import { listArticles, recordResolved } from "../knowledge/store.ts";
import { parseJson, stringList } from "../../shared/json.ts";

export const admin = new Hono<AppEnv>();
admin.use(requireAdmin());

admin.get("/kb/articles", async (c) => c.json({ articles: await listArticles(c.env.DB, c.get("agent").workspaceId) }));

admin.put("/kb/articles", async (c) => {
  const { articles, replace } = parseOr400(publishSchema, await jsonBody(c), "body");
  rejectDuplicates(articles);
  const ws = c.get("agent").workspaceId;
  const items = articles.map((a) => ({ id: a.id, op: "put" as const, article: a }));
  const job = await queueJob(c.env, ws, { kind: "publish", items, replace, by: c.get("agent").email });
  await auditJob(c, "kb.published", job, items, { replace: !!replace });
  // `?wait=0`: answer at once with the job to poll (GET /kb/jobs/:id), for large KBs and progress bars.
  if (c.req.query("wait") === "0") return c.json(job, 202);
  return c.json(settled(await waitForJob(c.env.DB, ws, job.id)));
});

admin.get("/kb/jobs/:id", async (c) => {
  const job = await getJob(c.env.DB, c.get("agent").workspaceId, c.req.param("id"));
  if (!job) throw new ApiFailure(404, "not_found", "no such job");
  return c.json(job);
});

/** `kb push --draft`: the folder becomes drafts for review in the console; nothing is published. */
admin.put("/kb/drafts", async (c) => {
  const { articles } = parseOr400(draftsSchema, await jsonBody(c), "body");
  rejectDuplicates(articles);
  const saved = await saveDrafts(c.env.DB, c.get("agent").workspaceId, articles, c.get("agent").email);
  return c.json({ drafts: saved });
});

admin.post("/kb/history", async (c) => {
  const { items } = parseOr400(historySchema, await jsonBody(c), "body");
  const ws = c.get("agent").workspaceId;
  const job = await recordResolved(c.env, ws, items);
  const r = settled(await waitForJob(c.env.DB, ws, job.id));
  const result: HistoryResult = { recorded: items.length, version: r.version };
  return c.json(result);
});

/** The workspace's synonyms; answers once the rebuild that applies them is live. */
admin.put("/kb/synonyms", async (c) => {
  const { groups } = parseOr400(synonymsSchema, await jsonBody(c), "body");
  const ws = c.get("agent").workspaceId;
  await saveSynonyms(c.env.DB, ws, groups, "admin");
  const job = await queueJob(c.env, ws, { kind: "rebuild", items: [], by: "admin" });
  const r = settled(await waitForJob(c.env.DB, ws, job.id));
  return c.json({ groups, version: r.version });
});

function rejectDuplicates(articles: { id: string }[]): void {
  const seen = new Set<string>();
  articles.forEach((a, i) => {
    if (seen.has(a.id))
      throw new ApiFailure(400, "duplicate_id", `article id ${a.id} appears twice`, [
        { path: `articles.${i}.id`, message: `${a.id} appears twice` },
      ]);
    seen.add(a.id);
  });
}

function settled(job: KbJob): PublishResult {
  if (job.status === "failed")
    throw new ApiFailure(
      500,
      "publish_failed",
      `publish failed: ${job.error ?? "unknown error"}; the previous version is still live`,
    );
  if (!job.result)
    throw new ApiFailure(
      504,
      "publish_pending",
      `publish is still running (job ${job.id}); poll /admin/v1/kb/jobs/${job.id}`,
    );
  return job.result;
}

admin.get("/conversations/:id", async (c) => {
  const id = c.req.param("id");
  const row = await c.env.DB.prepare("SELECT workspace_id FROM conversations WHERE id = ?")
    .bind(id)
    .first<{ workspace_id: string }>();
  if (!row || row.workspace_id !== c.get("agent").workspaceId)
    throw new ApiFailure(404, "not_found", "no such conversation");
  return c.json(await c.env.CONVERSATION.get(c.env.CONVERSATION.idFromName(id)).detail());
});

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
admin.put("/sites/:key", requireAdmin({ role: "owner" }), async (c) => {
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
admin.delete("/sites/:key", requireAdmin({ role: "owner" }), async (c) => {
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
