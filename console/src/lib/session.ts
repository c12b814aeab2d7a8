// Who is signed in. `undefined` while the first /api/me is in flight, so the app can avoid flashing
// the login form at an agent who already has a session cookie.
import { signal } from "@preact/signals";
import { meSchema, type Me } from "../../../shared/api.ts";
import { loginResultSchema, needsCode, securityStatusSchema, type LoginResult } from "../../../shared/security.ts";
import { api, apiVoid, HttpError, setTwoFactorRequiredHandler, setUnauthorizedHandler } from "./api.ts";

export const me = signal<Me | null | undefined>(undefined);
/** Why the login page is showing, when it is not the first visit ("Your session has ended…"). */
export const loginNotice = signal<string | undefined>(undefined);
/** The workspace requires two-factor sign-in and it is not set up yet: only enrolment is open. */
export const mustEnrol = signal(false);
/** Bumped when the person's workspaces change (an invitation joined): the header's switcher reloads them. */
export const workspacesChanged = signal(0);

/**
 * Opens the console afresh in the workspace the session now acts in (after a switch or a new
 * workspace): every store (inbox, conversations, caches) belongs to one workspace, so none is kept.
 */
export function enterWorkspace(hash = "#/inbox"): void {
  location.hash = hash;
  location.reload();
}

setUnauthorizedHandler(() => {
  if (me.value) loginNotice.value = "Your session has ended. Please sign in again.";
  me.value = null;
  mustEnrol.value = false;
});
setTwoFactorRequiredHandler(() => {
  mustEnrol.value = true;
});

/** Asks whether this agent still has to set up two-factor sign-in (after sign-in and on load). */
export async function checkEnrolment(): Promise<void> {
  try {
    const s = await api("/api/me/security", securityStatusSchema);
    mustEnrol.value = s.required && !s.twoFactor;
  } catch {
    // An outage or a 401: the session handlers take care of it.
  }
}

export async function loadMe(): Promise<void> {
  try {
    const who = await api("/api/me", meSchema);
    await checkEnrolment();
    me.value = who;
  } catch (e) {
    if (e instanceof HttpError && e.status === 401) me.value = null;
    else {
      // Backend unreachable: show login with the reason rather than spinning forever.
      loginNotice.value = e instanceof Error ? e.message : "Cannot reach EdgeDesk.";
      me.value = null;
    }
  }
}

/** Cheap probe after repeated socket failures: a 401 here flips to the login page via the handler. */
export async function checkSession(): Promise<void> {
  try {
    await apiVoid("/api/me");
  } catch {
    // The handler already acted on 401; anything else is the outage the socket is retrying through.
  }
}

/** The password step: signed in, or a ticket for the code step when the account has two-factor on. */
export async function login(email: string, password: string): Promise<LoginResult> {
  const r = await api("/api/auth/login", loginResultSchema, { body: { email, password }, expect401: true });
  if (!needsCode(r)) await signedIn(r);
  return r;
}

/** The code step: a 6-digit code from the authenticator app, or a recovery code. */
export async function loginWithCode(ticket: string, code: string): Promise<Me> {
  const who = await api("/api/auth/login/two-factor", meSchema, { body: { ticket, code }, expect401: true });
  await signedIn(who);
  return who;
}

async function signedIn(who: Me): Promise<void> {
  loginNotice.value = undefined;
  await checkEnrolment();
  me.value = who;
}

export async function logout(): Promise<void> {
  try {
    await apiVoid("/api/auth/logout", { method: "POST", body: {} });
  } finally {
    me.value = null;
    mustEnrol.value = false;
  }
}
