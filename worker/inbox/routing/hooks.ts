// What happens when a queued conversation nears or breaches its response target. The Inbox DO's
// alarm calls `onSlaEvent` once per item and kind; notifications (Slack, webhooks) hook in here too.
import type { HandoffPacket, InboxItem } from "../../../shared/api.ts";
import type { Env } from "../../env.ts";
import { notifySlaBreach } from "../../insights/notify/index.ts";

export type SlaEventKind = "near" | "breached";

export type SlaHook = (env: Env, workspaceId: string, item: InboxItem, kind: SlaEventKind) => Promise<void>;

/** Records the event in D1 (`sla_events`) and logs it. Failures are logged, never thrown: an alert
 * that cannot be written must not stop the alarm from flagging the rest of the queue. */
export const onSlaEvent: SlaHook = async (env, workspaceId, item, kind) => {
  console.log(
    `[edgedesk] SLA ${kind}: conversation ${item.id} (${item.tier ?? "?"}, team ${item.team ?? "?"}) due ${new Date(item.slaDueAt ?? 0).toISOString()}`,
  );
  try {
    await env.DB.prepare(
      `INSERT INTO sla_events (workspace_id, conversation_id, kind, tier, team, assignee_id, due_at, at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
    )
      .bind(
        workspaceId,
        item.id,
        kind,
        item.tier ?? null,
        item.team ?? null,
        item.assignee?.id ?? null,
        item.slaDueAt ?? 0,
        Date.now(),
      )
      .run();
  } catch (e) {
    console.error(`[edgedesk] could not record SLA ${kind} of ${item.id}: ${String(e)}`);
  }
  // A breach is an alert: Slack and the sla.breached webhook (both retried by the notifier's outbox).
  if (kind === "breached") {
    const packet = await packetOf(env, item.id);
    await notifySlaBreach(
      env,
      workspaceId,
      item,
      {
        metric: "first_response",
        ...(item.slaDueAt ? { dueAt: item.slaDueAt } : {}),
        ...(item.tier ? { policy: item.tier } : {}),
      },
      packet,
    );
  }
};

/** The inbox item is a digest; the packet the alert carries lives in the conversation. Best effort. */
async function packetOf(env: Env, conversationId: string): Promise<HandoffPacket | undefined> {
  try {
    return (await env.CONVERSATION.get(env.CONVERSATION.idFromName(conversationId)).packet()) ?? undefined;
  } catch (e) {
    console.error(`[edgedesk] SLA alert for ${conversationId} goes without its packet: ${String(e)}`);
    return undefined;
  }
}

export const onNearDue = (env: Env, workspaceId: string, item: InboxItem) => onSlaEvent(env, workspaceId, item, "near");
export const onBreach = (env: Env, workspaceId: string, item: InboxItem) =>
  onSlaEvent(env, workspaceId, item, "breached");
