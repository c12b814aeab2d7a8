// Articles: search, filter by status and category, per-article figures, publish all drafts.
import { useEffect, useState } from "preact/hooks";
import type { ArticleFigures, Library } from "../../../../shared/api.ts";
import { errorMessage } from "../../lib/api.ts";
import { useFocusOnMount } from "../../lib/hooks.ts";
import { activeJob, kb, watchJob } from "./api.ts";
import { kbHref } from "../../lib/route.ts";

const STATUS_LABEL = { published: "Published", draft: "Draft", changed: "Edited" } as const;

export function ArticleList({ canEdit }: { canEdit: boolean }) {
  const heading = useFocusOnMount<HTMLHeadingElement>();
  const [q, setQ] = useState("");
  const [status, setStatus] = useState("all");
  const [category, setCategory] = useState("");
  const [lib, setLib] = useState<Library | null>(null);
  const [figures, setFigures] = useState<Map<string, ArticleFigures>>(new Map());
  const [error, setError] = useState("");
  const [reload, setReload] = useState(0);

  useEffect(() => {
    const t = setTimeout(() => {
      kb.library({ q, status, category })
        .then((l) => (setLib(l), setError("")))
        .catch((e: unknown) => setError(errorMessage(e)));
    }, 150);
    return () => clearTimeout(t);
  }, [q, status, category, reload]);

  useEffect(() => {
    if (!canEdit) return;
    kb.figures(30)
      .then((f) => setFigures(new Map(f.articles.map((a) => [a.id, a]))))
      .catch(() => undefined);
  }, [canEdit, reload]);

  const unpublished = lib?.items.filter((i) => i.status !== "published").length ?? 0;
  const running = activeJob.value && activeJob.value.status !== "done" && activeJob.value.status !== "failed";

  const publishAll = async () => {
    try {
      await watchJob(await kb.publish());
      setReload((n) => n + 1);
    } catch (e) {
      setError(errorMessage(e));
    }
  };

  return (
    <>
      <div class="page-head">
        <div>
          <h1 ref={heading} tabIndex={-1}>
            Articles
          </h1>
          <p class="sub" data-testid="kb-summary">
            {lib ? `${lib.items.length} shown · live version ${lib.current ?? "none"}` : "Loading…"}
          </p>
        </div>
        {canEdit && (
          <div class="kb-actions">
            <button
              type="button"
              class="btn btn-secondary"
              data-testid="kb-publish-all"
              disabled={!unpublished || !!running}
              onClick={() => void publishAll()}
            >
              Publish all drafts ({unpublished})
            </button>
            <a class="btn btn-primary" href={kbHref("new")} data-testid="kb-new">
              New article
            </a>
          </div>
        )}
      </div>
      <div class="kb-filters">
        <label class="kb-search">
          <span class="visually-hidden">Search articles</span>
          <input
            type="search"
            placeholder="Search title, tags, text…"
            value={q}
            onInput={(e) => setQ(e.currentTarget.value)}
            data-testid="kb-search"
          />
        </label>
        <div class="filters" role="group" aria-label="Status">
          {(["all", "published", "unpublished"] as const).map((s) => (
            <button
              key={s}
              type="button"
              class="chip"
              aria-pressed={status === s}
              onClick={() => setStatus(s)}
              data-testid={`kb-filter-${s}`}
            >
              {s === "all" ? "All" : s === "published" ? "Published" : "Drafts & edits"}
            </button>
          ))}
        </div>
        <label>
          <span class="visually-hidden">Category</span>
          <select value={category} onChange={(e) => setCategory(e.currentTarget.value)} data-testid="kb-category">
            <option value="">All categories</option>
            {lib?.categories.map((c) => (
              <option key={c} value={c}>
                {c}
              </option>
            ))}
          </select>
        </label>
      </div>
      {error && (
        <p class="alert" role="alert">
          {error}
        </p>
      )}
      {lib && !lib.items.length ? (
        <p class="empty" data-testid="kb-empty">
          No articles match.
        </p>
      ) : (
        <table class="kb-table" data-testid="kb-list">
          <thead>
            <tr>
              <th scope="col">Article</th>
              <th scope="col">Status</th>
              <th scope="col">Category</th>
              {canEdit && (
                <>
                  <th scope="col" class="num" title="Answers given from it, last 30 days">
                    Answered
                  </th>
                  <th scope="col" class="num" title="Helpful / not helpful votes from customers">
                    Votes
                  </th>
                  <th scope="col" class="num" title="Conversations handed off after it was shown">
                    Handoffs after
                  </th>
                </>
              )}
            </tr>
          </thead>
          <tbody>
            {lib?.items.map((i) => {
              const f = figures.get(i.id);
              return (
                <tr key={i.id} data-testid="kb-row" data-id={i.id} data-status={i.status}>
                  <td>
                    <a href={kbHref("article", i.id)} class="kb-title">
                      {i.title}
                    </a>
                    <span class="muted small mono"> {i.id}</span>
                  </td>
                  <td>
                    <span class={`badge kb-status-${i.status}`}>{STATUS_LABEL[i.status]}</span>
                    {i.version ? <span class="muted small"> v{i.version}</span> : null}
                  </td>
                  <td>{i.category}</td>
                  {canEdit && (
                    <>
                      <td class="num">{f?.answered ?? 0}</td>
                      <td class="num">
                        <span title="helpful">👍 {f?.helpful ?? 0}</span>{" "}
                        <span title="not helpful">👎 {f?.notHelpful ?? 0}</span>
                      </td>
                      <td class="num">{f?.handoffsAfter ?? 0}</td>
                    </>
                  )}
                </tr>
              );
            })}
          </tbody>
        </table>
      )}
    </>
  );
}
