// Opens a new conversation for a request on any HTTP channel (widget, portal, REST): one id scheme,
// and one place that records where it came from (page, article, device, link base).
import type { Context } from "hono";
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
    ...(ua ? { userAgent: ua.slice(0, 300) } : {}),
  });
  return { id, stub };
}
