// Opens a new conversation for a request on any HTTP channel (widget, portal, REST): one id scheme,
// and one place that records where it came from (page, article, device, link base).
import type { Context } from "hono";
import { isTimeZone } from "../../shared/hours.ts";
import { nanoid } from "nanoid";
import type { AppEnv } from "../env.ts";

export type ConversationOrigin = {
  workspaceId: string;
  /** The site key, or what stands in for one (`api:<key id>` for the REST channel). */
  siteKey: string;
  channel: string;
  locale: string;
  pageUrl?: string | undefined;
  pageTitle?: string | undefined;
  /** The help-centre article the customer was reading. */
  article?: string | undefined;
  /** The customer's time zone, as their browser reported it; one the runtime does not know is dropped. */
  timeZone?: string | undefined;
};

export async function startConversation(c: Context<AppEnv>, o: ConversationOrigin) {
  const id = nanoid(21);
  const stub = c.env.CONVERSATION.get(c.env.CONVERSATION.idFromName(id));
  const ua = c.req.header("user-agent");
  await stub.init({
    id,
    workspaceId: o.workspaceId,
    siteKey: o.siteKey,
    channel: o.channel,
    locale: o.locale,
    baseUrl: c.env.PUBLIC_URL || new URL(c.req.url).origin,
    ...(o.pageUrl ? { pageUrl: o.pageUrl } : {}),
    ...(o.pageTitle ? { pageTitle: o.pageTitle } : {}),
    ...(o.article ? { contextArticle: o.article } : {}),
    ...(o.timeZone && isTimeZone(o.timeZone) ? { timeZone: o.timeZone } : {}),
    ...(ua ? { userAgent: ua.slice(0, 300) } : {}),
  });
  return { id, stub };
}
