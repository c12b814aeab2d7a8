// The attachments API's shapes (docs/attachments.md): a workspace's file policy as owners set it
// (`/api/files`) and as the widget reads it (`/v1/attachments/policy`), and the answer to an upload.
// The kinds and the byte checks themselves are in files.ts, without zod, for the widget's upload chunk.
import * as z from "zod/mini";
import { fileKinds, MAX_MAX_BYTES, MIN_MAX_BYTES } from "./files.ts";
import { attachmentRefSchema } from "./protocol.ts";

export const filePolicySchema = z.object({
  maxBytes: z.number().check(z.int(), z.gte(MIN_MAX_BYTES), z.lte(MAX_MAX_BYTES)),
  /** The kinds taken; an empty list turns attaching off for the workspace. */
  types: z.array(z.enum(fileKinds)).check(z.maxLength(fileKinds.length)),
});

/**
 * The policy as the widget reads it (`GET /v1/attachments/policy`): the same fields without the range
 * checks an owner's form needs (the widget's generated shapes hold no number checks; widget/app/shape.ts).
 */
export const filePolicyAnswerSchema = z.object({
  maxBytes: z.number(),
  types: z.array(z.enum(fileKinds)),
});

/** The console's view: the policy, and whether it is the workspace's own or the defaults. */
export const fileSettingsSchema = z.object({
  policy: filePolicySchema,
  custom: z.boolean(),
  updatedAt: z.optional(z.number()),
});
export type FileSettings = z.infer<typeof fileSettingsSchema>;

/** An upload stored as its own message; `duplicate` when that `x-client-id` was stored before. */
export const uploadedSchema = z.object({
  seq: z.number(),
  duplicate: z.boolean(),
  attachment: attachmentRefSchema,
});
export type Uploaded = z.infer<typeof uploadedSchema>;

/** An upload's client id (header `x-client-id`): what makes a retried upload one message. */
export const uploadClientIdSchema = z.string().check(z.regex(/^[\w-]{8,64}$/, "x-client-id is 8-64 letters or digits"));
