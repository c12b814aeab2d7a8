// Settings → Workspace → "Create a workspace" (owners; in the people chunk with WorkspacePage): a
// further workspace with its own help-centre address, first-run set-up's rules. The worker makes the
// owner its owner and switches the session into it; the console opens afresh on its checklist.
import { useState } from "preact/hooks";
import { meSchema } from "../../../../shared/api.ts";
import { api, errorMessage, HttpError } from "../../lib/api.ts";
import { enterWorkspace } from "../../lib/session.ts";
import { suggestAddress } from "../setup/setup.ts";
import {
  checkNewWorkspace,
  type NewWorkspaceField,
  type NewWorkspaceForm,
  newWorkspaceRequest,
  workspaceFieldErrors,
} from "./workspaces.ts";
import "./workspaces.css";

export function CreateWorkspace() {
  const [form, setForm] = useState<NewWorkspaceForm>({ name: "", address: "" });
  const [touched, setTouched] = useState(false);
  const [errors, setErrors] = useState<Partial<Record<NewWorkspaceField | "form", string>>>({});
  const [busy, setBusy] = useState(false);

  const submit = async (ev: Event) => {
    ev.preventDefault();
    if (busy) return;
    const e = checkNewWorkspace(form);
    setErrors(e);
    if (Object.keys(e).length) return;
    setBusy(true);
    try {
      await api("/api/workspaces", meSchema, { body: newWorkspaceRequest(form) });
      enterWorkspace("#/start");
    } catch (x) {
      const byField = x instanceof HttpError ? workspaceFieldErrors(x.issues) : {};
      setErrors(Object.keys(byField).length ? byField : { form: errorMessage(x) });
      setBusy(false);
    }
  };

  return (
    <section class="card" aria-labelledby="ws-new-title" data-testid="workspace-create">
      <h2 id="ws-new-title">Create a workspace</h2>
      <p class="hint">
        A separate desk with its own people, sites, articles and conversations. You are its owner; your account and this
        workspace stay as they are, and the header switches between them.
      </p>
      <form class="step-form" onSubmit={submit} noValidate>
        <label for="ws-new-name">Workspace name</label>
        <input
          id="ws-new-name"
          value={form.name}
          autocomplete="organization"
          aria-invalid={errors.name ? true : undefined}
          aria-describedby={errors.name ? "ws-new-name-error" : undefined}
          data-testid="workspace-create-name"
          onInput={(e) => {
            const name = e.currentTarget.value;
            setForm((f) => ({ name, address: touched ? f.address : suggestAddress(name) }));
            setErrors({});
          }}
        />
        {errors.name && (
          <p id="ws-new-name-error" class="field-error" role="alert">
            {errors.name}
          </p>
        )}
        <label for="ws-new-address">Help-centre address</label>
        <input
          id="ws-new-address"
          value={form.address}
          autocomplete="off"
          aria-invalid={errors.address ? true : undefined}
          aria-describedby="ws-new-address-hint"
          data-testid="workspace-create-address"
          onInput={(e) => {
            const address = e.currentTarget.value;
            setTouched(true);
            setForm((f) => ({ ...f, address }));
            setErrors({});
          }}
        />
        <p id="ws-new-address-hint" class="hint">
          Its help centre: {`${location.origin}/hc/${form.address || "…"}/`}
        </p>
        {errors.address && (
          <p class="field-error" role="alert" data-testid="workspace-create-address-error">
            {errors.address}
          </p>
        )}
        {errors.form && (
          <p class="field-error" role="alert">
            {errors.form}
          </p>
        )}
        <button type="submit" class="btn btn-primary" disabled={busy} data-testid="workspace-create-submit">
          {busy ? "Creating…" : "Create and switch to it"}
        </button>
      </form>
    </section>
  );
}
