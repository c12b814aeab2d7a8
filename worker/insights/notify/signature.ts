// Webhook signatures per the Standard Webhooks specification (https://www.standardwebhooks.com/), so a
// receiver verifies a delivery with the official library of its language instead of our own code:
//   webhook-id         the delivery id, the same on every retry (the receiver's idempotency key)
//   webhook-timestamp  Unix seconds when this attempt was signed
//   webhook-signature  space-separated "v1,<base64 HMAC-SHA256 of id.timestamp.body>"
// The id and timestamp are inside the MAC, so neither can be swapped to replay a captured request.
// During a key rotation the previous secret signs too, so a receiver can switch at its own pace.

export const HEADER_ID = "webhook-id";
export const HEADER_TIMESTAMP = "webhook-timestamp";
export const HEADER_SIGNATURE = "webhook-signature";
/** Not part of the standard (the body's `type` says the same); lets a receiver route before parsing. */
export const HEADER_EVENT = "EdgeDesk-Event";

/** The replay window receivers apply (the Standard Webhooks libraries' default tolerance). */
export const REPLAY_WINDOW_S = 300;

export const SECRET_PREFIX = "whsec_";
/**
 * Secrets stored before Standard Webhooks (migration 0012) were text keys: the HMAC key was the UTF-8
 * of the whole string. They keep those bytes; a receiver passes `whsec_` + base64 of that text to its
 * library (docs/webhooks.md).
 */
export const LEGACY_PREFIX = "text:";

const enc = new TextEncoder();

export const base64 = (bytes: Uint8Array): string => btoa(String.fromCharCode(...bytes));

export const fromBase64 = (s: string): Uint8Array<ArrayBuffer> => Uint8Array.from(atob(s), (ch) => ch.charCodeAt(0));

/** A new `whsec_` secret: 24 random bytes (192 bits), base64, as the specification recommends. */
export const newSecret = (): string => `${SECRET_PREFIX}${base64(crypto.getRandomValues(new Uint8Array(24)))}`;

/** The HMAC key bytes of a stored secret. */
export function signingKey(secret: string): Uint8Array<ArrayBuffer> {
  if (secret.startsWith(LEGACY_PREFIX)) return new Uint8Array(enc.encode(secret.slice(LEGACY_PREFIX.length)));
  return fromBase64(secret.startsWith(SECRET_PREFIX) ? secret.slice(SECRET_PREFIX.length) : secret);
}

export async function sign(secret: string, id: string, timestamp: number, body: string): Promise<string> {
  const key = await crypto.subtle.importKey("raw", signingKey(secret), { name: "HMAC", hash: "SHA-256" }, false, [
    "sign",
  ]);
  const mac = await crypto.subtle.sign("HMAC", key, enc.encode(`${id}.${timestamp}.${body}`));
  return `v1,${base64(new Uint8Array(mac))}`;
}

/**
 * The headers of one attempt. `secrets` is the current secret first, then any previous one still in
 * its rotation overlap: each signs, and a receiver holding either verifies.
 */
export async function signedHeaders(
  secrets: string[],
  delivery: { id: string; eventType: string },
  body: string,
  nowMs: number,
): Promise<Record<string, string>> {
  const timestamp = Math.floor(nowMs / 1000);
  const signatures = await Promise.all(secrets.map((s) => sign(s, delivery.id, timestamp, body)));
  return {
    "content-type": "application/json",
    "user-agent": "EdgeDesk-Webhooks/2",
    [HEADER_ID]: delivery.id,
    [HEADER_TIMESTAMP]: String(timestamp),
    [HEADER_SIGNATURE]: signatures.join(" "),
    [HEADER_EVENT]: delivery.eventType,
  };
}
