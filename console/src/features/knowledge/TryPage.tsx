// Try a question: what a customer would get from the published KB, or with every draft applied.
import { useState } from "preact/hooks";
import type { TryResult } from "../../../../shared/api.ts";
import { errorMessage, HttpError } from "../../lib/api.ts";
import { useFocusOnMount } from "../../lib/hooks.ts";
import { kb } from "./api.ts";
import { kbHref } from "../../lib/route.ts";

const ACTION = {
  answer: "Answer",
  handoff: "Hand off to a person",
  decline: "Decline",
  clarify: 'Ask "Do you mean …?"',
  ask: "Ask for a value (action)",
  confirm: "Ask to confirm (action)",
  act: "Run an action",
} as const;

export function TryPage() {
  const heading = useFocusOnMount<HTMLHeadingElement>();
  const [text, setText] = useState("");
  const [target, setTarget] = useState<"published" | "draft">("published");
  const [result, setResult] = useState<TryResult | null>(null);
  const [error, setError] = useState("");
  const [busy, setBusy] = useState(false);

  const submit = async (e: Event) => {
    e.preventDefault();
    if (!text.trim()) return setError("Type a question.");
    setBusy(true);
    setError("");
    try {
      setResult(await kb.try(text, target));
    } catch (err) {
      setError(err instanceof HttpError && err.issues[0] ? err.issues[0].message : errorMessage(err));
    } finally {
      setBusy(false);
    }
  };

  const top = result?.ranking[0]?.score ?? 1;
  return (
    <>
      <div class="page-head">
        <h1 ref={heading} tabIndex={-1}>
          Try a question
        </h1>
      </div>
      <form class="try-form" onSubmit={(e) => void submit(e)} data-testid="try-form">
        <div class="field">
          <label for="try-text">Customer question</label>
          <input
            id="try-text"
            value={text}
            onInput={(e) => setText(e.currentTarget.value)}
            data-testid="try-text"
            aria-invalid={error ? "true" : undefined}
          />
          {error && (
            <span class="field-error" role="alert">
              {error}
            </span>
          )}
        </div>
        <div class="filters" role="radiogroup" aria-label="Against">
          {(["published", "draft"] as const).map((t) => (
            <label key={t} class="chip">
              <input
                type="radio"
                name="target"
                checked={target === t}
                onChange={() => setTarget(t)}
                data-testid={`try-target-${t}`}
              />{" "}
              {t === "published" ? "Published KB" : "Published + drafts"}
            </label>
          ))}
        </div>
        <button type="submit" class="btn btn-primary" disabled={busy} data-testid="try-submit">
          {busy ? "Asking…" : "Ask"}
        </button>
      </form>
      {result && (
        <section class="try-result" data-testid="try-result" data-action={result.action}>
          <p>
            <strong data-testid="try-action">{ACTION[result.action]}</strong>{" "}
            <span class="muted">
              ({result.reason}, confidence {result.confidence.toFixed(2)})
            </span>{" "}
            <span class="muted small">
              {result.target === "draft" ? "with drafts" : `version ${result.version ?? "none"}`} · {result.ms} ms
            </span>
          </p>
          <blockquote class="try-answer" data-testid="try-answer">
            {result.answer}
          </blockquote>
          <h2>Ranking</h2>
          <ol class="try-ranking" data-testid="try-ranking">
            {result.ranking.map((c) => (
              <li key={c.articleId} data-testid="try-candidate" data-article-id={c.articleId}>
                <div class="try-cand-head">
                  <a href={kbHref("article", c.articleId)}>{c.title}</a>
                  <span class="mono small">{c.score.toFixed(3)}</span>
                </div>
                <span class="bar" aria-hidden="true">
                  <span style={{ width: `${Math.round((c.score / Math.max(top, 1e-9)) * 100)}%` }} />
                </span>
                <p class="muted small">{c.passage}</p>
              </li>
            ))}
          </ol>
        </section>
      )}
    </>
  );
}
