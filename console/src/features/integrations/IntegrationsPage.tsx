// Settings → Integrations (owners): outgoing webhooks, the Slack URL, recent deliveries with their
// last result, and the dead letters with a retry button.
import { useEffect, useState } from "preact/hooks";
import type { Delivery, EventType, Me, Webhook } from "../../../../shared/api.ts";
import { errorMessage } from "../../lib/api.ts";
import { TimeAgo } from "../../shell/bits.tsx";
import { SettingsNav } from "../../shell/SettingsNav.tsx";
import { now } from "../../lib/clock.ts";
import { useFocusOnMount } from "../../lib/hooks.ts";
import { deliveryState, eventLabels, lastResult, nextTry, targetLabel, webhookFormErrors } from "./integrations.ts";
import {
  createWebhook,
  deadLetters,
  deleteWebhook,
  integrations,
  loadError,
  recent,
  refresh,
  retryDeadLetter,
  revealed,
  saveSlack,
  startIntegrations,
  testSlack,
  testWebhook,
  updateWebhook,
} from "./store.ts";
import "./integrations.css";
import { PageScaffold } from "../../shell/PageScaffold.tsx";

export function IntegrationsPage({ me }: { me: Me }) {
  const heading = useFocusOnMount<HTMLHeadingElement>();
  const owner = me.role === "owner";
  useEffect(() => (owner ? startIntegrations() : undefined), [owner]);

  if (!owner) {
    return (
      <PageScaffold
        title="Integrations"
        class="integrations-page"
        state={{ forbidden: "Only workspace owners can manage integrations.", testId: "integrations-forbidden" }}
      />
    );
  }

  const cfg = integrations.value;
  return (
    <main id="main" class="page integrations-page" data-testid="integrations">
      <SettingsNav />
      <div class="page-head">
        <div>
          <p class="crumb">Settings</p>
          <h1 ref={heading} tabIndex={-1}>
            Integrations
          </h1>
          <p class="sub">Send conversation events to your systems, and urgent ones to Slack.</p>
        </div>
        <button type="button" class="btn btn-quiet" onClick={() => void refresh()} data-testid="integrations-refresh">
          Refresh
        </button>
      </div>
      {loadError.value && (
        <div class="alert" role="alert" data-testid="integrations-error">
          Could not load integrations: {loadError.value}
        </div>
      )}
      {!cfg ? (
        !loadError.value && (
          <p class="empty" aria-busy="true">
            Loading integrations…
          </p>
        )
      ) : (
        <div class="int-grid">
          <DeadLetters items={deadLetters.value} webhooks={cfg.webhooks} />
          <Webhooks webhooks={cfg.webhooks} eventTypes={cfg.eventTypes} maxAttempts={cfg.maxAttempts} />
          <Slack configured={cfg.slack.configured} hint={cfg.slack.hint} />
          <Recent items={recent.value} webhooks={cfg.webhooks} />
        </div>
      )}
    </main>
  );
}

/** Runs an action with a busy flag and an error message next to the control that started it. */
function useAction() {
  const [busy, setBusy] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const run = async (key: string, work: () => Promise<unknown>) => {
    setBusy(key);
    setError(null);
    try {
      await work();
    } catch (e) {
      setError(errorMessage(e));
    } finally {
      setBusy(null);
    }
  };
  return { busy, error, run };
}

function Webhooks({
  webhooks,
  eventTypes,
  maxAttempts,
}: {
  webhooks: Webhook[];
  eventTypes: EventType[];
  maxAttempts: number;
}) {
  const { busy, error, run } = useAction();
  const secret = revealed.value;
  return (
    <section class="card int-webhooks" aria-labelledby="wh-title" data-testid="webhooks">
      <h2 id="wh-title">Webhooks</h2>
      <p class="sub">
        Each event is POSTed as JSON, signed per Standard Webhooks (<code>webhook-signature</code>; verify with the
        standardwebhooks library of your language), and retried with backoff up to {maxAttempts} times. A rotated-out
        secret keeps signing for 24 hours. See <code>docs/webhooks.md</code>.
      </p>
      {secret && (
        <div class="secret-box" role="status" data-testid="webhook-secret">
          <p>
            <strong>Signing secret</strong> — copy it into your receiver now; it will not be shown again.
          </p>
          <code class="mono">{secret.secret}</code>
          <button type="button" class="btn btn-quiet" onClick={() => (revealed.value = null)}>
            Done
          </button>
        </div>
      )}
      {webhooks.length === 0 ? (
        <p class="int-empty" data-testid="webhooks-empty">
          No webhooks yet.
        </p>
      ) : (
        <ul class="wh-list">
          {webhooks.map((w) => (
            <li key={w.id} class="wh" data-testid="webhook" data-id={w.id} data-enabled={String(w.enabled)}>
              <div class="wh-main">
                <span class="mono wh-url">{w.url}</span>
                {w.description && <span class="muted small">{w.description}</span>}
                <span class="wh-events">
                  {w.events.map((e) => (
                    <span key={e} class="tag" title={eventLabels[e]}>
                      {e}
                    </span>
                  ))}
                </span>
                <span class="muted small">Secret {w.secretHint}</span>
              </div>
              <div class="wh-actions">
                <label class="switch">
                  <input
                    type="checkbox"
                    checked={w.enabled}
                    disabled={busy !== null}
                    onChange={(e) =>
                      void run(`en-${w.id}`, () =>
                        updateWebhook(w.id, { enabled: (e.target as HTMLInputElement).checked }),
                      )
                    }
                    data-testid="webhook-enabled"
                  />
                  Enabled
                </label>
                <button
                  type="button"
                  class="btn btn-quiet"
                  disabled={busy !== null || !w.enabled}
                  onClick={() => void run(`t-${w.id}`, () => testWebhook(w.id))}
                  data-testid="webhook-test"
                >
                  Send test
                </button>
                <button
                  type="button"
                  class="btn btn-quiet"
                  disabled={busy !== null}
                  onClick={() => void run(`r-${w.id}`, () => updateWebhook(w.id, { rotateSecret: true }))}
                >
                  Rotate secret
                </button>
                <button
                  type="button"
                  class="btn btn-quiet btn-danger"
                  disabled={busy !== null}
                  onClick={() => {
                    if (confirm(`Delete the webhook to ${w.url}? Deliveries still queued for it are cancelled.`))
                      void run(`d-${w.id}`, () => deleteWebhook(w.id));
                  }}
                  data-testid="webhook-delete"
                >
                  Delete
                </button>
              </div>
            </li>
          ))}
        </ul>
      )}
      {error && (
        <p class="field-error" role="alert">
          {error}
        </p>
      )}
      <AddWebhook eventTypes={eventTypes} />
    </section>
  );
}

