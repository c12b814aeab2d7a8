// Client-side view of a conversation, rebuilt from server frames. Pure and DOM-free: the widget and the
// console both fold frames through `applyFrame`, so resume/dedup behaves the same for customers and
// agents. Invariants: events are applied once each, in seq order; a streamed draft only ever grows
// by text the client has not seen; the stored message replaces its draft.
import type { ConversationEvent, ConversationState, MessageEvent, ServerFrame } from "./protocol.ts";

export type Draft = { id: string; text: string };

export type Timeline = {
  /** Highest stored seq applied: what to send as `after` on reconnect. */
  lastSeq: number;
  state: ConversationState;
  messages: MessageEvent[];
  /** Bot answers still streaming, by message id. */
  drafts: Record<string, Draft>;
  /** The other side is typing. */
  typing: boolean;
  /** Agent who joined, while the conversation is with a person. */
  agentName?: string;
  /** The customer's rating, once given. */
  csat?: { score: number; comment?: string };
};

export const emptyTimeline = (): Timeline => ({ lastSeq: 0, state: "bot", messages: [], drafts: {}, typing: false });

function applyEvent(t: Timeline, e: ConversationEvent): Timeline {
  // seq is dense: anything at or below lastSeq was applied before (replay overlap after a reconnect).
  if (e.seq <= t.lastSeq) return t;
  if (e.type === "state") {
    return {
      ...t,
      lastSeq: e.seq,
      state: e.state,
      // Only a person types: an indicator left on when the agent leaves or resolves would stick forever.
      typing: e.state === "agent" ? t.typing : false,
      agentName: e.state === "agent" ? (e.name ?? t.agentName) : e.state === "queued" ? t.agentName : undefined,
    };
  }
  // Notes, changes and ratings are not chat lines; the console keeps its own list of them.
  // A retracted message leaves the transcript as if it had never been sent.
  if (e.type === "retract") return { ...t, lastSeq: e.seq, messages: t.messages.filter((m) => m.id !== e.messageId) };
  if (e.type === "csat")
    return { ...t, lastSeq: e.seq, csat: e.comment ? { score: e.score, comment: e.comment } : { score: e.score } };
  if (e.type !== "message") return { ...t, lastSeq: e.seq };
  const { [e.id]: _done, ...drafts } = t.drafts;
  return {
    ...t,
    lastSeq: e.seq,
    drafts,
    typing: e.author === "agent" ? false : t.typing,
    messages: [...t.messages, e],
  };
}

function applyDelta(t: Timeline, id: string, offset: number, text: string): Timeline {
  // The stored message already arrived: the stream is over for this client.
  if (t.messages.some((m) => m.id === id)) return t;
  const have = t.drafts[id]?.text ?? "";
  // A gap means a frame went missing; wait for the replay (offset 0) or the final event instead.
  if (offset > have.length) return t;
  const end = offset + text.length;
  if (end <= have.length) return t;
  return { ...t, drafts: { ...t.drafts, [id]: { id, text: have + text.slice(have.length - offset) } } };
}

export function applyFrame(t: Timeline, f: ServerFrame): Timeline {
  switch (f.t) {
    case "event":
      return applyEvent(t, f.event);
    case "delta":
      return applyDelta(t, f.id, f.offset, f.text);
    case "ready": {
      // A draft the server no longer streams will never be finished: its answer is regenerated
      // under a new id (after a restart) or was stored, and that event has been replayed already.
      const kept = f.streaming ? t.drafts[f.streaming] : undefined;
      return { ...t, state: f.lastSeq >= t.lastSeq ? f.state : t.state, drafts: kept ? { [kept.id]: kept } : {} };
    }
    case "typing":
      return { ...t, typing: f.on };
    default:
      return t;
  }
}
