// Confirming a follow-up address the customer typed. Anyone can type anyone's address into a chat, so
// before the first agent reply goes there, the address gets one mail of our own with a 6-digit code
// and nothing of the customer's in it (not even in the subject); replies follow only once the code is
// entered in the chat. A verified identity's own address needs no code. Mails are capped per
// conversation and per address, so nobody can turn this into a way to mail a stranger repeatedly.
import { EmailMessage } from "cloudflare:email";
import { hmacSha256, timingSafeEqualText } from "../../auth/crypto.ts";
import type { PendingCode } from "../../conversation/model.ts";
import type { Env } from "../../env.ts";
import { composeNotice, newMessageId } from "./compose.ts";
import { confirmationsSince, recordOutbound } from "./db.ts";

export const CODE_TTL_MS = 30 * 60_000;
/** Wrong codes before this one stops working (a new mail is then needed, within the caps). */
export const CODE_TRIES = 5;
/** Confirmation mails per conversation, and per workspace and address, in a day. */
export const MAILS_PER_DAY = 3;
const DAY_MS = 86_400_000;

/** What the conversation keeps of a pending code: never the code itself. */
export type { PendingCode } from "../../conversation/model.ts";

/** Six uniform digits (rejection sampling: no modulo bias). */
export function newCode(): string {
  const buf = new Uint32Array(1);
  for (;;) {
    crypto.getRandomValues(buf);
    const v = buf[0] as number;
    if (v < 4_294_000_000) return String(v % 1_000_000).padStart(6, "0");
  }
}

const hex = (b: Uint8Array) => [...b].map((x) => x.toString(16).padStart(2, "0")).join("");

/** Keyed by the worker's SECRET and bound to the conversation and the address: a code works for nothing else. */
export async function codeHash(secret: string, conversationId: string, email: string, code: string): Promise<string> {
  return hex(await hmacSha256(secret, `follow-up-code\n${conversationId}\n${email}\n${code}`));
}

export type CodeCheck = "ok" | "no_code" | "code_expired" | "too_many_tries" | "wrong_code";

/** Checks a typed code against the pending one; the caller stores the tries. */
export async function checkCode(
  secret: string,
  conversationId: string,
  pending: PendingCode | undefined,
  email: string | undefined,
  code: string,
  now: number,
): Promise<CodeCheck> {
  if (!pending || pending.email !== email) return "no_code";
  if (pending.tries >= CODE_TRIES) return "too_many_tries";
  if (now > pending.expiresAt) return "code_expired";
  const given = await codeHash(secret, conversationId, pending.email, code);
  return timingSafeEqualText(given, pending.hash) ? "ok" : "wrong_code";
}

const words = {
  en: {
    subject: "Confirm your email address",
    text: (code: string) =>
      `Someone asked, in a support chat, for replies to be emailed to this address.\n\nIf that was you, enter this code in the chat: ${code}\n\nThe code works for 30 minutes. If you did not ask for this, ignore this email: nothing more will be sent to you.`,
  },
  es: {
    subject: "Confirma tu dirección de correo",
    text: (code: string) =>
      `Alguien pidió, en un chat de soporte, que las respuestas se enviaran a esta dirección.\n\nSi fuiste tú, escribe este código en el chat: ${code}\n\nEl código vale 30 minutos. Si no lo pediste, ignora este correo: no te enviaremos nada más.`,
  },
};

/** Our own subject for follow-up mail: fixed words, never the customer's text. */
export const followUpSubject = (locale: string, fromName: string): string =>
  locale.startsWith("es") ? `Tu conversación con ${fromName}` : `Your conversation with ${fromName}`;

export type Mailed =
  | { ok: true; at: number }
  | { ok: false; code: "too_many_confirmations" | "not_sent"; message: string };

/** Mails the code, within the caps; logged in the outbound log like every mail we send. */
export async function mailCode(
  env: Env,
  c: { conversationId: string; workspaceId: string; locale: string; support: string; sentAt: number[] },
  email: string,
  code: string,
  now: number,
): Promise<Mailed> {
  const recent = c.sentAt.filter((t) => t > now - DAY_MS).length;
  if (
    recent >= MAILS_PER_DAY ||
    (await confirmationsSince(env.DB, c.workspaceId, email, now - DAY_MS)) >= MAILS_PER_DAY
  )
    return {
      ok: false,
      code: "too_many_confirmations",
      message: `at most ${MAILS_PER_DAY} confirmation emails a day go to one address or from one conversation`,
    };
  const w = c.locale.startsWith("es") ? words.es : words.en;
  const messageId = newMessageId(c.conversationId, c.support);
  const raw = composeNotice(
    { customer: email, support: c.support, subject: w.subject, text: w.text(code) },
    { messageId, at: now, fromName: env.EMAIL_FROM_NAME ?? "Support" },
  );
  const base = {
    workspaceId: c.workspaceId,
    messageId,
    conversationId: c.conversationId,
    author: "confirm",
    at: now,
  } as const;
  try {
    if (!env.SEND_EMAIL) throw new Error("the SEND_EMAIL binding is not configured");
    await env.SEND_EMAIL.send(new EmailMessage(c.support, email, raw));
    // Logged like every mail we send (the operator's outbound log, read by no API); `detail` keeps the
    // address for the per-address cap. The code in it is good for 30 minutes, for this conversation only.
    await recordOutbound(env.DB, { ...base, status: "sent", detail: email, raw });
    return { ok: true, at: now };
  } catch (e) {
    const detail = e instanceof Error ? e.message : String(e);
    await recordOutbound(env.DB, { ...base, status: "failed", detail, raw: null });
    return { ok: false, code: "not_sent", message: "the confirmation email could not be sent; try again later" };
  }
}
