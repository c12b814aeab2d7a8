// Guards for the agent API (session cookie, by role), the admin API (an operator's bearer ADMIN_TOKEN
// naming its workspace, or a session with the role asked for) and operator-only routes.
import type { Context, MiddlewareHandler } from "hono";
import { getCookie } from "hono/cookie";
import type { Role } from "../../shared/api.ts";
import { OPERATOR_HEADER } from "../../shared/credentials.ts";
import { timingSafeEqualText } from "../auth/crypto.ts";
import { SESSION_COOKIE, sessionAgent } from "../auth/sessions.ts";
import type { AppEnv } from "../env.ts";
import { ApiFailure } from "../http/errors.ts";

export const rank: Record<Role, number> = { agent: 0, editor: 1, owner: 2 };

type AgentOptions = {
  role?: Role;
  /**
   * "skip": the route works before two-factor is set up in a workspace that requires it (who am I,
   * enrolment, sign out); everything else waits until it is.
   */
  twoFactor?: "enforce" | "skip";
};

export function requireAgent({ role = "agent", twoFactor = "enforce" }: AgentOptions = {}): MiddlewareHandler<AppEnv> {
  return async function requireAgentHandler(c, next) {
    // A router's guard and a route's stricter one (same router) share one session lookup per request.
    const token = getCookie(c, SESSION_COOKIE);
    const agent = c.get("agent") ?? (token ? await sessionAgent(c.env.DB, token) : null);
    if (!agent) throw new ApiFailure(401, "unauthenticated", "log in first");
    c.set("agent", agent);
    if (agent.twoFactorMissing && twoFactor === "enforce")
      throw new ApiFailure(403, "two_factor_required", "this workspace requires two-factor sign-in: set it up first");
    if (rank[agent.role] < rank[role]) throw new ApiFailure(403, "forbidden", `this needs the ${role} role`);
    await next();
  };
}

/** The ADMIN_TOKEN, compared in constant time; undefined when the request has no bearer token. */
function bearer(c: Context<AppEnv>): boolean | undefined {
  const auth = c.req.header("authorization");
  if (!auth?.startsWith("Bearer ")) return undefined;
  const ok = !!c.env.ADMIN_TOKEN && timingSafeEqualText(auth.slice(7), c.env.ADMIN_TOKEN);
  if (!ok) throw new ApiFailure(401, "unauthenticated", "admin token is wrong");
  return true;
}

/** Who the ADMIN_TOKEN acts as: the deployment's operator, an owner of whatever workspace it names. */
export const OPERATOR = { id: "operator", email: "operator (ADMIN_TOKEN)", name: "Operator", role: "owner" } as const;

/**
 * Operators and CI scripts use the ADMIN_TOKEN and say which workspace they act on (`?workspace=`;
 * there is no default, so a forgotten parameter cannot write into somebody else's workspace); people
 * use their session and need `role` (editor by default: the KB; owners for people, sites, keys).
 */
export function requireAdmin({ role = "editor" }: { role?: Role } = {}): MiddlewareHandler<AppEnv> {
  const asAgent = requireAgent({ role });
  return async function requireAdminHandler(c, next) {
    if (!bearer(c)) return asAgent(c, next);
    const workspaceId = c.req.query("workspace");
    if (!workspaceId)
      throw new ApiFailure(
        400,
        "workspace_required",
        "name the workspace: ?workspace=ID (admin-token calls have no default)",
      );
    const known = /^[\w-]{1,64}$/.test(workspaceId)
      ? await c.env.DB.prepare("SELECT 1 AS x FROM workspaces WHERE id = ?").bind(workspaceId).first()
      : null;
    if (!known) throw new ApiFailure(404, "unknown_workspace", `no workspace ${workspaceId}`);
    c.set("agent", { ...OPERATOR, workspaceId });
    return next();
  };
}

/**
 * A session with `role`, or the operator's ADMIN_TOKEN acting on the workspace it names, which need not
 * exist yet (a workspace import creates it) or on none (`workspace` left empty: the deployment as a whole).
 */
export function ownerOrOperator({ role = "owner" }: { role?: Role } = {}): MiddlewareHandler<AppEnv> {
  const asAgent = requireAgent({ role });
  return async function ownerOrOperatorHandler(c, next) {
    if (!bearer(c)) return asAgent(c, next);
    const workspaceId = c.req.query("workspace") ?? "";
    if (workspaceId && !/^[\w-]{1,64}$/.test(workspaceId))
      throw new ApiFailure(400, "invalid_query", "workspace: 1 to 64 letters, digits, _ or -");
    c.set("agent", { ...OPERATOR, workspaceId });
    return next();
  };
}

/** Operator-only (the ADMIN_TOKEN): creating workspaces, mapping inbound email addresses to them. */
export function requireOperator(): MiddlewareHandler<AppEnv> {
  return async function requireOperatorHandler(c, next) {
    if (bearer(c)) return next();
    throw new ApiFailure(403, "forbidden", "this needs the operator's ADMIN_TOKEN");
  };
}

/** Whether the request is the operator's own load: the ADMIN_TOKEN in OPERATOR_HEADER (constant time). */
export function isOperatorLoad(c: Context<AppEnv>): boolean {
  const given = c.req.header(OPERATOR_HEADER);
  return !!c.env.ADMIN_TOKEN && !!given && timingSafeEqualText(given, c.env.ADMIN_TOKEN);
}
