// Identity verification for the widget's identify(): the site's server signs the user with the site's
// identity secret, so a visitor cannot claim to be someone else by editing the page. Two canonical
// strings are accepted (shared/api.ts): v2 signs every field; v1, from before v2, signs id and email
// only, so with it name and attributes stay the page's claims. A signature can only verify as the
// version it was made for (the version tag is signed), so nothing is ever silently downgraded.
// Unverified claims are still kept, flagged, because an agent can use them with care.
import { identityCanonical, identityCanonicalV2, type IdentifyRequest } from "../../shared/api.ts";
import { identityFields, type Identity, type IdentityField } from "../../shared/protocol.ts";
import { hmacSha256, timingSafeEqual } from "./crypto.ts";

/** A signature older than this is refused: a copied signature stops working soon. */
export const IDENTITY_MAX_AGE_S = 600;
/** Clocks disagree a little; a signature from further in the future is refused too. */
export const IDENTITY_FUTURE_SKEW_S = 60;

export type Verdict = "verified" | "no_secret" | "unsigned" | "stale" | "bad_signature";

/** The verdict, and the fields the signature vouches for (none unless verified). */
export type Verification = { verdict: Verdict; fields: IdentityField[] };

const V1_FIELDS: IdentityField[] = ["id", "email"];
const refused = (verdict: Verdict): Verification => ({ verdict, fields: [] });

const fromHex = (hex: string): Uint8Array => Uint8Array.from(hex.match(/../g) ?? [], (h) => parseInt(h, 16));

export async function verifyIdentity(
  secret: string | null,
  req: IdentifyRequest,
  nowMs: number,
): Promise<Verification> {
  if (!secret) return refused("no_secret");
  if (!req.hmac || req.ts === undefined) return refused("unsigned");
  const now = Math.floor(nowMs / 1000);
  if (req.ts < now - IDENTITY_MAX_AGE_S || req.ts > now + IDENTITY_FUTURE_SKEW_S) return refused("stale");
  const given = fromHex(req.hmac.toLowerCase());
  if (timingSafeEqual(given, await hmacSha256(secret, identityCanonicalV2(req.ts, req.user))))
    return { verdict: "verified", fields: [...identityFields] };
  if (timingSafeEqual(given, await hmacSha256(secret, identityCanonical(req.ts, req.user.id, req.user.email))))
    return { verdict: "verified", fields: V1_FIELDS };
  return refused("bad_signature");
}

/** What the conversation keeps: every claim, and which of them the signature (or an API key) vouches for. */
export function toIdentity(req: IdentifyRequest, v: Verification, at: number): Identity {
  const u = req.user;
  const verified = v.verdict === "verified";
  return {
    id: u.id,
    ...(u.email ? { email: u.email } : {}),
    ...(u.name ? { name: u.name } : {}),
    ...(u.attributes && Object.keys(u.attributes).length ? { attributes: u.attributes } : {}),
    verified,
    ...(verified ? { verifiedFields: v.fields } : {}),
    at,
  };
}

/** The REST channel: the caller holds a server-side API key, so it vouches for every field. */
export const vouchedByApiKey: Verification = { verdict: "verified", fields: [...identityFields] };
