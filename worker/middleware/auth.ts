// Guards for the agent API (session cookie, by role) and the admin API (bearer token or a session
// with an editor/owner role).
import type { Context, MiddlewareHandler } from "hono";
import { getCookie } from "hono/cookie";
import type { Role } from "../../shared/api.ts";
import { timingSafeEqualText } from "../auth/crypto.ts";
import { SESSION_COOKIE, sessionAgent } from "../auth/sessions.ts";
import type { AppEnv } from "../env.ts";
import { ApiFailure } from "../http/errors.ts";

const rank: Record<Role, number> = { agent: 0, editor: 1, owner: 2 };

export function requireAgent({ role = "agent" }: { role?: Role } = {}): MiddlewareHandler<AppEnv> {
  return async function requireAgentHandler(c, next) {
    // Several /api routers each guard their routes; the session is looked up once per request.
    const token = getCookie(c, SESSION_COOKIE);
    const agent = c.get("agent") ?? (token ? await sessionAgent(c.env.DB, token) : null);
    if (!agent) throw new ApiFailure(401, "unauthenticated", "log in first");
    if (rank[agent.role] < rank[role]) throw new ApiFailure(403, "forbidden", `this needs the ${role} role`);
    c.set("agent", agent);
    await next();
  };
}

/** Operators and CI scripts use the ADMIN_TOKEN; editors and owners (or owners only) their session. */
export function requireAdmin({ role = "editor" }: { role?: Role } = {}): MiddlewareHandler<AppEnv> {
  const asEditor = requireAgent({ role });
  return async function requireAdminHandler(c, next) {
    const auth = c.req.header("authorization");
    if (auth?.startsWith("Bearer ")) {
      const ok = !!c.env.ADMIN_TOKEN && timingSafeEqualText(auth.slice(7), c.env.ADMIN_TOKEN);
      if (!ok) throw new ApiFailure(401, "unauthenticated", "admin token is wrong");
      const workspaceId = c.req.query("workspace") ?? "demo";
      c.set("agent", { id: "admin", email: "admin", name: "Admin", role: "owner", workspaceId });
      return next();
    }
    return asEditor(c, next);
  };
}

/** Whether the request carries the ADMIN_TOKEN as its bearer (compared in constant time). */
export function hasAdminToken(c: Context<AppEnv>): boolean {
  const auth = c.req.header("authorization");
  return !!c.env.ADMIN_TOKEN && !!auth?.startsWith("Bearer ") && timingSafeEqualText(auth.slice(7), c.env.ADMIN_TOKEN);
}
