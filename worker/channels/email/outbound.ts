// Sends one bot or agent message of an email conversation through the `send_email` binding and logs
// it in D1, with a daily cap on the bot's mail as the backstop against loops.
import { EmailMessage } from "cloudflare:email";
import type { MessageEvent } from "../../../shared/protocol.ts";
import type { Env } from "../../env.ts";
import { composeReply, newMessageId, type EmailThread } from "./compose.ts";
import { maskAddress } from "../../ops/log.ts";
import { botMailsSince, recordOutbound } from "./db.ts";

export type DeliverResult = { status: "sent" | "failed" | "suppressed"; messageId: string; detail?: string };

/** Bot emails allowed per conversation per day: the backstop against a robot that ignores RFC 3834. */
const botCap = (env: Env) => Number(env.EMAIL_BOT_REPLIES_PER_DAY ?? 5);

/**
 * Sends one bot or agent message of an email conversation to the customer and logs it in D1. Never
 * throws: the caller turns a failure into a note the agent sees.
 */
export async function deliver(
  env: Env,
  c: { conversationId: string; workspaceId: string; thread: EmailThread },
  event: MessageEvent,
  now: number,
): Promise<DeliverResult> {
  const author = event.author === "agent" ? "agent" : "bot";
  const messageId = newMessageId(c.conversationId, c.thread.support);
  const raw = composeReply(
    c.thread,
    {
      author,
      ...(event.name ? { name: event.name } : {}),
      text: event.text,
      ...(event.sources ? { sources: event.sources } : {}),
    },
    { messageId, at: now, fromName: env.EMAIL_FROM_NAME ?? "Support" },
  );
  const base = {
    workspaceId: c.workspaceId,
    messageId,
    conversationId: c.conversationId,
    author,
    raw,
    at: now,
  } as const;
  if (author === "bot" && (await botMailsSince(env.DB, c.conversationId, now - 86_400_000)) >= botCap(env)) {
    const detail = `bot email cap reached (${botCap(env)} a day)`;
    console.warn(`email: suppressed bot reply in ${c.conversationId}: ${detail}`);
    await recordOutbound(env.DB, { ...base, status: "suppressed", detail });
    return { status: "suppressed", messageId, detail };
  }
  try {
    if (!env.SEND_EMAIL) throw new Error("the SEND_EMAIL binding is not configured");
    const sent = await env.SEND_EMAIL.send(new EmailMessage(c.thread.support, c.thread.customer, raw));
    await recordOutbound(env.DB, { ...base, status: "sent" });
    // Should the platform assign its own Message-ID, replies to it must thread too.
    const assigned = sent?.messageId?.replace(/^<|>$/g, "");
    if (assigned && assigned !== messageId)
      await recordOutbound(env.DB, { ...base, messageId: assigned, status: "alias", detail: messageId, raw: null });
    return { status: "sent", messageId };
  } catch (e) {
    const detail = e instanceof Error ? e.message : String(e);
    console.error(`email: sending to ${maskAddress(env, c.thread.customer)} in ${c.conversationId} failed: ${detail}`);
    await recordOutbound(env.DB, { ...base, status: "failed", detail });
    return { status: "failed", messageId, detail };
  }
}
