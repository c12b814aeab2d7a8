// How the public routes reach one conversation for its customer: the conversation token, and the
// conversation being the named site's own (docs/conversations.md "Which site a conversation answers
// to"). The chat API (routes.ts) and the customer's files (worker/attachments/routes.ts) go through here.
import type { Context } from "hono";
import { conversationQuerySchema } from "../../shared/api.ts";
import type { AppEnv } from "../env.ts";
import { requestToken } from "../http/credentials.ts";
import { ApiFailure, parseOr400 } from "../http/errors.ts";
import { verifyConversationToken } from "./token.ts";

const ID = /^[\w-]{10,40}$/;

/**
 * Checks id + token, then that the conversation is the named site's own: the token proves who opened
 * the conversation, not which site it belongs to, and the site decides the workspace, its identity
 * secret and its support address. A valid token outlives an erased conversation (worker/privacy/): its
 * object has no owner any more, so it opens nothing. Returns the conversation's stub and the validated query.
 */
export async function customerConversation(c: Context<AppEnv>, id = c.req.param("id") ?? "") {
  if (!ID.test(id)) throw new ApiFailure(400, "invalid_path", "conversation id is malformed");
  const token = requestToken(c, "conversation");
  const q = parseOr400(conversationQuerySchema, c.req.query(), "query");
  if (!(await verifyConversationToken(c.env.SECRET, id, token)))
    throw new ApiFailure(403, "bad_token", "token does not match this conversation");
  const stub = c.env.CONVERSATION.get(c.env.CONVERSATION.idFromName(id));
  const site = c.get("site");
  const owner = await stub.owner();
  // Another site's conversation looks like none at all: its existence is not confirmed.
  if (!owner || owner.siteKey !== site.key || owner.workspaceId !== site.workspaceId)
    throw new ApiFailure(404, "not_found", "no such conversation for this site");
  return { id, q, stub };
}
