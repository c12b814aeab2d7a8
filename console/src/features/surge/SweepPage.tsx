// One sweep, top to bottom in the order it happens: brief (locked), plan (tunable until approved),
// approval link, live checklist with undo, and reflect (snapshot, report, feedback → tasks).
import { useEffect, useState } from "preact/hooks";
import type {
  FollowUpTask,
  Me,
  PlanStep,
  SurgeFilters,
  SurgeSafeguards,
  SurgeSnapshot,
  Sweep,
  SweepStep,
} from "../../../../shared/api.ts";
import { errorMessage } from "../../lib/api.ts";
import { now } from "../../lib/clock.ts";
import { duration } from "../../lib/time.ts";
import { runSweep, surgeApi } from "./api.ts";
import { countdown } from "./SurgeAlert.tsx";

const actionLabel: Record<PlanStep["action"], string> = {
  draft: "Draft a reply",
  escalate: "Escalate",
  leave: "Leave for a person",
};
const statusLabel: Record<SweepStep["status"], string> = {
  pending: "Waiting",
  sent: "Reply sent",
  held: "Held for a person",
  escalated: "Escalated",
  left: "Left for a person",
  undone: "Reply taken back",
  failed: "Failed",
};

export const minutesText = (m: number): string =>
  m < 60 ? `${Math.round(m)} min` : `${Math.round((m / 60) * 10) / 10} h`;

