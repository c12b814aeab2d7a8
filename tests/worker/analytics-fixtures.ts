// What the analytics tests write as a conversation's Durable Object would: its meta, the part of it
// rowsFor() reads (workspace, channel, the handoff packet).
import type { HandoffPacket } from "../../shared/api.ts";
import type { Meta } from "../../worker/conversation/model.ts";

export function metaOf(
  id: string,
  start: number,
  opts: { ws: string; channel?: string; handoff?: Partial<HandoffPacket> },
): Meta {
  return {
    id,
    workspaceId: opts.ws,
    siteKey: "x",
    channel: opts.channel ?? "chat",
    locale: "en",
    baseUrl: "",
    createdAt: start,
    state: "bot",
    lowConfidenceTurns: 0,
    failures: 0,
    tried: [],
    ...(opts.handoff ? { handoff: opts.handoff as HandoffPacket } : {}),
  };
}
