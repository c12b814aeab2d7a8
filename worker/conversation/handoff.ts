// The handoff packet: what an agent reads first so the customer never repeats themselves. Built once
// at handoff from the record, the log and the bot's last turn; routed by the escalation matrix.
import type { HandoffPacket } from "../../shared/api.ts";
import { describeOpening } from "../../shared/hours.ts";
import type { ConversationEvent } from "../../shared/protocol.ts";
import { isVerifiedField } from "../../shared/protocol.ts";
import { defaultMatrix, route, type Matrix } from "../inbox/routing/matrix.ts";
import { type BotTurn, customerFiles, isVip, type Meta } from "./model.ts";
import { type ReplyKey, reply } from "./replies.ts";
import { summarizeConversation } from "./summary.ts";

export function buildPacket(
  m: Meta,
  events: ConversationEvent[],
  reason: string,
  turn: BotTurn | undefined,
  at: number,
  opts: { routing?: Matrix; agentLocale?: string },
): HandoffPacket {
  const best = turn?.article;
  const top = m.tried[m.tried.length - 1];
  const category = best?.category ?? top?.category;
  const routed = route(opts.routing ?? defaultMatrix, {
    reason,
    at,
    ...(best ? { article: best } : category ? { article: { category } } : {}),
    // Only signed attributes may raise the tier: an unverified claim of VIP status is just text, and
    // so is one next to a v1 signature, which covers id and email only.
    customer: { vip: isVerifiedField(m.identity, "attributes") && isVip(m.identity?.attributes?.vip) },
  });
  const files = customerFiles(events);
  return {
    reason,
    summary: summarizeConversation(events, m.locale, opts.agentLocale),
    summarySource: "extractive",
    ...(m.pageUrl ? { pageUrl: m.pageUrl } : {}),
    ...(m.pageTitle ? { pageTitle: m.pageTitle } : {}),
    ...(m.contextArticle ? { contextArticle: m.contextArticle } : {}),
    ...(m.userAgent ? { userAgent: m.userAgent } : {}),
    locale: m.locale,
    tried: m.tried.map(({ articleId, title, score }) => ({ articleId, title, score })),
    ...(best ? { article: best.id } : {}),
    ...(category ? { category } : {}),
    priority: best?.priority ?? "normal",
    team: routed.team,
    at,
    tier: routed.tier,
    slaDueAt: routed.dueAt,
    ...(m.identity ? { identity: m.identity } : {}),
    ...(files.length ? { attachments: files } : {}),
    ...(m.actionsTried?.length ? { actions: m.actionsTried } : {}),
  };
}

/** The bot's "connecting you" sentence for a handoff reason. */
export function handoffKey(reason: string): ReplyKey {
  if (reason === "customer-requested" || reason === "asked-for-person") return "handoffRequested";
  if (reason === "article-requires-person") return "handoffArticle";
  return "handoffUnsure";
}

/**
 * What the bot says instead of "connecting you" when the desk is closed (the packet's `afterHours`):
 * when a person is back, in the customer's language and the desk's zone, and, when `offerEmail`, that
 * an address left below gets the reply (the widget's follow-up form, docs/email.md).
 */
export function closedReply(
  locale: string,
  closed: NonNullable<HandoffPacket["afterHours"]>,
  offerEmail: boolean,
  now: number,
): string {
  const back =
    closed.opensAt === undefined
      ? reply(locale, "handoffClosedUnknown")
      : reply(locale, "handoffClosed", describeOpening(closed.opensAt, closed.timeZone, locale, now));
  return offerEmail ? `${back} ${reply(locale, "closedEmail")}` : back;
}
