// Who is signed in. `undefined` while the first /api/me is in flight, so the app can avoid flashing
// the login form at an agent who already has a session cookie.
import { signal } from "@preact/signals";
import type { Me } from "../../shared/api.ts";
import { api, HttpError, setUnauthorizedHandler } from "./api.ts";

export const me = signal<Me | null | undefined>(undefined);
/** Why the login page is showing, when it is not the first visit ("Your session has ended…"). */
export const loginNotice = signal<string | undefined>(undefined);

setUnauthorizedHandler(() => {
  if (me.value) loginNotice.value = "Your session has ended. Please sign in again.";
  me.value = null;
});

export async function loadMe(): Promise<void> {
  try {
    me.value = await api<Me>("/api/me");
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
    await api<Me>("/api/me");
  } catch {
    // The handler already acted on 401; anything else is the outage the socket is retrying through.
  }
}

export async function login(email: string, password: string): Promise<Me> {
  const who = await api<Me>("/api/auth/login", { body: { email, password }, expect401: true });
  loginNotice.value = undefined;
  me.value = who;
  return who;
}

export async function logout(): Promise<void> {
  try {
    await api("/api/auth/logout", { method: "POST", body: {} });
  } finally {
    me.value = null;
  }
}
