// The conversation page's actions panel (docs/actions.md "For agents"): the customer card (read
// actions the owner marked, run live for this conversation's verified customer) and running any action
// with the customer's context, through the same gates as the bot: a read answers here, for the agent
// only; a write sends the customer a confirmation card and runs on their yes. A lazy chunk.
import { useEffect, useState } from "preact/hooks";
import {
  type ActionCard,
  type AgentRunResult,
  agentRunSchema,
  cardsSchema,
  type RunnableAction,
  runnableListSchema,
} from "../../../../shared/actions.ts";
import { announce } from "../../lib/announce.ts";
import { api, errorMessage } from "../../lib/api.ts";
import "./actions.css";
import { Md } from "./Md.tsx";

export function ConversationActions({ id, identityKey }: { id: string; identityKey: string }) {
  const [actions, setActions] = useState<RunnableAction[] | undefined>(undefined);
  const [cards, setCards] = useState<ActionCard[] | undefined>(undefined);
  const [error, setError] = useState<string | undefined>(undefined);
  const q = `conversation=${encodeURIComponent(id)}`;
  // Again when the customer's identity changes: what may run, and the card, follow it.
  useEffect(() => {
    api(`/api/action-runs?${q}`, runnableListSchema)
      .then((r) => {
        setActions(r.actions);
        if (r.actions.some((a) => a.customerCard))
          return api(`/api/action-runs/card?${q}`, cardsSchema).then((c) => setCards(c.cards));
      })
      .catch((e: unknown) => setError(errorMessage(e)));
  }, [id, identityKey]);
  if (error)
    return (
      <p class="field-error small" data-testid="actions-panel-error">
        Actions: {error}
      </p>
    );
  if (!actions?.length) return null;
  return (
    <section class="packet actions-panel" aria-labelledby="actions-panel-title" data-testid="actions-panel">
      <h2 id="actions-panel-title">Customer's account</h2>
      {cards?.map((c) => (
        <div key={c.name} class="action-card" data-testid="customer-card" data-name={c.name} data-status={c.status}>
          <span class="eyebrow">{c.description}</span>
          {c.answer ? <Md class="md small" text={c.answer} /> : <p class="muted small">{c.error ?? c.status}</p>}
        </div>
      ))}
      <details>
        <summary>Run an action</summary>
        {actions.map((a) => (
          <Run key={a.name} a={a} id={id} />
        ))}
      </details>
    </section>
  );
}

function Run({ a, id }: { a: RunnableAction; id: string }) {
  const [values, setValues] = useState<Record<string, string>>({});
  const [result, setResult] = useState<AgentRunResult | null>(null);
  const [error, setError] = useState<string | undefined>(undefined);
  const [busy, setBusy] = useState(false);
  const run = async (e: Event) => {
    e.preventDefault();
    setBusy(true);
    setError(undefined);
    try {
      const r = await api("/api/action-runs", agentRunSchema, {
        method: "POST",
        body: { conversation: id, action: a.name, inputs: values },
      });
      setResult(r);
      announce(r.step === "confirming" ? "Sent to the customer to confirm." : `${a.name}: ${r.step}.`);
    } catch (err) {
      setError(errorMessage(err));
    } finally {
      setBusy(false);
    }
  };
  return (
    <form class="action-run" onSubmit={(e) => void run(e)} data-testid="action-run" data-name={a.name}>
      <p class="small">
        <strong>{a.name}</strong> <span class="muted">({a.kind})</span> {a.description}
      </p>
      {a.blocked ? (
        <p class="muted small">Cannot run: {a.blocked}.</p>
      ) : (
        <>
          {a.asks.map((f) => (
            <label key={f.name} class="small">
              {f.label}{" "}
              <input
                value={values[f.name] ?? ""}
                onInput={(e) => setValues((v) => ({ ...v, [f.name]: e.currentTarget.value }))}
              />
            </label>
          ))}
          <button type="submit" class="btn btn-secondary" disabled={busy} data-testid="action-run-submit">
            {a.kind === "write" ? "Ask the customer to confirm" : "Run"}
          </button>
        </>
      )}
      {error && <p class="field-error small">{error}</p>}
      {result && (
        <div class="small" data-testid="action-run-result" data-step={result.step}>
          {result.answer ? (
            <Md text={result.answer} />
          ) : (
            <p>
              {result.step === "confirming"
                ? "The customer sees a confirmation card; it runs on their yes."
                : `${result.step}${result.error ? `: ${result.error}` : ""}`}
            </p>
          )}
        </div>
      )}
    </form>
  );
}
