// Every customer and agent message, on every transport (socket, SSE, HTTP, the REST channel), comes in
// here: a customer's resend is free and a new message costs a token of the conversation's budget
// (budget.ts); once the bot's turn has settled the customer's language, agents get the message in
// theirs, and an agent's reply goes out in the customer's (the original is kept).
import type { ClientFrame, ServerFrame } from "../../shared/protocol.ts";
import type { Translate } from "../answer/turn-types.ts";
import { type Bucket, slowDown } from "./budget.ts";
import type { Engine } from "./lifecycle.ts";
import type { Store } from "./log.ts";
import { type Agent, ConversationErased, refusal } from "./model.ts";
import type { Attachment } from "./transport.ts";

/** A customer message taken (`seq`, `done` when its answer is complete) or refused for now. */
export type CustomerSent = { seq: number; duplicate: boolean; done: Promise<void> } | { retryAfterMs: number };

/** A bot turn cut short by erasure (worker/privacy/) is not an error: the conversation is gone. */
export const quietIfErased = (e: unknown): void => {
  if (!(e instanceof ConversationErased)) throw e;
};

export class Sends {
  /** The request id of the customer message being stored right now (for the operator's turn log). */
  incomingRid: string | null = null;

  constructor(
    private readonly store: Store,
    private readonly engine: Engine,
    private readonly budget: Bucket,
    /** Machine translation for customers in another language than the agents' (null without AI). */
    private readonly translator: Translate | null,
    /** The language agents work in (AGENT_LOCALE). */
    private readonly agentLocale: string,
    private readonly waitUntil: (p: Promise<unknown>) => void,
    /** Typing goes to the other side only (transport.ts). */
    private readonly typing: (from: Attachment["role"], on: boolean) => void,
  ) {}

  customer(clientId: string, text: string, choice?: string, rid?: string | null): CustomerSent {
    if (!this.store.hasClientId(clientId)) {
      const wait = this.budget.take(Date.now());
      if (wait) return { retryAfterMs: wait };
    }
    this.incomingRid = rid ?? null;
    let sent: ReturnType<Engine["customerMessage"]>;
    try {
      sent = this.engine.customerMessage(clientId, text, choice ? { choice } : {});
    } finally {
      this.incomingRid = null;
    }
    const { seq } = sent;
    const done = (sent.duplicate ? sent.done : sent.done.then(() => this.forAgents(seq))).catch(quietIfErased);
    this.waitUntil(done);
    return { ...sent, done };
  }

  async agent(agent: Agent, clientId: string, text: string): Promise<{ seq: number; duplicate: boolean }> {
    const to = this.store.meta()?.locale.slice(0, 2).toLowerCase();
    const translated =
      this.translator && to && to !== this.agentLocale
        ? await this.translator.translate(text, this.agentLocale, to)
        : null;
    return translated && translated !== text
      ? this.engine.agentMessage(agent, clientId, translated, { original: { text, locale: this.agentLocale } })
      : this.engine.agentMessage(agent, clientId, text);
  }

  /** A parsed frame from a socket (transport.ts): sends are acked or refused by name; a refusal is answered. */
  async frame(att: Attachment, f: ClientFrame, ws: WebSocket): Promise<void> {
    const reply = (frame: ServerFrame) => ws.send(JSON.stringify(frame));
    try {
      if (f.t === "send") {
        const r =
          att.role === "agent"
            ? await this.agent(att, f.clientId, f.text)
            : this.customer(f.clientId, f.text, f.choice, `${att.rid ?? "ws"}/${f.clientId}`);
        if ("retryAfterMs" in r) reply({ t: "error", ...slowDown(r.retryAfterMs), clientId: f.clientId });
        else reply({ t: "ack", clientId: f.clientId, seq: r.seq, duplicate: r.duplicate });
      } else if (f.t === "handoff") {
        if (att.role === "customer") this.waitUntil(this.engine.requestHandoff(f.reason));
      } else if (f.t === "typing") {
        this.typing(att.role, f.on);
      }
    } catch (e) {
      const r = refusal(e);
      reply({ t: "error", code: r.error, message: r.message });
    }
  }

  private async forAgents(seq: number): Promise<void> {
    const m = this.store.meta();
    const e = this.store.events(seq - 1, 1).find((x) => x.seq === seq);
    const from = m?.locale.slice(0, 2).toLowerCase();
    if (!this.translator || !m || !from || from === this.agentLocale || e?.type !== "message") return;
    const text = await this.translator.translate(e.text, from, this.agentLocale);
    if (text && text !== e.text) this.engine.translation(e.id, text, from, this.agentLocale);
  }
}
