// `/api/account`: what a person does from an emailed link, before they can sign in. Public, budgeted
// per client address. The link's token comes in the body (never a URL); unknown, used, withdrawn and
// expired links all stop here. Accepting an invitation creates the account and signs it in (it has no
// second factor yet); completing a reset sets the password and ends every session of the account, and
// does *not* sign in, so a reset never skips two-factor. Asking for a reset answers the same whether
// the address has an account or not.
//
// An invitation to an address that already has an account (in another workspace) is joined, never
// accepted into a second account: `/invite/join` adds a membership for that account, proved by its
// signed-in session or its password (throttled like sign-in). Nobody but the person sets or learns
// that password; with the password it also signs in there, unless the account has two-factor on
// (then the person signs in as usual, so joining never skips the second factor).
import { Hono, type Context } from "hono";
import type { Role } from "../../shared/api.ts";
import { getCookie } from "hono/cookie";
import {
  acceptInviteSchema,
  type InviteView,
  type JoinAnswer,
  joinInviteSchema,
  resetCompleteSchema,
  resetRequestSchema,
  tokenSchema,
} from "../../shared/people.ts";
import { recordAudit } from "../audit/log.ts";
import { hashPassword, verifyPassword } from "../auth/password.ts";
import { openSession, startSession } from "../auth/routes.ts";
import { SESSION_COOKIE, sessionAgent } from "../auth/sessions.ts";
import { loginFailed, loginGate, loginSucceeded } from "../auth/throttle.ts";
import type { AppEnv } from "../env.ts";
import { ApiFailure, jsonBody, parseOr400 } from "../http/errors.ts";
import { clientIp, parseLimits, rateLimit } from "../middleware/rate-limit.ts";
import { consoleBase, newLinkToken, RESET_TTL_MS, sendLinkMail, tokenHash, withinQuietBudget } from "./links.ts";
import { placesOf } from "./members.ts";
import { endSessions } from "./revoke.ts";

export const accountApi = new Hono<AppEnv>();
accountApi.use(
  rateLimit({
    limits: (c) => parseLimits(c.env.PEOPLE_MAIL_LIMIT, { perSecond: 0.1, burst: 20 }),
    key: (c) => `ip:${clientIp(c)}`,
  }),
);

type InviteRow = {
  id: string;
  workspace_id: string;
  email: string;
  name: string | null;
  role: Role;
  teams: string;
  expires_at: number;
  used_at: number | null;
  revoked_at: number | null;
  workspace: string;
};

/** The invitation a token opens, or the refusal its holder is told (the holder is who it was sent to). */
async function openInvite(c: Context<AppEnv>, token: string): Promise<InviteRow> {
  const row = await c.env.DB.prepare(
    "SELECT i.*, w.name AS workspace FROM invites i JOIN workspaces w ON w.id = i.workspace_id WHERE i.token_hash = ?",
  )
    .bind(await tokenHash(token))
    .first<InviteRow>();
  if (!row || row.revoked_at !== null)
    throw new ApiFailure(404, "invite_unknown", "this invitation does not exist or was withdrawn");
  if (row.used_at !== null)
    throw new ApiFailure(410, "invite_used", "this invitation was already accepted; sign in instead");
  if (row.expires_at <= Date.now())
    throw new ApiFailure(410, "invite_expired", "this invitation has expired; ask for a new one");
  return row;
}

type Account = {
  id: string;
  email: string;
  name: string;
  workspace_id: string;
  password_hash: string;
  totp_secret: string | null;
};
const accountOf = (c: Context<AppEnv>, email: string) =>
  c.env.DB.prepare("SELECT id, email, name, workspace_id, password_hash, totp_secret FROM agents WHERE email = ?")
    .bind(email)
    .first<Account>();

/** Claims an open invitation, in one statement: of two tabs accepting at once, one gets the row. */
async function claim(c: Context<AppEnv>, invite: InviteRow): Promise<void> {
  const now = Date.now();
  const claimed = await c.env.DB.prepare(
    "UPDATE invites SET used_at = ? WHERE id = ? AND used_at IS NULL AND revoked_at IS NULL AND expires_at > ?",
  )
    .bind(now, invite.id, now)
    .run();
  if (!claimed.meta.changes)
    throw new ApiFailure(410, "invite_used", "this invitation was already accepted; sign in instead");
}

