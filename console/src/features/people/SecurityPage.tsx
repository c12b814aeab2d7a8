// Settings → Your account: two-factor sign-in (set up with an authenticator app, recovery codes shown
// once, renew, turn off), the password, and the signed-in sessions. With `enrolOnly` it is the whole
// app: the workspace requires two-factor sign-in and nothing else opens until it is on.
import { useEffect, useState } from "preact/hooks";
import type { Me } from "../../../../shared/api.ts";
import * as z from "zod/mini";
import {
  recoveryCodesSchema,
  securityStatusSchema,
  sessionInfoSchema,
  twoFactorSetupSchema,
  type SecurityStatus,
  type SessionInfo,
  type TwoFactorSetup,
} from "../../../../shared/security.ts";
import { api, apiVoid, errorMessage, HttpError } from "../../lib/api.ts";
import { announce } from "../../lib/announce.ts";
import { SettingsNav } from "../../shell/SettingsNav.tsx";
import { AlertSettings } from "../alerts/AlertSettings.tsx";
import { useFocusOnMount } from "../../lib/hooks.ts";
import { checkEnrolment, logout, mustEnrol } from "../../lib/session.ts";
import { fullDate } from "../../lib/time.ts";
import { checkNewPassword, groupSecret, sessionLabel } from "./people.ts";
import "../integrations/integrations.css";
import "./people.css";

const sessionList = z.object({ sessions: z.array(sessionInfoSchema) });
const passwordChangedSchema = z.object({ sessionsEnded: z.number() });

export function SecurityPage({ me, enrolOnly = false }: { me: Me; enrolOnly?: boolean }) {
  const heading = useFocusOnMount<HTMLHeadingElement>();
  const [status, setStatus] = useState<SecurityStatus | undefined>(undefined);
  const [error, setError] = useState<string | undefined>(undefined);
  const load = () =>
    api("/api/me/security", securityStatusSchema)
      .then(setStatus)
      .catch((e: unknown) => setError(errorMessage(e)));
  useEffect(() => void load(), []);

  return (
    <main id="main" class="page integrations-page" data-testid="security-page">
      {!enrolOnly && <SettingsNav />}
      <div class="page-head">
        <div>
          <p class="crumb">{enrolOnly ? "Before you start" : "Settings"}</p>
          <h1 ref={heading} tabIndex={-1}>
            {enrolOnly ? "Set up two-factor sign-in" : "Your account"}
          </h1>
          <p class="sub">
            {enrolOnly
              ? `Your workspace requires a second step at sign-in, ${me.name}. Set it up now to open the console.`
              : `Signed in as ${me.email} (${me.role}).`}
          </p>
        </div>
        {enrolOnly && (
          <button type="button" class="btn btn-quiet" onClick={() => void logout()}>
            Sign out
          </button>
        )}
      </div>
      {error && (
        <p class="alert" role="alert">
          {error}
        </p>
      )}
      <div class="int-grid">
        <section class="card" aria-labelledby="tf-title">
          <h2 id="tf-title">Two-factor sign-in</h2>
          {!status ? (
            <p class="int-empty" aria-busy="true">
              Loading…
            </p>
          ) : status.twoFactor ? (
            <TwoFactorOn status={status} reload={load} />
          ) : (
            <TwoFactorSetupFlow
              onDone={async () => {
                await load();
                if (enrolOnly) await checkEnrolment();
              }}
            />
          )}
        </section>
        {!enrolOnly && (
          <>
            <AlertSettings />
            <PasswordForm />
            <MySessions />
          </>
        )}
      </div>
      {enrolOnly && !mustEnrol.value && <p class="sub">Done. Opening the console…</p>}
    </main>
  );
}

