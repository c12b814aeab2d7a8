// History tokens: what a customer's verified identify() is traded for, so the widget can list and
// read their conversations for a while without re-signing each request. Stateless:
// `<expiry ms>.<b64url email>.<b64url mac>`, the MAC keyed by the worker's SECRET *and* the site's
// identity secret, so rotating or removing either ends every token at once.
import { b64url, fromB64url, hmacSha256, timingSafeEqual } from "../../auth/crypto.ts";
import type { HistorySession } from "../../../shared/customer-history.ts";

/** Long enough to browse past conversations, short enough that a copied token soon stops working. */
export const HISTORY_TOKEN_TTL_MS = 30 * 60_000;

type SiteKeys = { key: string; identitySecret: string };

const canonical = (site: string, exp: number, email: string) => `edgedesk-history-v1\n${site}\n${exp}\n${email}`;
const mac = (secret: string, site: SiteKeys, exp: number, email: string) =>
  hmacSha256(`${secret}\n${site.identitySecret}`, canonical(site.key, exp, email));

/** `email` must already be normalised (contacts are keyed by the normalised address). */
export async function historyToken(
  secret: string,
  site: SiteKeys,
  email: string,
  now: number,
): Promise<HistorySession> {
  const exp = now + HISTORY_TOKEN_TTL_MS;
  const token = `${exp}.${b64url(new TextEncoder().encode(email))}.${b64url(await mac(secret, site, exp, email))}`;
  return { token, expiresAt: exp };
}

/** The email a token was issued for, or null (malformed, expired, another site, or a changed secret). */
export async function verifyHistoryToken(
  secret: string,
  site: SiteKeys,
  token: string,
  now: number,
): Promise<string | null> {
  const [expText, emailPart, macPart, extra] = token.split(".");
  if (!expText || !emailPart || !macPart || extra !== undefined || !/^\d{1,15}$/.test(expText)) return null;
  const exp = Number(expText);
  if (exp <= now || exp > now + HISTORY_TOKEN_TTL_MS) return null;
  let email: string;
  let given: Uint8Array;
  try {
    email = new TextDecoder("utf-8", { fatal: true, ignoreBOM: false }).decode(fromB64url(emailPart));
    given = fromB64url(macPart);
  } catch {
    return null;
  }
  return timingSafeEqual(given, await mac(secret, site, exp, email)) ? email : null;
}
