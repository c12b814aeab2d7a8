// What callers read of one conversation: the console's detail, and the customer's own view for their
// history in the widget (worker/channels/history/). Pure: the record and the log in, an answer out.
import type { ConversationDetail, ScheduleView } from "../../shared/api.ts";
import type { PastConversation, PastMessage } from "../../shared/customer-history.ts";
import type { ConversationEvent } from "../../shared/protocol.ts";
import { followUpShown } from "../channels/email/follow-up.ts";
import { customerView } from "../channels/history/view.ts";
import { assigneeOf, currentPriority, type Meta } from "./model.ts";

export function detailOf(
  m: Meta,
  events: ConversationEvent[],
  lastSeq: number,
  schedules: ScheduleView[] = [],
): ConversationDetail {
  const followUp = followUpShown(m);
  const priority = currentPriority(m);
  const assignee = assigneeOf(m);
  return {
    id: m.id,
    state: m.state,
    channel: m.channel,
    events,
    lastSeq,
    ...(m.handoff ? { handoff: m.handoff } : {}),
    ...(m.labels ? { labels: m.labels } : {}),
    ...(priority ? { priority } : {}),
    ...(m.identity ? { identity: m.identity } : {}),
    ...(m.csat ? { csat: m.csat } : {}),
    ...(m.handoffNeeded ? { handoffNeeded: m.handoffNeeded } : {}),
    ...(assignee ? { assignee } : {}),
    ...(m.contactId ? { contactId: m.contactId } : {}),
    ...(m.email
      ? {
          email: {
            customer: m.email.customer,
            subject: m.email.subject,
            ...(m.email.verified === false ? { unverified: true as const } : {}),
          },
        }
      : {}),
    ...(followUp ? { followUp } : {}),
    ...(m.snoozed ? { snoozed: m.snoozed.until !== undefined ? { until: m.snoozed.until } : {} } : {}),
    ...(m.woke ? { woke: m.woke } : {}),
    ...(schedules.length ? { schedules } : {}),
    ...(m.timeZone ? { timeZone: m.timeZone } : {}),
    ...(m.mergedInto ? { mergedInto: m.mergedInto } : {}),
    ...(m.splitFrom ? { splitFrom: m.splitFrom } : {}),
  };
}

export type PastView = {
  workspaceId: string;
  siteKey: string;
  conversation: PastConversation;
  messages: PastMessage[];
};

/**
 * The customer's own view: the list row, and the messages when asked. Null unless `contactId` is this
 * conversation's own contact (a linked colleague is not its owner), or while it has nothing to read.
 */
export function pastViewOf(
  m: Meta | null,
  contactId: string,
  customerEvents: () => ConversationEvent[],
  withMessages: boolean,
): PastView | null {
  if (!m || !contactId || m.contactId !== contactId) return null;
  const v = customerView(m, customerEvents());
  return v
    ? {
        workspaceId: m.workspaceId,
        siteKey: m.siteKey,
        conversation: v.conversation,
        messages: withMessages ? v.messages : [],
      }
    : null;
}
