// Settings → Actions (docs/actions.md): the workspace's actions, defined and edited by owners (editors
// read them, to name one in an article's `action:`), their write-only secrets, "try it" with sample
// values (request with secrets masked, response, the answer the customer would read) and each action's
// call log. A lazy chunk of its own.
import { useEffect, useState } from "preact/hooks";
import {
  type ActionDefinition,
  type ActionList,
  actionListSchema,
  type ActionView,
  actionViewSchema,
  type CallLogEntry,
  callLogSchema,
  type TryResult,
  tryResultSchema,
} from "../../../../shared/actions.ts";
import type { Me } from "../../../../shared/api.ts";
import { announce } from "../../lib/announce.ts";
import { api, apiVoid, errorMessage, HttpError } from "../../lib/api.ts";
import { useFocusOnMount } from "../../lib/hooks.ts";
import { href } from "../../lib/route.ts";
import { fullDate } from "../../lib/time.ts";
import { PageScaffold } from "../../shell/PageScaffold.tsx";
import { SettingsNav } from "../../shell/SettingsNav.tsx";
import "../integrations/integrations.css";
import {
  type ActionField,
  type ActionForm,
  canDefine,
  canRead,
  definitionOf,
  errorsOf,
  type FormErrors,
  formOf,
  sampleFields,
  sampleIdentity,
  starters,
} from "./actions.ts";
import "./actions.css";
import { Md } from "./Md.tsx";

type Editing = { original: string | null; form: ActionForm; errors: FormErrors; busy: boolean };

