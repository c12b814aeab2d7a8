// A verified customer's own past conversations, from every channel, as the widget shows them
// (`/v1/me`, worker/channels/history/). The widget trades its signed identify() payload for a short-lived
// history token, then lists and reads with it. The widget imports types only from here, so zod never
// enters its bundle; the worker validates with the schemas.
import * as z from "zod/mini";
import type { Source } from "./protocol.ts";

/** `POST /v1/me/session` takes the same body as identify(); see `identifySchema` in api.ts. */
export type HistorySession = {
  /** Sent as `Authorization: Bearer <token>` on the other `/v1/me` requests. */
  token: string;
  /** Epoch ms; after it the widget asks for a new one with a fresh identify() signature. */
  expiresAt: number;
};

export const pastConversationIdSchema = z.object({
  id: z.string().check(z.regex(/^[\w-]{10,40}$/, "conversation id is malformed")),
});

/** What a customer is told about a conversation's state: agents' states are not their vocabulary. */
export type CustomerStatus = "open" | "waiting" | "closed";

export type PastConversation = {
  id: string;
  /** `chat` (the widget, also on help-centre pages), `email`, `api` (the REST channel), `portal`. */
  channel: string;
  status: CustomerStatus;
  createdAt: number;
  /** When its last message the customer can see was written. */
  updatedAt: number;
  /** The customer's first message: what the conversation was about. */
  title: string;
  /** The last message the customer can see, shortened. */
  last?: { author: PastMessage["author"]; text: string };
  messages: number;
  /** A widget chat that is still open can be picked up again in the widget. */
  continuable: boolean;
};

export type PastConversations = { conversations: PastConversation[] };

/** A message as the customer sees it: never agents' notes, never taken-back replies, no agent-only links. */
export type PastMessage = {
  id: string;
  author: "customer" | "bot" | "agent";
  /** The agent's display name. */
  name?: string;
  text: string;
  at: number;
  sources?: Source[];
  /** Files that came with the customer's email: names only (downloads are for agents). */
  attachments?: { name: string; size: number }[];
};

export type PastTranscript = {
  conversation: PastConversation;
  messages: PastMessage[];
  /** Only when `continuable`: the conversation token the widget resumes it with. */
  token?: string;
};
