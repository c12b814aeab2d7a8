// Knowledge API calls (`/api/kb`) and publish-job polling for the console's Knowledge area.
import { signal } from "@preact/signals";
import * as z from "zod/mini";
import {
  articleDetailSchema,
  figuresReportSchema,
  gapsReportSchema,
  kbJobSchema,
  librarySchema,
  tryResultSchema,
  type KbJob,
} from "../../../../shared/api.ts";
import type { Article } from "../../../../shared/article.ts";
import { api } from "../../lib/api.ts";

const discardedSchema = z.object({ ok: z.literal(true) });
const questionsAddedSchema = z.object({ added: z.number(), detail: articleDetailSchema });
const linkedSchema = z.object({ article: z.string(), recorded: z.number() });

export const kb = {
  library: (q: { q?: string; status?: string; category?: string }) => {
    const u = new URLSearchParams();
    for (const [k, v] of Object.entries(q)) if (v) u.set(k, v);
    return api(`/api/kb/articles?${u}`, librarySchema);
  },
  article: (id: string) => api(`/api/kb/articles/${id}`, articleDetailSchema),
  create: (article: Article) => api("/api/kb/drafts", articleDetailSchema, { method: "POST", body: { article } }),
  save: (id: string, article: Article) =>
    api(`/api/kb/drafts/${id}`, articleDetailSchema, { method: "PUT", body: { article } }),
  discard: (id: string) => api(`/api/kb/drafts/${id}`, discardedSchema, { method: "DELETE" }),
  publish: (ids?: string[]) => api("/api/kb/publish", kbJobSchema, { method: "POST", body: ids ? { ids } : {} }),
  unpublish: (id: string) => api(`/api/kb/articles/${id}`, kbJobSchema, { method: "DELETE" }),
  rollback: (id: string, version: number) =>
    api(`/api/kb/articles/${id}/rollback`, kbJobSchema, { method: "POST", body: { version } }),
  job: (id: string) => api(`/api/kb/jobs/${id}`, kbJobSchema),
  try: (text: string, target: "published" | "draft") =>
    api("/api/kb/try", tryResultSchema, { method: "POST", body: { text, target } }),
  gaps: (days: number) => api(`/api/kb/gaps?days=${days}`, gapsReportSchema),
  /** Adds customers' questions to an article's "questions this article answers", in its draft. */
  addQuestions: (id: string, questions: string[]) =>
    api(`/api/kb/articles/${id}/questions`, questionsAddedSchema, {
      method: "POST",
      body: { questions },
    }),
  figures: (days: number) => api(`/api/kb/figures?days=${days}`, figuresReportSchema),
  link: (body: {
    conversationId: string;
    question: string;
    article?: string;
    draft?: { id: string; title: string; body: string };
  }) => api("/api/kb/links", linkedSchema, { method: "POST", body }),
};

/** The publish job the console is watching (one at a time), shared by the list and the editor. */
export const activeJob = signal<KbJob | null>(null);

/** Polls a job until it ends; the signal drives every progress bar. Resolves with the final job. */
export async function watchJob(job: KbJob): Promise<KbJob> {
  activeJob.value = job;
  let j = job;
  while (j.status !== "done" && j.status !== "failed") {
    await new Promise((r) => setTimeout(r, 300));
    j = await kb.job(j.id);
    activeJob.value = j;
  }
  return j;
}

/** A gap group's "new draft": the editor opens with these fields filled in. */
export const draftSeed = signal<{ title: string; body: string } | null>(null);
