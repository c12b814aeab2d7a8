// The REST channel, `/rest/v1`. Each operation is declared once (method, path, schemas, handler):
// the router is built from the declarations and so is the OpenAPI document (openapi.ts), so what is
// documented is what is validated.
import { Hono, type Context } from "hono";
import { nanoid } from "nanoid";
import type { MessageEvent } from "../../../shared/protocol.ts";
import {
  apiErrorSchema,
  restConversationIdSchema,
  restConversationSchema,
  restCreateConversationSchema,
  restEventsQuerySchema,
  restEventsSchema,
  restHandoffSchema,
  restOkSchema,
  restPostedSchema,
  restPostMessageSchema,
  type RestConversation,
  type RestPosted,
} from "../../../shared/rest.ts";
import { toIdentity, vouchedByApiKey } from "../../auth/identity.ts";
import { startConversation } from "../../conversation/start.ts";
import type { AppEnv } from "../../env.ts";
import { ApiFailure, jsonBody, parseOr400 } from "../../http/errors.ts";
import { parseLimits, rateLimit } from "../../middleware/rate-limit.ts";
import { authenticateKey } from "./keys.ts";
import { openApiDocument, type OperationDoc } from "./openapi.ts";
import { parseJson } from "../../../shared/json.ts";
import { exchangeFrame } from "./frames.ts";

/** A documented operation (openapi.ts) and the handler that answers it. */
export type Operation = OperationDoc & { handler: (c: Context<AppEnv>) => Promise<Response> };

const notFound = {
  description: "No API conversation with this id in the key's workspace (`not_found`).",
  schema: apiErrorSchema,
};
const unsupported = {
  description: "The body is not `application/json` (`unsupported_media_type`).",
  schema: apiErrorSchema,
};

/** The conversation, if it is an API conversation of the key's workspace; otherwise 404 (never 403: ids of others are not confirmed). */
async function owned(c: Context<AppEnv>) {
  const { id } = parseOr400(restConversationIdSchema, { id: c.req.param("id") }, "path");
  const row = await c.env.DB.prepare("SELECT workspace_id, channel, state, created_at FROM conversations WHERE id = ?")
    .bind(id)
    .first<{ workspace_id: string; channel: string; state: RestConversation["state"]; created_at: number }>();
  if (!row || row.workspace_id !== c.get("apiKey").workspaceId || row.channel !== "api")
    throw new ApiFailure(404, "not_found", "no such conversation");
  return { id, row, stub: c.env.CONVERSATION.get(c.env.CONVERSATION.idFromName(id)) };
}

/** Reads one exchange's SSE stream (ack, replay, the reply) to its end: the synchronous mode. */
async function collectExchange(res: Response): Promise<Omit<RestPosted, "state"> & { state?: RestPosted["state"] }> {
  const text = await res.text();
  let seq = 0;
  let duplicate = false;
  let state: RestPosted["state"] | undefined;
  const replies: MessageEvent[] = [];
  for (const line of text.split("\n")) {
    if (!line.startsWith("data: ")) continue;
    const f = parseJson(exchangeFrame, line.slice(6), "a frame of the exchange's stream");
    if (f.t === "ack") ({ seq, duplicate } = f);
    else if (f.t === "ready") state = f.state;
    else if (f.t === "event" && f.event.type === "state") state = f.event.state;
    else if (f.t === "event" && f.event.type === "message" && f.event.author !== "customer" && f.event.seq > seq)
      replies.push(f.event);
  }
  return { seq, duplicate, replies, ...(state ? { state } : {}) };
}

