// `/api/me`: who is signed in, and what every agent manages for themselves: their password, their
// sessions and their second factor. Who-am-I, two-factor status and enrolment work before two-factor
// is set up in a workspace that requires it; nothing else does (middleware/auth.ts). Each route names
// which of the two session guards it takes. The agent's own availability for routing is here too
// (inbox/agents.ts), and their alert settings. No budget of its own: a signed-in person's own settings.
//
// A person who belongs to several workspaces lists them (`GET /workspaces`) and switches
// (`POST /workspace`): a new session acting in the other workspace, and the current one ends, so a
// session is only ever in one workspace. Their password, sessions and two-factor are the account's,
// across every workspace.
import { Hono, type Context } from "hono";
import { type AlertSettings, alertSettingsSchema } from "../../shared/alerts.ts";
import { availabilitySchema, type Me } from "../../shared/api.ts";
import { safeParseJson } from "../../shared/json.ts";
import { type MyWorkspaces, switchWorkspaceSchema } from "../../shared/people.ts";
import {
  passwordChangeSchema,
  twoFactorCodeSchema,
  twoFactorOffSchema,
  type RecoveryCodes,
  type SecurityStatus,
  type TwoFactorSetup,
} from "../../shared/security.ts";
import { audit } from "../audit/log.ts";
import { hashPassword, verifyPassword } from "../auth/password.ts";
import { openSession } from "../auth/routes.ts";
import { listSessions } from "../auth/sessions.ts";
import { otpauthUri } from "../auth/totp.ts";
import { checkCode, newRecoveryCodes, newTotpSecret } from "../auth/two-factor.ts";
import type { AppEnv } from "../env.ts";
import { ApiFailure, jsonBody, parseOr400 } from "../http/errors.ts";
import { setOwnAvailability } from "../inbox/agents.ts";
import { requireAgent } from "../middleware/auth.ts";
import { placesOf } from "./members.ts";
import { endSessions } from "./revoke.ts";

export const meApi = new Hono<AppEnv>();
const early = requireAgent({ twoFactor: "skip" });
const full = requireAgent();

type Secrets = {
  password_hash: string;
  totp_secret: string | null;
  totp_pending: string | null;
  totp_last_step: number;
};
const secretsOf = async (c: Context<AppEnv>) =>
  (await c.env.DB.prepare("SELECT password_hash, totp_secret, totp_pending, totp_last_step FROM agents WHERE id = ?")
    .bind(c.get("agent").id)
    .first<Secrets>()) as Secrets;
const target = (c: Context<AppEnv>) => ({ type: "agent", id: c.get("agent").id });

/** The caller's alert settings (docs/alerts.md): the defaults until they save some. */
meApi.get("/alerts", full, async (c) => {
  const row = await c.env.DB.prepare("SELECT alert_settings FROM agents WHERE id = ?")
    .bind(c.get("agent").id)
    .first<{ alert_settings: string | null }>();
  const body: AlertSettings = alertSettingsOf(row?.alert_settings ?? null);
  return c.json(body);
});

/** Replaces the caller's alert settings; only their own account's, whichever workspace they act in. */
meApi.put("/alerts", full, async (c) => {
  const body: AlertSettings = parseOr400(alertSettingsSchema, await jsonBody(c), "body");
  await c.env.DB.prepare("UPDATE agents SET alert_settings = ? WHERE id = ?")
    .bind(JSON.stringify(body), c.get("agent").id)
    .run();
  return c.json(body);
});

/** Stored settings read back through the schema: a row it cannot read is the defaults (safeParseJson logs why). */
const alertSettingsOf = (raw: string | null): AlertSettings =>
  (raw === null ? null : safeParseJson(alertSettingsSchema, raw, "alert settings")) ?? alertSettingsSchema.parse({});

/** Who is signed in: the console asks on every load to restore its session. */
meApi.get("/", early, (c) => {
  const a = c.get("agent");
  const me: Me = { id: a.id, email: a.email, name: a.name, role: a.role, workspaceId: a.workspaceId };
  return c.json(me);
});