function AddWebhook({ eventTypes }: { eventTypes: EventType[] }) {
  const [url, setUrl] = useState("");
  const [description, setDescription] = useState("");
  const [events, setEvents] = useState<EventType[]>(["conversation.handed_off", "conversation.resolved"]);
  const [shown, setShown] = useState<{ url?: string; events?: string }>({});
  const { busy, error, run } = useAction();
  const submit = (e: Event) => {
    e.preventDefault();
    const errors = webhookFormErrors({ url, events });
    setShown(errors);
    if (errors.url || errors.events) return;
    void run("add", async () => {
      await createWebhook({ url: url.trim(), events, description });
      setUrl("");
      setDescription("");
    });
  };
  return (
    <form class="wh-form" onSubmit={submit} noValidate data-testid="webhook-form">
      <h3>Add a webhook</h3>
      <div class="field">
        <label for="wh-url">Endpoint URL</label>
        <input
          id="wh-url"
          type="url"
          value={url}
          onInput={(e) => setUrl((e.target as HTMLInputElement).value)}
          placeholder="https://example.com/hooks/edgedesk"
          aria-invalid={shown.url ? "true" : undefined}
          aria-describedby={shown.url ? "wh-url-error" : undefined}
          data-testid="webhook-url"
        />
        {shown.url && (
          <p id="wh-url-error" class="field-error">
            {shown.url}
          </p>
        )}
      </div>
      <div class="field">
        <label for="wh-desc">Description (optional)</label>
        <input
          id="wh-desc"
          value={description}
          maxLength={200}
          onInput={(e) => setDescription((e.target as HTMLInputElement).value)}
        />
      </div>
      <fieldset class="wh-events-pick" aria-describedby={shown.events ? "wh-events-error" : undefined}>
        <legend>Events</legend>
        {eventTypes.map((t) => (
          <label key={t} class="check">
            <input
              type="checkbox"
              checked={events.includes(t)}
              onChange={(e) =>
                setEvents((prev) =>
                  (e.target as HTMLInputElement).checked ? [...prev, t] : prev.filter((x) => x !== t),
                )
              }
              data-testid={`event-${t}`}
            />
            <span class="mono">{t}</span> <span class="muted small">{eventLabels[t]}</span>
          </label>
        ))}
        {shown.events && (
          <p id="wh-events-error" class="field-error">
            {shown.events}
          </p>
        )}
      </fieldset>
      {error && (
        <p class="field-error" role="alert">
          {error}
        </p>
      )}
      <button type="submit" class="btn btn-primary" disabled={busy !== null} data-testid="webhook-add">
        {busy ? "Adding…" : "Add webhook"}
      </button>
    </form>
  );
}

