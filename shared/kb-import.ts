// Knowledge import (console "Import", `/api/kb-import`): a zip of Markdown articles or a help centre
// exported from Zendesk Guide, Intercom Articles or Chatwoot, previewed before anything changes.
import * as z from "zod/mini";
import { kbJobSchema } from "./api.ts";

export const importSourceSchema = z.enum(["markdown-zip", "zendesk", "intercom", "chatwoot"]);
export type ImportSource = z.infer<typeof importSourceSchema>;
/** `merge` adds and updates; `replace` also unpublishes published articles the export does not hold. */
export const importModeSchema = z.enum(["merge", "replace"]);
export type ImportMode = z.infer<typeof importModeSchema>;
/** `draft`: everything becomes a draft to review; `publish`: what the source had published goes live. */
export const importAsSchema = z.enum(["draft", "publish"]);
export type ImportAs = z.infer<typeof importAsSchema>;

export const importChangeSchema = z.enum(["new", "changed", "unchanged", "removed", "skipped"]);
export type ImportChange = z.infer<typeof importChangeSchema>;

export const importPreviewItemSchema = z.object({
  /** The article id it maps to ("" when none could be made). */
  id: z.string(),
  title: z.string(),
  /** The vendor's id or the file name; "" for removals. */
  source: z.string(),
  change: importChangeSchema,
  /** Published or draft in the source (a removal: published here). */
  state: z.enum(["published", "draft"]),
  locale: z.string(),
  category: z.string(),
  warnings: z.array(z.string()),
});
export type ImportPreviewItem = z.infer<typeof importPreviewItemSchema>;

export const importPreviewSchema = z.object({
  source: importSourceSchema,
  mode: importModeSchema,
  /** The live KB version the preview was made against (0: none yet); apply refuses if it moved. */
  kbVersion: z.number(),
  counts: z.object({
    new: z.number(),
    changed: z.number(),
    unchanged: z.number(),
    removed: z.number(),
    skipped: z.number(),
  }),
  items: z.array(importPreviewItemSchema),
  /** About the export as a whole (files refused or left out). */
  warnings: z.array(z.string()),
});
export type ImportPreview = z.infer<typeof importPreviewSchema>;

export const importResultSchema = z.object({
  drafts: z.number(),
  published: z.number(),
  removed: z.number(),
  /** The publish job, when the import publishes or removes anything. */
  job: z.optional(kbJobSchema),
});
export type ImportResult = z.infer<typeof importResultSchema>;