function TwoFactorSetupFlow({ onDone }: { onDone(): Promise<void> }) {
  const [setup, setSetup] = useState<TwoFactorSetup | undefined>(undefined);
  const [code, setCode] = useState("");
  const [codes, setCodes] = useState<string[] | undefined>(undefined);
  const [error, setError] = useState<string | undefined>(undefined);
  const [busy, setBusy] = useState(false);

  if (codes)
    return (
      <div data-testid="recovery-codes-panel">
        <p>
          Two-factor sign-in is on. Keep these recovery codes somewhere safe (a password manager): each signs you in
          once if you lose your phone. They are shown only now.
        </p>
        <ol class="recovery-codes" data-testid="recovery-codes">
          {codes.map((c) => (
            <li key={c}>
              <code>{c}</code>
            </li>
          ))}
        </ol>
        <button type="button" class="btn btn-primary" data-testid="recovery-codes-done" onClick={() => void onDone()}>
          I have saved them
        </button>
      </div>
    );

  if (!setup)
    return (
      <div>
        <p>Off. With it on, signing in also needs a code from an authenticator app on your phone.</p>
        {error && (
          <p class="alert" role="alert">
            {error}
          </p>
        )}
        <button
          type="button"
          class="btn btn-primary"
          data-testid="two-factor-start"
          disabled={busy}
          onClick={() => {
            setBusy(true);
            api("/api/me/two-factor/setup", twoFactorSetupSchema, { method: "POST", body: {} })
              .then(setSetup, (e: unknown) => setError(errorMessage(e)))
              .finally(() => setBusy(false));
          }}
        >
          Set up two-factor sign-in
        </button>
      </div>
    );

  return (
    <form
      noValidate
      onSubmit={(ev) => {
        ev.preventDefault();
        if (busy) return;
        setBusy(true);
        setError(undefined);
        api("/api/me/two-factor/enable", recoveryCodesSchema, { method: "POST", body: { code: code.trim() } })
          .then(
            (r) => {
              setCodes(r.recoveryCodes);
              announce("Two-factor sign-in is on. Save your recovery codes.");
            },
            (e: unknown) => setError(e instanceof HttpError && e.code === "bad_code" ? e.message : errorMessage(e)),
          )
          .finally(() => setBusy(false));
      }}
    >
      <ol class="steps">
        <li>
          In your authenticator app, add an account: <a href={setup.uri}>open this link on your phone</a>, or type this
          key:
          <p>
            <code class="totp-secret" data-testid="totp-secret">
              {groupSecret(setup.secret)}
            </code>
          </p>
          <details>
            <summary>Setup link (otpauth)</summary>
            <input class="totp-uri" readOnly value={setup.uri} aria-label="Setup link" data-testid="totp-uri" />
          </details>
        </li>
        <li>
          <div class="field">
            <label for="tf-code">Enter the 6-digit code the app shows</label>
            <input
              id="tf-code"
              autocomplete="one-time-code"
              inputMode="numeric"
              maxLength={7}
              value={code}
              aria-invalid={error ? "true" : undefined}
              aria-describedby={error ? "tf-code-error" : undefined}
              onInput={(e) => setCode(e.currentTarget.value)}
              data-testid="two-factor-code"
            />
            {error && (
              <p id="tf-code-error" class="field-error" role="alert">
                {error}
              </p>
            )}
          </div>
        </li>
      </ol>
      <button type="submit" class="btn btn-primary" disabled={busy} data-testid="two-factor-enable">
        Turn on
      </button>
    </form>
  );
}

function TwoFactorOn({ status, reload }: { status: SecurityStatus; reload(): Promise<void> }) {
  const [codes, setCodes] = useState<string[] | undefined>(undefined);
  const [input, setInput] = useState("");
  const [mode, setMode] = useState<"idle" | "renew" | "off">("idle");
  const [error, setError] = useState<string | undefined>(undefined);
  const run = (p: Promise<unknown>) =>
    p.then(
      () => {
        setInput("");
        setMode("idle");
        return reload();
      },
      (e: unknown) => setError(errorMessage(e)),
    );
  return (
    <div data-testid="two-factor-on">
      <p>
        On. {status.recoveryCodesLeft} recovery code{status.recoveryCodesLeft === 1 ? "" : "s"} left.
        {status.required && " Your workspace requires it."}
      </p>
      {codes && (
        <ol class="recovery-codes" data-testid="recovery-codes">
          {codes.map((c) => (
            <li key={c}>
              <code>{c}</code>
            </li>
          ))}
        </ol>
      )}
      {error && (
        <p class="alert" role="alert">
          {error}
        </p>
      )}
      {mode === "idle" ? (
        <div class="row-actions">
          <button type="button" class="btn btn-secondary" onClick={() => setMode("renew")}>
            New recovery codes
          </button>
          {!status.required && (
            <button type="button" class="btn btn-quiet" onClick={() => setMode("off")}>
              Turn off
            </button>
          )}
        </div>
      ) : (
        <form
          noValidate
          onSubmit={(ev) => {
            ev.preventDefault();
            setError(undefined);
            if (mode === "renew")
              void api("/api/me/two-factor/recovery-codes", recoveryCodesSchema, {
                method: "POST",
                body: { code: input },
              })
                .then((r) => {
                  setCodes(r.recoveryCodes);
                  setMode("idle");
                  return reload();
                })
                .catch((e: unknown) => setError(errorMessage(e)));
            else void run(apiVoid("/api/me/two-factor", { method: "DELETE", body: { password: input } }));
          }}
        >
          <div class="field">
            <label for="tf-confirm">{mode === "renew" ? "A code from your app" : "Your password"}</label>
            {mode === "off" ? (
              <input
                id="tf-confirm"
                type="password"
                autocomplete="current-password"
                value={input}
                onInput={(e) => setInput(e.currentTarget.value)}
              />
            ) : (
              <input
                id="tf-confirm"
                autocomplete="one-time-code"
                inputMode="numeric"
                value={input}
                onInput={(e) => setInput(e.currentTarget.value)}
              />
            )}
          </div>
          <div class="row-actions">
            <button type="submit" class="btn btn-primary">
              {mode === "renew" ? "Make new codes" : "Turn off two-factor"}
            </button>
            <button type="button" class="btn btn-quiet" onClick={() => setMode("idle")}>
              Cancel
            </button>
          </div>
        </form>
      )}
    </div>
  );
}

