// Secrets the worker must read back (TOTP keys) are sealed with AES-256-GCM under a key derived from
// SECRET with HKDF, so a copy of D1 alone does not give away anyone's second factor.
import { b64url, fromB64url } from "./crypto.ts";

const enc = new TextEncoder();

async function keyFor(secret: string, purpose: string): Promise<CryptoKey> {
  const base = await crypto.subtle.importKey("raw", enc.encode(secret), "HKDF", false, ["deriveKey"]);
  return crypto.subtle.deriveKey(
    { name: "HKDF", hash: "SHA-256", salt: new Uint8Array(32), info: enc.encode(`edgedesk:${purpose}`) },
    base,
    { name: "AES-GCM", length: 256 },
    false,
    ["encrypt", "decrypt"],
  );
}

/** `v1.<iv>.<ciphertext>`; the purpose is bound in, so a sealed value cannot be replayed elsewhere. */
export async function seal(secret: string, purpose: string, plain: Uint8Array): Promise<string> {
  const iv = crypto.getRandomValues(new Uint8Array(12));
  const data = await crypto.subtle.encrypt({ name: "AES-GCM", iv }, await keyFor(secret, purpose), plain);
  return `v1.${b64url(iv)}.${b64url(data)}`;
}

export async function unseal(secret: string, purpose: string, sealed: string): Promise<Uint8Array | null> {
  const [v, iv, data] = sealed.split(".");
  if (v !== "v1" || !iv || !data) return null;
  try {
    const plain = await crypto.subtle.decrypt(
      { name: "AES-GCM", iv: fromB64url(iv) },
      await keyFor(secret, purpose),
      fromB64url(data),
    );
    return new Uint8Array(plain);
  } catch {
    return null;
  }
}
