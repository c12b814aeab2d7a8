import { useLayoutEffect, useRef, useState } from "preact/hooks";
import * as z from "zod/mini";
import { loginSchema } from "../../../../shared/api.ts";
import { needsCode } from "../../../../shared/security.ts";
import { HttpError } from "../../lib/api.ts";
import { login, loginNotice } from "../../lib/session.ts";
import { CodeStep } from "./LoginCode.tsx";
import "./login.css";

type Field = "email" | "password";
type Errors = Partial<Record<Field | "form", string>>;

export function LoginPage() {
  const [email, setEmail] = useState("");
  const [password, setPassword] = useState("");
  const [errors, setErrors] = useState<Errors>({});
  const [busy, setBusy] = useState(false);
  /** Set after a correct password on an account with two-factor on: the code step shows. */
  const [ticket, setTicket] = useState<string | undefined>(undefined);
  const emailRef = useRef<HTMLInputElement>(null);
  const passwordRef = useRef<HTMLInputElement>(null);

  // autofocus only works on first page load; the login page also appears after a session expires.
  // Layout effect: at once, not after a paint, when someone may already be typing in the password box.
  useLayoutEffect(() => emailRef.current?.focus(), []);

  // The first invalid field gets focus, so the error next to it is what gets read out.
  const focusFirst = (e: Errors) => {
    if (e.email) emailRef.current?.focus();
    else if (e.password) passwordRef.current?.focus();
  };

  const onSubmit = async (ev: Event) => {
    ev.preventDefault();
    if (busy) return;
    const parsed = z.safeParse(loginSchema, { email, password });
    if (!parsed.success) {
      const e: Errors = {};
      for (const issue of parsed.error.issues) {
        const key = issue.path[0];
        if ((key === "email" || key === "password") && !e[key]) e[key] = issue.message;
      }
      if (!email.trim()) e.email = "Enter your email address.";
      if (!password) e.password = "Enter your password.";
      setErrors(e);
      focusFirst(e);
      return;
    }
    setBusy(true);
    setErrors({});
    try {
      const r = await login(parsed.data.email, parsed.data.password);
      if (needsCode(r)) {
        setPassword("");
        setBusy(false);
        setTicket(r.ticket);
      }
    } catch (err) {
      const e: Errors = {};
      if (err instanceof HttpError && err.status === 401) {
        // Do not say which of the two was wrong; the error sits at the password, which gets cleared.
        e.password = err.message || "Email or password is incorrect.";
        setPassword("");
      } else if (err instanceof HttpError && err.issues.length) {
        for (const i of err.issues) {
          const key = i.path.replace(/^\//, "").split(/[./]/)[0];
          if (key === "email" || key === "password") e[key] = i.message;
        }
        if (!e.email && !e.password) e.form = err.message;
      } else {
        e.form = err instanceof Error ? err.message : "Sign-in failed. Please try again.";
      }
      setErrors(e);
      setBusy(false);
      if (e.form) return;
      focusFirst(e);
    }
  };

  const notice = errors.form ?? loginNotice.value;

  if (ticket)
    return (
      <CodeStep
        ticket={ticket}
        restart={(why) => {
          setTicket(undefined);
          setErrors(why ? { form: why } : {});
        }}
      />
    );

  return (
    <main id="main" class="login-page">
      <form class="login-card" onSubmit={onSubmit} noValidate aria-labelledby="login-title" data-testid="login-form">
        <div class="brand brand-lg" aria-hidden="true">
          <span class="brand-mark" />
          EdgeDesk
        </div>
        <h1 id="login-title">Sign in to the agent console</h1>
        {notice && (
          <p class="alert" role="alert" data-testid="login-error">
            {notice}
          </p>
        )}
        <div class="field">
          <label for="login-email">Work email</label>
          <input
            ref={emailRef}
            id="login-email"
            name="email"
            type="email"
            autocomplete="username"
            inputMode="email"
            required
            value={email}
            aria-invalid={errors.email ? "true" : undefined}
            aria-describedby={errors.email ? "login-email-error" : undefined}
            onInput={(e) => setEmail(e.currentTarget.value)}
            data-testid="login-email"
          />
          {errors.email && (
            <p id="login-email-error" class="field-error" data-testid="login-email-error">
              {errors.email}
            </p>
          )}
        </div>
        <div class="field">
          <label for="login-password">Password</label>
          <input
            ref={passwordRef}
            id="login-password"
            name="password"
            type="password"
            autocomplete="current-password"
            required
            value={password}
            aria-invalid={errors.password ? "true" : undefined}
            aria-describedby={errors.password ? "login-password-error" : undefined}
            onInput={(e) => setPassword(e.currentTarget.value)}
            data-testid="login-password"
          />
          {errors.password && (
            <p id="login-password-error" class="field-error" data-testid="login-password-error">
              {errors.password}
            </p>
          )}
        </div>
        <button type="submit" class="btn btn-primary btn-block" disabled={busy} data-testid="login-submit">
          {busy ? "Signing in…" : "Sign in"}
        </button>
        <a class="login-forgot" href="#/forgot" data-testid="login-forgot">
          Forgot your password?
        </a>
      </form>
    </main>
  );
}
