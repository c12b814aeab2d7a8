// The email side of one conversation: an inbound email becomes a customer message (creating the
// conversation if it is the first), and the email follower mails every bot or agent message back to
// the customer, one at a time, in thread order. A send that fails or is held back becomes a system
// line the agent sees in the transcript.
import type { AttachmentRef, MessageEvent } from "../../../shared/protocol.ts";
import { type Meta, type NewConversation, news } from "../../conversation/model.ts";
import type { Follower, FollowerPorts } from "../../conversation/outbox.ts";
import type { Env } from "../../env.ts";
import { deliver } from "./outbound.ts";

/** One inbound email, checked and parsed by the worker (worker/channels/email/inbound.ts). */
export type EmailArrival = {
  /** Set when this email opens the conversation. */
  init?: NewConversation;
  clientId: string;
  messageId: string;
  text: string;
  attachments: AttachmentRef[];
  contactId?: string;
};

/** What receiving needs of the conversation (worker/conversation/lifecycle.ts). */
export type EmailConversation = {
  exists(): boolean;
  init(c: NewConversation): Promise<void>;
  readonly meta: Meta;
  emailArrived(messageId: string, contactId?: string): void;
  customerMessage(
    clientId: string,
    text: string,
    extra: Pick<MessageEvent, "attachments">,
  ): { seq: number; duplicate: boolean; done: Promise<void> };
};

export async function receiveEmail(
  conversation: EmailConversation,
  r: EmailArrival,
  waitUntil: (p: Promise<unknown>) => void,
): Promise<{ seq: number; duplicate: boolean }> {
  // init stores the meta before its first await, so meta and message land in one storage turn.
  const initialised = r.init && !conversation.exists() ? conversation.init(r.init) : null;
  if (!conversation.exists()) throw new Error("no such conversation");
  const m = conversation.meta;
  conversation.emailArrived(r.messageId, r.contactId);
  const sent = conversation.customerMessage(
    r.clientId,
    r.text,
    r.attachments.length ? { attachments: r.attachments } : {},
  );
  waitUntil(sent.done);
  // The console index catches up with the outbox; the conversation itself is already whole.
  if (initialised)
    await initialised.catch((e: unknown) => console.error(`email: publishing ${m.id} failed: ${String(e)}`));
  return { seq: sent.seq, duplicate: sent.duplicate };
}

/**
 * The email follower (worker/conversation/outbox.ts): every bot or agent message of an email
 * conversation goes out by mail, one at a time in thread order. A send that fails or is held back
 * becomes a system line the agent sees in the transcript (and is not retried: the line says so).
 */
export const emailRepliesFollower = (env: Env, ports: Pick<FollowerPorts, "meta" | "record" | "emit">): Follower => ({
  name: "email",
  kind: "events",
  // One message a run: the cursor moves past each mail as soon as it went, so a retry never re-sends one.
  batch: 1,
  async run({ events }) {
    // Messages merged or moved in from another conversation were mailed (or not) there.
    for (const e of news(events)) {
      if (e.type !== "message" || (e.author !== "bot" && e.author !== "agent")) continue;
      await send(env, ports, e);
    }
  },
});

async function send(env: Env, ports: Pick<FollowerPorts, "meta" | "record" | "emit">, e: MessageEvent): Promise<void> {
  const m = ports.meta();
  if (!m?.email) return;
  const r = await deliver(env, { conversationId: m.id, workspaceId: m.workspaceId, thread: m.email }, e, Date.now());
  if (r.status === "sent") {
    ports.record.emailSent(r.messageId);
    if (r.left?.length)
      ports.emit({
        type: "message",
        id: crypto.randomUUID(),
        author: "system",
        text: `Too large to attach to the email to ${m.email.customer}, named in it only: ${r.left.join(", ")}`,
        at: Date.now(),
      });
    return;
  }
  const text =
    r.status === "failed"
      ? `The email to ${m.email.customer} could not be sent: ${r.detail ?? "unknown error"}`
      : `This ${e.author} reply was not emailed to ${m.email.customer}: ${r.detail ?? "held back"}`;
  ports.emit({ type: "message", id: crypto.randomUUID(), author: "system", text, at: Date.now() });
}