accountApi.post("/invite", async (c) => {
  const { token } = parseOr400(tokenSchema, await jsonBody(c), "body");
  const r = await openInvite(c, token);
  // The holder of the link is the address's owner: whether it has an account is theirs to know.
  const view: InviteView = {
    email: r.email,
    name: r.name,
    role: r.role,
    workspace: r.workspace,
    expiresAt: r.expires_at,
    account: !!(await accountOf(c, r.email)),
  };
  return c.json(view);
});

accountApi.post("/invite/accept", async (c) => {
  const body = parseOr400(acceptInviteSchema, await jsonBody(c), "body");
  const invite = await openInvite(c, body.token);
  // An existing account joins with its own password (/invite/join): the invitation stays open for that.
  if (await accountOf(c, invite.email)) throw accountExists();
  await claim(c, invite);
  const now = Date.now();
  const id = crypto.randomUUID();
  const created = await c.env.DB.prepare(
    `INSERT INTO agents (id, workspace_id, email, name, role, teams, password_hash, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)
     ON CONFLICT (email) DO NOTHING`,
  )
    .bind(
      id,
      invite.workspace_id,
      invite.email,
      body.name,
      invite.role,
      invite.teams,
      await hashPassword(body.password),
      now,
    )
    .run();
  if (!created.meta.changes) {
    // Someone made an account with this address meanwhile: the invitation stays usable for nothing else.
    throw accountExists();
  }
  await recordAudit(
    c.env,
    invite.workspace_id,
    { id, email: invite.email },
    {
      action: "invite.accepted",
      target: { type: "agent", id },
      after: { invite: invite.id, email: invite.email, name: body.name, role: invite.role },
    },
  );
  return startSession(
    c,
    { id, email: invite.email, name: body.name },
    { workspaceId: invite.workspace_id, role: invite.role, home: true },
  );
});

const accountExists = () =>
  new ApiFailure(409, "email_taken", "an account with this email already exists: join with it (your password)");

/**
 * An existing account joins the inviting workspace: proved by a session of that account in this
 * browser, or by its password (throttled per account and network, like sign-in). The invitation's
 * role and teams become the membership's. With the password and no two-factor on the account, it is
 * also signed in there; with two-factor, the person signs in as usual and switches.
 */
accountApi.post("/invite/join", async (c) => {
  const body = parseOr400(joinInviteSchema, await jsonBody(c), "body");
  const invite = await openInvite(c, body.token);
  const account = await accountOf(c, invite.email);
  if (!account)
    throw new ApiFailure(409, "no_account", "no account has this email yet: accept with your name and a password");
  const cookie = getCookie(c, SESSION_COOKIE);
  const session = cookie ? await sessionAgent(c.env.DB, cookie) : null;
  const viaSession = session?.id === account.id;
  if (!viaSession) {
    if (body.password === undefined)
      throw new ApiFailure(
        401,
        "sign_in_required",
        `sign in as ${invite.email} first, or give that account's password`,
      );
    const gate = await loginGate(c.env, account.email, clientIp(c));
    if (!gate.ok) {
      c.header("retry-after", String(gate.retryAfter));
      throw new ApiFailure(429, "too_many_attempts", "too many sign-in attempts; try again later");
    }
    if (!(await verifyPassword(body.password, account.password_hash))) {
      await loginFailed(c.env, account.email, clientIp(c));
      throw new ApiFailure(401, "bad_credentials", "the password is wrong", [
        { path: "password", message: "this is not the password of that account" },
      ]);
    }
  }
  const already = await c.env.DB.prepare("SELECT 1 AS x FROM workspace_people WHERE id = ? AND workspace_id = ?")
    .bind(account.id, invite.workspace_id)
    .first();
  if (already) throw new ApiFailure(409, "already_member", `you are already in ${invite.workspace}: switch to it`);
  await claim(c, invite);
  await c.env.DB.prepare(
    "INSERT INTO memberships (agent_id, workspace_id, role, teams, created_at) VALUES (?, ?, ?, ?, ?) ON CONFLICT DO NOTHING",
  )
    .bind(account.id, invite.workspace_id, invite.role, invite.teams, Date.now())
    .run();
  await recordAudit(
    c.env,
    invite.workspace_id,
    { id: account.id, email: account.email },
    {
      action: "invite.accepted",
      target: { type: "agent", id: account.id },
      after: { invite: invite.id, email: account.email, role: invite.role, member: true },
    },
  );
  const answer: JoinAnswer = { workspace: { id: invite.workspace_id, name: invite.workspace }, role: invite.role };
  if (viaSession || account.totp_secret) return c.json(answer);
  await loginSucceeded(c.env, account.email);
  const me = await openSession(c, account, { workspaceId: invite.workspace_id, role: invite.role, home: false });
  return c.json({ ...answer, me });
});

