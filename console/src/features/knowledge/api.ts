// Knowledge API calls (`/api/kb`) and publish-job polling for the console's Knowledge area.
import { signal } from "@preact/signals";
import type { ArticleDetail, FiguresReport, GapsReport, KbJob, Library, TryResult } from "../../../../shared/api.ts";
import type { Article } from "../../../../shared/article.ts";
import { api } from "../../lib/api.ts";

export const kb = {
  library: (q: { q?: string; status?: string; category?: string }) => {
    const u = new URLSearchParams();
    for (const [k, v] of Object.entries(q)) if (v) u.set(k, v);
    return api<Library>(`/api/kb/articles?${u}`);
  },
  article: (id: string) => api<ArticleDetail>(`/api/kb/articles/${id}`),
  create: (article: Article) => api<ArticleDetail>("/api/kb/drafts", { method: "POST", body: { article } }),
  save: (id: string, article: Article) =>
    api<ArticleDetail>(`/api/kb/drafts/${id}`, { method: "PUT", body: { article } }),
  discard: (id: string) => api<{ ok: true }>(`/api/kb/drafts/${id}`, { method: "DELETE" }),
  publish: (ids?: string[]) => api<KbJob>("/api/kb/publish", { method: "POST", body: ids ? { ids } : {} }),
  unpublish: (id: string) => api<KbJob>(`/api/kb/articles/${id}`, { method: "DELETE" }),
  rollback: (id: string, version: number) =>
    api<KbJob>(`/api/kb/articles/${id}/rollback`, { method: "POST", body: { version } }),
  job: (id: string) => api<KbJob>(`/api/kb/jobs/${id}`),
  try: (text: string, target: "published" | "draft") =>
    api<TryResult>("/api/kb/try", { method: "POST", body: { text, target } }),
  gaps: (days: number) => api<GapsReport>(`/api/kb/gaps?days=${days}`),
  /** Adds customers' questions to an article's "questions this article answers", in its draft. */
  addQuestions: (id: string, questions: string[]) =>
    api<{ added: number; detail: ArticleDetail }>(`/api/kb/articles/${id}/questions`, {
      method: "POST",
      body: { questions },
    }),
  figures: (days: number) => api<FiguresReport>(`/api/kb/figures?days=${days}`),
  link: (body: {
    conversationId: string;
    question: string;
    article?: string;
    draft?: { id: string; title: string; body: string };
  }) => api<{ article: string; recorded: number }>("/api/kb/links", { method: "POST", body }),
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
