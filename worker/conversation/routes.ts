// The public chat API the widget (and the bench, and other surfaces) talk to. Every request carries
// the site key; every conversation request also its token, in a header (never the URL).
import { Hono, type Context } from "hono";
import {
  createConversationSchema,
  csatSchema,
  feedbackSchema,
  followUpConfirmSchema,
  followUpSchema,
  handoffRequestSchema,
  identifySchema,
  postMessageSchema,
  type CreatedConversation,
  type PostedMessage,
} from "../../shared/api.ts";
import { WS_PROTOCOL } from "../../shared/credentials.ts";
import type { Successor } from "../../shared/merge.ts";
import { toIdentity, verifyIdentity } from "../auth/identity.ts";
import { slowDown } from "./budget.ts";
import { startConversation } from "./start.ts";
import { supportAddressOf } from "../channels/email/db.ts";
import { conversationToken } from "./token.ts";
import { customerConversation } from "./customer-access.ts";
import type { AppEnv } from "../env.ts";
import { recordVote } from "../knowledge/signals.ts";
import { ApiFailure, jsonBody, parseOr400 } from "../http/errors.ts";

export const conversations = new Hono<AppEnv>();

/** Every route below goes through the customer's fence (customer-access.ts). */
const open = (c: Context<AppEnv>) => customerConversation(c);

const gone = () => new ApiFailure(404, "not_found", "no such conversation");

conversations.post("/", async (c) => {
  const body = parseOr400(createConversationSchema, await jsonBody(c), "body");
  const site = c.get("site");
  const { id } = await startConversation(c, {
    workspaceId: site.workspaceId,
    siteKey: site.key,
    channel: body.channel,
    locale: body.locale,
    pageUrl: body.pageUrl,
    pageTitle: body.pageTitle,
    article: body.article,
    timeZone: body.timeZone,
  });
  const created: CreatedConversation = { id, token: await conversationToken(c.env.SECRET, id), state: "bot" };
  return c.json(created, 201);
});

conversations.get("/:id/events", async (c) => {
  const { q, stub } = await open(c);
  if ((c.req.header("accept") ?? "").includes("text/event-stream")) {
    return stub.fetch(`https://do/sse?after=${q.after}`);
  }
  return c.json(await stub.page(q.after));
});

conversations.get("/:id/ws", async (c) => {
  if (c.req.header("upgrade")?.toLowerCase() !== "websocket")
    throw new ApiFailure(426, "upgrade_required", "expected a WebSocket upgrade");
  const { q, stub } = await open(c);
  // The token came as a subprotocol: the answer must select ours, or the browser drops the socket.
  const offered = (c.req.header("sec-websocket-protocol") ?? "").split(",").map((p) => p.trim());
  return stub.fetch(`https://do/ws?after=${q.after}`, {
    headers: {
      upgrade: "websocket",
      "x-request-id": c.get("rid"),
      ...(offered.includes(WS_PROTOCOL) ? { "sec-websocket-protocol": WS_PROTOCOL } : {}),
    },
  });
});

conversations.post("/:id/messages", async (c) => {
  const { stub } = await open(c);
  const body = parseOr400(postMessageSchema, await jsonBody(c), "body");
  if ((c.req.header("accept") ?? "").includes("text/event-stream")) {
    // Send and stream this exchange's reply in one request: the SSE fallback and the REST channel.
    return stub.fetch("https://do/send-stream", {
      method: "POST",
      headers: { "x-request-id": c.get("rid") },
      body: JSON.stringify(body),
    });
  }
  let r: Awaited<ReturnType<typeof stub.postCustomer>>;
  try {
    r = await stub.postCustomer(body.clientId, body.text, body.choice, c.get("rid"));
  } catch (e) {
    // The object's store refused it: the conversation was erased.
    if (e instanceof Error && e.message === "conversation erased") throw gone();
    throw e;
  }
  if (!r.ok) {
    c.header("retry-after", String(Math.ceil(r.retryAfterMs / 1000)));
    throw new ApiFailure(429, "rate_limited", slowDown(r.retryAfterMs).message);
  }
  const posted: PostedMessage = { seq: r.seq, duplicate: r.duplicate };
  return c.json(posted, 202);
});

conversations.post("/:id/handoff", async (c) => {
  const { stub } = await open(c);
  const body = parseOr400(handoffRequestSchema, await jsonBody(c), "body");
  await stub.requestHandoff(body.reason);
  return c.json({ ok: true }, 202);
});

