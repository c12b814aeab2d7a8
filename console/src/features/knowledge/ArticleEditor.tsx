// One article: front-matter fields as form fields, Markdown with a live preview (the help page's own
// renderer), save draft / publish with progress, version history with a diff and one-click rollback.
import { useEffect, useMemo, useRef, useState } from "preact/hooks";
import type { ArticleDetail, ArticleFigures, ArticleVersion } from "../../../../shared/api.ts";
import type { Article } from "../../../../shared/article.ts";
import { diffLines } from "../../../../shared/diff.ts";
import { renderMarkdown } from "../../../../shared/markdown.ts";
import { errorMessage, HttpError } from "../../lib/api.ts";
import {
  emptyForm,
  fromForm,
  importMarkdown,
  issuesToErrors,
  looksLikeFile,
  slugify,
  toForm,
  type ArticleForm,
  type Field,
  type FieldErrors,
} from "./article-form.ts";
import { useFocusOnMount } from "../../lib/hooks.ts";
import { activeJob, draftSeed, kb, watchJob } from "./api.ts";
import { navigate } from "../../lib/router.ts";
import { kbHref } from "../../lib/route.ts";
import { fullDate } from "../../lib/time.ts";

const LABELS: Record<Field, string> = {
  id: "Article id",
  title: "Title",
  category: "Category",
  tags: "Tags (comma-separated)",
  questions: "Questions this article answers (one a line, in customers' words)",
  handoff: "Hand off to a person",
  priority: "Priority",
  team: "Team",
  locale: "Language",
  updated: "Updated",
  body: "Body (Markdown)",
};

