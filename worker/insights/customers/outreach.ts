// Proactive outreach (docs/customer-health.md "Outreach"): a message to a contact that opens a new
// conversation of theirs, so that it threads like any other. By email, it is the first mail of a thread
// from the support address, with the signed reply token in Reply-To and its Message-ID logged, so the
// contact's reply lands in it (worker/channels/email/inbound.ts). In the widget, it is a chat of a site
// that verifies identities, linked to the contact: their next visit, signed in, lists it under "Your
// conversations" (worker/channels/history/) with the agent's message, and they continue it there. No
// one else can: the history answers only a fresh signature of this contact's email.
import { nanoid } from "nanoid";
import type { Outreach, OutreachChannel, OutreachDraft } from "../../../shared/customer-health.ts";
import { emailConversationId, replyAddress, replyToken } from "../../channels/email/address.ts";
import { linkContact, supportAddressOf } from "../../channels/email/db.ts";
import type { Agent, OutreachOpening } from "../../conversation/model.ts";
import type { Env } from "../../env.ts";
import { ApiFailure } from "../../http/errors.ts";

type OutreachEnv = Pick<Env, "DB" | "CONVERSATION" | "SECRET" | "PUBLIC_URL" | "EMAIL_LOCALE">;

export type Contact = { id: string; email: string; name: string | null };

export async function contactIn(db: D1Database, workspaceId: string, contactId: string): Promise<Contact | null> {
  return db
    .prepare("SELECT id, email, name FROM contacts WHERE id = ? AND workspace_id = ?")
    .bind(contactId, workspaceId)
    .first<Contact>();
}

/** The widget's site: the one asked for, else the workspace's first that verifies identities; it must verify them. */
async function widgetSite(db: D1Database, workspaceId: string, asked?: string): Promise<string> {
  const row = await db
    .prepare(
      `SELECT key FROM sites WHERE workspace_id = ? AND identity_secret IS NOT NULL ${asked ? "AND key = ?" : ""}
       ORDER BY created_at, key LIMIT 1`,
    )
    .bind(...(asked ? [workspaceId, asked] : [workspaceId]))
    .first<{ key: string }>();
  if (!row)
    throw new ApiFailure(
      409,
      "no_verified_site",
      asked
        ? "that site is not this workspace's or verifies no identities: the contact could not be recognised there"
        : "no site of this workspace verifies identities: the widget could not recognise the contact",
    );
  return row.key;
}

export type Sending = {
  workspaceId: string;
  outreachId: string;
  contact: Contact;
  channel: OutreachChannel;
  subject?: string | undefined;
  text: string;
  site?: string | undefined;
  /** Who sends it (the message's author), and the agents-only line saying how it came about. */
  agent: Agent;
  note: string;
  baseUrl: string;
};

/** Opens the contact's new conversation with the message; returns its id. 409 when the channel cannot reach them. */
export async function sendOutreach(env: OutreachEnv, s: Sending): Promise<string> {
  const now = Date.now();
  const subject = s.subject ?? "A message from our support team";
  let conversation: OutreachOpening["conversation"];
  let id: string;
  if (s.channel === "email") {
    const support = await supportAddressOf(env.DB, s.workspaceId);
    if (!support) throw new ApiFailure(409, "no_support_address", "this workspace has no support address to send from");
    id = emailConversationId();
    conversation = {
      id,
      workspaceId: s.workspaceId,
      siteKey: `email:${support}`,
      channel: "email",
      locale: env.EMAIL_LOCALE ?? "en",
      baseUrl: s.baseUrl,
      contactId: s.contact.id,
      email: {
        // The contact's address on file came from a verified sender or a signed identity.
        verified: true,
        customer: s.contact.email,
        ...(s.contact.name ? { customerName: s.contact.name } : {}),
        support,
        replyTo: replyAddress(support, await replyToken(env.SECRET, id)),
        subject,
        references: [],
      },
    };
  } else {
    const siteKey = await widgetSite(env.DB, s.workspaceId, s.site);
    id = nanoid(21);
    conversation = {
      id,
      workspaceId: s.workspaceId,
      siteKey,
      channel: "chat",
      locale: "en",
      baseUrl: s.baseUrl,
      contactId: s.contact.id,
    };
  }
  // The link first: the customer's history and the email thread check find it by the contact.
  await linkContact(env.DB, {
    workspaceId: s.workspaceId,
    email: s.contact.email,
    conversationId: id,
    channel: conversation.channel,
    now,
  });
  const r = await env.CONVERSATION.get(env.CONVERSATION.idFromName(id)).openOutreach({
    outreachId: s.outreachId,
    conversation,
    contactId: s.contact.id,
    agent: s.agent,
    clientId: `outreach:${s.outreachId}`,
    text: s.text,
    note: s.note,
  });
  if (!r.ok) throw new ApiFailure(409, r.error, r.message);
  return id;
}

export type OutreachRow = {
  id: string;
  workspace_id: string;
  contact_id: string;
  channel: OutreachChannel;
  subject: string | null;
  text: string;
  status: Outreach["status"];
  rule_id: string | null;
  reason: string | null;
  conversation_id: string | null;
  created_by: string | null;
  created_at: number;
  decided_by: string | null;
  decided_at: number | null;
  email?: string | null;
  name?: string | null;
};

export const outreachOf = (r: OutreachRow): Outreach => ({
  id: r.id,
  contactId: r.contact_id,
  ...(r.email ? { email: r.email } : {}),
  ...(r.name ? { name: r.name } : {}),
  channel: r.channel,
  ...(r.subject ? { subject: r.subject } : {}),
  text: r.text,
  status: r.status,
  ...(r.rule_id ? { ruleId: r.rule_id } : {}),
  ...(r.reason ? { reason: r.reason } : {}),
  ...(r.conversation_id ? { conversationId: r.conversation_id } : {}),
  createdAt: r.created_at,
  ...(r.decided_by ? { decidedBy: r.decided_by } : {}),
  ...(r.decided_at ? { decidedAt: r.decided_at } : {}),
});

export const newOutreachId = () => `or_${crypto.randomUUID().replace(/-/g, "").slice(0, 20)}`;

/**
 * A rule's drafted message for a contact, waiting for an agent (called once per rule, contact and window:
 * the alert row's key guards it). Nothing is sent here.
 */
export async function proposeOutreach(
  db: D1Database,
  p: { workspaceId: string; contactId: string; ruleId: string; reason: string; draft: OutreachDraft; now: number },
): Promise<string> {
  const id = newOutreachId();
  await db
    .prepare(
      `INSERT INTO outreach (id, workspace_id, contact_id, channel, subject, text, status, rule_id, reason, created_at)
       VALUES (?, ?, ?, ?, ?, ?, 'proposed', ?, ?, ?)`,
    )
    .bind(
      id,
      p.workspaceId,
      p.contactId,
      p.draft.channel,
      p.draft.subject ?? null,
      p.draft.text,
      p.ruleId,
      p.reason,
      p.now,
    )
    .run();
  return id;
}
