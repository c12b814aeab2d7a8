// A customer's data over its life (`/api/privacy`, worker/privacy/, docs/privacy.md): find a contact
// by email, export everything held about them as one archive, erase it everywhere; the workspace's
// retention setting; the privacy audit trail. Owners (or the ADMIN_TOKEN) only.
import * as z from "zod/mini";

/** The address travels in a POST body, never in a URL (URLs end up in logs). */
export const contactQuerySchema = z.object({
  email: z.string().check(z.trim(), z.minLength(3), z.maxLength(254), z.regex(/^[^\s@]+@[^\s@]+$/, "an email address")),
});
export type ContactQuery = z.input<typeof contactQuerySchema>;

/** Erasure cannot be undone: the caller types the address a second time. */
export const eraseContactSchema = z.object({
  email: contactQuerySchema.shape.email,
  confirm: z.string().check(z.trim(), z.maxLength(254)),
});
export type EraseContact = z.input<typeof eraseContactSchema>;

/** How a conversation came to hold the address. */
export const subjectSourceSchema = z.enum(["contact", "identity", "follow-up", "email"]);
export type SubjectSource = z.infer<typeof subjectSourceSchema>;

export const subjectConversationSchema = z.object({
  id: z.string(),
  channel: z.string(),
  state: z.nullable(z.string()),
  createdAt: z.nullable(z.number()),
  updatedAt: z.nullable(z.number()),
  via: z.array(subjectSourceSchema),
  /** True when some source is verified (a signed identify, an email's sender, the REST API's customer). */
  verified: z.boolean(),
});
export type SubjectConversation = z.infer<typeof subjectConversationSchema>;

export const contactRecordSchema = z.object({
  email: z.string(),
  contact: z.nullable(z.object({ id: z.string(), name: z.nullable(z.string()), createdAt: z.number() })),
  conversations: z.array(subjectConversationSchema),
});
export type ContactRecord = z.infer<typeof contactRecordSchema>;

/** What one erasure (or one retention pass over a conversation) removed, summed. */
export const erasureCountsSchema = z.object({
  conversations: z.number(),
  events: z.number(),
  attachments: z.number(),
  rows: z.number(),
  deliveries: z.number(),
  trainingLinks: z.number(),
});
export type ErasureCounts = z.infer<typeof erasureCountsSchema>;

export const eraseResultSchema = z.object({
  /** False when more conversations remain than one request erases: call again (it resumes). */
  done: z.boolean(),
  remaining: z.number(),
  erased: erasureCountsSchema,
  /** A KB rebuild was queued because resolved questions the model learnt from were removed. */
  kbRebuild: z.optional(z.string()),
});
export type EraseResult = z.infer<typeof eraseResultSchema>;

export const retentionSchema = z.object({
  /** Null keeps conversations until they are erased. */
  days: z.nullable(z.number().check(z.int(), z.minimum(1), z.maximum(36_500))),
  mode: z._default(z.enum(["delete", "anonymise"]), "delete"),
});
export const retentionSettingSchema = z.extend(retentionSchema, {
  updatedAt: z.optional(z.number()),
  updatedBy: z.optional(z.string()),
});
export type RetentionSetting = z.output<typeof retentionSettingSchema>;

export const privacyAuditActionSchema = z.enum([
  "contact.exported",
  "contact.erased",
  "retention.run",
  "retention.changed",
  "workspace.exported",
  "workspace.imported",
  "workspace.removed",
]);
export type PrivacyAuditAction = z.infer<typeof privacyAuditActionSchema>;

/** A privacy audit entry's detail as stored (privacy_audit.detail): counts, ids and flags, never personal data. */
export const privacyAuditDetailSchema = z.record(z.string(), z.union([z.number(), z.string(), z.boolean(), z.null()]));

export const privacyAuditEntrySchema = z.object({
  seq: z.number(),
  actor: z.string(),
  action: privacyAuditActionSchema,
  subject: z.nullable(z.string()),
  detail: privacyAuditDetailSchema,
  at: z.number(),
});
export type PrivacyAuditEntry = z.infer<typeof privacyAuditEntrySchema>;
