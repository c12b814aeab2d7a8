// What the approver opens from the lead's link: a read-only summary (affected customers, safeguards,
// undo plan, scope) and, for an owner who is not the lead, approve or refuse with a comment.
import { useEffect, useState } from "preact/hooks";
import type { ApprovalSummary, Me } from "../../../../shared/api.ts";
import { errorMessage } from "../../lib/api.ts";
import { surgeApi } from "./api.ts";
import { safeguardsText, scopeText } from "./SweepPage.tsx";

export function ApprovalPage({ token, me }: { token: string; me: Me }) {
  const [s, setS] = useState<ApprovalSummary | null>(null);
  const [comment, setComment] = useState("");
  const [error, setError] = useState<string | undefined>();
  const [busy, setBusy] = useState(false);
  const load = () => void surgeApi.approval(token).then(setS, (e: unknown) => setError(errorMessage(e)));
  useEffect(load, [token]);
  if (!s)
    return error ? (
      <p class="field-error" role="alert">
        {error}
      </p>
    ) : (
      <p class="muted">Loading…</p>
    );
  const decide = async (d: "approve" | "refuse") => {
    setBusy(true);
    setError(undefined);
    try {
      await surgeApi.decide(token, d, comment);
      load();
    } catch (e) {
      setError(errorMessage(e));
    } finally {
      setBusy(false);
    }
  };
  const mayDecide = me.role === "owner" && me.name !== s.lead && s.state === "planned";
  return (
    <div class="surge-approve" data-testid="surge-approve" data-state={s.state}>
      <div class="page-head">
        <div>
          <h1>Approve a surge sweep</h1>
          <p class="sub">
            “{s.title}” planned by {s.lead}. Read-only summary.
          </p>
        </div>
      </div>
      <section class="surge-card">
        <dl class="surge-facts" data-testid="approval-summary">
          <dt>Affected customers</dt>
          <dd data-testid="affected">{s.affectedCustomers}</dd>
          <dt>Actions</dt>
          <dd>
            {s.totals.draft} replies drafted from articles · {s.totals.escalate} escalations · {s.totals.leave} left for
            a person · batches of {s.batchSize}
          </dd>
          <dt>Safeguards</dt>
          <dd>{safeguardsText(s.safeguards)}</dd>
          <dt>Undo plan</dt>
          <dd>{s.undoPlan}</dd>
          <dt>Scope</dt>
          <dd>{scopeText(s.filters)}</dd>
        </dl>
        <details>
          <summary>Conversations ({s.conversations.length})</summary>
          <ul class="surge-list">
            {s.conversations.map((c) => (
              <li key={c.id}>
                <span class={`tag surge-act-${c.action}`}>{c.action}</span> {c.preview}
              </li>
            ))}
          </ul>
        </details>
      </section>
      {s.approval ? (
        <p class="surge-card" data-testid="approval-result">
          {s.approval.decision === "approve" ? "Approved" : "Refused"} by {s.approval.by}
          {s.approval.comment ? `: “${s.approval.comment}”` : ""}.{" "}
          <a href={`#/surge/s/${encodeURIComponent(s.sweepId)}`}>Open the sweep</a>
        </p>
      ) : mayDecide ? (
        <section class="surge-card">
          <div class="field">
            <label for="ap-comment">Comment (goes to the audit trail)</label>
            <textarea
              id="ap-comment"
              rows={3}
              value={comment}
              onInput={(e) => setComment(e.currentTarget.value)}
              data-testid="approval-comment"
            />
          </div>
          {error && (
            <p class="field-error" role="alert">
              {error}
            </p>
          )}
          <div class="surge-buttons">
            <button
              class="btn btn-primary"
              type="button"
              disabled={busy}
              onClick={() => void decide("approve")}
              data-testid="approve"
            >
              Approve
            </button>
            <button
              class="btn btn-secondary"
              type="button"
              disabled={busy}
              onClick={() => void decide("refuse")}
              data-testid="refuse"
            >
              Refuse
            </button>
          </div>
        </section>
      ) : (
        <p class="muted surge-card">Approval needs a second person with the owner role.</p>
      )}
    </div>
  );
}
