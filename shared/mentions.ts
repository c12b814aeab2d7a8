// @mentions in private notes (docs/alerts.md "Mentions"): the note names teammates, and each of them
// gets an alert and keeps the mention in their list until they have seen to it.
import * as z from "zod/mini";

/** One unread mention as the mentioned agent's inbox keeps it. */
export const mentionItemSchema = z.object({
  /** `<note id>:<agent id>`: one per note and person, however often the note's event is replayed. */
  id: z.string(),
  conversationId: z.string(),
  noteId: z.string(),
  /** Who wrote the note. */
  by: z.object({ id: z.string(), name: z.string() }),
  /** The note's words, clipped: the alert's body and the list's line (rendered as text, never HTML). */
  excerpt: z.string(),
  at: z.number(),
});
export type MentionItem = z.infer<typeof mentionItemSchema>;

export const mentionListSchema = z.object({ mentions: z.array(mentionItemSchema) });

/** A teammate named in a note, as stored in the note's event. */
export const mentionedSchema = z.object({ id: z.string(), name: z.string() });
export type Mentioned = z.infer<typeof mentionedSchema>;
