// Console sign-in: email + password (+ a TOTP or recovery code when the account has two-factor on) →
// an HttpOnly, Secure, SameSite=Strict session cookie. Every step is throttled per account and per
// network (worker/auth/throttle.ts) before any password is hashed. A person who belongs to several
// workspaces signs in to their home one (or, disabled there, the first workspace they may still act
// in) and switches from there (`POST /api/me/workspace`); one disabled everywhere cannot sign in.
import { Hono, type Context } from "hono";
import { deleteCookie, getCookie, setCookie } from "hono/cookie";
import { loginSchema, type Me } from "../../shared/api.ts";
import { loginTwoFactorSchema, type LoginResult } from "../../shared/security.ts";
import { verifyPassword } from "./password.ts";
import { createSession, deleteSession, SESSION_COOKIE, SESSION_TTL_MS, sessionAgent } from "./sessions.ts";
import { loginFailed, loginGate, loginSucceeded } from "./throttle.ts";
import { checkCode, issueTicket, readTicket } from "./two-factor.ts";
import type { AppEnv } from "../env.ts";
import { ApiFailure, jsonBody, parseOr400 } from "../http/errors.ts";
import { clientIp } from "../middleware/rate-limit.ts";
import { type Place, placesOf, sessionWorkspace } from "../people/members.ts";
import { endSessions } from "../people/revoke.ts";

export const auth = new Hono<AppEnv>();

// Verifying against a real hash when the email is unknown keeps response time from telling which
// emails have accounts.
const DUMMY_HASH = "pbkdf2-sha256$100000$AAAAAAAAAAAAAAAAAAAAAA$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA";

/** The account: credentials only. Where it may act, and with which role, comes from placesOf(). */
type AgentRow = {
  id: string;
  email: string;
  name: string;
  password_hash: string;
  totp_secret: string | null;
  totp_last_step: number;
};
const SELECT_AGENT = "SELECT id, email, name, password_hash, totp_secret, totp_last_step FROM agents";

async function gate(c: Context<AppEnv>, email: string): Promise<void> {
  const g = await loginGate(c.env, email, clientIp(c));
  if (g.ok) return;
  c.header("retry-after", String(g.retryAfter));
  throw new ApiFailure(429, "too_many_attempts", "too many sign-in attempts; try again later");
}

async function refuse(c: Context<AppEnv>, email: string, code: string, message: string): Promise<never> {
  await loginFailed(c.env, email, clientIp(c));
  throw new ApiFailure(401, code, message);
}

async function signIn(c: Context<AppEnv>, row: AgentRow, place: Place): Promise<Response> {
  await loginSucceeded(c.env, row.email);
  return startSession(c, row, place);
}

/** The person and the workspace a new session acts in. */
export type Person = Pick<AgentRow, "id" | "email" | "name">;

/**
 * A new session cookie for an account that has just proved who it is (a sign-in, an accepted
 * invitation, first-run set-up, a switch of workspace), acting in `place`; answers who is signed in.
 */
export async function openSession(
  c: Context<AppEnv>,
  person: Person,
  place: Pick<Place, "workspaceId" | "role" | "home">,
): Promise<Me> {
  const now = Date.now();
  // Expired sessions of this agent go (with their socket records) as a new one starts.
  await c.env.DB.batch([
    c.env.DB.prepare(
      "DELETE FROM session_sockets WHERE session_id IN (SELECT id FROM sessions WHERE agent_id = ? AND expires_at <= ?)",
    ).bind(person.id, now),
    c.env.DB.prepare("DELETE FROM sessions WHERE agent_id = ? AND expires_at <= ?").bind(person.id, now),
  ]);
  const { token } = await createSession(
    c.env.DB,
    person.id,
    { ip: c.req.header("cf-connecting-ip") ?? null, userAgent: c.req.header("user-agent") ?? null },
    sessionWorkspace(place),
  );
  const secure = new URL(c.req.url).protocol === "https:";
  setCookie(c, SESSION_COOKIE, token, {
    httpOnly: true,
    secure,
    sameSite: "Strict",
    path: "/",
    maxAge: SESSION_TTL_MS / 1000,
  });
  return { id: person.id, email: person.email, name: person.name, role: place.role, workspaceId: place.workspaceId };
}

/** openSession, answered as JSON. */
export async function startSession(
  c: Context<AppEnv>,
  person: Person,
  place: Pick<Place, "workspaceId" | "role" | "home">,
): Promise<Response> {
  return c.json(await openSession(c, person, place));
}

/** Where a new sign-in lands: home, or the first workspace the person is still enabled in. */
const landing = async (c: Context<AppEnv>, id: string): Promise<Place | undefined> => (await placesOf(c.env.DB, id))[0];

auth.post("/login", async (c) => {
  const { email, password } = parseOr400(loginSchema, await jsonBody(c), "body");
  await gate(c, email);
  const row = await c.env.DB.prepare(`${SELECT_AGENT} WHERE email = ?`).bind(email).first<AgentRow>();
  const ok = await verifyPassword(password, row?.password_hash ?? DUMMY_HASH);
  const place = row && ok ? await landing(c, row.id) : undefined;
  // Disabled in every workspace answers like a wrong password: offboarding is not announced to whoever tries.
  if (!row || !ok || !place) return refuse(c, email, "bad_credentials", "email or password is wrong");
  if (!row.totp_secret) return signIn(c, row, place);
  const step: LoginResult = {
    twoFactor: "required",
    ticket: await issueTicket(c.env.SECRET, { ...row, totp_secret: row.totp_secret }),
  };
  return c.json(step);
});

/** The code step: the ticket from the password step plus a code from the app or a recovery code. */
auth.post("/login/two-factor", async (c) => {
  const { ticket, code } = parseOr400(loginTwoFactorSchema, await jsonBody(c), "body");
  const byId = (id: string) => c.env.DB.prepare(`${SELECT_AGENT} WHERE id = ?`).bind(id).first<AgentRow>();
  const agentId = await readTicket(c.env.SECRET, ticket, byId);
  if (!agentId) throw new ApiFailure(401, "bad_ticket", "sign-in took too long or changed; enter your password again");
  const row = await byId(agentId);
  const place = row ? await landing(c, row.id) : undefined;
  if (!row || !place) throw new ApiFailure(401, "bad_ticket", "enter your password again");
  await gate(c, row.email);
  if (!(await checkCode(c.env.DB, c.env.SECRET, row, code)))
    return refuse(c, row.email, "bad_code", "that code is wrong");
  return signIn(c, row, place);
});

auth.post("/logout", async (c) => {
  const token = getCookie(c, SESSION_COOKIE);
  const a = token ? await sessionAgent(c.env.DB, token) : null;
  // Its sockets close with it, like any ended session.
  if (a?.sessionId) await endSessions(c.env, a.id, { only: [a.sessionId] });
  else if (token) await deleteSession(c.env.DB, token);
  deleteCookie(c, SESSION_COOKIE, { path: "/" });
  return c.json({ ok: true });
});
