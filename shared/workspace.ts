// A whole workspace as one archive, to leave a deployment or move to another (worker/workspace/,
// docs/privacy.md "Workspace export and import"). The worker writes it and, on import, parses every
// file of it with these schemas: an archive is input from outside, whoever made it.
import * as z from "zod/mini";

export const WORKSPACE_EXPORT_FORMAT = "edgedesk.workspace-export/1";

/** A D1 row as exported: column → plain value. Which table and which columns are decided on import. */
export const rowSchema = z.record(
  z.string().check(z.regex(/^[a-z_][a-z0-9_]*$/, "a column name")),
  z.union([z.string(), z.number(), z.null()]),
);
export type Row = z.infer<typeof rowSchema>;
const rows = z.array(rowSchema);

export const manifestSchema = z.object({
  format: z.literal(WORKSPACE_EXPORT_FORMAT),
  exportedAt: z.string(),
  workspace: z.object({ id: z.string(), name: z.string() }),
  /** True for the first part: it holds settings, people, articles and canned replies besides conversations. */
  settings: z.boolean(),
  /** Pass as `after` to export the next part; absent on the last. */
  next: z.optional(z.string()),
  conversations: z.array(z.string().check(z.regex(/^[\w-]{10,40}$/, "a conversation id"))),
  /** What was left out on purpose, for the person moving the workspace. */
  notes: z.array(z.string()),
});
export type WorkspaceManifest = z.infer<typeof manifestSchema>;

/** Table name → its rows, for the files that hold several tables. */
export const tablesSchema = z.record(z.string(), rows);

/** conversations/<id>/conversation.json: the Durable Object's record. */
export const conversationObjectSchema = z.object({
  meta: z.looseObject({
    id: z.string().check(z.regex(/^[\w-]{10,40}$/)),
    workspaceId: z.string(),
    siteKey: z.string(),
    channel: z.string(),
    locale: z.string(),
    state: z.enum(["bot", "queued", "agent", "resolved"]),
    createdAt: z.number(),
  }),
  events: z.array(z.looseObject({ seq: z.number().check(z.int(), z.minimum(1)), type: z.string(), at: z.number() })),
});

export const exportQuerySchema = z.object({
  after: z.optional(z.string().check(z.regex(/^[\w-]{10,40}$/, "a conversation id"))),
  limit: z._default(z.coerce.number().check(z.int(), z.minimum(1), z.maximum(500)), 200),
});

export type ImportResult = {
  workspaceId: string;
  settings: boolean;
  imported: { tables: Record<string, number>; conversations: number; attachments: number };
  /** What an operator must do before the workspace works as before (secrets are never in an archive). */
  todo: string[];
  kbRebuild?: string;
};

export type RemoveResult = { done: boolean; remaining: number; conversations: number; rows: number };
