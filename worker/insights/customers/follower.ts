// The conversation's `health` follower: keeps its signals for customer health (how many customer
// messages, how many negative, handoffs, SLA breaches, the rating; never the text), then checks the
// workspace's alert rules for its contact. Idempotent: the row is replaced, an alert is keyed by rule,
// contact and window, so a batch that runs twice alerts nobody twice.
import { type ConversationEvent, isVerifiedField } from "../../../shared/protocol.ts";
import type { Meta } from "../../conversation/model.ts";
import type { Follower, FollowerPorts } from "../../conversation/outbox.ts";
import type { Env } from "../../env.ts";
import { checkRules } from "./rules.ts";
import { logSignals } from "./signals.ts";
import { companyOf } from "./score.ts";

const matters = (e: ConversationEvent) => e.type === "message" || e.type === "state" || e.type === "csat";

export const healthFollower = (
  env: Pick<Env, "DB" | "NOTIFIER" | "SEND_EMAIL" | "PUBLIC_URL" | "EMAIL_FROM_NAME">,
  ports: FollowerPorts,
): Follower => ({
  name: "health",
  kind: "events",
  batch: 500,
  async run({ meta, events }) {
    if (!events.some(matters)) return;
    const s = logSignals(ports.history());
    if (s.customerMessages === 0) return;
    await saveSignals(env.DB, meta, s);
    if (meta.contactId) await checkRules(env, meta.workspaceId, meta.contactId, Date.now());
  },
});

async function saveSignals(db: D1Database, meta: Meta, s: ReturnType<typeof logSignals>): Promise<void> {
  const contact = meta.contactId
    ? await db.prepare("SELECT email FROM contacts WHERE id = ?").bind(meta.contactId).first<{ email: string }>()
    : null;
  const attrs = meta.identity?.attributes;
  const signed =
    isVerifiedField(meta.identity, "attributes") && typeof attrs?.company === "string" ? attrs.company : undefined;
  const breached = await db
    .prepare("SELECT COUNT(*) AS n FROM sla_events WHERE conversation_id = ? AND kind = 'breached'")
    .bind(meta.id)
    .first<{ n: number }>();
  await db
    .prepare(
      `INSERT INTO conversation_health (workspace_id, conversation_id, contact_id, company, started_at, state, customer_messages, negative, handoffs, breached, csat, updated_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (conversation_id) DO UPDATE SET contact_id = excluded.contact_id, company = excluded.company,
         state = excluded.state, customer_messages = excluded.customer_messages, negative = excluded.negative,
         handoffs = excluded.handoffs, breached = excluded.breached, csat = excluded.csat, updated_at = excluded.updated_at`,
    )
    .bind(
      meta.workspaceId,
      meta.id,
      meta.contactId ?? null,
      companyOf(signed, contact?.email ?? meta.identity?.email),
      meta.createdAt,
      meta.state,
      s.customerMessages,
      s.negative,
      s.handoffs,
      breached?.n ?? 0,
      meta.csat?.score ?? null,
      Date.now(),
    )
    .run();
}
