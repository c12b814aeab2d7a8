// After a handoff, an editor or owner says which article answered the customer (or drafts one from the
// reply). The question then counts as resolved history, so retrieval learns it at the next publish.
import { useEffect, useState } from "preact/hooks";
import type { ConversationDetail, LibraryItem } from "../../../../shared/api.ts";
import type { MessageEvent } from "../../../../shared/protocol.ts";
import { errorMessage, HttpError } from "../../lib/api.ts";
import { slugify } from "../knowledge/article-form.ts";
import { kb } from "../knowledge/api.ts";

export function LinkArticle({ detail, state }: { detail: ConversationDetail | null | undefined; state: string }) {
  const messages = (detail?.events ?? []).filter((e): e is MessageEvent & { seq: number } => e.type === "message");
  const firstQuestion = messages.find((m) => m.author === "customer")?.text ?? "";
  const lastReply = [...messages].reverse().find((m) => m.author === "agent")?.text ?? "";
  const [open, setOpen] = useState(false);
  const [mode, setMode] = useState<"link" | "draft">("link");
  const [question, setQuestion] = useState(firstQuestion);
  const [articles, setArticles] = useState<LibraryItem[]>([]);
  const [article, setArticle] = useState(detail?.handoff?.article ?? "");
  const [title, setTitle] = useState("");
  const [body, setBody] = useState("");
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [done, setDone] = useState("");

  useEffect(() => {
    if (!open || articles.length) return;
    kb.library({})
      .then((l) => setArticles(l.items))
      .catch(() => undefined);
    setQuestion((q) => q || firstQuestion);
    setBody((b) => b || lastReply);
  }, [open]);

  if (!detail?.handoff || (state !== "agent" && state !== "resolved")) return null;

  const submit = async (e: Event) => {
    e.preventDefault();
    setErrors({});
    try {
      const r = await kb.link({
        conversationId: detail.id,
        question,
        ...(mode === "link" ? { article } : { draft: { id: slugify(title), title, body } }),
      });
      setDone(
        mode === "link"
          ? `Linked to ${r.article}. Retrieval learns this question at the next publish.`
          : `Draft ${r.article} created for the content team.`,
      );
    } catch (err) {
      const next: Record<string, string> = {};
      if (err instanceof HttpError) for (const i of err.issues) next[i.path.split(".").pop() ?? "form"] ??= i.message;
      if (!Object.keys(next).length) next.form = errorMessage(err);
      setErrors(next);
    }
  };

  return (
    <section class="link-article" data-testid="link-article" aria-label="Link the answering article">
      {done ? (
        <p role="status" data-testid="link-done">
          {done}
        </p>
      ) : !open ? (
        <button type="button" class="btn btn-secondary" data-testid="link-open" onClick={() => setOpen(true)}>
          Which article answered this?
        </button>
      ) : (
        <form onSubmit={(e) => void submit(e)} noValidate>
          <div class="filters" role="radiogroup" aria-label="Link or draft">
            <label class="chip">
              <input type="radio" checked={mode === "link"} onChange={() => setMode("link")} /> Link an article
            </label>
            <label class="chip">
              <input
                type="radio"
                checked={mode === "draft"}
                onChange={() => setMode("draft")}
                data-testid="link-mode-draft"
              />{" "}
              Draft one from my reply
            </label>
          </div>
          <div class="field">
            <label for="link-question">Customer's question</label>
            <textarea
              id="link-question"
              rows={2}
              value={question}
              onInput={(e) => setQuestion(e.currentTarget.value)}
              data-testid="link-question"
            />
            {errors.question && <span class="field-error">{errors.question}</span>}
          </div>
          {mode === "link" ? (
            <div class="field">
              <label for="link-select">Article</label>
              <select
                id="link-select"
                value={article}
                onChange={(e) => setArticle(e.currentTarget.value)}
                data-testid="link-select"
              >
                <option value="">Choose…</option>
                {articles.map((a) => (
                  <option key={a.id} value={a.id}>
                    {a.title}
                    {a.status === "draft" ? " (draft)" : ""}
                  </option>
                ))}
              </select>
              {errors.article && <span class="field-error">{errors.article}</span>}
            </div>
          ) : (
            <>
              <div class="field">
                <label for="link-title">Title</label>
                <input
                  id="link-title"
                  value={title}
                  onInput={(e) => setTitle(e.currentTarget.value)}
                  data-testid="link-title"
                />
                {(errors.title || errors.id) && <span class="field-error">{errors.title ?? errors.id}</span>}
              </div>
              <div class="field">
                <label for="link-body">Article text</label>
                <textarea id="link-body" rows={5} value={body} onInput={(e) => setBody(e.currentTarget.value)} />
                {errors.body && <span class="field-error">{errors.body}</span>}
              </div>
            </>
          )}
          {errors.form && (
            <p class="alert" role="alert">
              {errors.form}
            </p>
          )}
          <button type="submit" class="btn btn-primary" data-testid="link-submit">
            {mode === "link" ? "Link article" : "Create draft"}
          </button>
        </form>
      )}
    </section>
  );
}
