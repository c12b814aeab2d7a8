// Sign-in throttling, per account and per network (an IPv4 address or an IPv6 /64: one subscriber
// gets a whole /64, so single IPv6 addresses cost an attacker nothing to rotate).
//
// Two layers:
// - attempts: Cloudflare's rate-limiting binding (LOGIN_LIMITER, wrangler.jsonc `ratelimits`) counts
//   every try per network and per account before any password is hashed. It is per location and
//   eventually consistent, which is fine for blunting floods. Without the binding, a D1 counter
//   (`LOGIN_ATTEMPTS`) does the same job, so no deployment is left unthrottled.
// - lockout: failed sign-ins (wrong password or code) are counted in D1, which every isolate and
//   location shares: ACCOUNT_LOCK failures lock the account whatever networks they came from,
//   NETWORK_LOCK failures lock the network whatever accounts it tried. A lock answers exactly like
//   a lock on an account that does not exist, so it tells nothing about which emails are real.
import type { Env } from "../env.ts";

export const ACCOUNT_LOCK = { failures: 5, windowMs: 15 * 60_000, lockMs: 15 * 60_000 };
export const NETWORK_LOCK = { failures: 20, windowMs: 15 * 60_000, lockMs: 15 * 60_000 };

export type Gate = { ok: true } | { ok: false; retryAfter: number };

/** The network a client address belongs to, as a throttle key. */
export function networkOf(ip: string): string {
  const v4 = /^(?:::ffff:)?(\d{1,3}(?:\.\d{1,3}){3})$/i.exec(ip);
  if (v4) return `v4:${v4[1]}`;
  if (!ip.includes(":")) return `other:${ip.slice(0, 64)}`;
  const [head = "", tail = ""] = ip.toLowerCase().split("::");
  const left = head ? head.split(":") : [];
  const right = tail ? tail.split(":") : [];
  const groups = ip.includes("::")
    ? [...left, ...Array(Math.max(0, 8 - left.length - right.length)).fill("0"), ...right]
    : left;
  const prefix = groups.slice(0, 4).map((g: string) => (Number.parseInt(g, 16) || 0).toString(16));
  return `v6:${prefix.join(":")}::/64`;
}

const failKeys = (email: string, ip: string) => ({
  account: `fail:acct:${email}`,
  network: `fail:net:${networkOf(ip)}`,
});

/** Before a password is checked: refused while locked or over the attempt rate. */
export async function loginGate(env: Env, email: string, ip: string): Promise<Gate> {
  const now = Date.now();
  const k = failKeys(email, ip);
  const locks = await env.DB.prepare("SELECT MAX(locked_until) AS until FROM login_throttle WHERE key IN (?, ?)")
    .bind(k.account, k.network)
    .first<{ until: number | null }>();
  if (locks?.until && locks.until > now) return { ok: false, retryAfter: Math.ceil((locks.until - now) / 1000) };
  for (const key of [`net:${networkOf(ip)}`, `acct:${email}`]) {
    const gate = env.LOGIN_LIMITER ? await viaBinding(env.LOGIN_LIMITER, key) : await viaD1(env, key, now);
    if (!gate.ok) return gate;
  }
  return { ok: true };
}

async function viaBinding(limiter: RateLimit, key: string): Promise<Gate> {
  const { success } = await limiter.limit({ key });
  return success ? { ok: true } : { ok: false, retryAfter: 60 };
}

async function viaD1(env: Env, key: string, now: number): Promise<Gate> {
  const [limit, periodS] = (env.LOGIN_ATTEMPTS ?? "").split(",").map(Number);
  const max = limit && limit > 0 ? limit : 10;
  const period = (periodS && periodS > 0 ? periodS : 60) * 1000;
  const row = await env.DB.prepare(
    `INSERT INTO login_throttle (key, count, window_start) VALUES (?1, 1, ?2)
     ON CONFLICT (key) DO UPDATE SET
       count = CASE WHEN window_start <= ?2 - ?3 THEN 1 ELSE count + 1 END,
       window_start = CASE WHEN window_start <= ?2 - ?3 THEN ?2 ELSE window_start END
     RETURNING count, window_start`,
  )
    .bind(`try:${key}`, now, period)
    .first<{ count: number; window_start: number }>();
  if (!row || row.count <= max) return { ok: true };
  return { ok: false, retryAfter: Math.max(1, Math.ceil((row.window_start + period - now) / 1000)) };
}

/** A wrong password or code: counts toward both locks, and sets them when a count reaches its limit. */
export async function loginFailed(env: Env, email: string, ip: string): Promise<void> {
  const now = Date.now();
  const k = failKeys(email, ip);
  const bump = (key: string, p: typeof ACCOUNT_LOCK) =>
    env.DB.prepare(
      `INSERT INTO login_throttle (key, count, window_start, locked_until) VALUES (?1, 1, ?2, CASE WHEN 1 >= ?4 THEN ?2 + ?5 ELSE 0 END)
       ON CONFLICT (key) DO UPDATE SET
         count = CASE WHEN window_start <= ?2 - ?3 THEN 1 ELSE count + 1 END,
         window_start = CASE WHEN window_start <= ?2 - ?3 THEN ?2 ELSE window_start END,
         locked_until = CASE WHEN (CASE WHEN window_start <= ?2 - ?3 THEN 1 ELSE count + 1 END) >= ?4
                             THEN ?2 + ?5 ELSE locked_until END`,
    ).bind(key, now, p.windowMs, p.failures, p.lockMs);
  await env.DB.batch([bump(k.account, ACCOUNT_LOCK), bump(k.network, NETWORK_LOCK)]);
  // Guessed emails leave rows behind; now and then the stale ones go (no lock, window long over).
  if (Math.random() < 0.02)
    await env.DB.prepare("DELETE FROM login_throttle WHERE locked_until < ?1 AND window_start < ?1 - 86400000")
      .bind(now)
      .run();
}

/** A full sign-in: the account's failures are forgiven (the network's are not: one good account must not clear a spray). */
export async function loginSucceeded(env: Env, email: string): Promise<void> {
  await env.DB.prepare("DELETE FROM login_throttle WHERE key = ?").bind(`fail:acct:${email}`).run();
}
