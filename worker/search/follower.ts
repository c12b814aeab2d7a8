// The search follower (worker/conversation/outbox.ts): the conversation's messages and notes become
// rows of D1 `search_docs` (and so of the FTS5 index, by the triggers of migration 0040), and its
// record the `search_conversations` row the filters read. Idempotent: a doc is keyed by (conversation,
// seq) and inserted once; the conversation's row and its doc 0 are upserts that change nothing when
// nothing changed. A message taken back or split off leaves the index with its retract event.
import type { ConversationEvent } from "../../shared/protocol.ts";
import type { Meta } from "../conversation/model.ts";
import type { Follower } from "../conversation/outbox.ts";
import type { Env } from "../env.ts";
import { addressesOf } from "../privacy/subjects.ts";
import { firstLine, indexable, labelLines } from "./text.ts";

/** The text an event adds to the index, or null. Bot answers and system lines are not searched (0040). */
export function docOf(e: ConversationEvent): { messageId: string; text: string } | null {
  if (e.type === "note") return { messageId: e.id, text: indexable(e.text) };
  if (e.type === "message" && (e.author === "customer" || e.author === "agent"))
    return { messageId: e.id, text: indexable(e.text) };
  return null;
}

/** What the filters read of the record: subject, customer, addresses, labels, where it was merged. */
export function facetsOf(m: Meta): { subject: string; customer: string | null; emails: string; labels: string } {
  return {
    subject: m.email?.subject ? firstLine(m.email.subject) : "",
    customer: m.identity?.name?.slice(0, 200) ?? m.email?.customerName?.slice(0, 200) ?? null,
    emails: [...new Set(addressesOf(m).map((a) => a.email))].join("\n"),
    labels: labelLines(m.labels ?? []),
  };
}

export const searchFollower = (env: Pick<Env, "DB">): Follower => ({
  name: "search",
  kind: "events",
  batch: 200,
  // A conversation from before search is indexed from its first event when it next wakes.
  backfill: true,
  async run({ meta: m, events }) {
    const db = env.DB;
    const f = facetsOf(m);
    const firstCustomer = events.find((e) => e.type === "message" && e.author === "customer" && !e.origin);
    const candidate = f.subject || (firstCustomer?.type === "message" ? firstLine(firstCustomer.text) : "");
    const stmts: D1PreparedStatement[] = [
      // The email's subject always wins; otherwise the first customer line seen stays the subject.
      db
        .prepare(
          `INSERT INTO search_conversations (conversation_id, workspace_id, subject, customer, emails, labels, merged_into)
           VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)
           ON CONFLICT (conversation_id) DO UPDATE SET
             subject = CASE WHEN ?8 != '' THEN ?8 WHEN search_conversations.subject = '' THEN ?3 ELSE search_conversations.subject END,
             customer = ?4, emails = ?5, labels = ?6, merged_into = ?7`,
        )
        .bind(m.id, m.workspaceId, candidate, f.customer, f.emails, f.labels, m.mergedInto ?? null, f.subject),
    ];
    for (const e of events) {
      const doc = docOf(e);
      if (doc)
        stmts.push(
          db
            .prepare(
              `INSERT INTO search_docs (conversation_id, workspace_id, seq, message_id, text) VALUES (?, ?, ?, ?, ?)
               ON CONFLICT (conversation_id, seq) DO NOTHING`,
            )
            .bind(m.id, m.workspaceId, e.seq, doc.messageId, doc.text),
        );
      else if (e.type === "retract")
        stmts.push(
          db.prepare("DELETE FROM search_docs WHERE conversation_id = ? AND message_id = ?").bind(m.id, e.messageId),
        );
    }
    // Doc 0: the subject, the customer's name and addresses, as the row above now holds them.
    stmts.push(
      db
        .prepare(
          `INSERT INTO search_docs (conversation_id, workspace_id, seq, message_id, text)
           SELECT conversation_id, workspace_id, 0, NULL, subject || char(10) || COALESCE(customer, '') || char(10) || emails
           FROM search_conversations WHERE conversation_id = ?1
           ON CONFLICT (conversation_id, seq) DO UPDATE SET text = excluded.text WHERE search_docs.text != excluded.text`,
        )
        .bind(m.id),
    );
    await db.batch(stmts);
  },
});