/** A reset link for an address: the same 202 whether or not it has an account, is disabled, or is over budget. */
accountApi.post("/reset", async (c) => {
  const { email } = parseOr400(resetRequestSchema, await jsonBody(c), "body");
  const account = await c.env.DB.prepare("SELECT id FROM agents WHERE email = ?").bind(email).first<{ id: string }>();
  // An account disabled in every workspace gets no mail; otherwise the first workspace it may act in
  // sends it (its support address, its audit log, its mail budget).
  const place = account ? (await placesOf(c.env.DB, account.id))[0] : undefined;
  if (account && place && withinQuietBudget(c, `ws:${place.workspaceId}`) && withinQuietBudget(c, `acct:${account.id}`))
    await mailReset(c, place.workspaceId, account.id, email, { id: account.id, email });
  return c.json({ ok: true }, 202);
});

/** Issues a reset link (earlier unused ones stop working) and mails it; false when the mail failed. */
export async function mailReset(
  c: Context<AppEnv>,
  workspaceId: string,
  agentId: string,
  email: string,
  actor: { id: string; email: string },
): Promise<boolean> {
  const now = Date.now();
  const { token, hash } = await newLinkToken();
  await c.env.DB.batch([
    c.env.DB.prepare("UPDATE password_resets SET used_at = ? WHERE agent_id = ? AND used_at IS NULL").bind(
      now,
      agentId,
    ),
    c.env.DB.prepare(
      "INSERT INTO password_resets (token_hash, workspace_id, agent_id, created_at, expires_at) VALUES (?, ?, ?, ?, ?)",
    ).bind(hash, workspaceId, agentId, now, now + RESET_TTL_MS),
  ]);
  const sent = await sendLinkMail(c, workspaceId, {
    to: email,
    subject: "Reset your EdgeDesk password",
    text: `Someone asked to reset the password of your EdgeDesk account (${email}).\n\nTo choose a new password, open this link:\n\n${consoleBase(c)}#/reset/${token}\n\nThe link works once, for 60 minutes. Resetting signs you out everywhere; two-factor sign-in stays as it is. If you did not ask for this, ignore this email: your password stays as it is.`,
  });
  if (!sent) {
    await c.env.DB.prepare("DELETE FROM password_resets WHERE token_hash = ?").bind(hash).run();
    return false;
  }
  await recordAudit(c.env, workspaceId, actor, {
    action: "password_reset.sent",
    target: { type: "agent", id: agentId },
    after: { expiresAt: now + RESET_TTL_MS },
  });
  return true;
}

accountApi.post("/reset/complete", async (c) => {
  const body = parseOr400(resetCompleteSchema, await jsonBody(c), "body");
  const now = Date.now();
  const hash = await tokenHash(body.token);
  const reset = await c.env.DB.prepare(
    "UPDATE password_resets SET used_at = ? WHERE token_hash = ? AND used_at IS NULL AND expires_at > ? RETURNING agent_id, workspace_id",
  )
    .bind(now, hash, now)
    .first<{ agent_id: string; workspace_id: string }>();
  if (!reset) throw new ApiFailure(410, "reset_invalid", "this link has expired or was used; ask for a new one");
  // The account, if it may still act somewhere (its home may have moved since the link was sent).
  const agent = await c.env.DB.prepare("SELECT email FROM agents WHERE id = ?")
    .bind(reset.agent_id)
    .first<{ email: string }>();
  if (!agent || !(await placesOf(c.env.DB, reset.agent_id)).length)
    throw new ApiFailure(410, "reset_invalid", "this link has expired or was used; ask for a new one");
  await c.env.DB.prepare("UPDATE agents SET password_hash = ? WHERE id = ?")
    .bind(await hashPassword(body.password), reset.agent_id)
    .run();
  const ended = await endSessions(c.env, reset.agent_id, {});
  // Proving the mailbox ends a lockout of the account (the password it locked is gone).
  await loginSucceeded(c.env, agent.email);
  await recordAudit(
    c.env,
    reset.workspace_id,
    { id: reset.agent_id, email: agent.email },
    {
      action: "password_reset.completed",
      target: { type: "agent", id: reset.agent_id },
      after: { password: "reset", sessionsEnded: ended.length },
    },
  );
  return c.json({ ok: true });
});
