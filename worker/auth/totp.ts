// TOTP (RFC 6238) over HOTP (RFC 4226) with WebCrypto's HMAC: what authenticator apps compute from the
// shared secret and the clock. SHA-1, 6 digits and 30-second steps are what every app supports; the
// hash and length are parameters for the RFC's own test vectors (worker/auth/totp.test.ts).

export type TotpHash = "SHA-1" | "SHA-256" | "SHA-512";
export const STEP_SECONDS = 30;

const B32 = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

/** RFC 4648 base32 without padding: how otpauth URIs and people type secrets. */
export function base32Encode(bytes: Uint8Array): string {
  let out = "";
  let bits = 0;
  let value = 0;
  for (const b of bytes) {
    value = (value << 8) | b;
    bits += 8;
    while (bits >= 5) {
      out += B32[(value >>> (bits - 5)) & 31];
      bits -= 5;
    }
  }
  if (bits > 0) out += B32[(value << (5 - bits)) & 31];
  return out;
}

export function base32Decode(text: string): Uint8Array | null {
  const clean = text.replace(/[\s=-]/g, "").toUpperCase();
  const out: number[] = [];
  let bits = 0;
  let value = 0;
  for (const ch of clean) {
    const i = B32.indexOf(ch);
    if (i < 0) return null;
    value = (value << 5) | i;
    bits += 5;
    if (bits >= 8) {
      out.push((value >>> (bits - 8)) & 255);
      bits -= 8;
    }
  }
  return new Uint8Array(out);
}

/** RFC 4226: HMAC of the 8-byte big-endian counter, dynamically truncated to `digits` digits. */
export async function hotp(secret: Uint8Array, counter: number, digits = 6, hash: TotpHash = "SHA-1"): Promise<string> {
  const msg = new Uint8Array(8);
  const view = new DataView(msg.buffer);
  view.setUint32(0, Math.floor(counter / 2 ** 32));
  view.setUint32(4, counter >>> 0);
  const key = await crypto.subtle.importKey("raw", new Uint8Array(secret), { name: "HMAC", hash }, false, ["sign"]);
  const mac = new Uint8Array(await crypto.subtle.sign("HMAC", key, msg));
  const offset = (mac[mac.length - 1] as number) & 0x0f;
  const bin =
    (((mac[offset] as number) & 0x7f) << 24) |
    ((mac[offset + 1] as number) << 16) |
    ((mac[offset + 2] as number) << 8) |
    (mac[offset + 3] as number);
  return String(bin % 10 ** digits).padStart(digits, "0");
}

/** The 30-second step a moment falls in (T in RFC 6238, with T0 = 0). */
export const stepAt = (unixSeconds: number): number => Math.floor(unixSeconds / STEP_SECONDS);

export function totp(secret: Uint8Array, unixSeconds: number, digits = 6, hash: TotpHash = "SHA-1"): Promise<string> {
  return hotp(secret, stepAt(unixSeconds), digits, hash);
}

/**
 * The step a code belongs to, if it matches now or one step either side (clocks drift, people type
 * slowly) and is later than `lastStep` (a code is good once). null: no match.
 */
export async function matchStep(
  secret: Uint8Array,
  code: string,
  unixSeconds: number,
  lastStep: number,
): Promise<number | null> {
  const now = stepAt(unixSeconds);
  let found: number | null = null;
  // Every candidate is computed, so the time taken does not say which step matched.
  for (const step of [now - 1, now, now + 1]) {
    const ok = (await hotp(secret, step)) === code;
    if (ok && step > lastStep && found === null) found = step;
  }
  return found;
}

/** What authenticator apps scan (Google's Key Uri Format). */
export function otpauthUri(issuer: string, account: string, secretB32: string): string {
  const label = `${encodeURIComponent(issuer)}:${encodeURIComponent(account)}`;
  return `otpauth://totp/${label}?secret=${secretB32}&issuer=${encodeURIComponent(issuer)}&algorithm=SHA1&digits=6&period=${STEP_SECONDS}`;
}
