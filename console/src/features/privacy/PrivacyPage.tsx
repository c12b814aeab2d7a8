// Settings → Privacy (owners): find what the desk holds about an email address, download it as one
// archive, or erase it everywhere (the address typed twice); the workspace's retention; the privacy
// audit trail. The address goes in POST bodies only (docs/privacy.md).
import { useEffect, useRef, useState } from "preact/hooks";
import * as z from "zod/mini";
import type { Me } from "../../../../shared/api.ts";
import {
  contactRecordSchema,
  eraseResultSchema,
  privacyAuditEntrySchema,
  retentionSettingSchema,
  type ContactRecord,
  type EraseResult,
  type PrivacyAuditEntry,
  type RetentionSetting,
} from "../../../../shared/privacy.ts";
import { announce } from "../../lib/announce.ts";
import { api, errorMessage, HttpError } from "../../lib/api.ts";
import { SettingsNav } from "../../shell/SettingsNav.tsx";
import { useFocusOnMount } from "../../lib/hooks.ts";
import { auditText, checkAddress, erasedText, retentionInput, retentionText, sourcesText } from "./privacy.ts";
import { fullDate } from "../../lib/time.ts";
import "../integrations/integrations.css";
import { PageScaffold } from "../../shell/PageScaffold.tsx";

const auditList = z.object({ entries: z.array(privacyAuditEntrySchema) });

export function PrivacyPage({ me }: { me: Me }) {
  const heading = useFocusOnMount<HTMLHeadingElement>();
  const [audit, setAudit] = useState<PrivacyAuditEntry[] | null>(null);
  const owner = me.role === "owner";
  const loadAudit = () => {
    api("/api/privacy/audit", auditList).then(
      (r) => setAudit(r.entries),
      () => setAudit([]),
    );
  };
  useEffect(() => (owner ? loadAudit() : undefined), [owner]);

  if (!owner)
    return (
      <PageScaffold
        title="Privacy"
        class="integrations-page"
        state={{ forbidden: "Only workspace owners can export or erase customers' data.", testId: "privacy-forbidden" }}
      />
    );

  return (
    <main id="main" class="page integrations-page" data-testid="privacy">
      <SettingsNav />
      <div class="page-head">
        <div>
          <p class="crumb">Settings</p>
          <h1 ref={heading} tabIndex={-1}>
            Privacy
          </h1>
          <p class="sub">
            Hand a customer's data back, or erase it from every conversation, file, report and webhook outbox.
          </p>
        </div>
      </div>
      <div class="int-grid">
        <ContactCard onChange={loadAudit} />
        <RetentionCard onChange={loadAudit} />
        <section class="card" aria-labelledby="privacy-audit-title">
          <h2 id="privacy-audit-title">Audit trail</h2>
          {!audit ? (
            <p class="int-empty">Loading…</p>
          ) : audit.length === 0 ? (
            <p class="int-empty" data-testid="privacy-audit-empty">
              Nothing exported or erased yet.
            </p>
          ) : (
            <ul class="privacy-audit" data-testid="privacy-audit">
              {audit.map((e) => (
                <li key={e.seq} data-action={e.action}>
                  <span>{auditText(e)}</span> <span class="muted small">{fullDate(e.at)}</span>
                </li>
              ))}
            </ul>
          )}
        </section>
      </div>
    </main>
  );
}

