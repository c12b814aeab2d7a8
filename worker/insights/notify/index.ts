// The hooks the rest of the worker calls. None of them throws or makes its caller wait on a
// receiver: they hand events to the workspace's Notifier, which owns delivery from there.
import type { HandoffPacket, InboxItem, SlaBreach, WebhookEvent } from "../../../shared/api.ts";
import type { Env } from "../../env.ts";
import { conversationOf, handoffOf } from "./events.ts";

export { NotifierDO } from "./do.ts";

export const notifierOf = (env: Pick<Env, "NOTIFIER">, workspaceId: string) =>
  env.NOTIFIER.get(env.NOTIFIER.idFromName(workspaceId));

async function hand(env: Env, workspaceId: string, events: WebhookEvent[], rid?: string | null): Promise<void> {
  if (!events.length) return;
  try {
    await notifierOf(env, workspaceId).enqueue(workspaceId, events, rid ?? undefined);
  } catch (e) {
    // Notifications are best effort at this boundary; the conversation must carry on regardless.
    console.error("[edgedesk] notifications: could not queue", events.map((x) => x.id).join(", "), e);
  }
}

/**
 * For the SLA timers (worker/inbox/routing): a conversation missed a target. Sends `sla.breached` to the
 * webhooks subscribed to it and posts to Slack. Calling it twice for the same breach (same
 * conversation, metric and dueAt) delivers once.
 */
export function notifySlaBreach(
  env: Env,
  workspaceId: string,
  item: InboxItem,
  breach: Partial<SlaBreach> = {},
  packet?: HandoffPacket,
): Promise<void> {
  const breachedAt = breach.breachedAt ?? Date.now();
  const sla: SlaBreach = {
    metric: breach.metric ?? "sla",
    breachedAt,
    ...(breach.dueAt !== undefined ? { dueAt: breach.dueAt } : {}),
    ...(breach.policy ? { policy: breach.policy } : {}),
  };
  const event: WebhookEvent = {
    id: `${item.id}.sla.${sla.metric}.${sla.dueAt ?? breachedAt}`,
    type: "sla.breached",
    createdAt: breachedAt,
    workspaceId,
    data: {
      conversation: conversationOf(item, packet, env.PUBLIC_URL),
      sla,
      ...(packet ? { handoff: handoffOf(packet) } : {}),
    },
  };
  return hand(env, workspaceId, [event]);
}
