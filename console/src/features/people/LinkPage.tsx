// The pages an emailed link opens, and the request for one: accept an invitation (name and password,
// then signed in), choose a new password from a reset link (then sign in: a reset never skips
// two-factor), and "forgot your password?" (the same answer whether or not the address has an account).
// The token came in the URL fragment; it is taken off the address bar at once, so it stays neither in
// the history nor in a bookmark, and goes to the worker once, in a request body.
import { useEffect, useLayoutEffect, useRef, useState } from "preact/hooks";
import type { InviteView } from "../../../../shared/people.ts";
import { inviteViewSchema } from "../../../../shared/people.ts";
import { apiVoid, errorMessage, HttpError } from "../../lib/api.ts";
import { api } from "../../lib/api.ts";
import { loadMe } from "../../lib/session.ts";
import { checkNewPassword } from "./people.ts";
import "../login/login.css";

type Kind = "invite" | "reset";

/** `#/invite/<token>` or `#/reset/<token>`: reads the token once and clears it from the address bar. */
export function LinkPage({ kind, token }: { kind: Kind; token: string }) {
  const [held] = useState(token);
  useLayoutEffect(() => {
    history.replaceState(null, "", `${location.pathname}${location.search}#/${kind}`);
  }, []);
  return kind === "invite" ? <AcceptInvite token={held} /> : <ChooseNewPassword token={held} />;
}

function Card({ title, children, testId }: { title: string; children: preact.ComponentChildren; testId: string }) {
  return (
    <main id="main" class="login-page">
      <div class="login-card" data-testid={testId}>
        <div class="brand brand-lg" aria-hidden="true">
          <span class="brand-mark" />
          EdgeDesk
        </div>
        <h1>{title}</h1>
        {children}
      </div>
    </main>
  );
}

const toSignIn = () => {
  location.hash = "#/inbox";
};

function AcceptInvite({ token }: { token: string }) {
  const [invite, setInvite] = useState<InviteView | undefined>(undefined);
  const [refused, setRefused] = useState<string | undefined>(undefined);
  useEffect(() => {
    api("/api/account/invite", inviteViewSchema, { method: "POST", body: { token } }).then(setInvite, (e: unknown) =>
      setRefused(errorMessage(e)),
    );
  }, [token]);
  if (refused)
    return (
      <Card title="This invitation cannot be used" testId="invite-refused">
        <p class="alert" role="alert">
          {refused}
        </p>
        <button type="button" class="btn btn-secondary" onClick={toSignIn}>
          Go to sign-in
        </button>
      </Card>
    );
  if (!invite)
    return (
      <Card title="Your invitation" testId="invite-loading">
        <p aria-busy="true">Opening your invitation…</p>
      </Card>
    );
  return (
    <Card title={`Join ${invite.workspace}`} testId="invite-accept">
      <p>
        You're invited as {invite.role === "agent" ? "an agent" : `an ${invite.role}`}. You'll sign in with{" "}
        <strong data-testid="invite-email">{invite.email}</strong>.
      </p>
      <PasswordForm
        withName={invite.name ?? ""}
        submitLabel="Join and sign in"
        submit={async (password, name) => {
          await apiVoid("/api/account/invite/accept", { method: "POST", body: { token, name, password } });
          location.hash = "#/inbox";
          await loadMe();
        }}
      />
    </Card>
  );
}

function ChooseNewPassword({ token }: { token: string }) {
  const [done, setDone] = useState(false);
  if (done)
    return (
      <Card title="Password changed" testId="reset-done">
        <p role="status">You were signed out everywhere. Sign in with your new password.</p>
        <button type="button" class="btn btn-primary" onClick={toSignIn}>
          Sign in
        </button>
      </Card>
    );
  return (
    <Card title="Choose a new password" testId="reset-form">
      <PasswordForm
        submitLabel="Save new password"
        submit={async (password) => {
          await apiVoid("/api/account/reset/complete", { method: "POST", body: { token, password } });
          setDone(true);
        }}
      />
    </Card>
  );
}

