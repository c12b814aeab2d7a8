// Password hashing with PBKDF2-SHA256 (WebCrypto has no argon2/scrypt). workerd caps PBKDF2 at
// 100,000 iterations, which is also OWASP's floor for SHA-256; the count is stored per hash so it
// can be raised later without invalidating old ones.
import { b64url, fromB64url, timingSafeEqual } from "./crypto.ts";

const ITERATIONS = 100_000;

async function derive(password: string, salt: Uint8Array, iterations: number): Promise<Uint8Array> {
  const key = await crypto.subtle.importKey("raw", new TextEncoder().encode(password), "PBKDF2", false, ["deriveBits"]);
  const bits = await crypto.subtle.deriveBits({ name: "PBKDF2", hash: "SHA-256", salt, iterations }, key, 256);
  return new Uint8Array(bits);
}

export async function hashPassword(password: string): Promise<string> {
  const salt = crypto.getRandomValues(new Uint8Array(16));
  return `pbkdf2-sha256$${ITERATIONS}$${b64url(salt)}$${b64url(await derive(password, salt, ITERATIONS))}`;
}

export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const [scheme, iter, salt, hash] = stored.split("$");
  if (scheme !== "pbkdf2-sha256" || !iter || !salt || !hash) return false;
  return timingSafeEqual(await derive(password, fromB64url(salt), Number(iter)), fromB64url(hash));
}