export function SweepPage({ id, me }: { id: string; me: Me }) {
  const [sweep, setSweep] = useState<Sweep | null>(null);
  const [error, setError] = useState<string | undefined>();
  const [busy, setBusy] = useState<string | null>(null);
  const [running, setRunning] = useState(false);
  const [tuning, setTuning] = useState({ batchSize: "", draftMinConfidence: "", escalateBelow: "" });

  useEffect(() => {
    void surgeApi.get(id).then(setSweep, (e: unknown) => setError(errorMessage(e)));
  }, [id]);

  const act = async (name: string, work: () => Promise<Sweep>) => {
    setBusy(name);
    setError(undefined);
    try {
      setSweep(await work());
    } catch (e) {
      setError(errorMessage(e));
    } finally {
      setBusy(null);
    }
  };

  if (!sweep)
    return error ? (
      <p class="field-error" role="alert">
        {error}
      </p>
    ) : (
      <p class="muted">Loading…</p>
    );
  const s = sweep;
  const isLead = me.id === s.createdBy.id || me.role === "owner";
  const plan = s.plan;
  const canPlan = isLead && (s.state === "locked" || s.state === "planned" || s.state === "refused");
  const link = s.approvalToken ? `${location.origin}${location.pathname}#/surge/approve/${s.approvalToken}` : null;

  const propose = () =>
    act("plan", () => {
      const n = (v: string) => (v.trim() === "" ? undefined : Number(v));
      const t: Record<string, number> = {};
      for (const k of ["batchSize", "draftMinConfidence", "escalateBelow"] as const) {
        const v = n(tuning[k]);
        if (v !== undefined) t[k] = v;
      }
      return surgeApi.plan(s.id, t);
    });

  const run = async () => {
    setRunning(true);
    setError(undefined);
    try {
      setSweep(await runSweep(s.id, setSweep));
    } catch (e) {
      setError(errorMessage(e));
    } finally {
      setRunning(false);
    }
  };

  return (
    <div class="surge-sweep" data-testid="surge-sweep" data-state={s.state}>
      <div class="page-head">
        <div>
          <p class="crumbs">
            <a href="#/surge">Surge</a> /
          </p>
          <h1>{s.brief.title}</h1>
          <p class="sub">
            <span class={`tag surge-state-${s.state}`} data-testid="sweep-state">
              {s.state}
            </span>{" "}
            lead {s.createdBy.name} ·{" "}
            <a href={`#/surge/s/${encodeURIComponent(s.id)}/audit`} data-testid="audit-link">
              Audit trail
            </a>
          </p>
        </div>
      </div>
      {error && (
        <p class="field-error" role="alert" data-testid="surge-error">
          {error}
        </p>
      )}

      <section class="surge-card" aria-labelledby="brief-h" data-testid="surge-brief">
        <h2 id="brief-h">1 · Brief {s.lockedAt ? <span class="tag">locked</span> : null}</h2>
        <BriefView sweep={s} />
        {s.state === "draft" && isLead && (
          <button
            class="btn btn-primary"
            type="button"
            disabled={busy !== null}
            onClick={() => void act("lock", () => surgeApi.lock(s.id))}
            data-testid="lock-brief"
          >
            Lock the brief
          </button>
        )}
      </section>

      {s.state !== "draft" && (
        <section class="surge-card" aria-labelledby="plan-h" data-testid="surge-plan">
          <h2 id="plan-h">2 · Plan</h2>
          {canPlan && (
            <div class="surge-tuning">
              <div class="field">
                <label for="t-batch">Batch size</label>
                <input
                  id="t-batch"
                  type="number"
                  min="1"
                  max="100"
                  placeholder={String(plan?.batchSize ?? 10)}
                  value={tuning.batchSize}
                  onInput={(e) => setTuning({ ...tuning, batchSize: e.currentTarget.value })}
                  data-testid="t-batch"
                />
              </div>
              <div class="field">
                <label for="t-draft">Draft at confidence ≥</label>
                <input
                  id="t-draft"
                  type="number"
                  step="0.05"
                  min="0"
                  max="1"
                  placeholder={String(plan?.thresholds.draftMinConfidence ?? 0.5)}
                  value={tuning.draftMinConfidence}
                  onInput={(e) => setTuning({ ...tuning, draftMinConfidence: e.currentTarget.value })}
                />
              </div>
              <div class="field">
                <label for="t-esc">Escalate below confidence</label>
                <input
                  id="t-esc"
                  type="number"
                  step="0.05"
                  min="0"
                  max="1"
                  placeholder={String(plan?.thresholds.escalateBelow ?? 0.2)}
                  value={tuning.escalateBelow}
                  onInput={(e) => setTuning({ ...tuning, escalateBelow: e.currentTarget.value })}
                  data-testid="t-escalate"
                />
              </div>
              <button
                class="btn btn-primary"
                type="button"
                disabled={busy !== null}
                onClick={() => void propose()}
                data-testid="propose-plan"
              >
                {plan ? "Plan again" : "Propose the plan"}
              </button>
            </div>
          )}
          {plan ? <PlanView sweep={s} /> : <p class="muted">No plan yet.</p>}
          {plan && (
            <div class="surge-approval" data-testid="surge-approval">
              {s.state === "planned" && (
                <p>
                  Waiting for approval by a second person with the owner role.{" "}
                  {link ? (
                    <>
                      Share this link:{" "}
                      <a href={link} data-testid="approval-link">
                        {link}
                      </a>
                    </>
                  ) : (
                    "The lead has the approval link."
                  )}
                </p>
              )}
              {s.approval && (
                <p data-testid="approval-result">
                  {s.approval.decision === "approve" ? "Approved" : "Refused"} by {s.approval.by}
                  {s.approval.comment ? `: “${s.approval.comment}”` : ""}
                </p>
              )}
            </div>
          )}
        </section>
      )}

      {plan && (s.state === "approved" || s.state === "running" || s.state === "done") && (
        <section class="surge-card" aria-labelledby="run-h" data-testid="surge-run">
          <h2 id="run-h">3 · Execute</h2>
          {isLead && s.state !== "done" && (
            <button
              class="btn btn-primary"
              type="button"
              disabled={running}
              onClick={() => void run()}
              data-testid="run-plan"
            >
              {running ? "Running…" : s.state === "running" ? "Continue" : "Run the plan"}
            </button>
          )}
          <Checklist sweep={s} canUndo={isLead} onChange={() => void surgeApi.get(s.id).then(setSweep)} />
        </section>
      )}

      {s.state === "done" && <Reflection sweep={s} />}
    </div>
  );
}

/** The brief's filters in words, for the brief and the approver's summary. */
export function scopeText(f: SurgeFilters): string {
  const scope = [
    f.categories && `categories ${f.categories.join(", ")}`,
    f.priorities && `priorities ${f.priorities.join(", ")}`,
    f.channels && `channels ${f.channels.join(", ")}`,
    f.text && `text contains “${f.text}”`,
    f.minAgeMinutes !== undefined && `older than ${f.minAgeMinutes} min`,
    f.maxAgeMinutes !== undefined && `newer than ${f.maxAgeMinutes} min`,
    f.vipOnly && "VIP only",
  ].filter(Boolean);
  return scope.length ? scope.join(" · ") : "every waiting conversation";
}

