// Canned replies: editors and owners write them here; every agent sees the list and uses them from
// the composer ("/" or the Canned button). Errors land at the field they are about.
import { useEffect, useLayoutEffect, useRef, useState } from "preact/hooks";
import * as z from "zod/mini";
import { cannedReplyItemSchema, type CannedReply, type Me } from "../../../../shared/api.ts";
import { api, apiVoid, errorMessage, HttpError } from "../../lib/api.ts";
import { announce } from "../../lib/announce.ts";
import {
  canManageCanned,
  cannedFromForm,
  cannedServerErrors,
  cannedToForm,
  emptyCannedForm,
  upsertCanned,
  type CannedErrors,
  type CannedField,
  type CannedForm,
} from "./canned-form.ts";
import { useFocusOnMount } from "../../lib/hooks.ts";
import "./canned.css";

const cannedList = z.object({ items: z.array(cannedReplyItemSchema) });

type Editing = { id: string | null; form: CannedForm; errors: CannedErrors; busy: boolean };

export function CannedPage({ me }: { me: Me }) {
  const heading = useFocusOnMount<HTMLHeadingElement>();
  const manage = canManageCanned(me.role);
  const [items, setItems] = useState<CannedReply[] | undefined>(undefined);
  const [loadError, setLoadError] = useState<string | undefined>(undefined);
  const [editing, setEditing] = useState<Editing | null>(null);
  const [rowError, setRowError] = useState<{ id: string; text: string } | null>(null);
  const titleRef = useRef<HTMLInputElement>(null);

  useEffect(() => {
    api("/api/canned", cannedList)
      .then((r) => setItems(r.items))
      .catch((e: unknown) => setLoadError(errorMessage(e)));
  }, []);

  // The form opens with the caret in its first field; after a refused save, at the first bad one. Only
  // then: moving focus while someone types would send their next keys to another field.
  const [focusAsk, setFocusAsk] = useState(0);
  // Layout effect: right after the form renders, never later, when the person may already be typing
  // in another field (a passive effect on a busy machine once moved the caret mid-word).
  useLayoutEffect(() => {
    if (!focusAsk || !editing) return;
    const first = (["title", "shortcut", "text"] as const).find((f) => editing.errors[f]);
    const el = first ? document.getElementById(`canned-${first}`) : titleRef.current;
    (el as HTMLElement | null)?.focus();
  }, [focusAsk]);

  const open = (c: CannedReply | null) => {
    setEditing({ id: c?.id ?? null, form: c ? cannedToForm(c) : emptyCannedForm(), errors: {}, busy: false });
    setFocusAsk((n) => n + 1);
  };
  const setField = (f: CannedField, v: string) =>
    setEditing((e) => (e ? { ...e, form: { ...e.form, [f]: v }, errors: { ...e.errors, [f]: undefined } } : e));

  async function save(e: Event) {
    e.preventDefault();
    if (!editing) return;
    // The fields as they are now: a paste followed at once by Enter can submit before the re-render
    // that carries the pasted text into `editing` (this handler would then save the old text).
    const formEl = e.currentTarget as HTMLFormElement;
    const now = (f: CannedField) =>
      (formEl.elements.namedItem(f) as HTMLInputElement | HTMLTextAreaElement | null)?.value ?? editing.form[f];
    const form = { ...editing.form, title: now("title"), shortcut: now("shortcut"), text: now("text") };
    const checked = cannedFromForm(form);
    if (!checked.ok) {
      setEditing({ ...editing, form, errors: checked.errors });
      setFocusAsk((n) => n + 1);
      return;
    }
    setEditing({ ...editing, form, busy: true, errors: {} });
    try {
      const saved = editing.id
        ? await api(`/api/canned/${encodeURIComponent(editing.id)}`, cannedReplyItemSchema, {
            method: "PUT",
            body: checked.input,
          })
        : await api("/api/canned", cannedReplyItemSchema, { method: "POST", body: checked.input });
      setItems((list) => upsertCanned(list ?? [], saved));
      setEditing(null);
      announce(`Canned reply “${saved.title}” saved.`);
    } catch (err) {
      const errors =
        err instanceof HttpError
          ? cannedServerErrors(err.status, err.code, err.message, err.issues)
          : { form: errorMessage(err) };
      setEditing((cur) => (cur ? { ...cur, busy: false, errors } : cur));
      setFocusAsk((n) => n + 1);
    }
  }

  async function remove(c: CannedReply) {
    if (!confirm(`Delete the canned reply “${c.title}”?`)) return;
    setRowError(null);
    try {
      await apiVoid(`/api/canned/${encodeURIComponent(c.id)}`, { method: "DELETE" });
      setItems((list) => (list ?? []).filter((x) => x.id !== c.id));
      if (editing?.id === c.id) setEditing(null);
      announce(`Canned reply “${c.title}” deleted.`);
    } catch (err) {
      setRowError({ id: c.id, text: errorMessage(err) });
    }
  }

  const field = (
    f: CannedField,
    label: string,
    hint: string | null,
    input: (p: Record<string, unknown>) => preact.JSX.Element,
  ) => {
    const err = editing?.errors[f];
    const describedBy =
      [err ? `canned-${f}-error` : null, hint ? `canned-${f}-hint` : null].filter(Boolean).join(" ") || undefined;
    return (
      <div class="field">
        <label for={`canned-${f}`}>{label}</label>
        {input({
          id: `canned-${f}`,
          name: f,
          "aria-invalid": err ? "true" : undefined,
          "aria-describedby": describedBy,
          "data-testid": `canned-${f}`,
        })}
        {hint && (
          <p id={`canned-${f}-hint`} class="muted small">
            {hint}
          </p>
        )}
        {err && (
          <p id={`canned-${f}-error`} class="field-error" data-testid={`canned-${f}-error`}>
            {err}
          </p>
        )}
      </div>
    );
  };

  return (
    <main id="main" class="page canned-page" data-testid="canned-page" data-manage={manage ? "true" : "false"}>
      <div class="page-head">
        <div>
          <h1 ref={heading} tabIndex={-1}>
            Canned replies
          </h1>
          <p class="sub">
            {manage
              ? "Answers agents insert from the composer: type / in an empty reply, or press Canned."
              : "Answers you can insert from the composer. Editors and owners manage this list."}
          </p>
        </div>
        {manage && !editing && (
          <button type="button" class="btn btn-primary" onClick={() => open(null)} data-testid="canned-new">
            New canned reply
          </button>
        )}
      </div>

      {editing && (
        <form
          class="kb-form canned-form"
          onSubmit={(e) => void save(e)}
          noValidate
          data-testid="canned-form"
          aria-labelledby="canned-form-title"
        >
          <h2 id="canned-form-title">{editing.id ? "Edit canned reply" : "New canned reply"}</h2>
          {editing.errors.form && (
            <p class="alert" role="alert" data-testid="canned-form-error">
              {editing.errors.form}
            </p>
          )}
          {field("title", "Title", null, (p) => (
            <input
              {...p}
              ref={titleRef}
              type="text"
              maxLength={80}
              value={editing.form.title}
              onInput={(e) => setField("title", e.currentTarget.value)}
            />
          ))}
          {field(
            "shortcut",
            "Shortcut (optional)",
            "Letters, digits, - or _; agents type /shortcut to find it.",
            (p) => (
              <input
                {...p}
                type="text"
                maxLength={31}
                autocomplete="off"
                value={editing.form.shortcut}
                onInput={(e) => setField("shortcut", e.currentTarget.value)}
              />
            ),
          )}
          {field("text", "Reply text", null, (p) => (
            <textarea
              {...p}
              rows={5}
              value={editing.form.text}
              onInput={(e) => setField("text", e.currentTarget.value)}
            />
          ))}
          <div class="form-actions">
            <button type="submit" class="btn btn-primary" disabled={editing.busy} data-testid="canned-save">
              {editing.busy ? "Saving…" : "Save"}
            </button>
            <button
              type="button"
              class="btn btn-quiet"
              disabled={editing.busy}
              onClick={() => setEditing(null)}
              data-testid="canned-cancel"
            >
              Cancel
            </button>
          </div>
        </form>
      )}

      {loadError ? (
        <p class="alert" role="alert" data-testid="canned-load-error">
          {loadError}
        </p>
      ) : items === undefined ? (
        <p class="muted">Loading…</p>
      ) : items.length === 0 ? (
        <p class="empty" data-testid="canned-list-empty">
          No canned replies yet.
        </p>
      ) : (
        <ul class="canned-page-list" data-testid="canned-list">
          {items.map((c) => (
            <li key={c.id} class="canned-page-row" data-testid="canned-row" data-id={c.id}>
              <div class="canned-page-row-head">
                <strong data-testid="canned-row-title">{c.title}</strong>
                {c.shortcut && <code data-testid="canned-row-shortcut">/{c.shortcut}</code>}
                {manage && (
                  <span class="canned-page-row-actions">
                    <button
                      type="button"
                      class="btn btn-quiet"
                      onClick={() => open(c)}
                      data-testid="canned-edit"
                      aria-label={`Edit ${c.title}`}
                    >
                      Edit
                    </button>
                    <button
                      type="button"
                      class="btn btn-quiet"
                      onClick={() => void remove(c)}
                      data-testid="canned-delete"
                      aria-label={`Delete ${c.title}`}
                    >
                      Delete
                    </button>
                  </span>
                )}
              </div>
              <p class="canned-page-row-text">{c.text}</p>
              {rowError?.id === c.id && (
                <p class="field-error" role="alert" data-testid="canned-row-error">
                  {rowError.text}
                </p>
              )}
            </li>
          ))}
        </ul>
      )}
    </main>
  );
}
