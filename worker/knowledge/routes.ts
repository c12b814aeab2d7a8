// The console's knowledge API, `/api/kb`: every role reads articles; editors and owners link them to
// conversations (training), write drafts, publish, roll back, try questions and read the gap and
// article reports. Every query is scoped to the session's workspace.
import { Hono, type Context } from "hono";
import * as z from "zod/mini";
import {
  draftSchema,
  knowledgeLinkSchema,
  publishDraftsSchema,
  rollbackSchema,
  tryQuestionSchema,
  type KbJob,
} from "../../shared/api.ts";
import type { Article } from "../../shared/article.ts";
import { synonymsSchema, type Synonyms } from "../../shared/api.ts";
import type { AppEnv } from "../env.ts";
import { auditJob } from "../audit/log.ts";
import { ApiFailure, jsonBody, parseOr400 } from "../http/errors.ts";
import { requireAgent } from "../middleware/auth.ts";
import { articleDetail, createDraft, discardDraft, library, listDrafts, saveDraft } from "./library.ts";
import { getJob, queueJob, readSynonyms, saveSynonyms } from "./publish.ts";
import { figuresReport, gapsReport } from "./signals.ts";
import { recordResolved } from "./store.ts";
import { tryQuestion } from "./try.ts";
import { parseJson } from "../../shared/json.ts";
import { articleVersionData } from "./formats.ts";

export const knowledge = new Hono<AppEnv>();
knowledge.use(requireAgent());
const editor = requireAgent({ role: "editor" });

const ws = (c: Context<AppEnv>) => c.get("agent").workspaceId;
const by = (c: Context<AppEnv>) => c.get("agent").email;
const days = (c: Context<AppEnv>) => Math.min(365, Math.max(1, Number(c.req.query("days") ?? 30) || 30));
const idParam = (c: Context<AppEnv>) => {
  const id = c.req.param("id") ?? "";
  if (!/^[a-z0-9][a-z0-9-]{0,79}$/.test(id)) throw new ApiFailure(400, "invalid_path", "article id is malformed");
  return id;
};

// ---- reading: every role -------------------------------------------------------------------------

knowledge.get("/articles", async (c) =>
  c.json(
    await library(c.env.DB, ws(c), {
      q: c.req.query("q"),
      status: c.req.query("status"),
      category: c.req.query("category"),
    }),
  ),
);

knowledge.get("/articles/:id", async (c) => {
  const d = await articleDetail(c.env.DB, ws(c), idParam(c));
  if (!d) throw new ApiFailure(404, "not_found", "no such article");
  return c.json(d);
});

/**
 * An editor says which article answered a handed-off conversation (or drafts one from the reply). The
 * link trains retrieval at the next publish, so it is a KB write: editors and owners only.
 */
knowledge.post("/links", editor, async (c) => {
  const body = parseOr400(knowledgeLinkSchema, await jsonBody(c), "body");
  if (!body.article === !body.draft)
    throw new ApiFailure(400, "invalid_body", "link an article or draft one, not both", [
      { path: "article", message: "pick an article or write a draft" },
    ]);
  const conv = await c.env.DB.prepare("SELECT workspace_id, reason FROM conversations WHERE id = ?")
    .bind(body.conversationId)
    .first<{ workspace_id: string; reason: string | null }>();
  if (!conv || conv.workspace_id !== ws(c)) throw new ApiFailure(404, "not_found", "no such conversation");
  if (!conv.reason) throw new ApiFailure(409, "not_handed_off", "only conversations handed off to a person are linked");
  let article = body.article as string;
  if (body.draft) {
    const a: Article = {
      id: body.draft.id,
      title: body.draft.title,
      category: "general",
      tags: [],
      questions: [],
      handoff: "never",
      priority: "normal",
      team: "support",
      locale: "en",
      updated: "",
      body: body.draft.body,
    };
    try {
      await createDraft(c.env.DB, ws(c), a, by(c));
    } catch (e) {
      if (e instanceof ApiFailure && e.code === "duplicate_id")
        throw new ApiFailure(409, "duplicate_id", e.message, [
          { path: "draft.id", message: `${a.id} is already taken; choose another id` },
        ]);
      throw e;
    }
    article = a.id;
  } else {
    const known = await c.env.DB.prepare(
      "SELECT 1 AS x FROM articles WHERE workspace_id = ?1 AND id = ?2 UNION ALL SELECT 1 FROM article_drafts WHERE workspace_id = ?1 AND id = ?2",
    )
      .bind(ws(c), article)
      .first();
    if (!known)
      throw new ApiFailure(400, "invalid_body", `no article ${article}`, [
        { path: "article", message: `no article ${article}` },
      ]);
  }
  const dup = await c.env.DB.prepare(
    "SELECT 1 AS x FROM resolved_questions WHERE workspace_id = ? AND conversation_id = ? AND article_id = ? AND text = ?",
  )
    .bind(ws(c), body.conversationId, article, body.question)
    .first();
  // Resolved history trains retrieval: the next publish (queued now) learns this question → article.
  const job = dup
    ? null
    : await recordResolved(c.env, ws(c), [{ text: body.question, article }], body.conversationId, by(c));
  return c.json({ article, recorded: dup ? 0 : 1, ...(job ? { job: job.id } : {}) }, 201);
});

