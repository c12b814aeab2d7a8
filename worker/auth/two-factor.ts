// Two-factor sign-in: TOTP secrets (sealed in D1), one-time recovery codes (hashed), and the signed
// ticket that carries a correct password over to the code step without a session.
import { b64url, fromB64url, hmacSha256, randomToken, sha256, timingSafeEqual } from "./crypto.ts";
import { seal, unseal } from "./seal.ts";
import { base32Encode, matchStep } from "./totp.ts";
import { parseJson } from "../../shared/json.ts";
import * as z from "zod/mini";

const PURPOSE = "totp";
export const RECOVERY_CODES = 10;
export const TICKET_TTL_MS = 5 * 60_000;

export async function newTotpSecret(key: string): Promise<{ b32: string; sealed: string }> {
  const bytes = crypto.getRandomValues(new Uint8Array(20));
  return { b32: base32Encode(bytes), sealed: await seal(key, PURPOSE, bytes) };
}

type Holder = { id: string; totp_secret: string | null; totp_last_step: number };

/**
 * Checks a TOTP code against `sealed` (a code is good once: the step moves forward atomically, so two
 * requests racing with one code cannot both pass) or, failing that, spends a recovery code.
 */
export async function checkCode(
  db: D1Database,
  key: string,
  agent: Holder,
  code: string,
  sealed: string | null = agent.totp_secret,
): Promise<"totp" | "recovery" | null> {
  const digits = code.replace(/\s/g, "");
  if (/^\d{6}$/.test(digits)) {
    const secret = sealed ? await unseal(key, PURPOSE, sealed) : null;
    if (!secret) return null;
    const step = await matchStep(secret, digits, Date.now() / 1000, agent.totp_last_step);
    if (step === null) return null;
    const r = await db
      .prepare("UPDATE agents SET totp_last_step = ? WHERE id = ? AND totp_last_step < ?")
      .bind(step, agent.id, step)
      .run();
    return r.meta.changes ? "totp" : null;
  }
  if (sealed !== agent.totp_secret) return null; // enrolment confirms with the app, not a recovery code
  const r = await db
    .prepare("UPDATE recovery_codes SET used_at = ? WHERE agent_id = ? AND code_hash = ? AND used_at IS NULL")
    .bind(Date.now(), agent.id, await sha256(normalRecovery(code)))
    .run();
  return r.meta.changes ? "recovery" : null;
}

const normalRecovery = (code: string) => code.toLowerCase().replace(/[^a-z2-7]/g, "");

/** Ten fresh codes (50 random bits each, shown once); the old ones stop working. */
export async function newRecoveryCodes(db: D1Database, agentId: string): Promise<string[]> {
  const codes = Array.from({ length: RECOVERY_CODES }, () => {
    const s = base32Encode(crypto.getRandomValues(new Uint8Array(7)))
      .slice(0, 10)
      .toLowerCase();
    return `${s.slice(0, 5)}-${s.slice(5)}`;
  });
  const hashes = await Promise.all(codes.map((c) => sha256(normalRecovery(c))));
  await db.batch([
    db.prepare("DELETE FROM recovery_codes WHERE agent_id = ?").bind(agentId),
    ...hashes.map((h) => db.prepare("INSERT INTO recovery_codes (agent_id, code_hash) VALUES (?, ?)").bind(agentId, h)),
  ]);
  return codes;
}

// ---- the ticket between the password step and the code step -----------------------------------

/** Binds the ticket to the current password and second factor: changing either voids it. */
const fingerprint = async (passwordHash: string, totpSecret: string) =>
  (await sha256(`${passwordHash}|${totpSecret}`)).slice(0, 16);

export async function issueTicket(
  key: string,
  a: { id: string; password_hash: string; totp_secret: string },
): Promise<string> {
  const body = b64url(
    new TextEncoder().encode(
      JSON.stringify({
        a: a.id,
        e: Date.now() + TICKET_TTL_MS,
        f: await fingerprint(a.password_hash, a.totp_secret),
        n: randomToken(6),
      }),
    ),
  );
  return `${body}.${b64url(await hmacSha256(key, `2fa-ticket|${body}`))}`;
}

/** What a ticket's signed body holds: agent id, expiry, account fingerprint (and a nonce, ignored). */
const ticketBody = z.object({ a: z.string(), e: z.number(), f: z.string() });

/** The agent id a ticket was issued for, if its signature holds, it is fresh and still fits the account. */
export async function readTicket(
  key: string,
  ticket: string,
  current: (agentId: string) => Promise<{ password_hash: string; totp_secret: string | null } | null>,
): Promise<string | null> {
  const [body, mac] = ticket.split(".");
  if (!body || !mac) return null;
  let expected: Uint8Array;
  let got: Uint8Array;
  try {
    expected = await hmacSha256(key, `2fa-ticket|${body}`);
    got = fromB64url(mac);
  } catch {
    return null;
  }
  if (!timingSafeEqual(expected, got)) return null;
  let t: z.infer<typeof ticketBody>;
  try {
    t = parseJson(ticketBody, new TextDecoder().decode(fromB64url(body)), "2fa ticket");
  } catch {
    return null;
  }
  if (t.e < Date.now()) return null;
  const row = await current(t.a);
  if (!row?.totp_secret || (await fingerprint(row.password_hash, row.totp_secret)) !== t.f) return null;
  return t.a;
}
