// Turns what happened in a conversation into webhook events. The conversation's log is the source:
// the webhooks follower of its outbox (follower.ts) hands over the events past its cursor, and event
// ids derive from the conversation and seq, so a batch handed twice is delivered once.
import type { EventConversation, EventHandoff, HandoffPacket, InboxItem, WebhookEvent } from "../../../shared/api.ts";
import { forCustomer, type ConversationEvent } from "../../../shared/protocol.ts";
import type { Meta } from "../../conversation/model.ts";

/** Fields other features may add to items and packets (identity tiers); read when present. */
const extra = (o: object | undefined, key: string): string | undefined => {
  const v = o ? (o as Record<string, unknown>)[key] : undefined;
  return typeof v === "string" && v ? v : undefined;
};

export function consoleUrl(base: string | undefined, conversationId: string): string | undefined {
  return base ? `${base.replace(/\/+$/, "")}/console/#/c/${encodeURIComponent(conversationId)}` : undefined;
}

export function conversationOf(item: InboxItem, packet?: HandoffPacket, base?: string): EventConversation {
  const tier = extra(item, "tier") ?? extra(packet, "tier");
  const url = consoleUrl(base, item.id);
  return {
    id: item.id,
    state: item.state,
    channel: item.channel,
    preview: item.preview,
    ...(item.reason ? { reason: item.reason } : {}),
    ...(item.team ? { team: item.team } : {}),
    ...(item.priority ? { priority: item.priority } : {}),
    ...(tier ? { tier } : {}),
    createdAt: item.createdAt,
    updatedAt: item.updatedAt,
    ...(url ? { consoleUrl: url } : {}),
  };
}

/** The packet as receivers get it: everything an agent sees first, minus the browser's user agent. */
export function handoffOf(h: HandoffPacket): EventHandoff {
  const id = h.identity;
  return {
    reason: h.reason,
    summary: h.summary,
    ...(h.summarySource ? { summarySource: h.summarySource } : {}),
    priority: h.priority,
    team: h.team,
    ...(h.tier ? { tier: h.tier } : {}),
    ...(h.slaDueAt !== undefined ? { slaDueAt: h.slaDueAt } : {}),
    ...(h.category ? { category: h.category } : {}),
    ...(h.article ? { article: h.article } : {}),
    ...(h.pageUrl ? { pageUrl: h.pageUrl } : {}),
    ...(h.pageTitle ? { pageTitle: h.pageTitle } : {}),
    locale: h.locale,
    at: h.at,
    ...(id
      ? {
          identity: {
            id: id.id,
            verified: id.verified,
            ...(id.verified ? { verifiedFields: id.verifiedFields ?? ["id", "email"] } : {}),
            ...(id.email ? { email: id.email } : {}),
            ...(id.name ? { name: id.name } : {}),
            ...(id.attributes ? { attributes: id.attributes } : {}),
          },
        }
      : {}),
    tried: h.tried.map(({ articleId, title, score }) => ({ articleId, title, score })),
  };
}

/** Private agent-side entries (internal notes and the like) never leave the desk. */
const isInternal = (e: ConversationEvent): boolean => !forCustomer(e);

/**
 * The events for log entries `log` (those past the cursor), `created` when this is the conversation's
 * first publish. Event ids derive from the conversation id and seq: re-emitting is harmless, the
 * notifier enqueues each (event, endpoint) once.
 */
export function eventsFor(
  meta: Meta,
  item: InboxItem,
  log: ConversationEvent[],
  created: boolean,
  publicUrl?: string,
): WebhookEvent[] {
  const base = publicUrl || meta.baseUrl;
  const conversation = conversationOf(item, meta.handoff, base);
  const mk = (
    id: string,
    type: WebhookEvent["type"],
    at: number,
    data: Omit<WebhookEvent["data"], "conversation"> = {},
  ): WebhookEvent => ({
    id: `${meta.id}.${id}`,
    type,
    createdAt: at,
    workspaceId: meta.workspaceId,
    data: { conversation, ...data },
  });
  // Every event about people working the conversation carries the packet, as the console shows it first.
  const packet = meta.handoff ? { handoff: handoffOf(meta.handoff) } : {};
  const out: WebhookEvent[] = [];
  if (created) out.push(mk("created", "conversation.created", meta.createdAt));
  for (const e of log) {
    if (isInternal(e)) continue;
    if (e.type === "message" && (e.author === "customer" || e.author === "agent")) {
      const message = {
        id: e.id,
        seq: e.seq,
        author: e.author,
        text: e.text,
        at: e.at,
        ...(e.name ? { name: e.name } : {}),
        ...(e.attachments?.length
          ? { attachments: e.attachments.map(({ name, type, size }) => ({ name, type, size })) }
          : {}),
      };
      out.push(mk(String(e.seq), "message.created", e.at, { message }));
    } else if (e.type === "retract") {
      out.push(
        mk(String(e.seq), "message.retracted", e.at, {
          retraction: { messageId: e.messageId, by: e.by, at: e.at, ...(e.reason ? { reason: e.reason } : {}) },
        }),
      );
    } else if (e.type === "state") {
      if (e.state === "queued") out.push(mk(String(e.seq), "conversation.handed_off", e.at, packet));
      else if (e.state === "agent")
        out.push(
          mk(String(e.seq), "conversation.assigned", e.at, {
            ...packet,
            ...(e.name ? { agent: { name: e.name } } : {}),
          }),
        );
      else if (e.state === "resolved") out.push(mk(String(e.seq), "conversation.resolved", e.at, packet));
      else if (e.state === "bot" && e.reason === "reopened") out.push(mk(String(e.seq), "conversation.reopened", e.at));
    }
  }
  return out;
}