// ---- writing and reports: editors and owners -----------------------------------------------------

knowledge.post("/drafts", editor, async (c) => {
  const { article } = parseOr400(draftSchema, await jsonBody(c), "body");
  await createDraft(c.env.DB, ws(c), article, by(c));
  return c.json(await articleDetail(c.env.DB, ws(c), article.id), 201);
});

knowledge.put("/drafts/:id", editor, async (c) => {
  const id = idParam(c);
  const { article } = parseOr400(draftSchema, await jsonBody(c), "body");
  await saveDraft(c.env.DB, ws(c), id, article, by(c));
  return c.json(await articleDetail(c.env.DB, ws(c), id));
});

// Synonyms, once per workspace: saved, then a rebuild makes them part of the live KB.
knowledge.get("/synonyms", async (c) => c.json({ groups: await readSynonyms(c.env.DB, ws(c)) } satisfies Synonyms));

knowledge.put("/synonyms", editor, async (c) => {
  const body = parseOr400(synonymsSchema, await jsonBody(c), "body");
  await saveSynonyms(c.env.DB, ws(c), body.groups, by(c));
  const job = await queueJob(c.env, ws(c), { kind: "rebuild", items: [], by: by(c) });
  return c.json({ groups: body.groups, job: job.id });
});

// One click from the gap report: customers' questions become "questions this article answers" in the
// article's draft (the published text is untouched until someone publishes it).
const addQuestionsSchema = z.object({
  questions: z
    .array(z.string().check(z.trim(), z.minLength(1), z.maxLength(200)))
    .check(z.minLength(1), z.maxLength(20)),
});

knowledge.post("/articles/:id/questions", editor, async (c) => {
  const id = idParam(c);
  const { questions } = parseOr400(addQuestionsSchema, await jsonBody(c), "body");
  const d = await articleDetail(c.env.DB, ws(c), id);
  const current = d?.draft?.article ?? d?.published;
  if (!current) throw new ApiFailure(404, "not_found", "no such article");
  const { version: _v, ...rest } = current as Article & { version?: number };
  const had = rest.questions ?? [];
  const known = new Set(had.map((q) => q.toLowerCase()));
  const added = questions.filter((q) => !known.has(q.toLowerCase()) && known.add(q.toLowerCase()));
  const article: Article = { ...rest, questions: [...had, ...added].slice(0, 50) };
  await saveDraft(c.env.DB, ws(c), id, article, by(c));
  return c.json({ added: added.length, detail: await articleDetail(c.env.DB, ws(c), id) }, 201);
});

knowledge.delete("/drafts/:id", editor, async (c) => {
  if (!(await discardDraft(c.env.DB, ws(c), idParam(c)))) throw new ApiFailure(404, "not_found", "no draft to discard");
  return c.json({ ok: true });
});

