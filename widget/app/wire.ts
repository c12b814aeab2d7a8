// Every server frame and HTTP answer the widget acts on is checked against the shared zod schemas
// before it is used: a frame that does not match is dropped and logged, an HTTP answer that does not
// match fails like a network error (retried where the caller retries). zod itself would cost the widget
// about 5 KB gzip of its 30 KB budget, so the schemas reach the bundle as shapes: plain data generated
// from them (wire-shapes.gen.ts, `npm run wire`), checked by the small `valid` of shape.ts. wire.test.ts holds
// the shapes equal to what the schemas generate today and `valid` equal to zod's verdict on every sample.
import type { CreatedConversation, EventsPage, FollowUpInfo, FollowUpResult, PostedMessage } from "../../shared/api.ts";
import type { HistorySession, PastConversations, PastTranscript } from "../../shared/customer-history.ts";
import type { ConversationEvent, ServerFrame } from "../../shared/protocol.ts";
import { type Shape, valid } from "./shape.ts";
import * as S from "./wire-shapes.gen.ts";

/** A received value that does not match: the widget goes on without it, and says so in the console. */
function drop(what: string): undefined {
  console.warn(`[edgedesk] dropped a ${what} that does not match the protocol`);
  return undefined;
}

const checker =
  <T>(s: Shape, what: string) =>
  (v: unknown): T | undefined =>
    valid(s, v) ? (v as T) : drop(what);

export const frame = checker<ServerFrame>(S.serverFrame, "frame");
export const event = checker<ConversationEvent>(S.event, "event");
export const eventsPage = checker<EventsPage>(S.eventsPage, "page of events");
export const created = checker<CreatedConversation>(S.createdConversation, "new conversation");
export const posted = checker<PostedMessage>(S.postedMessage, "message receipt");
export const followUpInfo = checker<FollowUpInfo>(S.followUpInfo, "follow-up answer");
export const followUpResult = checker<FollowUpResult>(S.followUpResult, "follow-up answer");
export const historySession = checker<HistorySession>(S.historySession, "history session");
export const pastConversations = checker<PastConversations>(S.pastConversations, "history list");
export const pastTranscript = checker<PastTranscript>(S.pastTranscript, "past conversation");
