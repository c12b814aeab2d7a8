// Follow-up by email for chat conversations. A customer handed off to a person who then closes the
// page would never see the reply; so an agent's message written while no customer connection is open
// is also emailed, to the address the customer left in the widget or their verified identity email.
// The mail carries the conversation's signed reply token, so the customer's answer by email threads
// back into the same conversation (worker/email/inbound.ts), where the agent keeps working it.
// Bot messages are never mailed here (the bot answers live, and mail loops start with robots).
import type { FollowUpResult } from "../../shared/api.ts";
import type { MessageEvent, ServerFrame } from "../../shared/protocol.ts";
import { AGENTS_ONLY, isVerifiedField } from "../../shared/protocol.ts";
import type { Meta, Store } from "../conversation/store.ts";
import type { Env } from "../env.ts";
import { replyAddress, replyToken } from "./address.ts";
import { withReference, type EmailThread } from "./compose.ts";
import { supportAddressOf } from "./db.ts";
import { deliver } from "./outbound.ts";

type Hooks = {
  broadcast: (f: ServerFrame) => void;
  waitUntil: (p: Promise<unknown>) => void;
  /** A customer socket or SSE stream is open: they will see the message in the chat. */
  customerConnected: () => boolean;
};

/** Where follow-ups go: the address the customer left, else a verified identity's email. Never an unverified claim. */
export function followUpAddress(m: Meta): FollowUpResult | null {
  if (m.email) return null; // An email conversation mails every reply already (EmailSide).
  if (m.followUp) return { email: m.followUp.email, verified: m.followUp.verified };
  if (m.identity?.verified && m.identity.email) return { email: m.identity.email.toLowerCase(), verified: true };
  return null;
}

/** The thread's subject: the customer's first question, as a subject line. */
function subjectOf(first: string | undefined): string {
  const t = (first ?? "").replace(/\s+/g, " ").trim();
  return t ? (t.length > 70 ? `${t.slice(0, 69)}…` : t) : "Your conversation with support";
}

export class FollowUp {
  private chain: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly env: Env,
    private readonly store: Store,
    private readonly hooks: Hooks,
  ) {}

  /** Called for every frame the conversation broadcasts. */
  onFrame(f: ServerFrame): void {
    if (f.t !== "event" || f.event.type !== "message" || f.event.author !== "agent") return;
    const m = this.store.meta();
    if (!m || !followUpAddress(m) || this.hooks.customerConnected()) return;
    const e = f.event;
    const next = this.chain.then(() => this.send(e));
    this.chain = next.catch(() => undefined);
    this.hooks.waitUntil(next);
  }

  private async send(e: MessageEvent): Promise<void> {
    const m = this.store.meta();
    const to = m ? followUpAddress(m) : null;
    if (!m || !to) return;
    const support = await supportAddressOf(this.env.DB, m.workspaceId);
    if (!support)
      return this.note(`This reply was not emailed to ${to.email}: the workspace has no support email address.`);
    const first = this.store.events().find((x) => x.type === "message" && x.author === "customer");
    const refs = m.followUp?.references ?? [];
    const thread: EmailThread = {
      customer: to.email,
      // The To: display name is a header we write: a signed name only, never the page's claim.
      ...(m.identity?.name && isVerifiedField(m.identity, "name") ? { customerName: m.identity.name } : {}),
      support,
      replyTo: replyAddress(support, await replyToken(this.env.SECRET, m.id)),
      subject: subjectOf(first?.type === "message" ? first.text : undefined),
      ...(refs.length ? { lastInbound: refs[refs.length - 1] as string } : {}),
      references: refs,
    };
    const r = await deliver(this.env, { conversationId: m.id, workspaceId: m.workspaceId, thread }, e, Date.now());
    if (r.status !== "sent")
      return this.note(`This reply could not be emailed to ${to.email}: ${r.detail ?? "unknown error"}`);
    const now = this.store.meta();
    if (now) this.store.saveMeta({ ...now, followUp: { ...to, references: withReference(refs, r.messageId) } });
    this.note(`The customer had left the chat, so this reply was also emailed to ${to.email}.`);
  }

  /** A line only agents see, under the reply it is about. */
  private note(text: string): void {
    const { event } = this.store.append({
      type: "note",
      audience: AGENTS_ONLY,
      id: crypto.randomUUID(),
      name: "EdgeDesk",
      text,
      at: Date.now(),
    });
    this.hooks.broadcast({ t: "event", event });
  }
}
