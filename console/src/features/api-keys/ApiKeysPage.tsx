// Settings → API keys (owners): create a workspace key for the REST channel (`/rest/v1`), see it once,
// list keys with their last use, revoke one. The key itself lives only in this page's state until the
// owner dismisses it: the worker keeps a hash, so it can never be shown again.
import { useEffect, useLayoutEffect, useRef, useState } from "preact/hooks";
import type { Me } from "../../../../shared/api.ts";
import * as z from "zod/mini";
import {
  apiKeySummarySchema,
  createdApiKeySchema,
  type ApiKeySummary,
  type CreatedApiKey,
} from "../../../../shared/rest.ts";
import { api, apiVoid, errorMessage, HttpError } from "../../lib/api.ts";
import { announce } from "../../lib/announce.ts";
import { canManageApiKeys, checkKeyName, keyHint, keyUse, markRevoked, orderKeys } from "./api-keys.ts";
import { now } from "../../lib/clock.ts";
import { SettingsNav } from "../../shell/SettingsNav.tsx";
import { useFocusOnMount } from "../../lib/hooks.ts";
import { fullDate } from "../../lib/time.ts";
import "../integrations/integrations.css";
import { PageScaffold } from "../../shell/PageScaffold.tsx";

const keyList = z.object({ keys: z.array(apiKeySummarySchema) });

export function ApiKeysPage({ me }: { me: Me }) {
  const heading = useFocusOnMount<HTMLHeadingElement>();
  const owner = canManageApiKeys(me.role);
  const [keys, setKeys] = useState<ApiKeySummary[] | undefined>(undefined);
  const [loadError, setLoadError] = useState<string | undefined>(undefined);
  const [created, setCreated] = useState<CreatedApiKey | null>(null);
  const listHeading = useRef<HTMLHeadingElement>(null);

  const load = () => {
    setLoadError(undefined);
    api("/api/api-keys", keyList)
      .then((r) => setKeys(orderKeys(r.keys)))
      .catch((e: unknown) => setLoadError(errorMessage(e)));
  };
  useEffect(() => (owner ? load() : undefined), [owner]);

  if (!owner) {
    return (
      <PageScaffold
        title="API keys"
        class="integrations-page"
        state={{ forbidden: "Only workspace owners can manage API keys.", testId: "api-keys-forbidden" }}
      />
    );
  }

  return (
    <main id="main" class="page integrations-page" data-testid="api-keys">
      <SettingsNav />
      <div class="page-head">
        <div>
          <p class="crumb">Settings</p>
          <h1 ref={heading} tabIndex={-1}>
            API keys
          </h1>
          <p class="sub">
            Keys let your servers and apps open conversations through the REST API: send{" "}
            <code>Authorization: Bearer ek_…</code> to <code>/rest/v1</code> (
            <a href="/rest/v1/openapi.json" target="_blank" rel="noopener">
              OpenAPI reference
            </a>
            ). A key sees only this workspace's API conversations. Keep keys on servers, never in web pages.
          </p>
        </div>
      </div>
      <div class="int-grid">
        <section class="card" aria-labelledby="keys-new-title">
          <h2 id="keys-new-title">New key</h2>
          {created ? (
            <NewSecret
              created={created}
              done={() => {
                setCreated(null);
                listHeading.current?.focus();
              }}
            />
          ) : (
            <CreateKey
              onCreated={(k) => {
                setCreated(k);
                const { key: _secret, ...summary } = k;
                setKeys((list) => orderKeys([summary, ...(list ?? [])]));
              }}
            />
          )}
        </section>
        <section class="card" aria-labelledby="keys-list-title">
          <h2 id="keys-list-title" ref={listHeading} tabIndex={-1}>
            Keys
          </h2>
          {loadError && (
            <div class="alert" role="alert" data-testid="api-keys-error">
              Could not load the keys: {loadError}{" "}
              <button type="button" class="btn btn-quiet" onClick={load}>
                Try again
              </button>
            </div>
          )}
          {!keys ? (
            !loadError && (
              <p class="int-empty" aria-busy="true">
                Loading keys…
              </p>
            )
          ) : keys.length === 0 ? (
            <p class="int-empty" data-testid="api-keys-empty">
              No keys yet.
            </p>
          ) : (
            <KeyList
              keys={keys}
              onRevoked={(id, at) => setKeys((list) => markRevoked(list ?? [], id, at))}
              afterRevoke={() => listHeading.current?.focus()}
            />
          )}
        </section>
      </div>
    </main>
  );
}

function CreateKey({ onCreated }: { onCreated(k: CreatedApiKey): void }) {
  const [name, setName] = useState("");
  const [error, setError] = useState<string | undefined>(undefined);
  const [busy, setBusy] = useState(false);
  const input = useRef<HTMLInputElement>(null);
  const submit = async (e: Event) => {
    e.preventDefault();
    const checked = checkKeyName(name);
    if (!checked.ok) {
      setError(checked.error);
      input.current?.focus();
      return;
    }
    setBusy(true);
    setError(undefined);
    try {
      const k = await api("/api/api-keys", createdApiKeySchema, { method: "POST", body: { name: checked.name } });
      setName("");
      onCreated(k);
      announce(`API key “${k.name}” created. Copy it now: it is shown only once.`);
    } catch (err) {
      setError(err instanceof HttpError && err.issues[0] ? err.issues[0].message : errorMessage(err));
      input.current?.focus();
    } finally {
      setBusy(false);
    }
  };
  return (
    <form class="wh-form" onSubmit={(e) => void submit(e)} noValidate data-testid="api-key-form">
      <div class="field">
        <label for="key-name">Key name</label>
        <input
          id="key-name"
          ref={input}
          value={name}
          maxLength={80}
          placeholder="Mobile app"
          onInput={(e) => {
            setName((e.target as HTMLInputElement).value);
            setError(undefined);
          }}
          aria-invalid={error ? "true" : undefined}
          aria-describedby={error ? "key-name-hint key-name-error" : "key-name-hint"}
          data-testid="api-key-name"
        />
        <p id="key-name-hint" class="muted small">
          What will use it, so you know which key to revoke later.
        </p>
        {error && (
          <p id="key-name-error" class="field-error" data-testid="api-key-name-error">
            {error}
          </p>
        )}
      </div>
      <button type="submit" class="btn btn-primary" disabled={busy} data-testid="api-key-create">
        {busy ? "Creating…" : "Create key"}
      </button>
    </form>
  );
}

