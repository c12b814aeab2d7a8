// `/api/kb-import`: editors and owners import articles from a zip of Markdown or a help centre exported
// from Zendesk Guide, Intercom or Chatwoot. `POST /preview` says what would change and changes nothing;
// `POST /apply` (the same file again, and the KB version the preview was made against) saves drafts
// and/or queues one publish job through the existing pipeline (../jobs.ts, ../publish.ts).
// Budget: parsing a 5 MB upload is real CPU, so each person gets a burst of 20 and one every 2 s.
import { type Context, Hono } from "hono";
import * as z from "zod/mini";
import {
  importAsSchema,
  importModeSchema,
  importSourceSchema,
  type ImportResult,
  type ImportSource,
} from "../../../shared/kb-import.ts";
import type { Article } from "../../../shared/article.ts";
import { auditJob } from "../../audit/log.ts";
import type { AppEnv } from "../../env.ts";
import { ApiFailure, parseOr400 } from "../../http/errors.ts";
import { requireAgent } from "../../middleware/auth.ts";
import { rateLimit } from "../../middleware/rate-limit.ts";
import { queueJob } from "../jobs.ts";
import { listArticles } from "../store.ts";
import { fromChatwoot } from "./chatwoot.ts";
import { ImportFormatError, type Mapped } from "./common.ts";
import { fromIntercom } from "./intercom.ts";
import { fromMarkdownZip } from "./markdown-zip.ts";
import { actions, plan } from "./plan.ts";
import { ZipError } from "./unzip.ts";
import { fromZendesk } from "./zendesk.ts";

/** Largest upload: a zip, or a vendor's JSON export. */
export const MAX_UPLOAD_BYTES = 5 * 1024 * 1024;
export const IMPORT_BUDGET = { perSecond: 0.5, burst: 20 };

export const kbImport = new Hono<AppEnv>();
kbImport.use(requireAgent({ role: "editor" }));
kbImport.use(
  rateLimit({
    limits: () => IMPORT_BUDGET,
    key: (c) => `kb-import:${c.get("agent").workspaceId}:${c.get("agent").id}`,
  }),
);

const querySchema = z.object({
  source: importSourceSchema,
  mode: z._default(importModeSchema, "merge"),
  as: z._default(importAsSchema, "draft"),
  version: z.optional(z.string().check(z.regex(/^\d{1,9}$/))),
});

/** The request body, refused past MAX_UPLOAD_BYTES whatever content-length says. */
async function upload(c: Context<AppEnv>): Promise<Uint8Array> {
  const declared = Number(c.req.header("content-length") ?? 0);
  if (declared > MAX_UPLOAD_BYTES) throw tooLarge();
  const body = c.req.raw.body;
  if (!body) throw new ApiFailure(400, "invalid_body", "send the export file as the request body");
  const reader = body.getReader();
  const parts: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > MAX_UPLOAD_BYTES) {
      await reader.cancel();
      throw tooLarge();
    }
    parts.push(value);
  }
  const out = new Uint8Array(size);
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.byteLength;
  }
  if (!size) throw new ApiFailure(400, "invalid_body", "the file is empty");
  return out;
}

const tooLarge = () =>
  new ApiFailure(413, "too_large", `the file is larger than ${MAX_UPLOAD_BYTES / 1024 / 1024} MB; split the export`);

/**
 * Saves articles as drafts (new ids and existing ones) in one batch, and answers the time they carry:
 * the publish job deletes exactly these drafts once live, unless someone saved one since.
 * (library.ts `saveDrafts` answers a count, which the job cannot match drafts by.)
 */
