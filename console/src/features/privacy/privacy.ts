// The privacy page's pure logic (unit-tested): the address check with the worker's own schema, how a
// conversation came to hold the address, what an erasure removed, the retention form, and the audit
// trail in words.
import {
  contactQuerySchema,
  type ErasureCounts,
  type PrivacyAuditEntry,
  type SubjectSource,
} from "../../../../shared/privacy.ts";

export function checkAddress(email: string): { ok: true; email: string } | { ok: false; error: string } {
  const r = contactQuerySchema.safeParse({ email });
  return r.success ? { ok: true, email: r.data.email } : { ok: false, error: "Enter an email address." };
}

const SOURCES: Record<SubjectSource, string> = {
  contact: "contact",
  identity: "identify()",
  "follow-up": "follow-up address",
  email: "email sender",
};

export const sourcesText = (via: SubjectSource[]): string => via.map((v) => SOURCES[v]).join(", ");

const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

export function erasedText(c: ErasureCounts): string {
  return [
    plural(c.conversations, "conversation"),
    plural(c.events, "event"),
    plural(c.attachments, "attachment"),
    plural(c.deliveries, "webhook delivery", "webhook deliveries"),
    plural(c.rows, "database row"),
    ...(c.trainingLinks ? [plural(c.trainingLinks, "KB training link")] : []),
  ].join(", ");
}

/** The retention form's value as the API takes it, or why not. `keep` means no limit. */
export function retentionInput(
  keep: boolean,
  days: string,
  mode: "delete" | "anonymise",
): { ok: true; value: { days: number | null; mode: "delete" | "anonymise" } } | { ok: false; error: string } {
  if (keep) return { ok: true, value: { days: null, mode } };
  const n = Number(days);
  if (!Number.isInteger(n) || n < 1 || n > 36_500) return { ok: false, error: "Days: a whole number from 1 to 36500." };
  return { ok: true, value: { days: n, mode } };
}

export function retentionText(days: number | null, mode: "delete" | "anonymise"): string {
  if (days === null) return "Conversations are kept until someone erases them.";
  return mode === "delete"
    ? `Conversations quiet for ${plural(days, "day")} are deleted.`
    : `Conversations quiet for ${plural(days, "day")} are anonymised: their content goes, the analytics stay.`;
}

const ACTIONS: Record<PrivacyAuditEntry["action"], string> = {
  "contact.exported": "Exported a contact",
  "contact.erased": "Erased a contact",
  "retention.run": "Retention ran",
  "retention.changed": "Changed retention",
  "workspace.exported": "Exported the workspace",
  "workspace.imported": "Imported the workspace",
  "workspace.removed": "Removed the workspace",
};

/** An audit entry in one line: what, and the counts it recorded (never an address: there is none). */
export function auditText(e: PrivacyAuditEntry): string {
  const d = e.detail;
  const count = (k: string, word: string) => (typeof d[k] === "number" ? [plural(d[k] as number, word)] : []);
  const facts = [
    ...count("conversations", "conversation"),
    ...count("events", "event"),
    ...count("attachments", "attachment"),
    ...(e.action === "retention.changed"
      ? [d.days === null ? "keep everything" : `${d.days} days, ${String(d.mode)}`]
      : []),
    ...(typeof d.remaining === "number" && d.remaining > 0 ? [`${d.remaining} left`] : []),
  ];
  return `${ACTIONS[e.action] ?? e.action}${facts.length ? `: ${facts.join(", ")}` : ""}`;
}