function ContactCard({ onChange }: { onChange(): void }) {
  const [email, setEmail] = useState("");
  const [error, setError] = useState<string | undefined>(undefined);
  const [record, setRecord] = useState<ContactRecord | null>(null);
  const [busy, setBusy] = useState(false);
  const [confirming, setConfirming] = useState(false);
  const [confirm, setConfirm] = useState("");
  const [erased, setErased] = useState<EraseResult | null>(null);
  const input = useRef<HTMLInputElement>(null);
  const confirmInput = useRef<HTMLInputElement>(null);

  const find = async (e: Event) => {
    e.preventDefault();
    const c = checkAddress(email);
    if (!c.ok) {
      setError(c.error);
      input.current?.focus();
      return;
    }
    setBusy(true);
    setError(undefined);
    setErased(null);
    setConfirming(false);
    try {
      const r = await api("/api/privacy/contacts/find", contactRecordSchema, { body: { email: c.email } });
      setRecord(r);
      announce(`${r.conversations.length} conversations hold ${r.email}.`);
    } catch (err) {
      setError(errorMessage(err));
    } finally {
      setBusy(false);
    }
  };

  const download = async () => {
    if (!record) return;
    setBusy(true);
    setError(undefined);
    try {
      const res = await fetch("/api/privacy/contacts/export", {
        method: "POST",
        credentials: "same-origin",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ email: record.email }),
      });
      if (!res.ok) throw new HttpError(res.status, `http_${res.status}`, "The export could not be made.");
      const url = URL.createObjectURL(await res.blob());
      const a = document.createElement("a");
      a.href = url;
      a.download = /filename="([^"]+)"/.exec(res.headers.get("content-disposition") ?? "")?.[1] ?? "contact-export.zip";
      a.click();
      setTimeout(() => URL.revokeObjectURL(url), 10_000);
      announce("The export is downloading.");
      onChange();
    } catch (err) {
      setError(errorMessage(err));
    } finally {
      setBusy(false);
    }
  };

  const erase = async (e: Event) => {
    e.preventDefault();
    if (!record) return;
    setBusy(true);
    setError(undefined);
    try {
      const r = await api("/api/privacy/contacts/erase", eraseResultSchema, { body: { email: record.email, confirm } });
      setErased(r);
      if (r.done) {
        setRecord({ ...record, contact: null, conversations: [] });
        setConfirming(false);
        setConfirm("");
      }
      announce(r.done ? `Erased: ${erasedText(r.erased)}.` : `${r.remaining} conversations left to erase.`);
      onChange();
    } catch (err) {
      setError(err instanceof HttpError && err.issues[0] ? err.issues[0].message : errorMessage(err));
      confirmInput.current?.focus();
    } finally {
      setBusy(false);
    }
  };

  return (
    <section class="card" aria-labelledby="privacy-contact-title" data-testid="privacy-contact">
      <h2 id="privacy-contact-title">A customer's data</h2>
      <form class="wh-form" onSubmit={(e) => void find(e)} noValidate data-testid="privacy-find">
        <div class="field">
          <label for="privacy-email">Customer's email address</label>
          <input
            id="privacy-email"
            ref={input}
            type="email"
            value={email}
            onInput={(e) => {
              setEmail((e.target as HTMLInputElement).value);
              setError(undefined);
            }}
            aria-invalid={error ? "true" : undefined}
            aria-describedby={error ? "privacy-email-error" : undefined}
            data-testid="privacy-email"
          />
        </div>
        <button type="submit" class="btn btn-secondary" disabled={busy} data-testid="privacy-find-submit">
          Find
        </button>
      </form>
      {error && (
        <p id="privacy-email-error" class="field-error" role="alert" data-testid="privacy-error">
          {error}
        </p>
      )}
      {erased && (
        <p class="muted" role="status" data-testid="privacy-erased">
          {erased.done ? "Erased" : `Erased so far (${erased.remaining} conversations left)`}:{" "}
          {erasedText(erased.erased)}.
        </p>
      )}
      {record && (
        <div data-testid="privacy-record" data-count={record.conversations.length}>
          <h3>{record.email}</h3>
          {record.contact ? (
            <p class="muted small">
              Contact {record.contact.name ? `“${record.contact.name}”` : "without a name"} since{" "}
              {fullDate(record.contact.createdAt)}
            </p>
          ) : (
            !record.conversations.length && <p class="int-empty">Nothing is held about this address.</p>
          )}
          {record.conversations.length > 0 && (
            <table class="privacy-table" data-testid="privacy-conversations">
              <thead>
                <tr>
                  <th scope="col">Conversation</th>
                  <th scope="col">Channel</th>
                  <th scope="col">Found through</th>
                  <th scope="col">Verified</th>
                </tr>
              </thead>
              <tbody>
                {record.conversations.map((c) => (
                  <tr key={c.id} data-id={c.id}>
                    <th scope="row">
                      <a href={`#/c/${encodeURIComponent(c.id)}`}>{c.createdAt ? fullDate(c.createdAt) : c.id}</a>
                    </th>
                    <td>{c.channel}</td>
                    <td>{sourcesText(c.via)}</td>
                    <td>{c.verified ? "yes" : "no: someone typed it"}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
          {(record.contact || record.conversations.length > 0) && (
            <div class="privacy-actions">
              <button
                type="button"
                class="btn btn-secondary"
                disabled={busy}
                onClick={() => void download()}
                data-testid="privacy-export"
              >
                Download everything (zip)
              </button>
              {!confirming ? (
                <button
                  type="button"
                  class="btn btn-danger"
                  disabled={busy}
                  onClick={() => {
                    setConfirming(true);
                    setTimeout(() => confirmInput.current?.focus(), 0);
                  }}
                  data-testid="privacy-erase"
                >
                  Erase everything…
                </button>
              ) : (
                <form class="wh-form" onSubmit={(e) => void erase(e)} noValidate data-testid="privacy-erase-form">
                  <div class="field">
                    <label for="privacy-confirm">
                      Type {record.email} to erase it everywhere. This cannot be undone.
                    </label>
                    <input
                      id="privacy-confirm"
                      ref={confirmInput}
                      value={confirm}
                      onInput={(e) => setConfirm((e.target as HTMLInputElement).value)}
                      data-testid="privacy-confirm"
                    />
                  </div>
                  <button type="submit" class="btn btn-danger" disabled={busy} data-testid="privacy-erase-confirm">
                    {erased && !erased.done ? "Continue erasing" : "Erase"}
                  </button>{" "}
                  <button
                    type="button"
                    class="btn btn-quiet"
                    onClick={() => setConfirming(false)}
                    data-testid="privacy-erase-cancel"
                  >
                    Cancel
                  </button>
                </form>
              )}
            </div>
          )}
        </div>
      )}
    </section>
  );
}

function RetentionCard({ onChange }: { onChange(): void }) {
  const [saved, setSaved] = useState<RetentionSetting | null>(null);
  const [keep, setKeep] = useState(true);
  const [days, setDays] = useState("365");
  const [mode, setMode] = useState<"delete" | "anonymise">("delete");
  const [error, setError] = useState<string | undefined>(undefined);
  const [busy, setBusy] = useState(false);
  const show = (r: RetentionSetting) => {
    setSaved(r);
    setKeep(r.days === null);
    if (r.days !== null) setDays(String(r.days));
    setMode(r.mode);
  };
  useEffect(() => {
    api("/api/privacy/retention", retentionSettingSchema).then(show, (e: unknown) => setError(errorMessage(e)));
  }, []);
  const save = async (e: Event) => {
    e.preventDefault();
    const v = retentionInput(keep, days, mode);
    if (!v.ok) return setError(v.error);
    setBusy(true);
    setError(undefined);
    try {
      show(await api("/api/privacy/retention", retentionSettingSchema, { method: "PUT", body: v.value }));
      announce("Retention saved.");
      onChange();
    } catch (err) {
      setError(errorMessage(err));
    } finally {
      setBusy(false);
    }
  };
  return (
    <section class="card" aria-labelledby="privacy-retention-title" data-testid="privacy-retention">
      <h2 id="privacy-retention-title">Retention</h2>
      <p class="muted" data-testid="privacy-retention-now">
        {saved ? retentionText(saved.days, saved.mode) : "Loading…"}
      </p>
      <form class="wh-form" onSubmit={(e) => void save(e)} noValidate>
        <label class="check">
          <input
            type="checkbox"
            checked={keep}
            onChange={(e) => setKeep((e.target as HTMLInputElement).checked)}
            data-testid="privacy-keep"
          />{" "}
          Keep conversations until someone erases them
        </label>
        {!keep && (
          <>
            <div class="field">
              <label for="privacy-days">After how many days without activity</label>
              <input
                id="privacy-days"
                inputMode="numeric"
                value={days}
                onInput={(e) => setDays((e.target as HTMLInputElement).value)}
                aria-invalid={error ? "true" : undefined}
                data-testid="privacy-days"
              />
            </div>
            <div class="field">
              <label for="privacy-mode">Then</label>
              <select
                id="privacy-mode"
                value={mode}
                onChange={(e) => setMode((e.target as HTMLSelectElement).value as "delete" | "anonymise")}
                data-testid="privacy-mode"
              >
                <option value="delete">delete them</option>
                <option value="anonymise">anonymise them (keep the analytics)</option>
              </select>
            </div>
          </>
        )}
        {error && (
          <p class="field-error" role="alert">
            {error}
          </p>
        )}
        <button type="submit" class="btn btn-secondary" disabled={busy} data-testid="privacy-retention-save">
          Save
        </button>
      </form>
    </section>
  );
}
