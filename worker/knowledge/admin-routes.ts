// The admin API of the knowledge base, `/admin/v1/kb`: publish articles (as jobs; see publish.ts), push
// drafts, record resolved questions, set synonyms. Editors and owners (a session), or the operator's
// ADMIN_TOKEN with `?workspace=` (CI, the kb CLI); only that workspace's knowledge. No budget of its
// own: each write is one job, and a workspace runs one job at a time (publish.ts). The console's
// knowledge API is routes.ts.
import { Hono } from "hono";
import {
  draftsSchema,
  historySchema,
  publishSchema,
  synonymsSchema,
  type HistoryResult,
  type KbJob,
  type PublishResult,
} from "../../shared/api.ts";
import { auditJob } from "../audit/log.ts";
import type { AppEnv } from "../env.ts";
import { ApiFailure, jsonBody, parseOr400 } from "../http/errors.ts";
import { requireAdmin } from "../middleware/auth.ts";
import { saveDrafts } from "./library.ts";
import { getJob, queueJob, saveSynonyms, waitForJob } from "./publish.ts";
import { listArticles, recordResolved } from "./store.ts";

export const knowledgeAdmin = new Hono<AppEnv>();
knowledgeAdmin.use(requireAdmin());

knowledgeAdmin.get("/articles", async (c) =>
  c.json({ articles: await listArticles(c.env.DB, c.get("agent").workspaceId) }),
);

knowledgeAdmin.put("/articles", async (c) => {
  const { articles, replace } = parseOr400(publishSchema, await jsonBody(c), "body");
  rejectDuplicates(articles);
  const ws = c.get("agent").workspaceId;
  const items = articles.map((a) => ({ id: a.id, op: "put" as const, article: a }));
  const job = await queueJob(c.env, ws, { kind: "publish", items, replace, by: c.get("agent").email });
  await auditJob(c, "kb.published", job, items, { replace: !!replace });
  // `?wait=0`: answer at once with the job to poll (GET /admin/v1/kb/jobs/:id), for large KBs and progress bars.
  if (c.req.query("wait") === "0") return c.json(job, 202);
  return c.json(settled(await waitForJob(c.env.DB, ws, job.id)));
});

knowledgeAdmin.get("/jobs/:id", async (c) => {
  const job = await getJob(c.env.DB, c.get("agent").workspaceId, c.req.param("id"));
  if (!job) throw new ApiFailure(404, "not_found", "no such job");
  return c.json(job);
});

/** `kb push --draft`: the folder becomes drafts for review in the console; nothing is published. */
knowledgeAdmin.put("/drafts", async (c) => {
  const { articles } = parseOr400(draftsSchema, await jsonBody(c), "body");
  rejectDuplicates(articles);
  const saved = await saveDrafts(c.env.DB, c.get("agent").workspaceId, articles, c.get("agent").email);
  return c.json({ drafts: saved });
});

knowledgeAdmin.post("/history", async (c) => {
  const { items } = parseOr400(historySchema, await jsonBody(c), "body");
  const ws = c.get("agent").workspaceId;
  const job = await recordResolved(c.env, ws, items);
  const r = settled(await waitForJob(c.env.DB, ws, job.id));
  const result: HistoryResult = { recorded: items.length, version: r.version };
  return c.json(result);
});

/** The workspace's synonyms; answers once the rebuild that applies them is live. */
knowledgeAdmin.put("/synonyms", async (c) => {
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