meApi.get("/security", early, async (c) => {
  const s = await secretsOf(c);
  const left = await c.env.DB.prepare("SELECT COUNT(*) AS n FROM recovery_codes WHERE agent_id = ? AND used_at IS NULL")
    .bind(c.get("agent").id)
    .first<{ n: number }>();
  const status: SecurityStatus = {
    twoFactor: s.totp_secret !== null,
    required: await required(c),
    recoveryCodesLeft: left?.n ?? 0,
  };
  return c.json(status);
});

async function required(c: Context<AppEnv>): Promise<boolean> {
  const w = await c.env.DB.prepare("SELECT require_two_factor FROM workspaces WHERE id = ?")
    .bind(c.get("agent").workspaceId)
    .first<{ require_two_factor: number }>();
  return w?.require_two_factor === 1;
}

/** A new password ends every other session of the agent (this one stays). */
meApi.put("/password", full, async (c) => {
  const body = parseOr400(passwordChangeSchema, await jsonBody(c), "body");
  const a = c.get("agent");
  if (!(await verifyPassword(body.current, (await secretsOf(c)).password_hash)))
    throw new ApiFailure(403, "wrong_password", "the current password is wrong", [
      { path: "current", message: "this is not your current password" },
    ]);
  await c.env.DB.prepare("UPDATE agents SET password_hash = ? WHERE id = ?")
    .bind(await hashPassword(body.password), a.id)
    .run();
  const ended = await endSessions(c.env, a.id, { keep: a.sessionId });
  await audit(c, { action: "agent.password_changed", target: target(c), after: { sessionsEnded: ended.length } });
  return c.json({ ok: true, sessionsEnded: ended.length });
});

meApi.get("/sessions", full, async (c) =>
  c.json({ sessions: await listSessions(c.env.DB, c.get("agent").id, { current: c.get("agent").sessionId }) }),
);

meApi.delete("/sessions/:sid", full, async (c) => {
  const a = c.get("agent");
  const ended = await endSessions(c.env, a.id, { only: [c.req.param("sid")] });
  if (!ended.length) throw new ApiFailure(404, "not_found", "no such session");
  await audit(c, {
    action: "session.ended",
    target: { type: "session", id: ended[0] as string },
    before: { agent: a.id },
  });
  return c.json({ ok: true });
});

// ---- two-factor ----------------------------------------------------------------------------------

/** Step 1: a new secret for the app (shown once; kept sealed as pending until a code confirms it). */
meApi.post("/two-factor/setup", early, async (c) => {
  const s = await secretsOf(c);
  if (s.totp_secret) throw new ApiFailure(409, "two_factor_on", "two-factor sign-in is already on");
  const secret = await newTotpSecret(c.env.SECRET);
  await c.env.DB.prepare("UPDATE agents SET totp_pending = ? WHERE id = ?")
    .bind(secret.sealed, c.get("agent").id)
    .run();
  const setup: TwoFactorSetup = { secret: secret.b32, uri: otpauthUri("EdgeDesk", c.get("agent").email, secret.b32) };
  return c.json(setup, 200, { "cache-control": "no-store" });
});

/** Step 2: a code from the app turns it on; the recovery codes are in this answer only. */
meApi.post("/two-factor/enable", early, async (c) => {
  const { code } = parseOr400(twoFactorCodeSchema, await jsonBody(c), "body");
  const a = c.get("agent");
  const s = await secretsOf(c);
  if (s.totp_secret) throw new ApiFailure(409, "two_factor_on", "two-factor sign-in is already on");
  if (!s.totp_pending) throw new ApiFailure(409, "no_setup", "start the setup first");
  const holder = { id: a.id, totp_secret: s.totp_secret, totp_last_step: s.totp_last_step };
  if (!(await checkCode(c.env.DB, c.env.SECRET, holder, code, s.totp_pending)))
    throw new ApiFailure(400, "bad_code", "that code is wrong; check the time on your phone", [
      { path: "code", message: "that code is wrong" },
    ]);
  await c.env.DB.prepare("UPDATE agents SET totp_secret = totp_pending, totp_pending = NULL WHERE id = ?")
    .bind(a.id)
    .run();
  const codes: RecoveryCodes = { recoveryCodes: await newRecoveryCodes(c.env.DB, a.id) };
  // Sessions opened with the password alone end; this one has just proved the second factor.
  const ended = await endSessions(c.env, a.id, { keep: a.sessionId });
  await audit(c, { action: "agent.two_factor_on", target: target(c), after: { sessionsEnded: ended.length } });
  return c.json(codes, 200, { "cache-control": "no-store" });
});

