// Which conversations hold an email address (D1 `privacy_subjects`, migration 0020). The Conversation
// DO's outbox runs `SubjectIndex.index` whenever its record changes; it writes a row only when its meta holds an
// address it has not indexed yet (a set kept in the object's own SQLite), so the cost is one D1 write
// per address per conversation, off the customer's path.
import type { SubjectSource } from "../../shared/privacy.ts";
import type { Meta } from "../conversation/model.ts";
import { normaliseEmail } from "../channels/email/address.ts";

type Address = { email: string; source: Exclude<SubjectSource, "contact">; verified: boolean };

/** The addresses a conversation's meta holds, and how it learnt each. */
export function addressesOf(m: Meta): Address[] {
  const out: Address[] = [];
  if (m.identity?.email)
    out.push({ email: normaliseEmail(m.identity.email), source: "identity", verified: m.identity.verified });
  if (m.followUp?.email)
    out.push({ email: normaliseEmail(m.followUp.email), source: "follow-up", verified: m.followUp.verified });
  // The sender of an email conversation: the address the mail came from (or its Reply-To).
  if (m.email?.customer) out.push({ email: normaliseEmail(m.email.customer), source: "email", verified: true });
  return out;
}

type LocalSql = {
  exec<T extends Record<string, SqlStorageValue>>(query: string, ...params: SqlStorageValue[]): { toArray(): T[] };
};

export class SubjectIndex {
  private known: Set<string> | null = null;

  constructor(
    private readonly sql: LocalSql,
    private readonly db: D1Database,
  ) {}

  /**
   * Indexes the addresses the record holds that are not indexed yet. A follower of the conversation's
   * outbox (worker/conversation/outbox.ts): throws when D1 refused, so the outbox tries again, and
   * INSERT OR IGNORE makes a repeat a no-op.
   */
  async index(m: Meta): Promise<void> {
    const fresh = addressesOf(m).filter((a) => !this.seen().has(key(a)));
    if (!fresh.length) return;
    await this.db.batch(
      fresh.map((a) =>
        this.db
          .prepare(
            "INSERT OR IGNORE INTO privacy_subjects (workspace_id, email, conversation_id, source, verified, created_at) VALUES (?, ?, ?, ?, ?, ?)",
          )
          .bind(m.workspaceId, a.email, m.id, a.source, a.verified ? 1 : 0, Date.now()),
      ),
    );
    for (const a of fresh) {
      this.sql.exec("INSERT OR IGNORE INTO privacy_indexed (k) VALUES (?)", key(a));
      this.seen().add(key(a));
    }
  }

  /** The object's storage was deleted: nothing is indexed any more. */
  forget(): void {
    this.known = null;
  }

  private seen(): Set<string> {
    if (!this.known) {
      this.sql.exec("CREATE TABLE IF NOT EXISTS privacy_indexed (k TEXT PRIMARY KEY)");
      this.known = new Set(
        this.sql
          .exec<{ k: string }>("SELECT k FROM privacy_indexed")
          .toArray()
          .map((r) => r.k),
      );
    }
    return this.known;
  }
}

const key = (a: Address) => `${a.source}:${a.verified ? 1 : 0}:${a.email}`;
