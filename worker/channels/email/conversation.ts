// The email side of one Conversation Durable Object: takes an inbound email as a customer message
// (creating the conversation if it is the first) and mails every bot or agent message back to the
// customer, one at a time, in thread order. A send that fails or is held back becomes a system note
// the agent sees in the transcript.
import type { AttachmentRef, MessageEvent, ServerFrame } from "../../../shared/protocol.ts";
import type { Engine, NewConversation } from "../../conversation/engine.ts";
import type { Store } from "../../conversation/store.ts";
import type { Env } from "../../env.ts";
import { withReference } from "./compose.ts";
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

export class EmailSide {
  private chain: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly env: Env,
    private readonly store: Store,
    private readonly engine: Engine,
    private readonly broadcast: (f: ServerFrame) => void,
    private readonly waitUntil: (p: Promise<unknown>) => void,
  ) {}

  async receive(r: EmailArrival): Promise<{ seq: number; duplicate: boolean }> {
    // init stores the meta before its first await, so meta and message land in one storage turn.
    const initialised = r.init && !this.engine.exists() ? this.engine.init(r.init) : null;
    if (!this.engine.exists()) throw new Error("no such conversation");
    const m = this.engine.meta;
    if (m.email) {
      this.store.saveMeta({
        ...m,
        ...(r.contactId && !m.contactId ? { contactId: r.contactId } : {}),
        email: { ...m.email, lastInbound: r.messageId, references: withReference(m.email.references, r.messageId) },
      });
    }
    const sent = this.engine.customerMessage(
      r.clientId,
      r.text,
      r.attachments.length ? { attachments: r.attachments } : {},
    );
    this.waitUntil(sent.done);
    // The console index catches up on the next publish; the conversation itself is already whole.
    if (initialised)
      await initialised.catch((e: unknown) => console.error(`email: publishing ${m.id} failed: ${String(e)}`));
    return { seq: sent.seq, duplicate: sent.duplicate };
  }

  /** Called for every frame the conversation broadcasts: bot and agent messages go out by email. */
  onFrame(f: ServerFrame): void {
    if (f.t !== "event" || f.event.type !== "message") return;
    const e = f.event;
    if (e.author !== "bot" && e.author !== "agent") return;
    if (!this.store.meta()?.email) return;
    const next = this.chain.then(() => this.send(e));
    this.chain = next.catch(() => undefined);
    this.waitUntil(next);
  }

  private async send(e: MessageEvent): Promise<void> {
    const m = this.store.meta();
    if (!m?.email) return;
    const r = await deliver(
      this.env,
      { conversationId: m.id, workspaceId: m.workspaceId, thread: m.email },
      e,
      Date.now(),
    );
    const now = this.store.meta();
    if (r.status === "sent" && now?.email) {
      this.store.saveMeta({
        ...now,
        email: { ...now.email, references: withReference(now.email.references, r.messageId) },
      });
      return;
    }
    const text =
      r.status === "failed"
        ? `The email to ${m.email.customer} could not be sent: ${r.detail ?? "unknown error"}`
        : `This ${e.author} reply was not emailed to ${m.email.customer}: ${r.detail ?? "held back"}`;
    const { event } = this.store.append({
      type: "message",
      id: crypto.randomUUID(),
      author: "system",
      text,
      at: Date.now(),
    });
    this.broadcast({ t: "event", event });
  }
}