meApi.post("/two-factor/recovery-codes", full, async (c) => {
  const { code } = parseOr400(twoFactorCodeSchema, await jsonBody(c), "body");
  const a = c.get("agent");
  const s = await secretsOf(c);
  if (!s.totp_secret) throw new ApiFailure(409, "two_factor_off", "two-factor sign-in is off");
  const holder = { id: a.id, totp_secret: s.totp_secret, totp_last_step: s.totp_last_step };
  if ((await checkCode(c.env.DB, c.env.SECRET, holder, code)) !== "totp")
    throw new ApiFailure(400, "bad_code", "enter a code from your app", [
      { path: "code", message: "that code is wrong" },
    ]);
  const codes: RecoveryCodes = { recoveryCodes: await newRecoveryCodes(c.env.DB, a.id) };
  await audit(c, { action: "agent.recovery_codes_renewed", target: target(c) });
  return c.json(codes, 200, { "cache-control": "no-store" });
});

meApi.delete("/two-factor", full, async (c) => {
  const { password } = parseOr400(twoFactorOffSchema, await jsonBody(c), "body");
  const a = c.get("agent");
  if (await required(c))
    throw new ApiFailure(409, "two_factor_required", "this workspace requires two-factor sign-in; it stays on");
  if (!(await verifyPassword(password, (await secretsOf(c)).password_hash)))
    throw new ApiFailure(403, "wrong_password", "the password is wrong", [
      { path: "password", message: "wrong password" },
    ]);
  await c.env.DB.batch([
    c.env.DB.prepare("UPDATE agents SET totp_secret = NULL, totp_pending = NULL WHERE id = ?").bind(a.id),
    c.env.DB.prepare("DELETE FROM recovery_codes WHERE agent_id = ?").bind(a.id),
  ]);
  await audit(c, { action: "agent.two_factor_off", target: target(c) });
  return c.json({ ok: true });
});

/** Away or available: the inbox stops or starts routing to this agent. */
meApi.put("/availability", full, async (c) => {
  const { away } = parseOr400(availabilitySchema, await jsonBody(c), "body");
  await setOwnAvailability(c, away);
  return c.json({ away });
});

// ---- workspaces ----------------------------------------------------------------------------------

/** The workspaces this person may act in (home first), with their role in each and the current one. */
meApi.get("/workspaces", full, async (c) => {
  const a = c.get("agent");
  const list: MyWorkspaces = {
    workspaces: (await placesOf(c.env.DB, a.id)).map((p) => ({
      id: p.workspaceId,
      name: p.name,
      role: p.role,
      home: p.home,
      current: p.workspaceId === a.workspaceId,
    })),
  };
  return c.json(list);
});

/**
 * Switches to another workspace of the person's: a new session cookie acting there, and this session
 * ends (with its sockets). A workspace they are not an enabled member of is missing, whether it exists
 * or not.
 */
meApi.post("/workspace", full, async (c) => {
  const { workspaceId } = parseOr400(switchWorkspaceSchema, await jsonBody(c), "body");
  const a = c.get("agent");
  const place = (await placesOf(c.env.DB, a.id)).find((p) => p.workspaceId === workspaceId);
  if (!place) throw new ApiFailure(404, "unknown_workspace", "you are not a member of this workspace");
  if (place.workspaceId === a.workspaceId) {
    const same: Me = { id: a.id, email: a.email, name: a.name, role: a.role, workspaceId: a.workspaceId };
    return c.json(same);
  }
  const me = await openSession(c, a, place);
  if (a.sessionId) await endSessions(c.env, a.id, { only: [a.sessionId] });
  return c.json(me);
});
