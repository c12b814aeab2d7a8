// A conversation token proves the holder created the conversation: HMAC(SECRET, id). Stateless, so
// the worker checks it before waking the Durable Object.
import { b64url, fromB64url, hmacSha256, timingSafeEqual } from "../auth/crypto.ts";

export async function conversationToken(secret: string, id: string): Promise<string> {
  return b64url(await hmacSha256(secret, `conversation:${id}`));
}

export async function verifyConversationToken(secret: string, id: string, token: string): Promise<boolean> {
  let given: Uint8Array;
  try {
    given = fromB64url(token);
  } catch {
    return false;
  }
  return timingSafeEqual(given, await hmacSha256(secret, `conversation:${id}`));
}
