// First run (no workspace yet, docs/setup.md): create the workspace, its help-centre address and its
// owner. The set-up token is the deployment's ADMIN_TOKEN, so a stranger who finds a fresh deployment
// cannot make themselves its owner. On success the owner is signed in and lands on the checklist.
import { useLayoutEffect, useRef, useState } from "preact/hooks";
import { meSchema } from "../../../../shared/api.ts";
import { api, errorMessage, HttpError } from "../../lib/api.ts";
import { navigate } from "../../lib/router.ts";
import { me } from "../../lib/session.ts";
import { setupOpen } from "./store.ts";
import { checkSetup, fieldErrors, requestOf, suggestAddress, type SetupField, type SetupForm } from "./setup.ts";
import "../login/login.css";
import "./setup.css";

const FIELDS: {
  id: SetupField;
  label: string;
  type: "text" | "email" | "password";
  autocomplete: string;
  hint?: string;
}[] = [
  {
    id: "setupToken",
    label: "Set-up token",
    type: "password",
    autocomplete: "off",
    hint: "The deployment's ADMIN_TOKEN: npm run dev -- --no-demo prints it; on Cloudflare it is the secret you set.",
  },
  { id: "workspaceName", label: "Workspace name", type: "text", autocomplete: "organization" },
  { id: "address", label: "Help-centre address", type: "text", autocomplete: "off" },
  { id: "ownerName", label: "Your name", type: "text", autocomplete: "name" },
  { id: "email", label: "Your work email", type: "email", autocomplete: "username" },
  { id: "password", label: "Password (10 characters or more)", type: "password", autocomplete: "new-password" },
];

export function SetupPage() {
  const [form, setForm] = useState<SetupForm>({
    setupToken: "",
    workspaceName: "",
    address: "",
    ownerName: "",
    email: "",
    password: "",
  });
  /** The address follows the name until the owner types their own. */
  const [addressTouched, setAddressTouched] = useState(false);
  const [errors, setErrors] = useState<Partial<Record<SetupField | "form", string>>>({});
  const [busy, setBusy] = useState(false);
  const refs = useRef<Partial<Record<SetupField, HTMLInputElement | null>>>({});
  useLayoutEffect(() => refs.current.setupToken?.focus(), []);

  const set = (id: SetupField, value: string) =>
    setForm((f) => {
      const next = { ...f, [id]: value };
      if (id === "workspaceName" && !addressTouched) next.address = suggestAddress(value);
      return next;
    });

  const focusFirst = (e: Partial<Record<SetupField, string>>) => {
    const first = FIELDS.find((f) => e[f.id]);
    if (first) refs.current[first.id]?.focus();
  };

  const submit = async (ev: Event) => {
    ev.preventDefault();
    if (busy) return;
    const e = checkSetup(form);
    if (Object.keys(e).length) {
      setErrors(e);
      focusFirst(e);
      return;
    }
    setBusy(true);
    setErrors({});
    try {
      const who = await api("/api/setup", meSchema, { body: requestOf(form), expect401: true });
      navigate({ name: "start" });
      setupOpen.value = false;
      me.value = who;
    } catch (err) {
      const byField =
        err instanceof HttpError && err.status === 401
          ? { setupToken: err.message }
          : err instanceof HttpError
            ? fieldErrors(err.issues)
            : {};
      setErrors(Object.keys(byField).length ? byField : { form: errorMessage(err) });
      focusFirst(byField);
      setBusy(false);
    }
  };

  return (
    <main id="main" class="login-page">
      <form
        class="login-card setup-card"
        onSubmit={submit}
        noValidate
        aria-labelledby="setup-title"
        data-testid="setup-form"
      >
        <div class="brand brand-lg" aria-hidden="true">
          <span class="brand-mark" />
          EdgeDesk
        </div>
        <h1 id="setup-title">Set up your desk</h1>
        <p class="sub">This deployment has no workspace yet. Create yours and its first owner.</p>
        {errors.form && (
          <p class="alert" role="alert" data-testid="setup-error">
            {errors.form}
          </p>
        )}
        {FIELDS.map((f) => {
          const err = errors[f.id];
          const describedBy = [
            err ? `setup-${f.id}-error` : "",
            f.hint || f.id === "address" ? `setup-${f.id}-hint` : "",
          ]
            .filter(Boolean)
            .join(" ");
          return (
            <div class="field" key={f.id}>
              <label for={`setup-${f.id}`}>{f.label}</label>
              <FieldInput
                type={f.type}
                inputRef={(el) => {
                  refs.current[f.id] = el;
                }}
                id={`setup-${f.id}`}
                autocomplete={f.autocomplete}
                value={form[f.id]}
                invalid={!!err}
                describedBy={describedBy || undefined}
                onValue={(v) => {
                  if (f.id === "address") setAddressTouched(true);
                  set(f.id, v);
                }}
                testId={`setup-${f.id}`}
              />
              {f.id === "address" ? (
                <p id="setup-address-hint" class="hint">
                  Your help centre: <code>{`${location.origin}/hc/${form.address || "…"}/`}</code>
                </p>
              ) : (
                f.hint && (
                  <p id={`setup-${f.id}-hint`} class="hint">
                    {f.hint}
                  </p>
                )
              )}
              {err && (
                <p id={`setup-${f.id}-error`} class="field-error" data-testid={`setup-${f.id}-error`}>
                  {err}
                </p>
              )}
            </div>
          );
        })}
        <button type="submit" class="btn btn-primary btn-block" disabled={busy} data-testid="setup-submit">
          {busy ? "Creating…" : "Create workspace"}
        </button>
      </form>
    </main>
  );
}

type InputProps = {
  type: "text" | "email" | "password";
  inputRef(el: HTMLInputElement | null): void;
  id: string;
  autocomplete: string;
  value: string;
  invalid: boolean;
  describedBy: string | undefined;
  onValue(v: string): void;
  testId: string;
};

/** One input; Preact's types tell a password field from a text one, hence a branch per type. */
function FieldInput(p: InputProps) {
  const common = {
    ref: p.inputRef,
    id: p.id,
    autocomplete: p.autocomplete,
    required: true,
    value: p.value,
    "aria-invalid": p.invalid ? ("true" as const) : undefined,
    "aria-describedby": p.describedBy,
    onInput: (e: { currentTarget: HTMLInputElement }) => p.onValue(e.currentTarget.value),
    "data-testid": p.testId,
  };
  if (p.type === "password") return <input type="password" {...common} />;
  if (p.type === "email") return <input type="email" inputMode="email" {...common} />;
  return <input type="text" {...common} />;
}