function Slack({ configured, hint }: { configured: boolean; hint: string | null }) {
  const [url, setUrl] = useState("");
  const [saved, setSaved] = useState<string | null>(null);
  const { busy, error, run } = useAction();
  return (
    <section class="card int-slack" aria-labelledby="slack-title" data-testid="slack">
      <h2 id="slack-title">Slack</h2>
      <p class="sub">
        Posts new urgent handoffs (priority urgent, or an executive customer) and SLA breaches to a channel.
      </p>
      <p data-testid="slack-status">
        {configured ? (
          <>
            <span class="dot dot-ok" aria-hidden="true" /> Connected <span class="mono muted small">{hint}</span>
          </>
        ) : (
          <>
            <span class="dot" aria-hidden="true" /> Not connected
          </>
        )}
      </p>
      <form
        class="slack-form"
        onSubmit={(e) => {
          e.preventDefault();
          void run("save", async () => {
            await saveSlack(url.trim());
            setUrl("");
            setSaved("Saved.");
          });
        }}
      >
        <div class="field">
          <label for="slack-url">
            {configured ? "Replace the incoming-webhook URL" : "Slack incoming-webhook URL"}
          </label>
          <input
            id="slack-url"
            type="url"
            required
            value={url}
            placeholder="https://hooks.slack.com/services/…"
            onInput={(e) => (setUrl((e.target as HTMLInputElement).value), setSaved(null))}
            data-testid="slack-url"
          />
        </div>
        <div class="row-actions">
          <button
            type="submit"
            class="btn btn-primary"
            disabled={busy !== null || !url.trim()}
            data-testid="slack-save"
          >
            Save
          </button>
          {configured && (
            <>
              <button
                type="button"
                class="btn btn-quiet"
                disabled={busy !== null}
                onClick={() => void run("test", testSlack)}
                data-testid="slack-test"
              >
                Send test
              </button>
              <button
                type="button"
                class="btn btn-quiet btn-danger"
                disabled={busy !== null}
                onClick={() => void run("off", () => saveSlack(null))}
                data-testid="slack-remove"
              >
                Disconnect
              </button>
            </>
          )}
          {saved && <span class="muted small">{saved}</span>}
        </div>
        {error && (
          <p class="field-error" role="alert">
            {error}
          </p>
        )}
      </form>
    </section>
  );
}

function StatusPill({ d }: { d: Delivery }) {
  const s = deliveryState(d);
  return (
    <span class={`pill pill-${s.tone}`} data-testid="delivery-status" data-status={d.status}>
      {s.label}
    </span>
  );
}

function DeadLetters({ items, webhooks }: { items: Delivery[]; webhooks: Webhook[] }) {
  const { busy, error, run } = useAction();
  return (
    <section class="card int-dead" aria-labelledby="dead-title" data-testid="dead-letters">
      <h2 id="dead-title">
        Dead letters <span class="chip-count">{items.length}</span>
      </h2>
      <p class="sub">
        Deliveries that failed every attempt. Fix the endpoint, then retry: the receiver gets the same delivery id.
      </p>
      {items.length === 0 ? (
        <p class="int-empty" data-testid="dead-empty">
          None. Every delivery got through or is still being retried.
        </p>
      ) : (
        <table class="deliveries">
          <thead>
            <tr>
              <th scope="col">Event</th>
              <th scope="col">To</th>
              <th scope="col">Attempts</th>
              <th scope="col">Last result</th>
              <th scope="col">Failed</th>
              <th scope="col">
                <span class="visually-hidden">Action</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {items.map((d) => (
              <tr key={d.id} data-testid="dead-letter" data-id={d.id}>
                <td>
                  <span class="mono">{d.eventType}</span>
                  <span class="mono muted small block">{d.id}</span>
                </td>
                <td class="mono small">{targetLabel(d, webhooks)}</td>
                <td>{d.log.length}</td>
                <td class="err small">{lastResult(d)}</td>
                <td class="small">
                  <TimeAgo at={d.updatedAt} />
                </td>
                <td>
                  <button
                    type="button"
                    class="btn btn-secondary"
                    disabled={busy !== null}
                    onClick={() => void run(d.id, () => retryDeadLetter(d.id))}
                    data-testid="dead-retry"
                  >
                    {busy === d.id ? "Retrying…" : "Retry"}
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {error && (
        <p class="field-error" role="alert">
          {error}
        </p>
      )}
    </section>
  );
}

function Recent({ items, webhooks }: { items: Delivery[]; webhooks: Webhook[] }) {
  const t = now.value;
  return (
    <section class="card int-recent" aria-labelledby="recent-title" data-testid="deliveries">
      <h2 id="recent-title">Recent deliveries</h2>
      {items.length === 0 ? (
        <p class="int-empty">Nothing sent yet. Events appear here as conversations happen.</p>
      ) : (
        <table class="deliveries">
          <thead>
            <tr>
              <th scope="col">Event</th>
              <th scope="col">To</th>
              <th scope="col">Status</th>
              <th scope="col">Last result</th>
              <th scope="col">Updated</th>
            </tr>
          </thead>
          <tbody>
            {items.map((d) => {
              const next = nextTry(d, t);
              return (
                <tr key={d.id} data-testid="delivery" data-id={d.id} data-status={d.status}>
                  <td>
                    <span class="mono">{d.eventType}</span>
                  </td>
                  <td class="mono small">{targetLabel(d, webhooks)}</td>
                  <td>
                    <StatusPill d={d} />
                    {d.log.length > 1 && <span class="muted small block">{d.log.length} attempts</span>}
                  </td>
                  <td class="small" data-testid="delivery-result">
                    {lastResult(d)}
                    {next && <span class="muted block">{next}</span>}
                  </td>
                  <td class="small">
                    <TimeAgo at={d.updatedAt} />
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      )}
    </section>
  );
}