export function ArticleEditor({ id, canEdit }: { id: string | null; canEdit: boolean }) {
  const heading = useFocusOnMount<HTMLHeadingElement>(id);
  const [detail, setDetail] = useState<ArticleDetail | null>(null);
  const [form, setForm] = useState<ArticleForm>(emptyForm);
  const [saved, setSaved] = useState<string>("");
  const [errors, setErrors] = useState<FieldErrors>({});
  const [busy, setBusy] = useState<"" | "save" | "publish" | "discard" | "unpublish" | "rollback">("");
  const [notice, setNotice] = useState("");
  const [compare, setCompare] = useState<ArticleVersion | null>(null);
  const [figures, setFigures] = useState<ArticleFigures | null>(null);
  const [loadError, setLoadError] = useState("");
  const idTouched = useRef(false);

  const load = async (): Promise<void> => {
    if (!id) {
      const seed = draftSeed.value;
      draftSeed.value = null;
      const f = { ...emptyForm(), ...(seed ? { title: seed.title, id: slugify(seed.title), body: seed.body } : {}) };
      setForm(f);
      setSaved(JSON.stringify(emptyForm()));
      return;
    }
    try {
      const d = await kb.article(id);
      setDetail(d);
      const a = d.draft?.article ?? d.published;
      const f = a ? toForm(a) : { ...emptyForm(), id };
      setForm(f);
      setSaved(JSON.stringify(f));
      setLoadError("");
    } catch (e) {
      setLoadError(e instanceof HttpError && e.status === 404 ? "This article does not exist." : errorMessage(e));
    }
  };

  useEffect(() => {
    void load();
    if (id && canEdit)
      kb.figures(30)
        .then((r) => setFigures(r.articles.find((a) => a.id === id) ?? null))
        .catch(() => undefined);
  }, [id]);

  const dirty = JSON.stringify(form) !== saved;
  const preview = useMemo(() => renderMarkdown(form.body), [form.body]);
  const set = (field: Field, value: string) => {
    if (field === "body" && looksLikeFile(value)) {
      // A whole Markdown file pasted in: its front matter fills the fields, or says what is wrong.
      const r = importMarkdown(value, id ?? undefined);
      if (r.ok) {
        setForm(r.form);
        setErrors({});
      } else {
        setForm({ ...form, body: value });
        setErrors({ ...errors, body: r.errors.body });
      }
      return;
    }
    const next = { ...form, [field]: value };
    if (field === "title" && !id && !idTouched.current) next.id = slugify(value);
    if (field === "id") idTouched.current = true;
    setForm(next);
    if (errors[field]) setErrors({ ...errors, [field]: undefined });
  };

  /** Saves the draft; returns the saved article or null (errors are shown at their fields). */
  const save = async (): Promise<Article | null> => {
    const r = fromForm(form);
    if (!r.ok) {
      setErrors(r.errors);
      focusFirst(r.errors);
      return null;
    }
    try {
      const d = id ? await kb.save(id, r.article) : await kb.create(r.article);
      setErrors({});
      setSaved(JSON.stringify(form));
      setDetail(d);
      if (!id) navigate({ name: "kb", view: "article", id: r.article.id });
      return r.article;
    } catch (e) {
      const errs = e instanceof HttpError ? issuesToErrors(e.issues, e.message) : { form: errorMessage(e) };
      setErrors(errs);
      focusFirst(errs);
      return null;
    }
  };

  const run = async (kind: typeof busy, work: () => Promise<void>) => {
    setBusy(kind);
    setNotice("");
    try {
      await work();
    } catch (e) {
      setErrors({ form: errorMessage(e) });
    } finally {
      setBusy("");
    }
  };

  const publish = () =>
    run("publish", async () => {
      const a = dirty || !detail?.draft ? await save() : (detail.draft.article ?? null);
      if (!a) return;
      if (!id) return; // a new article is saved first; publish from its page
      const job = await watchJob(await kb.publish([a.id]));
      if (job.status === "done") setNotice(`Version ${job.version} is live.`);
      await load();
    });

  const running = activeJob.value && activeJob.value.status !== "done" && activeJob.value.status !== "failed";
  const status = detail?.draft
    ? detail.published
      ? "Edited (unpublished changes)"
      : "Draft (never published)"
    : detail?.published
      ? `Published, version ${detail.published.version}`
      : "New article";

  if (loadError)
    return (
      <div class="alert" role="alert" data-testid="kb-editor-error">
        {loadError} <a href={kbHref("list")}>Back to articles</a>
      </div>
    );

  return (
    <section class="kb-editor" data-testid="kb-editor" data-id={id ?? ""}>
      <div class="page-head">
        <div>
          <a href={kbHref("list")} class="back">
            <span aria-hidden="true">←</span> Articles
          </a>
          <h1 ref={heading} tabIndex={-1}>
            {form.title || (id ? id : "New article")}
          </h1>
          <p class="sub" data-testid="kb-editor-status">
            {status}
            {dirty && " · unsaved changes"}
          </p>
        </div>
        {canEdit && (
          <div class="kb-actions">
            <button
              type="button"
              class="btn btn-secondary"
              data-testid="kb-save"
              disabled={!!busy}
              onClick={() => void run("save", async () => void (await save()))}
            >
              {busy === "save" ? "Saving…" : "Save draft"}
            </button>
            {id && (
              <button
                type="button"
                class="btn btn-primary"
                data-testid="kb-publish"
                disabled={!!busy || !!running || (!dirty && !detail?.draft)}
                onClick={() => void publish()}
              >
                {busy === "publish" ? "Publishing…" : "Publish"}
              </button>
            )}
          </div>
        )}
      </div>
      {notice && (
        <p class="kb-notice" role="status" data-testid="kb-notice">
          {notice}
        </p>
      )}
      {errors.form && (
        <p class="alert" role="alert" data-testid="kb-form-error">
          {errors.form}
        </p>
      )}
      <div class="kb-editor-grid">
        <form
          class="kb-form"
          onSubmit={(e) => {
            e.preventDefault();
            void run("save", async () => void (await save()));
          }}
          noValidate
        >
          <fieldset disabled={!canEdit}>
            <legend class="visually-hidden">Front matter</legend>
            <div class="kb-fields">
              <Input field="title" form={form} errors={errors} set={set} wide />
              {!id && <Input field="id" form={form} errors={errors} set={set} />}
              <Input field="category" form={form} errors={errors} set={set} />
              <Input field="tags" form={form} errors={errors} set={set} />
              <Select field="handoff" options={["never", "always"]} form={form} errors={errors} set={set} />
              <Select
                field="priority"
                options={["low", "normal", "high", "urgent"]}
                form={form}
                errors={errors}
                set={set}
              />
              <Input field="team" form={form} errors={errors} set={set} />
              <Input field="locale" form={form} errors={errors} set={set} />
            </div>
            <div class="field">
              <label for="kb-questions">{LABELS.questions}</label>
              <textarea
                id="kb-questions"
                rows={3}
                value={form.questions}
                aria-invalid={errors.questions ? "true" : undefined}
                data-testid="kb-field-questions"
                onInput={(e) => set("questions", e.currentTarget.value)}
              />
              {errors.questions && (
                <span class="field-error" data-testid="kb-error-questions">
                  {errors.questions}
                </span>
              )}
            </div>
            <div class="field">
              <label for="kb-body">{LABELS.body}</label>
              <textarea
                id="kb-body"
                rows={18}
                value={form.body}
                aria-invalid={errors.body ? "true" : undefined}
                aria-describedby={errors.body ? "kb-body-error" : "kb-body-hint"}
                data-testid="kb-field-body"
                onInput={(e) => set("body", e.currentTarget.value)}
              />
              {errors.body ? (
                <span class="field-error" id="kb-body-error" data-testid="kb-error-body">
                  {errors.body}
                </span>
              ) : (
                <span class="muted small" id="kb-body-hint">
                  Paste a whole Markdown file with --- front matter --- to fill the fields from it.
                </span>
              )}
            </div>
          </fieldset>
          {canEdit && id && (
            <div class="kb-danger">
              {detail?.draft && (
                <button
                  type="button"
                  class="btn btn-quiet"
                  data-testid="kb-discard"
                  disabled={!!busy}
                  onClick={() => void run("discard", async () => (await kb.discard(id), await load()))}
                >
                  Discard draft
                </button>
              )}
              {detail?.published && (
                <button
                  type="button"
                  class="btn btn-quiet"
                  data-testid="kb-unpublish"
                  disabled={!!busy || !!running}
                  onClick={() =>
                    void run("unpublish", async () => (await watchJob(await kb.unpublish(id)), await load()))
                  }
                >
                  Unpublish
                </button>
              )}
            </div>
          )}
        </form>
        {/* Focusable: the preview scrolls, and keyboard users must be able to scroll it (axe). */}
        <aside class="kb-preview" aria-label="Preview" tabIndex={0} data-testid="kb-preview-pane">
          <p class="eyebrow">Preview</p>
          {form.title.trim() ? (
            <h2 class="kb-preview-title">{form.title}</h2>
          ) : (
            <p class="kb-preview-title muted">Untitled article</p>
          )}
          <div class="kb-preview-body" data-testid="kb-preview" dangerouslySetInnerHTML={{ __html: preview }} />
        </aside>
      </div>

      {figures && (
        <section class="kb-figures" aria-label="How this article does" data-testid="kb-figures">
          <h2>Last 30 days</h2>
          <dl>
            <dt>Answered</dt>
            <dd>{figures.answered}</dd>
            <dt>Helpful</dt>
            <dd>{figures.helpful}</dd>
            <dt>Not helpful</dt>
            <dd>{figures.notHelpful}</dd>
            <dt>Handoffs after it was shown</dt>
            <dd>{figures.handoffsAfter}</dd>
          </dl>
        </section>
      )}

      {detail && detail.versions.length > 0 && (
        <section class="kb-history" aria-label="Version history" data-testid="kb-history">
          <h2>History</h2>
          <ol>
            {detail.versions.map((v, i) => (
              <li key={v.version} data-testid="kb-version" data-version={v.version}>
                <span class="mono">v{v.version}</span> <span class="muted small">{fullDate(v.createdAt)}</span>{" "}
                {v.deleted ? (
                  <span class="badge">Unpublished</span>
                ) : i === 0 && detail.published ? (
                  <span class="badge kb-status-published">Live</span>
                ) : null}
                {v.article && (
                  <button
                    type="button"
                    class="btn btn-link"
                    data-testid="kb-diff"
                    aria-pressed={compare?.version === v.version}
                    onClick={() => setCompare(compare?.version === v.version ? null : v)}
                  >
                    {compare?.version === v.version ? "Hide changes" : "Compare with editor"}
                  </button>
                )}
                {canEdit && (i > 0 || !detail.published) && (
                  <button
                    type="button"
                    class="btn btn-link"
                    data-testid="kb-rollback"
                    disabled={!!busy || !!running}
                    onClick={() =>
                      void run("rollback", async () => {
                        const j = await watchJob(await kb.rollback(id as string, v.version));
                        if (j.status === "done")
                          setNotice(`Rolled back to v${v.version}: now live as version ${j.version}.`);
                        setCompare(null);
                        await load();
                      })
                    }
                  >
                    Roll back to this
                  </button>
                )}
              </li>
            ))}
          </ol>
          {compare?.article && <VersionDiff from={compare.article} to={form} version={compare.version} />}
        </section>
      )}
    </section>
  );
}