export function ActionsPage({ me }: { me: Me }) {
  const heading = useFocusOnMount<HTMLHeadingElement>();
  const owner = canDefine(me.role);
  const [list, setList] = useState<ActionList | undefined>(undefined);
  const [loadError, setLoadError] = useState<string | undefined>(undefined);
  const [editing, setEditing] = useState<Editing | null>(null);
  const [selected, setSelected] = useState<string | null>(null);

  const load = () =>
    api("/api/actions", actionListSchema)
      .then(setList)
      .catch((e: unknown) => setLoadError(errorMessage(e)));
  useEffect(() => void (canRead(me.role) ? load() : undefined), []);

  if (!canRead(me.role))
    return (
      <PageScaffold
        title="Actions"
        class="integrations-page"
        state={{ forbidden: "Only owners and editors can see the workspace's actions.", testId: "actions-forbidden" }}
      />
    );

  const open = (d: ActionView | null, kind: "read" | "write" = "read") => {
    setEditing({ original: d?.name ?? null, form: formOf(d ?? starters[kind]), errors: {}, busy: false });
    setSelected(d?.name ?? null);
  };

  async function save(e: Event) {
    e.preventDefault();
    if (!editing) return;
    const checked = definitionOf(editing.form);
    if (!checked.ok) return setEditing({ ...editing, errors: checked.errors });
    setEditing({ ...editing, busy: true, errors: {} });
    try {
      const saved = await api(`/api/actions/${encodeURIComponent(checked.d.name)}`, actionViewSchema, {
        method: "PUT",
        body: checked.d,
      });
      if (editing.original && editing.original !== saved.name)
        await apiVoid(`/api/actions/${encodeURIComponent(editing.original)}`, { method: "DELETE" });
      setEditing({ original: saved.name, form: formOf(saved), errors: {}, busy: false });
      setSelected(saved.name);
      announce(`Action ${saved.name} saved.`);
      await load();
    } catch (err) {
      const errors = err instanceof HttpError && err.issues.length ? errorsOf(err.issues) : { form: errorMessage(err) };
      setEditing((cur) => (cur ? { ...cur, busy: false, errors } : cur));
    }
  }

  async function remove(name: string) {
    if (!confirm(`Delete the action ${name}? Articles that name it are quoted again instead.`)) return;
    try {
      await apiVoid(`/api/actions/${encodeURIComponent(name)}`, { method: "DELETE" });
      if (editing?.original === name) setEditing(null);
      announce(`Action ${name} deleted.`);
      await load();
    } catch (err) {
      setLoadError(errorMessage(err));
    }
  }

  const current = list?.actions.find((a) => a.name === selected) ?? null;
  return (
    <main id="main" class="page integrations-page actions-page" data-testid="actions-page">
      <SettingsNav />
      <div class="page-head">
        <div>
          <p class="crumb">Settings</p>
          <h1 ref={heading} tabIndex={-1}>
            Actions
          </h1>
          <p class="sub">
            Calls to your own API that the bot makes for a customer: look up a plan or an order, cancel a subscription.
            Name an action in an article's front matter (<code>action: my-plan</code>) and the bot runs it instead of
            quoting the article: reads only for customers your site signed in, writes only after the customer's yes.
          </p>
        </div>
      </div>
      {loadError && (
        <div class="alert" role="alert" data-testid="actions-error">
          {loadError}
        </div>
      )}
      <div class="actions-grid">
        <section class="card" aria-labelledby="actions-list-title">
          <h2 id="actions-list-title">Actions</h2>
          {!list ? (
            <p class="int-empty" aria-busy="true">
              Loading…
            </p>
          ) : list.actions.length === 0 ? (
            <p class="int-empty" data-testid="actions-empty">
              No actions yet.
            </p>
          ) : (
            <ul class="wh-list" data-testid="actions-list">
              {list.actions.map((a) => (
                <li key={a.name} class="wh" data-testid="action-row" data-name={a.name}>
                  <div class="wh-main">
                    <span class="action-tags">
                      <strong>{a.name}</strong>
                      <span class={`pill ${a.enabled ? "pill-ok" : "pill-off"}`}>
                        {a.kind} · {a.method}
                        {a.enabled ? "" : " · off"}
                      </span>
                      {a.requiresApproval && <span class="pill pill-wait">approval</span>}
                      {a.customerCard && <span class="pill">customer card</span>}
                    </span>
                    <p class="muted small">{a.description}</p>
                    {a.missingSecrets.length > 0 && (
                      <p class="field-error small">Secret not set: {a.missingSecrets.join(", ")}</p>
                    )}
                  </div>
                  <div class="row-actions">
                    <button type="button" class="btn btn-secondary" onClick={() => open(a)} data-testid="action-open">
                      {owner ? "Edit, try" : "Open"}
                    </button>
                    {owner && (
                      <button type="button" class="btn btn-quiet" onClick={() => void remove(a.name)}>
                        Delete
                      </button>
                    )}
                  </div>
                </li>
              ))}
            </ul>
          )}
          {owner && (
            <p class="row-actions">
              <button
                type="button"
                class="btn btn-primary"
                onClick={() => open(null, "read")}
                data-testid="action-new-read"
              >
                New read action
              </button>
              <button
                type="button"
                class="btn btn-secondary"
                onClick={() => open(null, "write")}
                data-testid="action-new-write"
              >
                New write action
              </button>
            </p>
          )}
        </section>
        {owner && list && <Secrets list={list} reload={load} />}
      </div>
      {editing && (
        <div class="actions-grid">
          <Editor
            editing={editing}
            readOnly={!owner}
            set={(f, v) =>
              setEditing((e) =>
                e ? { ...e, form: { ...e.form, [f]: v }, errors: { ...e.errors, [f]: undefined } } : e,
              )
            }
            save={(e) => void save(e)}
            close={() => setEditing(null)}
          />
          {owner && <TryIt form={editing.form} />}
        </div>
      )}
      {owner && current && <CallLog name={current.name} />}
    </main>
  );
}

