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
export type SubjectSource = "contact" | "identity" | "follow-up" | "email";

export type SubjectConversation = {
  id: string;
  channel: string;
  state: string | null;
  createdAt: number | null;
  updatedAt: number | null;
  via: SubjectSource[];
  /** True when some source is verified (a signed identify, an email's sender, the REST API's customer). */
  verified: boolean;
};

export type ContactRecord = {
  email: string;
  contact: { id: string; name: string | null; createdAt: number } | null;
  conversations: SubjectConversation[];
};

/** What one erasure (or one retention pass over a conversation) removed, summed. */
export type ErasureCounts = {
  conversations: number;
  events: number;
  attachments: number;
  rows: number;
  deliveries: number;
  trainingLinks: number;
};

export type EraseResult = {
  /** False when more conversations remain than one request erases: call again (it resumes). */
  done: boolean;
  remaining: number;
  erased: ErasureCounts;
  /** A KB rebuild was queued because resolved questions the model learnt from were removed. */
  kbRebuild?: string;
};

export const retentionSchema = z.object({
  /** Null keeps conversations until they are erased. */
  days: z.nullable(z.number().check(z.int(), z.minimum(1), z.maximum(36_500))),
  mode: z._default(z.enum(["delete", "anonymise"]), "delete"),
});
export type RetentionSetting = z.output<typeof retentionSchema> & { updatedAt?: number; updatedBy?: string };

export type PrivacyAuditAction =
  | "contact.exported"
  | "contact.erased"
  | "retention.run"
  | "retention.changed"
  | "workspace.exported"
  | "workspace.imported"
  | "workspace.removed";

/** A privacy audit entry's detail as stored (privacy_audit.detail): counts, ids and flags, never personal data. */
export const privacyAuditDetailSchema = z.record(z.string(), z.union([z.number(), z.string(), z.boolean(), z.null()]));

export type PrivacyAuditEntry = {
  seq: number;
  actor: string;
  action: PrivacyAuditAction;
  subject: string | null;
  detail: Record<string, number | string | boolean | null>;
  at: number;
};
