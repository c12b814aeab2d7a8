// The agent's controls beside the packet: priority, labels, "was the handoff needed?", and the
// customer's rating once given. Every change is recorded in the transcript with who made it.
import { useEffect, useState } from "preact/hooks";
import { priorities, type ConversationDetail, type ConversationPatch } from "../../../../shared/api.ts";
import { parseLabels } from "../canned/canned.ts";

type Props = {
  detail: ConversationDetail;
  onPatch: (p: ConversationPatch) => Promise<string | undefined>;
  onNeeded: (needed: boolean) => Promise<string | undefined>;
};

export function ConversationTools({ detail, onPatch, onNeeded }: Props) {
  const labels = detail.labels ?? [];
  const [draft, setDraft] = useState("");
  const [error, setError] = useState<string | undefined>();
  useEffect(() => setError(undefined), [detail.id]);

  const addLabels = async () => {
    const add = parseLabels(draft);
    if (!add.length) return;
    const err = await onPatch({ labels: [...labels, ...add] });
    setError(err);
    if (!err) setDraft("");
  };
  const needed = detail.handoffNeeded?.needed;

  return (
    <section class="tools" aria-labelledby="tools-title" data-testid="conversation-tools">
      <h2 id="tools-title">Details</h2>
      <div class="tool">
        <label for="priority-select" class="eyebrow">
          Priority
        </label>
        <select
          id="priority-select"
          data-testid="priority-select"
          value={detail.priority ?? "normal"}
          onChange={(e) =>
            void onPatch({ priority: e.currentTarget.value as (typeof priorities)[number] }).then(setError)
          }
        >
          {priorities.map((p) => (
            <option key={p} value={p}>
              {p[0]?.toUpperCase() + p.slice(1)}
            </option>
          ))}
        </select>
      </div>

      <div class="tool" data-testid="labels-editor">
        <span class="eyebrow" id="labels-title">
          Labels
        </span>
        <ul class="chips" aria-labelledby="labels-title">
          {labels.length === 0 && <li class="muted small">No labels.</li>}
          {labels.map((l) => (
            <li key={l} class="chip" data-testid="label-chip" data-label={l}>
              {l}
              <button
                type="button"
                class="chip-x"
                aria-label={`Remove label ${l}`}
                onClick={() => void onPatch({ labels: labels.filter((x) => x !== l) }).then(setError)}
              >
                ×
              </button>
            </li>
          ))}
        </ul>
        <form
          class="label-form"
          onSubmit={(e) => {
            e.preventDefault();
            void addLabels();
          }}
        >
          <input
            type="text"
            data-testid="label-input"
            aria-label="Add labels, separated by commas"
            placeholder="Add label…"
            maxLength={200}
            value={draft}
            onInput={(e) => setDraft(e.currentTarget.value)}
          />
          <button type="submit" class="btn btn-secondary" data-testid="label-add">
            Add
          </button>
        </form>
      </div>

      {detail.handoff && (
        <div class="tool" data-testid="handoff-needed" data-value={needed === undefined ? "unset" : String(needed)}>
          <span class="eyebrow" id="needed-title">
            Was the handoff needed?
          </span>
          <div class="segmented" role="group" aria-labelledby="needed-title">
            <button
              type="button"
              class={`btn btn-secondary${needed === true ? " is-on" : ""}`}
              aria-pressed={needed === true}
              data-testid="needed-yes"
              onClick={() => void onNeeded(true).then(setError)}
            >
              Yes
            </button>
            <button
              type="button"
              class={`btn btn-secondary${needed === false ? " is-on" : ""}`}
              aria-pressed={needed === false}
              data-testid="needed-no"
              onClick={() => void onNeeded(false).then(setError)}
            >
              No, the bot could have
            </button>
          </div>
        </div>
      )}

      <div class="tool" data-testid="csat" data-score={detail.csat?.score}>
        <span class="eyebrow">Customer rating</span>
        {detail.csat ? (
          <p>
            <span class="stars-shown" role="img" aria-label={`${detail.csat.score} out of 5`}>
              {"★".repeat(detail.csat.score)}
              <span class="muted">{"★".repeat(5 - detail.csat.score)}</span>
            </span>{" "}
            <strong data-testid="csat-score">{detail.csat.score}/5</strong>
            {detail.csat.comment && (
              <span class="csat-comment" data-testid="csat-comment">
                “{detail.csat.comment}”
              </span>
            )}
          </p>
        ) : (
          <p class="muted small">
            {detail.state === "resolved" ? "Asked; no answer yet." : "Asked when the conversation is resolved."}
          </p>
        )}
      </div>
      {error && (
        <p class="field-error" role="alert" data-testid="tools-error">
          {error}
        </p>
      )}
    </section>
  );
}
