// Merge and split of conversations (worker/conversation/merge.ts, docs/search.md): the requests of the
// console's conversation view and their answers, and what a merged conversation's widget is told.
import * as z from "zod/mini";
import { createdConversationSchema } from "./api.ts";

const conversationId = z.string().check(z.regex(/^[\w-]{1,64}$/, "a conversation id"));

/** `POST /api/conversations/:id/merge`: `other` is merged into `:id` (which is kept) and closed. */
export const mergeRequestSchema = z.object({ other: conversationId });
export type MergeRequest = z.infer<typeof mergeRequestSchema>;
export const mergeResultSchema = z.object({
  kept: z.string(),
  merged: z.string(),
  /** The other conversation had been merged into this one already: nothing changed. */
  duplicate: z.boolean(),
});
export type MergeResult = z.infer<typeof mergeResultSchema>;

/** `POST /api/conversations/:id/split`: the message moves into a new conversation of the same customer. */
export const splitRequestSchema = z.object({ messageId: z.string().check(z.minLength(1), z.maxLength(64)) });
export type SplitRequest = z.infer<typeof splitRequestSchema>;
export const splitResultSchema = z.object({
  /** The new conversation (the same one when the split is asked for again). */
  conversationId: z.string(),
  duplicate: z.boolean(),
});
export type SplitResult = z.infer<typeof splitResultSchema>;

/**
 * `GET /v1/conversations/:id/successor`: the conversation a merged one went on in, as a new one is answered
 * (the widget checks it with that shape and opens it).
 */
export const successorSchema = createdConversationSchema;
export type Successor = z.infer<typeof successorSchema>;