/** The new key, once. Focus moves here so a keyboard or screen-reader user meets it at once. */
function NewSecret({ created, done }: { created: CreatedApiKey; done(): void }) {
  const title = useFocusOnMount<HTMLHeadingElement>();
  const [copied, setCopied] = useState<"yes" | "failed" | null>(null);
  const copy = () =>
    navigator.clipboard.writeText(created.key).then(
      () => setCopied("yes"),
      () => setCopied("failed"),
    );
  return (
    <section class="secret-box" data-testid="api-key-secret" aria-labelledby="key-secret-title">
      <h3 id="key-secret-title" ref={title} tabIndex={-1}>
        Your new key “{created.name}”
      </h3>
      <p>
        Copy it now and store it on your server. It is shown only this once: EdgeDesk keeps only a fingerprint of it.
      </p>
      <code class="mono" data-testid="api-key-secret-value">
        {created.key}
      </code>
      <div class="wh-actions">
        <button type="button" class="btn btn-quiet" onClick={() => void copy()} data-testid="api-key-copy">
          Copy key
        </button>
        <button type="button" class="btn btn-primary" onClick={done} data-testid="api-key-secret-done">
          Done, I have stored it
        </button>
      </div>
      <p class="small" role="status">
        {copied === "yes"
          ? "Copied to the clipboard."
          : copied === "failed"
            ? "Could not copy: select the key and copy it yourself."
            : ""}
      </p>
    </section>
  );
}

function KeyList({
  keys,
  onRevoked,
  afterRevoke,
}: {
  keys: ApiKeySummary[];
  onRevoked(id: string, at: number): void;
  afterRevoke(): void;
}) {
  const [confirming, setConfirming] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [rowError, setRowError] = useState<{ id: string; text: string } | null>(null);
  const cancel = useRef<HTMLButtonElement>(null);
  useLayoutEffect(() => {
    // The safe choice has focus when the question appears (at once, not a frame later).
    if (confirming) cancel.current?.focus();
  }, [confirming]);
  const revoke = async (k: ApiKeySummary) => {
    setBusy(true);
    setRowError(null);
    try {
      await apiVoid(`/api/api-keys/${encodeURIComponent(k.id)}`, { method: "DELETE" });
      onRevoked(k.id, Date.now());
      setConfirming(null);
      announce(`API key “${k.name}” revoked. Requests with it are refused from now on.`);
      afterRevoke();
    } catch (err) {
      setRowError({ id: k.id, text: errorMessage(err) });
    } finally {
      setBusy(false);
    }
  };
  return (
    <ul class="wh-list" data-testid="api-keys-list">
      {keys.map((k) => (
        <li key={k.id} class="wh" data-testid="api-key" data-id={k.id} data-revoked={k.revokedAt ? "true" : "false"}>
          <div class="wh-main">
            <strong data-testid="api-key-name-cell">{k.name}</strong>
            <span class="mono" data-testid="api-key-prefix">
              {keyHint(k)}
            </span>
            <span class="muted small">
              Created <time dateTime={new Date(k.createdAt).toISOString()}>{fullDate(k.createdAt)}</time> by{" "}
              {k.createdBy}
            </span>
            <span class={`small ${k.revokedAt ? "key-revoked" : "muted"}`} data-testid="api-key-use">
              {keyUse(k, now.value)}
            </span>
            {rowError?.id === k.id && (
              <p class="field-error" role="alert">
                {rowError.text}
              </p>
            )}
          </div>
          {!k.revokedAt && (
            <div class="wh-actions">
              {confirming === k.id ? (
                <div class="key-confirm" role="group" aria-label={`Revoke ${k.name}?`}>
                  <p class="small">Revoke “{k.name}”? Anything using it stops working at once.</p>
                  <button
                    type="button"
                    class="btn btn-quiet btn-danger"
                    disabled={busy}
                    onClick={() => void revoke(k)}
                    data-testid="api-key-revoke-confirm"
                  >
                    {busy ? "Revoking…" : "Revoke key"}
                  </button>
                  <button
                    type="button"
                    class="btn btn-quiet"
                    ref={cancel}
                    disabled={busy}
                    onClick={() => setConfirming(null)}
                    data-testid="api-key-revoke-cancel"
                  >
                    Cancel
                  </button>
                </div>
              ) : (
                <button
                  type="button"
                  class="btn btn-quiet btn-danger"
                  onClick={() => setConfirming(k.id)}
                  aria-label={`Revoke ${k.name}`}
                  data-testid="api-key-revoke"
                >
                  Revoke
                </button>
              )}
            </div>
          )}
        </li>
      ))}
    </ul>
  );
}