function Editor({
  editing,
  readOnly,
  set,
  save,
  close,
}: {
  editing: Editing;
  readOnly: boolean;
  set(f: ActionField, v: string | boolean): void;
  save(e: Event): void;
  close(): void;
}) {
  const { form, errors, busy } = editing;
  const field = (f: ActionField, label: string, hint: string, input: "input" | "text" | "code" = "input") => {
    const err = errors[f];
    const props = {
      id: `action-${f}`,
      name: f,
      value: String(form[f]),
      readOnly,
      "aria-invalid": err ? ("true" as const) : undefined,
      "aria-describedby": `action-${f}-hint${err ? ` action-${f}-error` : ""}`,
      "data-testid": `action-field-${f}`,
      onInput: (e: Event) => set(f, (e.currentTarget as HTMLInputElement).value),
    };
    return (
      <div class="field">
        <label for={`action-${f}`}>{label}</label>
        {input === "input" ? (
          <input {...props} />
        ) : (
          <textarea {...props} rows={input === "code" ? 5 : 3} class={input === "code" ? "mono" : undefined} />
        )}
        <p id={`action-${f}-hint`} class="muted small">
          {hint}
        </p>
        {err && (
          <p id={`action-${f}-error`} class="field-error" data-testid={`action-error-${f}`}>
            {err}
          </p>
        )}
      </div>
    );
  };
  const check = (f: "requiresApproval" | "customerCard" | "enabled", label: string) => (
    <label class="check">
      <input
        type="checkbox"
        checked={form[f]}
        disabled={readOnly}
        onChange={(e) => set(f, e.currentTarget.checked)}
        data-testid={`action-field-${f}`}
      />{" "}
      {label}
    </label>
  );
  return (
    <section class="card" aria-labelledby="action-edit-title">
      <h2 id="action-edit-title">{editing.original ? `Action ${editing.original}` : "New action"}</h2>
      <form class="wh-form" onSubmit={save} noValidate data-testid="action-form">
        {field("name", "Name", "Lowercase letters, digits and dashes: what an article's action: names.")}
        {field("description", "Description", "What it does, for agents and for the model that may choose it.")}
        <div class="field">
          <label for="action-kind">Kind and method</label>
          <span class="row-actions">
            <select
              id="action-kind"
              value={form.kind}
              disabled={readOnly}
              onChange={(e) => set("kind", e.currentTarget.value)}
              data-testid="action-field-kind"
            >
              <option value="read">Read: runs on its own for a verified customer</option>
              <option value="write">Write: runs after the customer's yes</option>
            </select>
            <select
              aria-label="HTTP method"
              value={form.method}
              disabled={readOnly}
              onChange={(e) => set("method", e.currentTarget.value)}
              data-testid="action-field-method"
            >
              {["GET", "POST", "PUT", "PATCH", "DELETE"].map((m) => (
                <option key={m}>{m}</option>
              ))}
            </select>
          </span>
        </div>
        {field(
          "url",
          "URL",
          "https only. {{name}} inserts an input, URL-encoded; {{secret.NAME}} a secret. No placeholders in the host.",
        )}
        {field("headers", "Headers (JSON)", 'e.g. {"authorization": "Bearer {{secret.API_KEY}}"}', "code")}
        {field("body", "Body (JSON, optional)", "An object of text fields, each a template; sent as JSON.", "code")}
        {field(
          "inputs",
          "Inputs (JSON)",
          'From the verified identity {"name":"email","from":"identity","field":"email"}, the conversation {"from":"conversation","field":"locale"}, or asked of the customer {"from":"customer","label":"Order number","pattern":"^LM-\\\\d{4}$"}.',
          "code",
        )}
        {field(
          "response",
          "Response values (JSON)",
          'Named values read by JSON pointer: {"plan": "/plan/name"}.',
          "code",
        )}
        {field(
          "answer",
          "Answer (Markdown)",
          "What the customer reads: {{value}} inserts a value, escaped; {{#list}}…{{/list}} repeats for each item.",
          "text",
        )}
        {field(
          "confirm",
          "Confirmation (writes)",
          "What the card says will happen, before the customer's yes.",
          "text",
        )}
        <div class="action-row">
          {field("timeoutMs", "Timeout (ms)", "100 to 15,000 per attempt.")}
          {field("retries", "Retries (reads)", "0 to 3; on 5xx, 408, 429 and timeouts only.")}
          {field("idempotencyHeader", "Idempotency header (writes)", "Carries the call's key.")}
        </div>
        {check("requiresApproval", "An agent approves each call (writes)")}
        {check("customerCard", "Show on the customer card in the handoff panel (reads)")}
        {check("enabled", "Switched on")}
        {errors.form && (
          <p class="field-error" role="alert" data-testid="action-error-form">
            {errors.form}
          </p>
        )}
        <p class="row-actions">
          {!readOnly && (
            <button type="submit" class="btn btn-primary" disabled={busy} data-testid="action-save">
              {busy ? "Saving…" : "Save"}
            </button>
          )}
          <button type="button" class="btn btn-quiet" onClick={close}>
            Close
          </button>
        </p>
      </form>
    </section>
  );
}

