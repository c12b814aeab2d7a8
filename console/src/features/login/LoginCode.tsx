// The sign-in's second step, for accounts with two-factor on: a 6-digit code from the authenticator
// app or one of the recovery codes. A stale or refused ticket sends the person back to the password.
import { useLayoutEffect, useRef, useState } from "preact/hooks";
import { HttpError } from "../../lib/api.ts";
import { loginWithCode } from "../../lib/session.ts";
import "./login.css";

export function CodeStep({ ticket, restart }: { ticket: string; restart(why?: string): void }) {
  const [code, setCode] = useState("");
  const [error, setError] = useState<string | undefined>(undefined);
  const [busy, setBusy] = useState(false);
  const input = useRef<HTMLInputElement>(null);
  useLayoutEffect(() => input.current?.focus(), []);

  const onSubmit = async (ev: Event) => {
    ev.preventDefault();
    if (busy) return;
    const typed = code.trim();
    if (!typed) {
      setError("Enter the code from your authenticator app, or a recovery code.");
      input.current?.focus();
      return;
    }
    setBusy(true);
    setError(undefined);
    try {
      await loginWithCode(ticket, typed);
    } catch (err) {
      setBusy(false);
      if (err instanceof HttpError && err.code === "bad_ticket") return restart(err.message);
      setError(
        err instanceof HttpError && err.code === "bad_code"
          ? "That code is wrong or was already used. Check the time on your phone and try the next code."
          : err instanceof Error
            ? err.message
            : "Sign-in failed. Please try again.",
      );
      setCode("");
      input.current?.focus();
    }
  };

  return (
    <main id="main" class="login-page">
      <form class="login-card" onSubmit={onSubmit} noValidate aria-labelledby="code-title" data-testid="code-form">
        <div class="brand brand-lg" aria-hidden="true">
          <span class="brand-mark" />
          EdgeDesk
        </div>
        <h1 id="code-title">Two-factor sign-in</h1>
        <p class="sub">
          Enter the 6-digit code your authenticator app shows for EdgeDesk, or one of your recovery codes.
        </p>
        <div class="field">
          <label for="login-code">Code</label>
          <input
            ref={input}
            id="login-code"
            name="code"
            autocomplete="one-time-code"
            inputMode="text"
            spellcheck={false}
            maxLength={12}
            required
            value={code}
            aria-invalid={error ? "true" : undefined}
            aria-describedby={error ? "login-code-error" : undefined}
            onInput={(e) => setCode(e.currentTarget.value)}
            data-testid="login-code"
          />
          {error && (
            <p id="login-code-error" class="field-error" role="alert" data-testid="login-code-error">
              {error}
            </p>
          )}
        </div>
        <button type="submit" class="btn btn-primary btn-block" disabled={busy} data-testid="login-code-submit">
          {busy ? "Checking…" : "Sign in"}
        </button>
        <button type="button" class="btn btn-link" onClick={() => restart()}>
          Use another account
        </button>
      </form>
    </main>
  );
}
