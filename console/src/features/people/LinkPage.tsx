// The pages an emailed link opens, and the request for one: accept an invitation (name and password,
// then signed in), choose a new password from a reset link (then sign in: a reset never skips
// two-factor), and "forgot your password?" (the same answer whether or not the address has an account).
// The token came in the URL fragment; it is taken off the address bar at once, so it stays neither in
// the history nor in a bookmark, and goes to the worker once, in a request body.
import { useEffect, useLayoutEffect, useRef, useState } from "preact/hooks";
import { meSchema } from "../../../../shared/api.ts";
import type { InviteView, JoinAnswer } from "../../../../shared/people.ts";
import { inviteViewSchema, joinAnswerSchema } from "../../../../shared/people.ts";
import { apiVoid, errorMessage, HttpError } from "../../lib/api.ts";
import { api } from "../../lib/api.ts";
import { navigate } from "../../lib/router.ts";
import { enterWorkspace, loadMe, me, workspacesChanged } from "../../lib/session.ts";
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
  if (invite.account) return <JoinInvite token={token} invite={invite} />;
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

const roleText = (role: InviteView["role"]) => (role === "agent" ? "an agent" : `an ${role}`);

/** An invitation for an address that has an account: joined with that account, not a new one. */
function JoinInvite({ token, invite }: { token: string; invite: InviteView }) {
  const who = me.value;
  const signedInAs = !!who && who.email === invite.email;
  const [joined, setJoined] = useState<JoinAnswer | undefined>(undefined);
  const [error, setError] = useState<string | undefined>(undefined);
  const [busy, setBusy] = useState(false);
  const join = async (password?: string) => {
    const r = await api("/api/account/invite/join", joinAnswerSchema, {
      body: password === undefined ? { token } : { token, password },
      expect401: true,
    });
    if (r.me) {
      // Signed in there with the password: open the console in the joined workspace.
      location.hash = "#/inbox";
      await loadMe();
      return;
    }
    workspacesChanged.value++;
    setJoined(r);
  };
  if (joined)
    return (
      <Card title={`You joined ${joined.workspace.name}`} testId="invite-joined">
        {who ? (
          <>
            <p role="status">
              You're in as {roleText(joined.role)}. Switch between your workspaces from the header at any time.
            </p>
            <button
              type="button"
              class="btn btn-primary"
              data-testid="invite-switch"
              onClick={() =>
                api("/api/me/workspace", meSchema, { body: { workspaceId: joined.workspace.id } }).then(
                  () => enterWorkspace(),
                  (e: unknown) => setError(errorMessage(e)),
                )
              }
            >
              Switch to {joined.workspace.name}
            </button>{" "}
            <button
              type="button"
              class="btn btn-secondary"
              data-testid="invite-stay"
              onClick={() => navigate({ name: "inbox" })}
            >
              Stay here
            </button>
            {error && (
              <p class="alert" role="alert">
                {error}
              </p>
            )}
          </>
        ) : (
          <>
            <p role="status">Sign in with your account (and your code, with two-factor on) and switch to it.</p>
            <button type="button" class="btn btn-primary" onClick={toSignIn}>
              Sign in
            </button>
          </>
        )}
      </Card>
    );
  return (
    <Card title={`Join ${invite.workspace}`} testId="invite-join-card">
      <p>
        You're invited as {roleText(invite.role)}. You already have an EdgeDesk account with{" "}
        <strong data-testid="invite-email">{invite.email}</strong>: it joins the workspace, and your password and
        two-factor stay yours.
      </p>
      {signedInAs ? (
        <>
          <button
            type="button"
            class="btn btn-primary"
            disabled={busy}
            data-testid="invite-join"
            onClick={() => {
              setBusy(true);
              join().catch((e: unknown) => {
                setError(errorMessage(e));
                setBusy(false);
              });
            }}
          >
            Join {invite.workspace}
          </button>
          {error && (
            <p class="alert" role="alert" data-testid="link-error">
              {error}
            </p>
          )}
        </>
      ) : (
        <>
          {who && (
            <p class="muted">
              You're signed in as {who.email}; this invitation is for {invite.email}.
            </p>
          )}
          <AccountPassword submit={(password) => join(password)} />
        </>
      )}
    </Card>
  );
}

/** The password of the invited account, to prove it is theirs. */
function AccountPassword({ submit }: { submit(password: string): Promise<void> }) {
  const [pw, setPw] = useState("");
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
        if (!pw) return setError("Enter your password.");
        setBusy(true);
        setError(undefined);
        submit(pw).catch((e: unknown) => {
          setError(e instanceof HttpError || e instanceof Error ? e.message : "That did not work.");
          setBusy(false);
        });
      }}
    >
      <div class="field">
        <label for="join-password">Your EdgeDesk password</label>
        <input
          ref={first}
          id="join-password"
          type="password"
          autocomplete="current-password"
          value={pw}
          onInput={(e) => setPw(e.currentTarget.value)}
          data-testid="join-password"
        />
      </div>
      {error && (
        <p class="alert" role="alert" data-testid="link-error">
          {error}
        </p>
      )}
      <button type="submit" class="btn btn-primary" disabled={busy} data-testid="link-submit">
        Join
      </button>
    </form>
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