function VersionDiff({ from, to, version }: { from: Article; to: ArticleForm; version: number }) {
  const before = toForm(from);
  const fields = (Object.keys(before) as Field[]).filter((k) => k !== "body" && before[k] !== to[k]);
  const lines = diffLines(before.body, to.body);
  return (
    <div class="kb-diff" data-testid="kb-diff-view">
      <p class="muted small">
        v{version} → the editor{fields.length ? `; fields changed: ${fields.map((f) => LABELS[f]).join(", ")}` : ""}
      </p>
      {fields.map((f) => (
        <p key={f} class="kb-diff-field">
          <strong>{LABELS[f]}:</strong> <del>{before[f]}</del> → <ins>{to[f]}</ins>
        </p>
      ))}
      <pre>
        {lines.map((l, i) => (
          <div key={i} class={`diff-${l.op}`} data-op={l.op}>
            {l.op === "add" ? "+ " : l.op === "del" ? "− " : "  "}
            {l.text}
          </div>
        ))}
      </pre>
    </div>
  );
}

type FieldProps = { field: Field; form: ArticleForm; errors: FieldErrors; set(f: Field, v: string): void };

function Input({ field, form, errors, set, wide }: FieldProps & { wide?: boolean }) {
  const err = errors[field];
  return (
    <div class={`field${wide ? " kb-wide" : ""}`}>
      <label for={`kb-${field}`}>{LABELS[field]}</label>
      <input
        id={`kb-${field}`}
        value={form[field]}
        aria-invalid={err ? "true" : undefined}
        aria-describedby={err ? `kb-${field}-error` : undefined}
        data-testid={`kb-field-${field}`}
        onInput={(e) => set(field, e.currentTarget.value)}
      />
      {err && (
        <span class="field-error" id={`kb-${field}-error`} data-testid={`kb-error-${field}`}>
          {err}
        </span>
      )}
    </div>
  );
}

function Select({ field, options, form, errors, set }: FieldProps & { options: string[] }) {
  return (
    <div class="field">
      <label for={`kb-${field}`}>{LABELS[field]}</label>
      <select
        id={`kb-${field}`}
        value={form[field]}
        data-testid={`kb-field-${field}`}
        onChange={(e) => set(field, e.currentTarget.value)}
      >
        {options.map((o) => (
          <option key={o} value={o}>
            {o}
          </option>
        ))}
      </select>
      {errors[field] && <span class="field-error">{errors[field]}</span>}
    </div>
  );
}

function focusFirst(errors: FieldErrors): void {
  const first = (["title", "id", "category", "tags", "team", "locale", "body"] as Field[]).find((f) => errors[f]);
  if (first) document.getElementById(`kb-${first}`)?.focus();
}
