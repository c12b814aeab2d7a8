// A conversation's health signals from its log (pure; score.test.ts): never the text itself.
import type { ConversationEvent } from "../../../shared/protocol.ts";
import { isComplaint } from "../surge/propose.ts";

/** Customer messages, negative ones and handoffs, from the log (messages taken back or merged in left out). */
export function logSignals(events: readonly ConversationEvent[]) {
  const gone = new Set(events.flatMap((e) => (e.type === "retract" ? [e.messageId] : [])));
  const said = events.filter(
    (e) => e.type === "message" && e.author === "customer" && !gone.has(e.id) && e.origin === undefined,
  );
  return {
    customerMessages: said.length,
    negative: said.filter((e) => e.type === "message" && isComplaint(e.text)).length,
    handoffs: events.filter((e) => e.type === "state" && e.state === "queued").length,
  };
}
