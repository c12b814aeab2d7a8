// Search over a workspace's conversations (`GET /api/search`, worker/search/, docs/search.md): the
// query the console sends, parsed by the worker with the same schema, and the page of results it
// answers. Merge and split have their own file (merge.ts): the console's first load reads only those.
import * as z from "zod/mini";
import { conversationStates } from "./protocol.ts";

/** "open" is every state but resolved; the rest are the conversation's own states. */
export const searchStatuses = ["open", ...conversationStates] as const;
export type SearchStatus = (typeof searchStatuses)[number];

/** Where a conversation came in: the widget, the help centre's widget, email, the REST API. */
export const searchChannels = ["chat", "portal", "email", "api"] as const;

const day = z.string().check(z.regex(/^\d{4}-\d{2}-\d{2}$/, "a day like 2026-05-01"));
/** An empty form field is no filter: the console may send `label=` as it stands. */
const text = (max: number) => z.optional(z.string().check(z.trim(), z.maxLength(max)));

/**
 * The query. `q` is free text: words match message text, notes, the subject and the customer's name and
 * addresses; a word with a digit in it ("48213", "#A-1029") matches exactly, others also as a prefix
 * ("refund" finds "refunds"); "quoted words" match as a phrase. The other fields narrow it down.
 * `from`/`to` are days (UTC, both included): a conversation matches when it was active in that range
 * (started before its end, last updated after its start).
 */
export const searchQuerySchema = z
  .object({
    q: text(200),
    customer: text(100),
    email: text(200),
    label: text(60),
    status: z.optional(z.enum(searchStatuses)),
    channel: z.optional(z.enum(searchChannels)),
    from: z.optional(day),
    to: z.optional(day),
    /** The `next` of the previous page. */
    cursor: z.optional(z.string().check(z.regex(/^\d{1,15}\.[\w-]{1,64}$/, "a cursor from a previous page"))),
    limit: z._default(z.coerce.number().check(z.int(), z.minimum(1), z.maximum(50)), 20),
  })
  .check(z.refine((v) => !v.from || !v.to || v.from <= v.to, { error: "from must not be after to", path: ["from"] }));
export type SearchQuery = z.input<typeof searchQuerySchema>;
export type ParsedSearchQuery = z.output<typeof searchQuerySchema>;

/** A piece of a snippet: the text as stored (rendered as text, never as HTML), and whether it matched. */
export const snippetPartSchema = z.object({ text: z.string(), hit: z.boolean() });
export type SnippetPart = z.infer<typeof snippetPartSchema>;

export const searchHitSchema = z.object({
  id: z.string(),
  /** The email's subject, else the first line of the customer's first message. */
  subject: z.string(),
  /** Where the text matched (empty when the query had no text). */
  snippet: z.array(snippetPartSchema),
  status: z.enum(conversationStates),
  channel: z.string(),
  customer: z.optional(z.string()),
  labels: z.array(z.string()),
  /** Merged into this conversation (closed, docs/search.md). */
  mergedInto: z.optional(z.string()),
  createdAt: z.number(),
  updatedAt: z.number(),
});
export type SearchHit = z.infer<typeof searchHitSchema>;

export const searchResultSchema = z.object({
  items: z.array(searchHitSchema),
  /** The cursor of the next page, absent on the last. */
  next: z.optional(z.string()),
  /** Server time spent on the query, ms. */
  tookMs: z.number(),
});
export type SearchResult = z.infer<typeof searchResultSchema>;
