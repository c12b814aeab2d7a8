// The emailed links of people management: an invitation and a password reset. Each link carries a
// random 32-byte token in the URL *fragment* (`/console/#/invite/<token>`), which browsers never send
// to a server, so no request log, proxy or Referer sees it; the console posts it once in a request
// body. Only its SHA-256 is stored, a row works once (`used_at`) and until it expires, and the mail is
// the only place the token ever exists in the clear. Mails go through the SEND_EMAIL binding
// (`wrangler dev` writes each to a file and logs only the file's path).
import { EmailMessage } from "cloudflare:email";
import type { Context } from "hono";
import { randomToken, sha256 } from "../auth/crypto.ts";
import { composeNotice } from "../channels/email/compose.ts";
import { supportAddressOf } from "../channels/email/db.ts";
import type { AppEnv, Env } from "../env.ts";
import { ApiFailure } from "../http/errors.ts";
import { clientIp, parseLimits, rateLimit } from "../middleware/rate-limit.ts";

export const INVITE_TTL_MS = 7 * 24 * 60 * 60_000;
export const RESET_TTL_MS = 60 * 60_000;

export async function newLinkToken(): Promise<{ token: string; hash: string }> {
  const token = randomToken(32);
  return { token, hash: await sha256(token) };
}

export const tokenHash = (token: string): Promise<string> => sha256(token);

/** Where the console lives for the person who gets the mail: PUBLIC_URL, else this request's origin. */
export function consoleBase(c: Context<AppEnv>): string {
  const base = c.env.PUBLIC_URL ? new URL(c.env.PUBLIC_URL).origin : new URL(c.req.url).origin;
  return `${base}/console/`;
}

export type LinkMail = { to: string; subject: string; text: string };

/**
 * Sends one of our own mails from the workspace's support address (or no-reply@ this host). Nothing of
 * it is logged or stored: its body holds the token.
 */
export async function sendLinkMail(c: Context<AppEnv>, workspaceId: string, mail: LinkMail): Promise<boolean> {
  const env: Env = c.env;
  const from = (await supportAddressOf(env.DB, workspaceId)) ?? `no-reply@${new URL(c.req.url).hostname}`;
  const domain = from.slice(from.lastIndexOf("@") + 1);
  const rand = Array.from(crypto.getRandomValues(new Uint8Array(12)), (b) => b.toString(16).padStart(2, "0")).join("");
  const raw = composeNotice(
    { customer: mail.to, support: from, subject: mail.subject, text: mail.text },
    { messageId: `${rand}.people@${domain}`, at: Date.now(), fromName: env.EMAIL_FROM_NAME ?? "EdgeDesk" },
  );
  try {
    if (!env.SEND_EMAIL) throw new Error("the SEND_EMAIL binding is not configured");
    await env.SEND_EMAIL.send(new EmailMessage(from, mail.to, raw));
    return true;
  } catch (e) {
    // The reason only: never the message, which holds the link.
    console.error(
      `people: a ${mail.subject.startsWith("Reset") ? "reset" : "invitation"} mail was not sent: ${e instanceof Error ? e.message : String(e)}`,
    );
    return false;
  }
}

/** Mails per workspace and per client address: "perSecond,burst" from PEOPLE_MAIL_LIMIT (default 10, then 1 per 6 min). */
const mailLimits = (c: Context<AppEnv>) => parseLimits(c.env.PEOPLE_MAIL_LIMIT, { perSecond: 1 / 360, burst: 10 });
const perWorkspace = rateLimit({ limits: mailLimits, key: (c) => `ws:${c.get("agent").workspaceId}` });
const perIp = rateLimit({ limits: mailLimits, key: (c) => `ip:${clientIp(c)}` });

/**
 * The budget of invitation and reset mails an owner sends: per client address, then per workspace
 * (route middleware, after the guard has set the workspace).
 */
export const mailBudget = [perIp, perWorkspace] as const;

/** The same buckets for a mail nobody signed in asked for: false (and nothing sent) when over. */
const quiet = new Map<string, { tokens: number; at: number }>();
export function withinQuietBudget(c: Context<AppEnv>, key: string): boolean {
  const { perSecond, burst } = mailLimits(c);
  const now = Date.now();
  const b = quiet.get(key) ?? { tokens: burst, at: now };
  b.tokens = Math.min(burst, b.tokens + ((now - b.at) / 1000) * perSecond);
  b.at = now;
  if (b.tokens < 1) return false;
  b.tokens -= 1;
  quiet.delete(key);
  quiet.set(key, b);
  if (quiet.size > 10_000) quiet.delete(quiet.keys().next().value as string);
  return true;
}

export const mailFailed = () =>
  new ApiFailure(502, "mail_failed", "the email could not be sent; nothing was changed, try again later");
