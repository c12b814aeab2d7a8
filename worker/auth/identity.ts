// Identity verification for the widget's identify(): the site's server signs the user's id and email
// with the site's identity secret, so a visitor cannot claim to be someone else by editing the page.
// Unverified claims are still kept, flagged, because an agent can use them with care.
import { identityCanonical, type IdentifyRequest } from "../../shared/api.ts";
import type { Identity } from "../../shared/protocol.ts";
import { hmacSha256, timingSafeEqual } from "./crypto.ts";

/** A signature older than this is refused: a copied signature stops working soon. */
export const IDENTITY_MAX_AGE_S = 600;
/** Clocks disagree a little; a signature from further in the future is refused too. */
export const IDENTITY_FUTURE_SKEW_S = 60;

export type Verdict = "verified" | "no_secret" | "unsigned" | "stale" | "bad_signature";

const fromHex = (hex: string): Uint8Array => Uint8Array.from(hex.match(/../g) ?? [], (h) => parseInt(h, 16));

export async function verifyIdentity(secret: string | null, req: IdentifyRequest, nowMs: number): Promise<Verdict> {
  if (!secret) return "no_secret";
  if (!req.hmac || req.ts === undefined) return "unsigned";
  const now = Math.floor(nowMs / 1000);
  if (req.ts < now - IDENTITY_MAX_AGE_S || req.ts > now + IDENTITY_FUTURE_SKEW_S) return "stale";
  const expected = await hmacSha256(secret, identityCanonical(req.ts, req.user.id, req.user.email));
  return timingSafeEqual(fromHex(req.hmac.toLowerCase()), expected) ? "verified" : "bad_signature";
}

export function toIdentity(req: IdentifyRequest, verified: boolean, at: number): Identity {
  const u = req.user;
  return {
    id: u.id,
    ...(u.email ? { email: u.email } : {}),
    ...(u.name ? { name: u.name } : {}),
    ...(u.attributes && Object.keys(u.attributes).length ? { attributes: u.attributes } : {}),
    verified,
    at,
  };
}
