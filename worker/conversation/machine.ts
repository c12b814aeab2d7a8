// The conversation state machine: bot → queued → agent → resolved, back to bot on hand-back, and a
// resolved conversation reopens when the customer writes again.
import type { ConversationState } from "../../shared/protocol.ts";

const allowed: Record<ConversationState, readonly ConversationState[]> = {
  bot: ["queued", "resolved"],
  queued: ["agent", "bot", "resolved"],
  agent: ["queued", "bot", "resolved"],
  resolved: ["bot", "queued"],
};

export function canMove(from: ConversationState, to: ConversationState): boolean {
  return allowed[from].includes(to);
}

export class IllegalTransition extends Error {
  constructor(
    readonly from: ConversationState,
    readonly to: ConversationState,
  ) {
    super(`a conversation in state ${from} cannot move to ${to}`);
  }
}

/** Who answers a customer message in each state. */
export const botAnswers = (s: ConversationState): boolean => s === "bot" || s === "resolved";
