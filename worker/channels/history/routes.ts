// `/v1/me`: a verified customer's own conversations from every channel, for the widget. Behind the
// site guard (site key, allowed origins, CORS) like the rest of `/v1`. Nothing here trusts a claim:
// a session needs a fresh identify() signature made with the site's identity secret, and every read
// goes through the contact of that signed email in the site's workspace.
import { Hono, type Context } from "hono";
import { identifySchema } from "../../../shared/api.ts";
import {
  pastConversationIdSchema,
  type PastConversation,
  type PastConversations,
  type PastTranscript,
} from "../../../shared/customer-history.ts";
import { verifyIdentity } from "../../auth/identity.ts";
import { conversationToken } from "../../conversation/token.ts";
import { normaliseEmail } from "../email/address.ts";
import type { AppEnv } from "../../env.ts";
import { requestToken } from "../../http/credentials.ts";
import { ApiFailure, jsonBody, parseOr400 } from "../../http/errors.ts";
import { contactIdOf, isLinked, linkedConversationIds } from "./contacts.ts";
import { historyToken, verifyHistoryToken } from "./token.ts";

export const customerHistory = new Hono<AppEnv>();

const noStore = { "cache-control": "no-store" };

/** The site's identity secret; without one no identity can be verified, so there is no history. */
function identitySite(c: Context<AppEnv>): { key: string; identitySecret: string } {
  const site = c.get("site");
  if (!site.identitySecret)
    throw new ApiFailure(
      401,
      "unverified",
      "this site verifies no identities (no identity secret), so it has no customer history",
    );
  return { key: site.key, identitySecret: site.identitySecret };
}

/**
 * The contact of the email a valid history token was issued for, in the site's workspace (null: a
 * verified customer who has no conversations yet); 401 for a missing, bad or expired token.
 */
async function holder(c: Context<AppEnv>): Promise<{ workspaceId: string; contactId: string | null }> {
  const token = requestToken(c, "history");
  const email = await verifyHistoryToken(c.env.SECRET, identitySite(c), token, Date.now());
  if (!email)
    throw new ApiFailure(
      401,
      "bad_token",
      "the history token is missing, invalid or expired: get a new one with a fresh identify() signature",
    );
  const workspaceId = c.get("site").workspaceId;
  return { workspaceId, contactId: await contactIdOf(c.env.DB, workspaceId, email) };
}

const stubOf = (c: Context<AppEnv>, id: string) => c.env.CONVERSATION.get(c.env.CONVERSATION.idFromName(id));

/**
 * A chat is picked up again only through the site that opened it: the chat routes answer to that site
 * alone (worker/conversation/routes.ts), so elsewhere it is read-only, "continues where it started".
 */
const asSeenFrom = (site: string, v: { siteKey: string; conversation: PastConversation }): PastConversation =>
  v.conversation.continuable && v.siteKey !== site ? { ...v.conversation, continuable: false } : v.conversation;

customerHistory.post("/session", async (c) => {
  const body = parseOr400(identifySchema, await jsonBody(c), "body");
  const site = c.get("site");
  const { verdict } = await verifyIdentity(site.identitySecret, body, Date.now());
  // The verdict helps the site's developer (as identify() does); it says nothing about any customer.
  if (verdict !== "verified")
    throw new ApiFailure(
      401,
      "unverified",
      `identity is not verified (${verdict}): history needs a fresh identify() signature`,
    );
  if (!body.user.email)
    throw new ApiFailure(403, "no_email", "the signed identity has no email; conversations are kept per email address");
  return c.json(
    await historyToken(c.env.SECRET, identitySite(c), normaliseEmail(body.user.email), Date.now()),
    201,
    noStore,
  );
});

customerHistory.get("/conversations", async (c) => {
  const { workspaceId, contactId } = await holder(c);
  const body: PastConversations = { conversations: [] };
  // A verified customer with no conversations yet has no contact: an empty history, not an error.
  if (!contactId) return c.json(body, 200, noStore);
  const ids = await linkedConversationIds(c.env.DB, contactId);
  const views = await Promise.all(ids.map((id) => stubOf(c, id).pastView(contactId)));
  const site = c.get("site").key;
  body.conversations = views.flatMap((v) => (v && v.workspaceId === workspaceId ? [asSeenFrom(site, v)] : []));
  body.conversations.sort((a, b) => b.updatedAt - a.updatedAt);
  return c.json(body, 200, noStore);
});

customerHistory.get("/conversations/:id", async (c) => {
  const { workspaceId, contactId } = await holder(c);
  const { id } = parseOr400(pastConversationIdSchema, { id: c.req.param("id") }, "path");
  // Not theirs and not there look the same: ids of others are never confirmed.
  const missing = new ApiFailure(404, "not_found", "no such conversation in your history");
  // The link is checked first so that no one can wake arbitrary conversations by id.
  if (!contactId || !(await isLinked(c.env.DB, contactId, id))) throw missing;
  const v = await stubOf(c, id).pastView(contactId, true);
  if (!v || v.workspaceId !== workspaceId) throw missing;
  const conversation = asSeenFrom(c.get("site").key, v);
  const body: PastTranscript = {
    conversation,
    messages: v.messages,
    ...(conversation.continuable ? { token: await conversationToken(c.env.SECRET, id) } : {}),
  };
  return c.json(body, 200, noStore);
});
