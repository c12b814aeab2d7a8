// Approvals (docs/actions.md): write actions the owner marked "an agent approves each call" wait here
// after the customer's yes. Any agent may approve (the call runs in the conversation at once) or deny,
// with a reason the customer reads. Pending first; recent decisions below.
import { useEffect, useState } from "preact/hooks";
import { type Approval, agentRunSchema, approvalsSchema } from "../../../../shared/actions.ts";
import type { Me } from "../../../../shared/api.ts";
import { announce } from "../../lib/announce.ts";
import { api, errorMessage } from "../../lib/api.ts";
import { useFocusOnMount } from "../../lib/hooks.ts";
import { href } from "../../lib/route.ts";
import { fullDate } from "../../lib/time.ts";
import "../integrations/integrations.css";
import "./actions.css";
import { Md } from "./Md.tsx";

export function ApprovalsPage(_: { me: Me }) {
  const heading = useFocusOnMount<HTMLHeadingElement>();
  const [pending, setPending] = useState<Approval[] | undefined>(undefined);
  const [decided, setDecided] = useState<Approval[]>([]);
  const [error, setError] = useState<string | undefined>(undefined);
  const load = () =>
    Promise.all([
      api("/api/action-runs/approvals", approvalsSchema),
      api("/api/action-runs/approvals?status=decided", approvalsSchema),
    ])
      .then(([p, d]) => {
        setPending(p.approvals);
        setDecided(d.approvals);
      })
      .catch((e: unknown) => setError(errorMessage(e)));
  useEffect(() => {
    void load();
    // A queue is worked as it fills: look again now and then while the page is open.
    const id = setInterval(() => void load(), 15_000);
    return () => clearInterval(id);
  }, []);
  return (
    <main id="main" class="page integrations-page actions-page" data-testid="approvals-page">
      <div class="page-head">
        <div>
          <h1 ref={heading} tabIndex={-1}>
            Approvals
          </h1>
          <p class="sub">
            Changes customers confirmed that your team approves before they run. Approve and it runs now, in the
            conversation; deny and the customer reads your reason.
          </p>
        </div>
      </div>
      {error && (
        <div class="alert" role="alert">
          {error}
        </div>
      )}
      <section class="card" aria-labelledby="approvals-pending-title">
        <h2 id="approvals-pending-title">Waiting</h2>
        {!pending ? (
          <p class="int-empty" aria-busy="true">
            Loading…
          </p>
        ) : pending.length === 0 ? (
          <p class="int-empty" data-testid="approvals-empty">
            Nothing waits for approval.
          </p>
        ) : (
          <ul class="wh-list">
            {pending.map((a) => (
              <Pending key={a.id} a={a} done={() => void load()} />
            ))}
          </ul>
        )}
      </section>
      {decided.length > 0 && (
        <section class="card" aria-labelledby="approvals-decided-title">
          <h2 id="approvals-decided-title">Decided</h2>
          <ul class="wh-list">
            {decided.map((a) => (
              <li key={a.id} class="wh" data-testid="approval-decided" data-status={a.status}>
                <div class="wh-main">
                  <strong>{a.action}</strong> <span class="pill">{a.status}</span>{" "}
                  <span class="muted small">
                    {a.decidedBy ? `by ${a.decidedBy}` : ""} {a.decidedAt ? fullDate(a.decidedAt) : ""}
                    {a.reason ? `: ${a.reason}` : ""}
                  </span>
                </div>
              </li>
            ))}
          </ul>
        </section>
      )}
    </main>
  );
}

function Pending({ a, done }: { a: Approval; done(): void }) {
  const [reason, setReason] = useState("");
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | undefined>(undefined);
  const decide = async (approve: boolean) => {
    setBusy(true);
    setError(undefined);
    try {
      const r = await api(`/api/action-runs/approvals/${encodeURIComponent(a.id)}`, agentRunSchema, {
        method: "POST",
        body: { approve, ...(reason.trim() ? { reason: reason.trim() } : {}) },
      });
      announce(approve ? `Approved: ${a.action} ${r.step}.` : `Denied: ${a.action}.`);
      done();
    } catch (err) {
      setError(errorMessage(err));
      setBusy(false);
    }
  };
  return (
    <li class="wh approval" data-testid="approval-row" data-id={a.id}>
      <div class="wh-main">
        <strong>{a.action}</strong>{" "}
        <a href={href({ name: "conversation", id: a.conversationId })} class="small">
          open the conversation
        </a>{" "}
        <span class="muted small">{fullDate(a.requestedAt)}</span>
        <Md class="bubble md" text={a.summary} />
        <label class="small" for={`reason-${a.id}`}>
          Reason, shown to the customer if you deny
        </label>
        <input
          id={`reason-${a.id}`}
          value={reason}
          maxLength={300}
          onInput={(e) => setReason(e.currentTarget.value)}
          data-testid="approval-reason"
        />
        {error && <p class="field-error">{error}</p>}
      </div>
      <div class="row-actions">
        <button
          type="button"
          class="btn btn-primary"
          disabled={busy}
          onClick={() => void decide(true)}
          data-testid="approval-approve"
        >
          Approve
        </button>
        <button
          type="button"
          class="btn btn-danger"
          disabled={busy}
          onClick={() => void decide(false)}
          data-testid="approval-deny"
        >
          Deny
        </button>
      </div>
    </li>
  );
}