export const safeguardsText = (g: SurgeSafeguards): string =>
  [g.publishedOnly && "published articles only", g.plainLanguage && "plain language", g.empathetic && "empathetic tone"]
    .filter(Boolean)
    .join(" · ") || "none";

function BriefView({ sweep }: { sweep: Sweep }) {
  return (
    <dl class="surge-facts">
      <dt>Scope</dt>
      <dd>{scopeText(sweep.brief.filters)}</dd>
      <dt>Safeguards</dt>
      <dd>{safeguardsText(sweep.brief.safeguards)}</dd>
    </dl>
  );
}

export function PlanView({ sweep }: { sweep: Sweep }) {
  const plan = sweep.plan;
  if (!plan) return null;
  const t = plan.totals;
  const at = now.value;
  return (
    <div class="surge-planview">
      <p class="surge-totals" data-testid="plan-totals">
        <strong>{t.conversations}</strong> conversations in <strong>{plan.clusters.length}</strong> incidents ·{" "}
        {t.draft} drafts · {t.escalate} escalations · {t.leave} left for a person · about{" "}
        <strong>{minutesText(t.effortMinutes)}</strong> saved · undo window <strong>{plan.undoMinutes} min</strong> ·
        batches of {plan.batchSize}
      </p>
      <details class="surge-clusters" open>
        <summary>Incidents (similar conversations grouped)</summary>
        <ul data-testid="plan-clusters">
          {plan.clusters.map((c) => (
            <li key={c.id}>
              <span class="tag">{c.size}</span> {c.label}
              {c.duplicates.length ? <span class="muted"> · {c.duplicates.length} duplicates</span> : null}
              {c.earliestDueAt ? <span class="muted"> · first due {countdown(c.earliestDueAt, at)}</span> : null}
            </li>
          ))}
        </ul>
      </details>
      <table class="surge-steps" data-testid="plan-steps">
        <caption class="visually-hidden">Planned actions, most urgent first</caption>
        <thead>
          <tr>
            <th scope="col">#</th>
            <th scope="col">Customer asked</th>
            <th scope="col">SLA</th>
            <th scope="col">Action</th>
            <th scope="col">Why</th>
          </tr>
        </thead>
        <tbody>
          {plan.steps.map((p) => (
            <tr key={p.conversationId} data-action={p.action} data-testid="plan-step">
              <td>{p.order}</td>
              <td>
                <a href={`#/c/${encodeURIComponent(p.conversationId)}`}>{p.preview || p.conversationId}</a>
                {p.draft && (
                  <details>
                    <summary>Draft</summary>
                    <pre class="surge-draft">{p.draft.text}</pre>
                  </details>
                )}
                {p.context && (
                  <details>
                    <summary>Context pack</summary>
                    <pre class="surge-draft">{JSON.stringify(p.context, null, 2)}</pre>
                  </details>
                )}
              </td>
              <td>{p.slaDueAt ? countdown(p.slaDueAt, at) : "—"}</td>
              <td>
                <span class={`tag surge-act-${p.action}`}>{actionLabel[p.action]}</span>
                {p.team ? ` → ${p.team}` : ""}
              </td>
              <td class="muted">{p.reason}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <details class="surge-alternatives" data-testid="plan-alternatives">
        <summary>Other plans considered ({plan.alternatives.length})</summary>
        <ul>
          {plan.alternatives.map((a) => (
            <li key={a.id} data-risky={a.risky ? "true" : "false"}>
              <strong>{a.label}</strong> {a.risky && <span class="tag surge-risky">Risky</span>} — {a.detail}
              {a.why ? <p class="muted">{a.why}</p> : null}
            </li>
          ))}
        </ul>
      </details>
    </div>
  );
}

function Checklist({ sweep, canUndo, onChange }: { sweep: Sweep; canUndo: boolean; onChange: () => void }) {
  const [err, setErr] = useState<string | undefined>();
  const at = now.value;
  const done = sweep.steps.filter((x) => x.status !== "pending").length;
  return (
    <>
      <p data-testid="run-progress" aria-live="polite">
        {done} of {sweep.steps.length} done
      </p>
      {err && (
        <p class="field-error" role="alert">
          {err}
        </p>
      )}
      <ol class="surge-checklist" data-testid="checklist">
        {sweep.steps.map((x) => {
          const undoable = canUndo && x.status === "sent" && x.undoUntil !== undefined && x.undoUntil > at;
          return (
            <li
              key={x.conversationId}
              data-status={x.status}
              data-testid="checklist-item"
              data-conversation={x.conversationId}
            >
              <span class="surge-check">
                {x.status === "pending" ? "○" : x.status === "failed" || x.status === "held" ? "!" : "✓"}
              </span>{" "}
              Categorise · {actionLabel[x.action]}: <strong>{statusLabel[x.status]}</strong>
              {x.reason && x.status !== "left" ? <span class="muted"> — {x.reason}</span> : null}
              {undoable && (
                <button
                  class="btn btn-secondary btn-small"
                  type="button"
                  data-testid="undo"
                  onClick={() => {
                    setErr(undefined);
                    void surgeApi
                      .undo(sweep.id, x.conversationId)
                      .then(onChange, (e: unknown) => setErr(errorMessage(e)));
                  }}
                >
                  Undo ({duration((x.undoUntil ?? at) - at)} left)
                </button>
              )}
            </li>
          );
        })}
      </ol>
    </>
  );
}

function Reflection({ sweep }: { sweep: Sweep }) {
  const [snap, setSnap] = useState<SurgeSnapshot | null>(null);
  const [tasks, setTasks] = useState<FollowUpTask[]>([]);
  const [text, setText] = useState("");
  const [err, setErr] = useState<string | undefined>();
  const undone = sweep.steps.filter((x) => x.status === "undone").length;
  useEffect(() => {
    void surgeApi.snapshot(sweep.id).then(setSnap);
    void surgeApi.tasks(sweep.id).then(setTasks);
  }, [sweep.id, undone]);
  return (
    <section class="surge-card" aria-labelledby="reflect-h" data-testid="surge-reflect">
      <h2 id="reflect-h">4 · Reflect</h2>
      {snap && (
        <p
          class="surge-snapshot"
          data-testid="snapshot"
          data-triaged={snap.triaged}
          data-sent={snap.draftsSent}
          data-undone={snap.draftsUndone}
          data-escalated={snap.escalated}
          data-held={snap.held}
          data-breaches={snap.slaBreaches}
        >
          {snap.line}
        </p>
      )}
      <p>
        <a
          class="btn btn-secondary"
          href={surgeApi.reportUrl(sweep.id)}
          download={`surge-${sweep.id}.md`}
          data-testid="report-download"
        >
          Download the report
        </a>
      </p>
      <form
        class="surge-feedback"
        onSubmit={(e) => {
          e.preventDefault();
          setErr(undefined);
          void surgeApi.feedback(sweep.id, text).then(
            (t) => {
              setTasks([...tasks, t]);
              setText("");
            },
            (e: unknown) => setErr(errorMessage(e)),
          );
        }}
      >
        <div class="field">
          <label for="fb">Feedback (each entry becomes a follow-up task)</label>
          <textarea
            id="fb"
            rows={3}
            value={text}
            onInput={(e) => setText(e.currentTarget.value)}
            data-testid="feedback-text"
          />
        </div>
        {err && <p class="field-error">{err}</p>}
        <button class="btn btn-primary" type="submit" disabled={!text.trim()} data-testid="feedback-send">
          Add feedback
        </button>
      </form>
      <h3>Follow-up tasks</h3>
      {tasks.length ? (
        <ul data-testid="tasks">
          {tasks.map((t) => (
            <li key={t.id} class={t.status === "done" ? "task-done" : undefined}>
              <label>
                <input
                  type="checkbox"
                  checked={t.status === "done"}
                  data-testid="task-done"
                  onChange={(e) => {
                    setErr(undefined);
                    void surgeApi.setTask(sweep.id, t.id, e.currentTarget.checked ? "done" : "open").then(
                      (u) => setTasks((all) => all.map((x) => (x.id === u.id ? u : x))),
                      (e: unknown) => setErr(errorMessage(e)),
                    );
                  }}
                />{" "}
                {t.text}
              </label>{" "}
              <span class="muted">· {t.createdBy}</span>
            </li>
          ))}
        </ul>
      ) : (
        <p class="muted">None yet.</p>
      )}
    </section>
  );
}