/** Runs the form as it is (saved or not) with sample values, as the worker would for a verified customer. */
function TryIt({ form }: { form: ActionForm }) {
  const [values, setValues] = useState<Record<string, string>>({});
  const [result, setResult] = useState<TryResult | null>(null);
  const [error, setError] = useState<string | undefined>(undefined);
  const [busy, setBusy] = useState(false);
  const checked = definitionOf(form);
  const d: ActionDefinition | null = checked.ok ? checked.d : null;
  const fields = d ? sampleFields(d) : { identity: [], asks: [] };
  const run = async (e: Event) => {
    e.preventDefault();
    if (!d) return;
    setBusy(true);
    setError(undefined);
    try {
      const identity = sampleIdentity(Object.fromEntries(fields.identity.map((f) => [f, values[`id:${f}`] ?? ""])));
      const inputs = Object.fromEntries(fields.asks.map((a) => [a.name, values[`in:${a.name}`] ?? ""]));
      const r = await api(`/api/actions/${encodeURIComponent(d.name)}/try`, tryResultSchema, {
        method: "POST",
        body: { definition: d, inputs, ...(identity ? { identity } : {}) },
      });
      setResult(r);
      announce(`Try it: ${r.status}.`);
    } catch (err) {
      setError(errorMessage(err));
    } finally {
      setBusy(false);
    }
  };
  const input = (key: string, label: string) => (
    <div class="field" key={key}>
      <label for={`try-${key}`}>{label}</label>
      <input
        id={`try-${key}`}
        value={values[key] ?? ""}
        onInput={(e) => setValues((v) => ({ ...v, [key]: e.currentTarget.value }))}
        data-testid={`try-${key}`}
      />
    </div>
  );
  return (
    <section class="card" aria-labelledby="action-try-title" data-testid="action-try">
      <h2 id="action-try-title">Try it</h2>
      {!d ? (
        <p class="muted">Fix the definition first: try it runs what the form says.</p>
      ) : (
        <form class="wh-form" onSubmit={(e) => void run(e)}>
          <p class="muted small">
            Runs now, against your API, as a customer your site signed in with this identity would. Writes really
            happen: try them against a test account.
          </p>
          {fields.identity.map((f) => input(`id:${f}`, `Customer's ${f}`))}
          {fields.asks.map((a) => input(`in:${a.name}`, a.label))}
          <button type="submit" class="btn btn-primary" disabled={busy} data-testid="action-try-run">
            {busy ? "Running…" : "Run"}
          </button>
        </form>
      )}
      {error && (
        <p class="field-error" role="alert">
          {error}
        </p>
      )}
      {result && (
        <div class="try-out" data-testid="action-try-result" data-status={result.status}>
          <p>
            <span class={`pill ${result.status === "ok" ? "pill-ok" : "pill-bad"}`}>{result.status}</span>{" "}
            {result.error && <span class="field-error">{result.error}</span>}{" "}
            <span class="muted small">
              {result.durationMs} ms, {result.attempts} attempt{result.attempts === 1 ? "" : "s"}
            </span>
          </p>
          {result.answer && (
            <>
              <h3 class="eyebrow">The customer reads</h3>
              <Md class="bubble md" testId="action-try-answer" text={result.answer} />
            </>
          )}
          {result.request.url && (
            <>
              <h3 class="eyebrow">Request (secrets masked)</h3>
              <pre class="mono" data-testid="action-try-request">
                {`${result.request.method} ${result.request.url}\n${Object.entries(result.request.headers)
                  .map(([k, v]) => `${k}: ${v}`)
                  .join("\n")}${result.request.body ? `\n\n${result.request.body}` : ""}`}
              </pre>
            </>
          )}
          {result.response && (
            <>
              <h3 class="eyebrow">
                Response {result.response.status}
                {result.response.truncated ? " (cut short)" : ""}
              </h3>
              <pre class="mono" data-testid="action-try-response">
                {result.response.body}
              </pre>
            </>
          )}
        </div>
      )}
    </section>
  );
}

