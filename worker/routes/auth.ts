// Console login: email + password → an HttpOnly, Secure, SameSite=Strict session cookie.
import { Hono } from "hono";
import { deleteCookie, getCookie, setCookie } from "hono/cookie";
import { loginSchema, type Me } from "../../shared/api.ts";
import { verifyPassword } from "../auth/password.ts";
import { createSession, deleteSession, SESSION_COOKIE, SESSION_TTL_MS } from "../auth/sessions.ts";
import type { AppEnv } from "../env.ts";
import { ApiFailure, jsonBody, parseOr400 } from "../http/errors.ts";

export const auth = new Hono<AppEnv>();

// Verifying against a real hash when the email is unknown keeps response time from telling which
// emails have accounts.
const DUMMY_HASH = "pbkdf2-sha256$100000$AAAAAAAAAAAAAAAAAAAAAA$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA";

auth.post("/login", async (c) => {
  const { email, password } = parseOr400(loginSchema, await jsonBody(c), "body");
  const row = await c.env.DB.prepare(
    "SELECT id, email, name, role, workspace_id, password_hash FROM agents WHERE email = ?",
  )
    .bind(email)
    .first<{
      id: string;
      email: string;
      name: string;
      role: Me["role"];
      workspace_id: string;
      password_hash: string;
    }>();
  const ok = await verifyPassword(password, row?.password_hash ?? DUMMY_HASH);
  if (!row || !ok) throw new ApiFailure(401, "bad_credentials", "email or password is wrong");
  const token = await createSession(c.env.DB, row.id);
  const secure = new URL(c.req.url).protocol === "https:";
  setCookie(c, SESSION_COOKIE, token, {
    httpOnly: true,
    secure,
    sameSite: "Strict",
    path: "/",
    maxAge: SESSION_TTL_MS / 1000,
  });
  const me: Me = { id: row.id, email: row.email, name: row.name, role: row.role, workspaceId: row.workspace_id };
  return c.json(me);
});

auth.post("/logout", async (c) => {
  const token = getCookie(c, SESSION_COOKIE);
  if (token) await deleteSession(c.env.DB, token);
  deleteCookie(c, SESSION_COOKIE, { path: "/" });
  return c.json({ ok: true });
});
