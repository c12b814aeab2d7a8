// What a customer may see of one of their conversations, for the widget's history (pure). The events
// come from the Conversation DO's customer replay, which already leaves out agents-only events and
// taken-back replies; here the email channel's delivery notes to agents (system messages) and the
// agent-only download links of attachments are dropped too.
import type { CustomerStatus, PastConversation, PastMessage } from "../../../shared/customer-history.ts";
import type { ConversationEvent, ConversationState } from "../../../shared/protocol.ts";

/** Longest title and last-message preview in a list row, in characters. */
export const PREVIEW_CHARS = 140;

/** Channels the widget can pick up again: a chat is a chat wherever it started; email and API threads continue where they began. */
const CONTINUABLE = new Set(["chat", "portal"]);

export function customerStatus(state: ConversationState): CustomerStatus {
  if (state === "resolved") return "closed";
  return state === "queued" ? "waiting" : "open";
}

/** One line, at most `max` characters, cut at a word when one ends near the limit. */
export function shorten(text: string, max = PREVIEW_CHARS): string {
  const flat = text.replace(/\s+/g, " ").trim();
  if (flat.length <= max) return flat;
  const cut = flat.slice(0, max - 1);
  if (flat[max - 1] === " ") return `${cut}…`;
  const space = cut.lastIndexOf(" ");
  return `${space > max * 0.6 ? cut.slice(0, space) : cut}…`;
}

export function pastMessages(events: ConversationEvent[]): PastMessage[] {
  const out: PastMessage[] = [];
  for (const e of events) {
    if (e.type !== "message" || e.author === "system") continue;
    out.push({
      id: e.id,
      author: e.author,
      ...(e.author === "agent" && e.name ? { name: e.name } : {}),
      text: e.text,
      at: e.at,
      ...(e.sources?.length ? { sources: e.sources } : {}),
      ...(e.attachments?.length ? { attachments: e.attachments.map((a) => ({ name: a.name, size: a.size })) } : {}),
    });
  }
  return out;
}

export type ConversationFacts = { id: string; channel: string; state: ConversationState; createdAt: number };

/** The list row and the transcript of one conversation; null when the customer has nothing to read in it. */
export function customerView(
  facts: ConversationFacts,
  events: ConversationEvent[],
): { conversation: PastConversation; messages: PastMessage[] } | null {
  const messages = pastMessages(events);
  const first = messages.find((m) => m.author === "customer") ?? messages[0];
  const last = messages[messages.length - 1];
  if (!first || !last) return null;
  const status = customerStatus(facts.state);
  return {
    conversation: {
      id: facts.id,
      channel: facts.channel,
      status,
      createdAt: facts.createdAt,
      updatedAt: last.at,
      title: shorten(first.text),
      last: { author: last.author, text: shorten(last.text) },
      messages: messages.length,
      continuable: status !== "closed" && CONTINUABLE.has(facts.channel),
    },
    messages,
  };
}