async function saveAsDrafts(db: D1Database, ws: string, articles: Article[], by: string): Promise<number> {
  const now = Date.now();
  const stmts = articles.map((a) =>
    db
      .prepare(
        `INSERT INTO article_drafts (workspace_id, id, data, base_version, updated_at, updated_by)
         VALUES (?1, ?2, ?3, (SELECT version FROM articles WHERE workspace_id = ?1 AND id = ?2), ?4, ?5)
         ON CONFLICT (workspace_id, id) DO UPDATE SET data = excluded.data, base_version = excluded.base_version,
           updated_at = excluded.updated_at, updated_by = excluded.updated_by`,
      )
      .bind(ws, a.id, JSON.stringify(a), now, by),
  );
  for (let i = 0; i < stmts.length; i += 100) await db.batch(stmts.slice(i, i + 100));
  return now;
}

/** The export as items, or a 400/415/413 that says what was wrong with the file. */
async function mapped(c: Context<AppEnv>, source: ImportSource): Promise<Mapped> {
  const type = (c.req.header("content-type") ?? "").split(";")[0]?.trim().toLowerCase();
  const want = source === "markdown-zip" ? ["application/zip", "application/x-zip-compressed"] : ["application/json"];
  if (!want.includes(type ?? ""))
    throw new ApiFailure(415, "unsupported_media_type", `send the ${source} export as ${want[0]}`);
  const bytes = await upload(c);
  try {
    if (source === "markdown-zip") return await fromMarkdownZip(bytes);
    let data: unknown;
    try {
      data = JSON.parse(new TextDecoder().decode(bytes));
    } catch {
      throw new ImportFormatError("the file is not valid JSON");
    }
    if (source === "zendesk") return fromZendesk(data);
    if (source === "intercom") return fromIntercom(data);
    return fromChatwoot(data);
  } catch (e) {
    if (e instanceof ZipError) throw new ApiFailure(400, "invalid_zip", e.message);
    if (e instanceof ImportFormatError) throw new ApiFailure(400, "invalid_export", e.message);
    throw e;
  }
}

async function planFor(c: Context<AppEnv>) {
  const q = parseOr400(querySchema, c.req.query(), "query");
  const ws = c.get("agent").workspaceId;
  const m = await mapped(c, q.source);
  const [published, drafts, cur] = await Promise.all([
    listArticles(c.env.DB, ws),
    c.env.DB.prepare("SELECT id FROM article_drafts WHERE workspace_id = ?").bind(ws).all<{ id: string }>(),
    c.env.DB.prepare("SELECT version FROM kb_versions WHERE workspace_id = ? AND current = 1")
      .bind(ws)
      .first<{ version: number }>(),
  ]);
  const kbVersion = cur?.version ?? 0;
  const p = plan(m, published, new Set(drafts.results.map((d) => d.id)), { source: q.source, mode: q.mode, kbVersion });
  return { q, ws, p };
}

kbImport.post("/preview", async (c) => {
  const { p } = await planFor(c);
  return c.json(p.preview, 200, { "cache-control": "no-store" });
});

kbImport.post("/apply", async (c) => {
  const { q, ws, p } = await planFor(c);
  if (q.version === undefined || Number(q.version) !== p.preview.kbVersion)
    throw new ApiFailure(
      409,
      "kb_changed",
      "the knowledge base changed since the preview (or no preview was named): preview the import again",
    );
  const by = c.get("agent").email;
  const todo = actions(p, q.as);
  // Everything written becomes a draft first; what is published goes out as one job that, like
  // "publish drafts", removes those drafts once live unless someone edited them in between.
  const all = [...todo.drafts, ...todo.publish];
  const savedAt = await saveAsDrafts(c.env.DB, ws, all, by);
  const items = [
    ...todo.publish.map((article) => ({ id: article.id, op: "put" as const, article, draftUpdatedAt: savedAt })),
    ...todo.remove.map((id) => ({ id, op: "delete" as const })),
  ];
  const result: ImportResult = {
    drafts: todo.drafts.length,
    published: todo.publish.length,
    removed: todo.remove.length,
  };
  if (items.length) {
    const job = await queueJob(c.env, ws, { kind: "publish", items, by });
    await auditJob(c, "kb.imported", job, items, { source: q.source, mode: q.mode });
    result.job = job;
  }
  return c.json(result, items.length ? 202 : 200);
});