export const operations: Operation[] = [
  {
    method: "post",
    path: "/conversations",
    operationId: "createConversation",
    summary: "Start a conversation",
    description:
      "Creates a conversation on the `api` channel. The bot answers its messages as it does in the widget; it hands off to a person when it should or when asked.",
    body: restCreateConversationSchema,
    responses: { "201": { description: "Created.", schema: restConversationSchema }, "415": unsupported },
    async handler(c) {
      const body = parseOr400(restCreateConversationSchema, await jsonBody(c), "body");
      const key = c.get("apiKey");
      const { id, stub } = await startConversation(c, {
        workspaceId: key.workspaceId,
        // Not a site: records which key created it, in the column sites use.
        siteKey: `api:${key.keyId}`,
        channel: "api",
        locale: body.locale,
        pageUrl: body.pageUrl,
        pageTitle: body.pageTitle,
        article: body.article,
      });
      const now = Date.now();
      // The API key is a server-side secret, so the caller vouches for the customer: verified.
      if (body.customer) await stub.identify(toIdentity({ user: body.customer }, vouchedByApiKey, now));
      const created: RestConversation = { id, channel: "api", state: "bot", createdAt: now };
      return c.json(created, 201);
    },
  },
  {
    method: "get",
    path: "/conversations/{id}",
    operationId: "getConversation",
    summary: "A conversation's state",
    params: restConversationIdSchema,
    responses: { "200": { description: "The conversation.", schema: restConversationSchema }, "404": notFound },
    async handler(c) {
      const { id, row } = await owned(c);
      const conv: RestConversation = { id, channel: "api", state: row.state, createdAt: row.created_at };
      return c.json(conv);
    },
  },
  {
    method: "post",
    path: "/conversations/{id}/messages",
    operationId: "postMessage",
    summary: "Post the customer's message",
    description:
      "By default waits for the reply and returns it (`replies`: the bot's answer, or nothing when a person holds the conversation; their messages arrive later as events). " +
      "With `Accept: text/event-stream` the reply streams instead: an `ack` frame, the conversation's frames from just before this message, then `delta` frames and the final `event`; the stream ends when the reply is complete.",
    params: restConversationIdSchema,
    body: restPostMessageSchema,
    responses: {
      "200": {
        description: "Stored, and the reply (if any) is complete.",
        schema: restPostedSchema,
        sse: "Server-sent events, one `data:` JSON frame each (`ack`, `event`, `delta`, `ready`).",
      },
      "404": notFound,
      "415": unsupported,
      "429": {
        description:
          "Too many messages in this conversation (`rate_limited`): nothing was stored; send the same `clientId` again after `Retry-After` seconds.",
        schema: apiErrorSchema,
      },
    },
    async handler(c) {
      const { stub } = await owned(c);
      const body = parseOr400(restPostMessageSchema, await jsonBody(c), "body");
      const send = { clientId: body.clientId ?? `rest-${nanoid(16)}`, text: body.text };
      const res = await stub.fetch("https://do/send-stream", {
        method: "POST",
        headers: { "x-request-id": c.get("rid") },
        body: JSON.stringify(send),
      });
      // 429 when the conversation's message budget is spent: passed on as it is, with Retry-After.
      if (!res.ok || (c.req.header("accept") ?? "").includes("text/event-stream")) return res;
      const { state, ...rest } = await collectExchange(res);
      const posted: RestPosted = { ...rest, state: state ?? "bot" };
      return c.json(posted);
    },
  },
  {
    method: "get",
    path: "/conversations/{id}/events",
    operationId: "listEvents",
    summary: "Events after a sequence number",
    description:
      "Messages and state changes the customer may see, oldest first, up to 1000 per page; pass the last `lastSeq` as `after` to poll for new ones (an agent's replies, for example).",
    params: restConversationIdSchema,
    query: restEventsQuerySchema,
    responses: { "200": { description: "A page of events.", schema: restEventsSchema }, "404": notFound },
    async handler(c) {
      const { stub } = await owned(c);
      const q = parseOr400(restEventsQuerySchema, c.req.query(), "query");
      return c.json(await stub.page(q.after));
    },
  },
  {
    method: "post",
    path: "/conversations/{id}/handoff",
    operationId: "requestHandoff",
    summary: "Ask for a person",
    description:
      "Queues the conversation for an agent with the handoff packet (what the customer said, what the bot tried). Asking twice is harmless.",
    params: restConversationIdSchema,
    body: restHandoffSchema,
    responses: {
      "202": { description: "Queued for a person.", schema: restOkSchema },
      "404": notFound,
      "415": unsupported,
    },
    async handler(c) {
      const { stub } = await owned(c);
      const body = parseOr400(restHandoffSchema, await jsonBody(c), "body");
      await stub.requestHandoff(body.reason);
      return c.json({ ok: true }, 202);
    },
  },
];

export const rest = new Hono<AppEnv>();

rest.get("/openapi.json", (c) => {
  const origin = c.env.PUBLIC_URL ? c.env.PUBLIC_URL.replace(/\/$/, "") : new URL(c.req.url).origin;
  return c.json(openApiDocument(operations, `${origin}/rest/v1`), 200, {
    "cache-control": "public, max-age=300",
    "access-control-allow-origin": "*",
  });
});

rest.use("*", async (c, next) => {
  const auth = c.req.header("authorization") ?? "";
  const m = /^Bearer\s+(\S+)$/i.exec(auth);
  if (!m) throw new ApiFailure(401, "unauthenticated", "send the API key as Authorization: Bearer ek_…");
  const owner = await authenticateKey(c.env, m[1] as string, (p) => c.executionCtx.waitUntil(p));
  if (!owner) throw new ApiFailure(401, "unauthenticated", "this API key is not valid (unknown or revoked)");
  c.set("apiKey", owner);
  await next();
});
rest.use(
  "*",
  rateLimit({
    limits: (c) => parseLimits(c.env.REST_RATE_LIMIT, { perSecond: 5, burst: 60 }),
    key: (c) => `rest:${c.get("apiKey").keyId}`,
  }),
);

for (const op of operations) rest.on(op.method.toUpperCase(), op.path.replace(/\{(\w+)\}/g, ":$1"), op.handler);