/** The widget's identify(): always stored; `verified` only with a fresh, valid HMAC from the site. */
conversations.post("/:id/identify", async (c) => {
  const { stub } = await open(c);
  const body = parseOr400(identifySchema, await jsonBody(c), "body");
  const now = Date.now();
  const v = await verifyIdentity(c.get("site").identitySecret, body, now);
  await stub.identify(toIdentity(body, v, now));
  // The verdict tells the site's developer why a signature did not count, and which fields a valid one
  // covers (v1: id and email only); it reveals nothing secret.
  const verified = v.verdict === "verified";
  return c.json({ verified, verdict: v.verdict, ...(verified ? { verifiedFields: v.fields } : {}) }, 202);
});

conversations.post("/:id/csat", async (c) => {
  const { stub } = await open(c);
  const body = parseOr400(csatSchema, await jsonBody(c), "body");
  const r = await stub.csat(body.score, body.comment);
  if (!r.ok) throw new ApiFailure(409, r.error, r.message);
  return c.json(r.value, r.value.duplicate ? 200 : 201);
});

/**
 * Replies by email while the customer is away from the chat: whether this workspace sends email at all
 * (it has a support address), and the address on file (left in the widget, or a verified identity's).
 */
conversations.get("/:id/follow-up", async (c) => {
  const { stub } = await open(c);
  const available = (await supportAddressOf(c.env.DB, c.get("site").workspaceId)) !== null;
  const on = available ? await stub.followUpInfo() : null;
  return c.json({ available, ...(on ? on : {}) });
});

/** How a refused follow-up answers: caps are 429, a mail that could not go out 503, the rest 409. */
const followUpStatus = (code: string) => (code === "too_many_confirmations" ? 429 : code === "not_sent" ? 503 : 409);

/**
 * The customer's address for replies. Their verified identity's own is used at once; any other is
 * mailed a 6-digit code and gets nothing else until the code comes back (`/follow-up/confirm`).
 */
conversations.post("/:id/follow-up", async (c) => {
  const { stub } = await open(c);
  const body = parseOr400(followUpSchema, await jsonBody(c), "body");
  if (!(await supportAddressOf(c.env.DB, c.get("site").workspaceId)))
    throw new ApiFailure(409, "follow_up_unavailable", "this workspace does not send email");
  const r = await stub.setFollowUp(body.email);
  if (!r.ok) throw new ApiFailure(followUpStatus(r.error), r.error, r.message);
  return c.json(r.value);
});

conversations.post("/:id/follow-up/confirm", async (c) => {
  const { stub } = await open(c);
  const body = parseOr400(followUpConfirmSchema, await jsonBody(c), "body");
  const r = await stub.confirmFollowUp(body.code);
  if (!r.ok) throw new ApiFailure(followUpStatus(r.error), r.error, r.message);
  return c.json(r.value);
});

/**
 * Where a conversation merged into another one went, with its token, when this site's widget can open
 * it (the widget goes on there: docs/search.md); 404 `elsewhere` when it continues on another channel,
 * which the merge's line in the transcript says. A merge joins only conversations of one verified
 * customer, and the caller holds this one's token.
 */
conversations.get("/:id/successor", async (c) => {
  const { stub } = await open(c);
  const to = await stub.successor();
  if (!to) throw new ApiFailure(404, "not_merged", "this conversation was not merged into another");
  const kept = await c.env.CONVERSATION.get(c.env.CONVERSATION.idFromName(to)).mergeTarget();
  const site = c.get("site");
  if (kept?.siteKey !== site.key || kept.workspaceId !== site.workspaceId)
    throw new ApiFailure(404, "elsewhere", `this conversation continues in ${to}, on another channel`);
  const out: Successor = { id: to, token: await conversationToken(c.env.SECRET, to), state: kept.state };
  return c.json(out);
});

/** Thumbs up/down on one bot answer, for the content team's article figures and gaps. */
conversations.post("/:id/feedback", async (c) => {
  const { id } = await open(c);
  const body = parseOr400(feedbackSchema, await jsonBody(c), "body");
  if (!(await recordVote(c.env.DB, id, body.messageId, body.helpful)))
    throw new ApiFailure(404, "not_found", "no bot answer with that id in this conversation");
  return c.json({ ok: true });
});