function PasswordForm({
  withName,
  submitLabel,
  submit,
}: {
  withName?: string;
  submitLabel: string;
  submit(password: string, name: string): Promise<void>;
}) {
  const [name, setName] = useState(withName ?? "");
  const [pw, setPw] = useState("");
  const [again, setAgain] = useState("");
  const [error, setError] = useState<string | undefined>(undefined);
  const [busy, setBusy] = useState(false);
  const first = useRef<HTMLInputElement>(null);
  useLayoutEffect(() => first.current?.focus(), []);
  return (
    <form
      noValidate
      data-testid="link-form"
      onSubmit={(ev) => {
        ev.preventDefault();
        if (busy) return;
        const problem = withName !== undefined && !name.trim() ? "Enter your name." : checkNewPassword(pw, again);
        setError(problem);
        if (problem) return;
        setBusy(true);
        submit(pw, name.trim()).catch((e: unknown) => {
          setError(e instanceof HttpError || e instanceof Error ? e.message : "That did not work.");
          setBusy(false);
        });
      }}
    >
      {withName !== undefined && (
        <div class="field">
          <label for="link-name">Your name</label>
          <input
            ref={first}
            id="link-name"
            autocomplete="name"
            value={name}
            onInput={(e) => setName(e.currentTarget.value)}
            data-testid="link-name"
          />
        </div>
      )}
      <div class="field">
        <label for="link-password">New password (10 characters or more)</label>
        <input
          ref={withName === undefined ? first : undefined}
          id="link-password"
          type="password"
          autocomplete="new-password"
          value={pw}
          onInput={(e) => setPw(e.currentTarget.value)}
          data-testid="link-password"
        />
      </div>
      <div class="field">
        <label for="link-again">The same password again</label>
        <input
          id="link-again"
          type="password"
          autocomplete="new-password"
          value={again}
          onInput={(e) => setAgain(e.currentTarget.value)}
          data-testid="link-again"
        />
      </div>
      {error && (
        <p class="alert" role="alert" data-testid="link-error">
          {error}
        </p>
      )}
      <button type="submit" class="btn btn-primary" disabled={busy} data-testid="link-submit">
        {submitLabel}
      </button>
    </form>
  );
}

/** `#/forgot`: a reset link by email. The answer is the same for any address. */
export function ForgotPage() {
  const [email, setEmail] = useState("");
  const [sent, setSent] = useState(false);
  const [error, setError] = useState<string | undefined>(undefined);
  const ref = useRef<HTMLInputElement>(null);
  useLayoutEffect(() => ref.current?.focus(), []);
  if (sent)
    return (
      <Card title="Check your email" testId="forgot-sent">
        <p role="status">
          If {email} has an account, a link to choose a new password is on its way. It works for 60 minutes.
        </p>
        <button type="button" class="btn btn-secondary" onClick={toSignIn}>
          Back to sign-in
        </button>
      </Card>
    );
  return (
    <Card title="Forgot your password?" testId="forgot-form">
      <form
        noValidate
        onSubmit={(ev) => {
          ev.preventDefault();
          if (!/^\S+@\S+\.\S+$/.test(email.trim())) return setError("Enter your work email address.");
          setError(undefined);
          apiVoid("/api/account/reset", { method: "POST", body: { email: email.trim() } }).then(
            () => setSent(true),
            (e: unknown) => setError(errorMessage(e)),
          );
        }}
      >
        <div class="field">
          <label for="forgot-email">Work email</label>
          <input
            ref={ref}
            id="forgot-email"
            type="email"
            autocomplete="username"
            value={email}
            onInput={(e) => setEmail(e.currentTarget.value)}
            data-testid="forgot-email"
          />
        </div>
        {error && (
          <p class="alert" role="alert">
            {error}
          </p>
        )}
        <button type="submit" class="btn btn-primary" data-testid="forgot-submit">
          Email me a link
        </button>
        <button type="button" class="btn btn-quiet" onClick={toSignIn}>
          Back to sign-in
        </button>
      </form>
    </Card>
  );
}
