// Follow-up by email for chat conversations. A customer handed off to a person who then closes the
// page would never see the reply; so an agent's message written while no customer connection is open
// is also emailed, to the customer's verified identity email or to an address they typed in the
// widget *and confirmed* with the code we mailed it (worker/channels/email/confirm.ts): anyone can type
// anyone's address, and nobody must be able to point our mail at a stranger. The mail carries the
// conversation's signed reply token, so the customer's answer by email threads back into the same
// conversation (worker/channels/email/inbound.ts), where the agent keeps working it. Its subject is ours, never
// the customer's text. Bot messages are never mailed here (the bot answers live, and mail loops start
// with robots).
import type { FollowUpResult } from "../../../shared/api.ts";
import type { MessageEvent } from "../../../shared/protocol.ts";
import { AGENTS_ONLY, isVerifiedField } from "../../../shared/protocol.ts";
import { type Meta, news, Refused } from "../../conversation/model.ts";
import type { Follower, FollowerPorts } from "../../conversation/outbox.ts";
import type { Env } from "../../env.ts";
import { replyAddress, replyToken } from "./address.ts";
import type { EmailThread } from "./compose.ts";
import { CODE_TRIES, CODE_TTL_MS, checkCode, codeHash, followUpSubject, mailCode, newCode } from "./confirm.ts";
import { supportAddressOf } from "./db.ts";
import { deliver } from "./outbound.ts";

/** What leaving and confirming an address needs of the conversation (worker/conversation/lifecycle.ts). */
export type FollowUpConversation = {
  readonly meta: Meta;
  setFollowUp(email: string): FollowUpResult;
  confirmFollowUp(): FollowUpResult;
  followUpCodeMailed(email: string, hash: string, expiresAt: number, now: number): void;
  followUpCodeTried(): number;
};

/** A code mailed this recently is not mailed again for the same address (a double click, a retry). */
const RESEND_AFTER_MS = 60_000;

/** Where follow-ups go: a confirmed typed address, else a verified identity's email. Never an unconfirmed claim. */
export function followUpAddress(m: Meta): FollowUpResult | null {
  if (m.email) return null; // An email conversation mails every reply already (EmailSide).
  const f = m.followUp;
  if (f && (f.verified || f.confirmed)) return { email: f.email, verified: f.verified, confirmed: true };
  if (isVerifiedField(m.identity, "email") && m.identity?.email)
    return { email: m.identity.email.toLowerCase(), verified: true, confirmed: true };
  return null;
}

/**
 * What the customer and agents are shown: a typed address still awaiting its code (so the widget asks
 * for it), else the address mail goes to.
 */
export function followUpShown(m: Meta): FollowUpResult | null {
  if (m.email) return null;
  const f = m.followUp;
  if (f && !f.verified && !f.confirmed) return { email: f.email, verified: false, confirmed: false };
  return followUpAddress(m);
}

export class FollowUp {
  constructor(
    private readonly env: Env,
    private readonly engine: FollowUpConversation,
  ) {}

  /**
   * The customer left an address. Their verified identity's own is used at once; any other gets a
   * confirmation mail with a code first (refused when the caps are reached or it cannot be sent).
   */
  async leave(email: string): Promise<FollowUpResult> {
    const m = this.engine.meta;
    const support = await supportAddressOf(this.env.DB, m.workspaceId);
    if (!support) throw new Refused("follow_up_unavailable", "this workspace does not send email");
    const r = this.engine.setFollowUp(email);
    if (r.confirmed) return r;
    const now = Date.now();
    const pending = this.engine.meta.followUpCode;
    // A code still usable and mailed within the minute is not mailed again (a double click, a retry).
    const usable = pending && now < pending.expiresAt && pending.tries < CODE_TRIES;
    if (pending?.email === email && usable && now - (pending.expiresAt - CODE_TTL_MS) < RESEND_AFTER_MS) return r;
    const code = newCode();
    const hash = await codeHash(this.env.SECRET, m.id, email, code);
    const mailed = await mailCode(
      this.env,
      {
        conversationId: m.id,
        workspaceId: m.workspaceId,
        locale: m.locale,
        support,
        sentAt: this.engine.meta.followUpMails ?? [],
      },
      email,
      code,
      now,
    );
    if (!mailed.ok) throw new Refused(mailed.code, mailed.message);
    // Kept only if the address is still the one asked for: other turns may have changed it meanwhile.
    this.engine.followUpCodeMailed(email, hash, now + CODE_TTL_MS, now);
    return r;
  }

