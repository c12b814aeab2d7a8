// A workspace's sign-in policy, `/admin/v1/workspace/security` (GET, PUT): owners (a session) or the
// operator's ADMIN_TOKEN with `?workspace=`. Served by the workspace's admin router (routes.ts), whose
// own guard and budget run first; these handlers add the owner guard (`ownersOnly`).
import type { Context } from "hono";
import { workspaceSecuritySchema } from "../../shared/security.ts";
import { audit } from "../audit/log.ts";
import type { AppEnv } from "../env.ts";
import { ApiFailure, jsonBody, parseOr400 } from "../http/errors.ts";
import { requireAdmin } from "../middleware/auth.ts";

export const ownersOnly = requireAdmin({ role: "owner" });

export async function readSecurity(c: Context<AppEnv>): Promise<Response> {
  const w = await c.env.DB.prepare("SELECT require_two_factor FROM workspaces WHERE id = ?")
    .bind(c.get("agent").workspaceId)
    .first<{ require_two_factor: number }>();
  return c.json({ requireTwoFactor: w?.require_two_factor === 1 });
}

/** Requiring two-factor: from the next request on, people without it can only set it up. */
export async function writeSecurity(c: Context<AppEnv>): Promise<Response> {
  const { requireTwoFactor } = parseOr400(workspaceSecuritySchema, await jsonBody(c), "body");
  const me = c.get("agent");
  const ws = me.workspaceId;
  // An owner who requires it without having it would lock themselves out of everything but enrolment.
  if (requireTwoFactor && me.sessionId) {
    const mine = await c.env.DB.prepare("SELECT totp_secret IS NOT NULL AS on_ FROM agents WHERE id = ?")
      .bind(me.id)
      .first<{ on_: number }>();
    if (!mine?.on_)
      throw new ApiFailure(409, "two_factor_first", "turn on two-factor sign-in for yourself before requiring it");
  }
  const before = await c.env.DB.prepare("SELECT require_two_factor FROM workspaces WHERE id = ?")
    .bind(ws)
    .first<{ require_two_factor: number }>();
  await c.env.DB.prepare("UPDATE workspaces SET require_two_factor = ? WHERE id = ?")
    .bind(requireTwoFactor ? 1 : 0, ws)
    .run();
  await audit(c, {
    action: "workspace.security",
    target: { type: "workspace", id: ws },
    before: { requireTwoFactor: before?.require_two_factor === 1 },
    after: { requireTwoFactor },
  });
  return c.json({ requireTwoFactor });
}