/** Secrets by name: set or replace a value (never shown again), delete. */
function Secrets({ list, reload }: { list: ActionList; reload(): Promise<void> }) {
  const [name, setName] = useState("");
  const [value, setValue] = useState("");
  const [error, setError] = useState<string | undefined>(undefined);
  const set = async (e: Event) => {
    e.preventDefault();
    setError(undefined);
    try {
      await apiVoid(`/api/actions/secrets/${encodeURIComponent(name.trim())}`, { method: "PUT", body: { value } });
      announce(`Secret ${name.trim()} set.`);
      setName("");
      setValue("");
      await reload();
    } catch (err) {
      setError(err instanceof HttpError && err.issues[0] ? err.issues[0].message : errorMessage(err));
    }
  };
  const remove = async (s: string) => {
    if (!confirm(`Delete the secret ${s}? Actions that use it stop working until it is set again.`)) return;
    await apiVoid(`/api/actions/secrets/${encodeURIComponent(s)}`, { method: "DELETE" }).catch((err: unknown) =>
      setError(errorMessage(err)),
    );
    await reload();
  };
  return (
    <section class="card" aria-labelledby="secrets-title" data-testid="action-secrets">
      <h2 id="secrets-title">Secrets</h2>
      <p class="muted small">
        Stored encrypted and never shown again, here or anywhere; templates use them as <code>{"{{secret.NAME}}"}</code>{" "}
        in the URL, headers or body.
      </p>
      {list.secrets.length > 0 && (
        <ul class="wh-list">
          {list.secrets.map((s) => (
            <li key={s.name} class="wh" data-testid="secret-row" data-name={s.name}>
              <div class="wh-main">
                <strong class="mono">{s.name}</strong>{" "}
                <span class="muted small">
                  set by {s.updatedBy}, {fullDate(s.updatedAt)}
                </span>
              </div>
              <button type="button" class="btn btn-quiet" onClick={() => void remove(s.name)}>
                Delete
              </button>
            </li>
          ))}
        </ul>
      )}
      <form class="wh-form" onSubmit={(e) => void set(e)} data-testid="secret-form">
        <div class="field">
          <label for="secret-name">Name</label>
          <input
            id="secret-name"
            value={name}
            placeholder="API_KEY"
            onInput={(e) => setName(e.currentTarget.value.toUpperCase())}
            data-testid="secret-name"
          />
        </div>
        <div class="field">
          <label for="secret-value">Value</label>
          <input
            id="secret-value"
            type="password"
            autocomplete="off"
            value={value}
            onInput={(e) => setValue(e.currentTarget.value)}
            data-testid="secret-value"
          />
        </div>
        {error && (
          <p class="field-error" role="alert">
            {error}
          </p>
        )}
        <button type="submit" class="btn btn-secondary" disabled={!name.trim() || !value} data-testid="secret-set">
          Set secret
        </button>
      </form>
    </section>
  );
}

/** The action's last calls: when, for which conversation, by whom, how it went; inputs redacted. */
function CallLog({ name }: { name: string }) {
  const [calls, setCalls] = useState<CallLogEntry[] | undefined>(undefined);
  const [error, setError] = useState<string | undefined>(undefined);
  const load = () =>
    api(`/api/actions/${encodeURIComponent(name)}/calls?limit=50`, callLogSchema)
      .then((r) => setCalls(r.calls))
      .catch((e: unknown) => setError(errorMessage(e)));
  useEffect(() => void load(), [name]);
  return (
    <section class="card" aria-labelledby="calls-title" data-testid="action-calls">
      <h2 id="calls-title">
        Call log: {name}{" "}
        <button type="button" class="btn btn-quiet" onClick={() => void load()}>
          Refresh
        </button>
      </h2>
      {error && <p class="field-error">{error}</p>}
      {!calls ? (
        <p class="int-empty">Loading…</p>
      ) : calls.length === 0 ? (
        <p class="int-empty">No calls yet.</p>
      ) : (
        <div class="md-table">
          <table class="privacy-table">
            <thead>
              <tr>
                <th scope="col">When</th>
                <th scope="col">Conversation</th>
                <th scope="col">By</th>
                <th scope="col">Status</th>
                <th scope="col">HTTP</th>
                <th scope="col">ms</th>
                <th scope="col">Inputs</th>
              </tr>
            </thead>
            <tbody>
              {calls.map((c) => (
                <tr key={c.id} data-testid="call-row" data-status={c.status}>
                  <td>{fullDate(c.at)}</td>
                  <td>
                    {c.conversationId ? (
                      <a href={href({ name: "conversation", id: c.conversationId })}>{c.conversationId.slice(0, 8)}</a>
                    ) : (
                      "—"
                    )}
                  </td>
                  <td>{c.by}</td>
                  <td>
                    {c.status}
                    {c.error ? ` (${c.error})` : ""}
                  </td>
                  <td>{c.httpStatus ?? "—"}</td>
                  <td>{c.durationMs ?? "—"}</td>
                  <td class="mono small">
                    {Object.entries(c.inputs)
                      .map(([k, v]) => `${k}=${v}`)
                      .join(" ")}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}