function PasswordForm() {
  const [current, setCurrent] = useState("");
  const [next, setNext] = useState("");
  const [again, setAgain] = useState("");
  const [error, setError] = useState<string | undefined>(undefined);
  const [done, setDone] = useState<string | undefined>(undefined);
  return (
    <section class="card" aria-labelledby="pw-title">
      <h2 id="pw-title">Password</h2>
      <form
        noValidate
        onSubmit={(ev) => {
          ev.preventDefault();
          setDone(undefined);
          const problem = checkNewPassword(next, again);
          setError(problem);
          if (problem) return;
          api("/api/me/password", passwordChangedSchema, { method: "PUT", body: { current, password: next } }).then(
            (r) => {
              setCurrent("");
              setNext("");
              setAgain("");
              setDone(
                `Password changed. ${r.sessionsEnded} other session${r.sessionsEnded === 1 ? "" : "s"} signed out.`,
              );
            },
            (e: unknown) => setError(errorMessage(e)),
          );
        }}
      >
        <div class="field">
          <label for="pw-current">Current password</label>
          <input
            id="pw-current"
            type="password"
            autocomplete="current-password"
            value={current}
            onInput={(e) => setCurrent(e.currentTarget.value)}
          />
        </div>
        <div class="field">
          <label for="pw-new">New password (10 characters or more)</label>
          <input
            id="pw-new"
            type="password"
            autocomplete="new-password"
            value={next}
            onInput={(e) => setNext(e.currentTarget.value)}
          />
        </div>
        <div class="field">
          <label for="pw-again">New password again</label>
          <input
            id="pw-again"
            type="password"
            autocomplete="new-password"
            value={again}
            aria-invalid={error ? "true" : undefined}
            aria-describedby={error ? "pw-error" : undefined}
            onInput={(e) => setAgain(e.currentTarget.value)}
          />
          {error && (
            <p id="pw-error" class="field-error" role="alert">
              {error}
            </p>
          )}
        </div>
        {done && (
          <p class="sub" role="status">
            {done}
          </p>
        )}
        <button type="submit" class="btn btn-primary">
          Change password
        </button>
      </form>
    </section>
  );
}

function MySessions() {
  const [sessions, setSessions] = useState<SessionInfo[] | undefined>(undefined);
  const [error, setError] = useState<string | undefined>(undefined);
  const load = () =>
    api("/api/me/sessions", sessionList).then(
      (r) => setSessions(r.sessions),
      (e: unknown) => setError(errorMessage(e)),
    );
  useEffect(() => void load(), []);
  return (
    <section class="card" aria-labelledby="sess-title">
      <h2 id="sess-title">Where you are signed in</h2>
      {error && (
        <p class="alert" role="alert">
          {error}
        </p>
      )}
      {!sessions ? (
        <p class="int-empty" aria-busy="true">
          Loading…
        </p>
      ) : (
        <ul class="session-list" data-testid="my-sessions">
          {sessions.map((s) => (
            <li key={s.id}>
              <span>
                {sessionLabel(s)}
                {s.current ? " (this browser)" : ""}
                <br />
                <span class="muted">
                  since {fullDate(s.createdAt)}
                  {s.workspace ? ` · in ${s.workspace}` : ""}
                </span>
              </span>
              {!s.current && (
                <button
                  type="button"
                  class="btn btn-small btn-quiet"
                  onClick={() =>
                    void apiVoid(`/api/me/sessions/${s.id}`, { method: "DELETE" }).then(load, (e: unknown) =>
                      setError(errorMessage(e)),
                    )
                  }
                >
                  Sign out
                </button>
              )}
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
