// Addresses: parsing From/Reply-To, normalising for contacts, and the reply token carried in the
// support address (`support+<conversation>-<mac>@domain`). The token is HMAC(SECRET) over the
// conversation id, so a reply can thread by address alone and nobody can forge one into another
// conversation. It uses only lowercase letters and digits: some mail systems fold local parts' case.
import { hmacSha256, timingSafeEqualText } from "../../auth/crypto.ts";

export type Mailbox = { address: string; name?: string };

/** The first mailbox of a From/Reply-To/To header value (`"Name" <a@b>`, `Name <a@b>`, `a@b`). */
export function parseMailbox(value: string | undefined): Mailbox | null {
  if (!value) return null;
  const angle = /^\s*(?:"((?:[^"\\]|\\.)*)"|([^<,]*?))\s*<([^<>\s]+@[^<>\s]+)>/.exec(value);
  if (angle) {
    const name = (angle[1] ?? angle[2] ?? "").replace(/\\(.)/g, "$1").trim();
    return { address: angle[3] as string, ...(name ? { name } : {}) };
  }
  const bare = /([^\s<>,;"]+@[^\s<>,;"]+)/.exec(value);
  return bare ? { address: (bare[1] as string).replace(/^mailto:/i, "") } : null;
}

/** Contacts are keyed by this: trimmed, lowercase. Provider-specific folding (dots, +tags) is not applied. */
export const normaliseEmail = (address: string): string => address.trim().toLowerCase();

export const validAddress = (a: string): boolean =>
  /^[^\s@<>()[\]\\,;:"]+@[\p{L}\p{N}-]+(\.[\p{L}\p{N}-]+)*$/iu.test(a) && a.length <= 254;

/** `support+tag@d` → { base: "support@d", tag: "tag" }. */
export function splitPlus(address: string): { base: string; tag?: string } {
  const at = address.lastIndexOf("@");
  const local = address.slice(0, at);
  const domain = address.slice(at + 1).toLowerCase();
  const plus = local.indexOf("+");
  if (plus < 0) return { base: `${local.toLowerCase()}@${domain}` };
  return { base: `${local.slice(0, plus).toLowerCase()}@${domain}`, tag: local.slice(plus + 1) };
}

const BASE32 = "abcdefghijklmnopqrstuvwxyz234567";
function base32(bytes: Uint8Array, chars: number): string {
  let out = "";
  let bits = 0;
  let value = 0;
  for (const b of bytes) {
    value = (value << 8) | b;
    bits += 8;
    while (bits >= 5 && out.length < chars) {
      out += BASE32[(value >>> (bits - 5)) & 31];
      bits -= 5;
    }
    value &= (1 << bits) - 1;
  }
  return out;
}

/** 80 bits of HMAC: enough that guessing a token for a known conversation id is hopeless. */
async function mac(secret: string, conversationId: string): Promise<string> {
  return base32(await hmacSha256(secret, `email-reply:${conversationId}`), 16);
}

/** Every bit of `bytes`, the last group zero-padded: decodable by fromBase32. */
function base32Whole(bytes: Uint8Array): string {
  const chars = Math.ceil((bytes.length * 8) / 5);
  return base32(Uint8Array.from([...bytes, 0]), chars);
}

function fromBase32(s: string): Uint8Array | null {
  const out: number[] = [];
  let bits = 0;
  let value = 0;
  for (const ch of s) {
    const v = BASE32.indexOf(ch);
    if (v < 0) return null;
    value = (value << 5) | v;
    bits += 5;
    if (bits >= 8) {
      out.push((value >>> (bits - 8)) & 255);
      bits -= 8;
    }
    value &= (1 << bits) - 1;
  }
  return Uint8Array.from(out);
}

const CASE_PROOF_ID = /^[a-z0-9]{10,40}$/;
const CHAT_ID = /^[\w-]{10,40}$/;

/**
 * `<id>-<mac>` for email conversations, whose ids are case-proof already; `c<base32 id>.<mac>` for
 * chat conversations (follow-ups, worker/channels/email/follow-up.ts), whose mixed-case ids would not survive
 * a mail system that lowercases the local part.
 */
export async function replyToken(secret: string, conversationId: string): Promise<string> {
  const m = await mac(secret, conversationId);
  if (CASE_PROOF_ID.test(conversationId)) return `${conversationId}-${m}`;
  return `c${base32Whole(new TextEncoder().encode(conversationId))}.${m}`;
}

/** The conversation a token names, or null when it is not one we signed. */
export async function verifyReplyToken(secret: string, token: string): Promise<string | null> {
  const t = token.toLowerCase();
  const plain = /^([a-z0-9]{10,40})-([a-z2-7]{16})$/.exec(t);
  const chat = /^c([a-z2-7]{16,64})\.([a-z2-7]{16})$/.exec(t);
  const bytes = chat ? fromBase32(chat[1] as string) : null;
  const id = plain ? (plain[1] as string) : bytes ? new TextDecoder().decode(bytes) : null;
  const given = (plain ?? chat)?.[2];
  if (!id || !given || !(plain ? CASE_PROOF_ID : CHAT_ID).test(id)) return null;
  return timingSafeEqualText(given, await mac(secret, id)) ? id : null;
}

export const replyAddress = (supportAddress: string, token: string): string => {
  const { base } = splitPlus(supportAddress);
  const at = base.lastIndexOf("@");
  return `${base.slice(0, at)}+${token}${base.slice(at)}`;
};

/** Email conversation ids use the token's case-proof alphabet. */
export function emailConversationId(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return base32(bytes, 24);
}