/** Publishes drafts (all, or `ids`) as one new KB version. Answers at once with the job to poll. */
knowledge.post("/publish", editor, async (c) => {
  const { ids } = parseOr400(publishDraftsSchema, await jsonBody(c), "body");
  const drafts = await listDrafts(c.env.DB, ws(c));
  const want = ids ? new Set(ids) : null;
  const picked = want ? drafts.filter((d) => want.has(d.id)) : drafts;
  if (want && picked.length !== want.size) {
    const missing = [...want].filter((id) => !drafts.some((d) => d.id === id));
    throw new ApiFailure(400, "invalid_body", `no draft for ${missing.join(", ")}`, [
      { path: "ids", message: `no draft for ${missing.join(", ")}` },
    ]);
  }
  if (!picked.length) throw new ApiFailure(400, "nothing_to_publish", "there are no drafts to publish");
  const items = picked.map((d) => ({ id: d.id, op: "put" as const, article: d.article, draftUpdatedAt: d.updated_at }));
  const job = await queueJob(c.env, ws(c), { kind: "drafts", items, by: by(c) });
  await auditJob(c, "kb.published", job, items);
  return c.json(job, 202);
});

knowledge.delete("/articles/:id", editor, async (c) => {
  const id = idParam(c);
  const pub = await c.env.DB.prepare("SELECT 1 AS x FROM articles WHERE workspace_id = ? AND id = ?")
    .bind(ws(c), id)
    .first();
  if (!pub) throw new ApiFailure(404, "not_found", "no published article to unpublish");
  const job = await queueJob(c.env, ws(c), { kind: "unpublish", items: [{ id, op: "delete" }], by: by(c) });
  await auditJob(c, "kb.unpublished", job, [{ id }]);
  return c.json(job, 202);
});

/** One click: republishes the article exactly as it was in `version`, as a new KB version. */
knowledge.post("/articles/:id/rollback", editor, async (c) => {
  const id = idParam(c);
  const { version } = parseOr400(rollbackSchema, await jsonBody(c), "body");
  const row = await c.env.DB.prepare(
    "SELECT data FROM article_versions WHERE workspace_id = ? AND id = ? AND kb_version = ?",
  )
    .bind(ws(c), id, version)
    .first<{ data: string }>();
  if (!row)
    throw new ApiFailure(404, "not_found", `article ${id} has no version ${version}`, [
      { path: "version", message: `no version ${version}` },
    ]);
  const data = parseJson(articleVersionData, row.data, `article_versions.data of ${id} v${version}`);
  const job: KbJob =
    "deleted" in data
      ? await queueJob(c.env, ws(c), { kind: "rollback", items: [{ id, op: "delete" }], by: by(c) })
      : await queueJob(c.env, ws(c), { kind: "rollback", items: [{ id, op: "put", article: data }], by: by(c) });
  await auditJob(c, "kb.rolled_back", job, [{ id }], { toVersion: version });
  return c.json(job, 202);
});

knowledge.get("/jobs/:id", editor, async (c) => {
  const job = await getJob(c.env.DB, ws(c), c.req.param("id"));
  if (!job) throw new ApiFailure(404, "not_found", "no such job");
  return c.json(job);
});

knowledge.get("/versions", editor, async (c) => {
  const rows = await c.env.DB.prepare(
    "SELECT version, articles, chunks, current, created_at AS createdAt FROM kb_versions WHERE workspace_id = ? ORDER BY version DESC LIMIT 50",
  )
    .bind(ws(c))
    .all();
  return c.json({ versions: rows.results });
});

knowledge.post("/try", editor, async (c) => {
  const q = parseOr400(tryQuestionSchema, await jsonBody(c), "body");
  return c.json(await tryQuestion(c.env, ws(c), q, c.env.PUBLIC_URL || new URL(c.req.url).origin));
});

knowledge.get("/gaps", editor, async (c) => c.json(await gapsReport(c.env.DB, ws(c), days(c))));
knowledge.get("/figures", editor, async (c) => c.json(await figuresReport(c.env.DB, ws(c), days(c))));