  /** The code from the confirmation mail, typed in the chat. */
  async confirm(code: string): Promise<FollowUpResult> {
    const m = this.engine.meta;
    const verdict = await checkCode(this.env.SECRET, m.id, m.followUpCode, m.followUp?.email, code, Date.now());
    if (verdict === "ok") return this.engine.confirmFollowUp();
    if (verdict === "wrong_code" && this.engine.meta.followUpCode) {
      const tries = this.engine.followUpCodeTried();
      const left = Math.max(0, CODE_TRIES - tries);
      throw new Refused(
        "wrong_code",
        `that code is not right${left ? ` (${left} more tries)` : "; ask for a new one"}`,
      );
    }
    throw new Refused(
      verdict,
      verdict === "code_expired"
        ? "the code has expired; save the address again for a new one"
        : verdict === "too_many_tries"
          ? "too many wrong codes; save the address again for a new one"
          : "no email address is waiting for a code",
    );
  }
}

type Ports = Pick<FollowerPorts, "meta" | "record" | "emit" | "customerConnected">;

/**
 * The follow-up follower (worker/conversation/outbox.ts): an agent's message written while no customer
 * connection is open is mailed to the follow-up address, one at a time in order.
 */
export const followUpFollower = (env: Env, ports: Ports): Follower => ({
  name: "follow-up",
  kind: "events",
  // One message a run: the cursor moves past each mail as soon as it went, so a retry never re-sends one.
  batch: 1,
  async run({ events }) {
    for (const e of news(events)) {
      if (e.type !== "message" || e.author !== "agent") continue;
      const m = ports.meta();
      if (!m || ports.customerConnected()) continue;
      if (!followUpAddress(m)) {
        // The customer asked for mail but never confirmed the address: the agent should know it did not go.
        if (m.followUp && !m.email)
          note(
            ports,
            `This reply was not emailed to ${m.followUp.email}: the customer has not confirmed that address.`,
          );
        continue;
      }
      await send(env, ports, e);
    }
  },
});

async function send(env: Env, ports: Ports, e: MessageEvent): Promise<void> {
  const m = ports.meta();
  const to = m ? followUpAddress(m) : null;
  if (!m || !to) return;
  const support = await supportAddressOf(env.DB, m.workspaceId);
  if (!support)
    return note(ports, `This reply was not emailed to ${to.email}: the workspace has no support email address.`);
  const refs = m.followUp?.email === to.email ? m.followUp.references : [];
  const thread: EmailThread = {
    customer: to.email,
    // The To: display name is a header we write: a signed name only, never the page's claim.
    ...(m.identity?.name && isVerifiedField(m.identity, "name") ? { customerName: m.identity.name } : {}),
    support,
    replyTo: replyAddress(support, await replyToken(env.SECRET, m.id)),
    subject: followUpSubject(m.locale, env.EMAIL_FROM_NAME ?? "Support"),
    ...(refs.length ? { lastInbound: refs[refs.length - 1] as string } : {}),
    references: refs,
  };
  const r = await deliver(env, { conversationId: m.id, workspaceId: m.workspaceId, thread }, e, Date.now());
  if (r.status !== "sent")
    return note(ports, `This reply could not be emailed to ${to.email}: ${r.detail ?? "unknown error"}`);
  ports.record.followUpSent(to, refs, r.messageId);
  const left = r.left?.length ? ` Too large to attach, named in the mail only: ${r.left.join(", ")}.` : "";
  note(ports, `The customer had left the chat, so this reply was also emailed to ${to.email}.${left}`);
}

/** A line only agents see, under the reply it is about. */
function note(ports: Ports, text: string): void {
  ports.emit({ type: "note", audience: AGENTS_ONLY, id: crypto.randomUUID(), name: "EdgeDesk", text, at: Date.now() });
}
