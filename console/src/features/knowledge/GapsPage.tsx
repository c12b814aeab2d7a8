// Where the KB fails customers: declined, low-confidence handoffs and thumbs-down answers, grouped by
// similarity, each group one click away from a new draft.
import { useEffect, useState } from "preact/hooks";
import type { GapsReport } from "../../../../shared/api.ts";
import { errorMessage } from "../../lib/api.ts";
import { useFocusOnMount } from "../../lib/hooks.ts";
import { draftSeed, kb } from "./api.ts";
import { navigate } from "../../lib/router.ts";
import { timeAgo } from "../../lib/time.ts";

const REASONS: Record<string, string> = {
  "out-of-scope": "declined: out of scope",
  "low-confidence": "declined: unsure",
  "low-confidence-after-rephrase": "handed off: unsure",
  "not-in-sources": "not in the articles",
  "no-knowledge-base": "no KB published",
  "not-helpful": "thumbs down",
  "clarify-none": "none of the offered articles",
  "language-not-covered": "no articles in their language",
};

export function GapsPage() {
  const heading = useFocusOnMount<HTMLHeadingElement>();
  const [days, setDays] = useState(30);
  const [report, setReport] = useState<GapsReport | null>(null);
  const [error, setError] = useState("");
  useEffect(() => {
    kb.gaps(days)
      .then(setReport)
      .catch((e: unknown) => setError(errorMessage(e)));
  }, [days]);

  return (
    <>
      <div class="page-head">
        <div>
          <h1 ref={heading} tabIndex={-1}>
            Gaps
          </h1>
          <p class="sub">
            {report
              ? `${report.questions} questions the KB did not answer well, in ${report.groups.length} groups`
              : "Loading…"}
          </p>
        </div>
        <label>
          <span class="muted small">Period </span>
          <select value={days} onChange={(e) => setDays(Number(e.currentTarget.value))} data-testid="gaps-days">
            <option value={7}>7 days</option>
            <option value={30}>30 days</option>
            <option value={90}>90 days</option>
          </select>
        </label>
      </div>
      {error && (
        <p class="alert" role="alert">
          {error}
        </p>
      )}
      {report && !report.groups.length && (
        <p class="empty">No gaps: every question in this period was answered and nobody voted an answer down.</p>
      )}
      <ol class="gap-list" data-testid="gap-list">
        {report?.groups.map((g) => (
          <li key={g.key + g.lastAt} class="gap" data-testid="gap-group" data-count={g.count}>
            <div class="gap-head">
              <span class="gap-count">
                <span aria-hidden="true">{g.count}×</span>
                <span class="visually-hidden">{`${g.count} questions`}</span>
              </span>
              <strong class="gap-title">{g.suggestedTitle}</strong>
              <span class="muted small">last {timeAgo(g.lastAt, Date.now())}</span>
            </div>
            <p class="gap-reasons small">
              {Object.entries(g.reasons)
                .map(([r, n]) => `${REASONS[r] ?? r} ${n}`)
                .join(" · ")}
            </p>
            <ul class="gap-examples">
              {g.examples.map((e) => (
                <li key={e}>“{e}”</li>
              ))}
            </ul>
            {g.suggestedArticle && (
              <button
                type="button"
                class="btn btn-secondary"
                data-testid="gap-add-questions"
                onClick={() => {
                  const target = g.suggestedArticle as { id: string; title: string };
                  kb.addQuestions(target.id, g.examples)
                    .then(() => navigate({ name: "kb", view: "article", id: target.id }))
                    .catch((e: unknown) => setError(errorMessage(e)));
                }}
              >
                Add these questions to “{g.suggestedArticle.title}”
              </button>
            )}{" "}
            <button
              type="button"
              class="btn btn-secondary"
              data-testid="gap-new-draft"
              onClick={() => {
                draftSeed.value = {
                  title: g.suggestedTitle.replace(/\?*$/, "?"),
                  body: `Customers asked:\n\n${g.examples.map((e) => `- ${e}`).join("\n")}\n\nWrite the answer here.`,
                };
                navigate({ name: "kb", view: "new" });
              }}
            >
              New draft from this group
            </button>
          </li>
        ))}
      </ol>
    </>
  );
}
