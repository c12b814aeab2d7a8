// Test helpers that drive the real worker through SELF, the way clients do.
import { env, runInDurableObject, SELF } from "cloudflare:test";
import {
  identityCanonical,
  identityCanonicalV2,
  type CreatedConversation,
  type IdentifyRequest,
} from "../../shared/api.ts";
import { parseArticle, type Article } from "../../shared/article.ts";
import { bearer, wsProtocols } from "../../shared/credentials.ts";
import type { ServerFrame } from "../../shared/protocol.ts";
import type { ConversationDO } from "../../worker/index.ts";

export const BASE = "http://localhost:8787";
export const ORIGIN = "http://localhost:8787";
export const SITE = "demo_site";
export const ADMIN = { authorization: "Bearer test-admin-token", "content-type": "application/json" };

const files = import.meta.glob("../../kb/*.md", { query: "?raw", import: "default", eager: true }) as Record<
  string,
  string
>;

export const demoArticles: Article[] = Object.entries(files)
  .filter(([path]) => !path.endsWith("README.md"))
  .map(([path, src]) => {
    const r = parseArticle(src);
    if (!r.ok) throw new Error(`${path}: ${r.errors.join("; ")}`);
    return r.article;
  });

/** Publishes kb/ into the demo workspace. No parameters: files pass it to beforeAll() as it is. */
export async function publishDemoKb(): Promise<void> {
  await publishArticles(demoArticles);
}

/**
 * kb/ without the articles' `questions:` blocks: the KB as its writers left it, for tests that measure
 * what a content team adds from zero.
 */
export async function publishDemoKbWithoutQuestions(): Promise<void> {
  await publishArticles(demoArticles.map((a) => ({ ...a, questions: [] })));
}

async function publishArticles(articles: Article[]): Promise<void> {
  const r = await SELF.fetch(`${BASE}/admin/v1/kb/articles?workspace=demo`, {
    method: "PUT",
    headers: ADMIN,
    body: JSON.stringify({ articles, replace: true }),
  });
  if (r.status !== 200) throw new Error(`publish failed: ${r.status} ${await r.text()}`);
}

export async function createConversation(init: Record<string, unknown> = {}): Promise<CreatedConversation> {
  const r = await SELF.fetch(`${BASE}/v1/conversations?site=${SITE}`, {
    method: "POST",
    headers: { origin: ORIGIN, "content-type": "application/json" },
    body: JSON.stringify({ locale: "en", pageUrl: "http://localhost:8787/pricing", ...init }),
  });
  if (r.status !== 201) throw new Error(`create failed: ${r.status} ${await r.text()}`);
  return r.json();
}

/** The query of a customer request: the site key and `after`. The token travels in a header (as()). */
export const q = (_c: CreatedConversation, after = 0) => `site=${SITE}&after=${after}`;

/** A customer's request headers: origin and the conversation (or history) token, as the widget sends them. */
export const asCustomer = (c: { token: string }, headers: Record<string, string> = {}): Record<string, string> => ({
  origin: ORIGIN,
  ...headers,
  ...bearer(c.token),
});

/** A customer's WebSocket handshake: the token as an offered subprotocol (shared/credentials.ts). */
export const wsAs = (c: { token: string }): Record<string, string> => ({
  origin: ORIGIN,
  "sec-websocket-protocol": wsProtocols(c.token).join(", "),
});

/** A WebSocket into the worker with a frame queue to await on. */
export async function connect(path: string, headers: Record<string, string> = { origin: ORIGIN }) {
  const res = await SELF.fetch(`${BASE}${path}`, { headers: { upgrade: "websocket", ...headers } });
  const ws = res.webSocket;
  if (!ws) throw new Error(`no websocket: ${res.status} ${await res.text()}`);
  ws.accept();
  const frames: ServerFrame[] = [];
  const waiters: (() => void)[] = [];
  ws.addEventListener("message", (e) => {
    if (typeof e.data !== "string" || e.data === "pong") return;
    frames.push(JSON.parse(e.data) as ServerFrame);
    for (const w of waiters.splice(0)) w();
  });
  /**
   * Resolves with all frames so far once `pred` holds for one of them. The default wait is a ceiling,
   * not an expectation: a bot's first answer in a file's first conversation loads the KB and the
   * language detector, which takes seconds on a loaded 2-core machine.
   */
  async function until(pred: (f: ServerFrame) => boolean, ms = 15_000): Promise<ServerFrame[]> {
    const deadline = Date.now() + ms;
    while (!frames.some(pred)) {
      if (Date.now() > deadline) throw new Error(`timed out; frames: ${JSON.stringify(frames).slice(0, 1500)}`);
      await new Promise<void>((r) => {
        waiters.push(r);
        setTimeout(r, 50);
      });
    }
    return frames;
  }
  return { ws, frames, until, send: (f: unknown) => ws.send(JSON.stringify(f)), close: () => ws.close(1000, "bye") };
}

export const isBotMessage = (f: ServerFrame) =>
  f.t === "event" && f.event.type === "message" && f.event.author === "bot";

/**
 * A widget customer, still connected, who writes `messages` (waiting for the bot after each but the
 * last) and ends up queued for a person.
 */
export async function handedOff(messages: string[], init: Record<string, unknown> = {}) {
  const c = await createConversation(init);
  const customer = await connect(`/v1/conversations/${c.id}/ws?${q(c)}`, wsAs(c));
  for (const [i, text] of messages.entries()) {
    customer.send({ t: "send", clientId: `cust-${String(i + 1).padStart(6, "0")}`, text });
    if (i < messages.length - 1) await customer.until(isBotMessage);
  }
  await customer.until((f) => f.t === "event" && f.event.type === "state" && f.event.state === "queued");
  return { c, customer };
}

export async function createAgent(email: string, role = "agent", workspace = "demo"): Promise<string> {
  const r = await SELF.fetch(`${BASE}/admin/v1/agents?workspace=${workspace}`, {
    method: "POST",
    headers: ADMIN,
    body: JSON.stringify({ email, name: email.split("@")[0], password: PASSWORD, role }),
  });
  if (r.status !== 201) throw new Error(`agent create failed: ${r.status} ${await r.text()}`);
  const res = await login(email, PASSWORD);
  if (res.status !== 200) throw new Error(`login failed: ${res.status}`);
  return cookieOf(res);
}

/** The password createAgent gives everyone. */
export const PASSWORD = "correct horse battery";

/** POST /api/auth/login, optionally from a given client address (the throttle keys on it). */
export function login(email: string, password: string, ip?: string): Promise<Response> {
  return SELF.fetch(`${BASE}/api/auth/login`, {
    method: "POST",
    headers: { "content-type": "application/json", ...(ip ? { "cf-connecting-ip": ip } : {}) },
    body: JSON.stringify({ email, password }),
  });
}

/** The `name=value` of a response's session cookie. */
export const cookieOf = (r: Response): string => (r.headers.get("set-cookie") ?? "").split(";")[0] as string;

/** A JSON call with a session cookie (or other headers); the body parsed when there is one. */
export async function call<T = unknown>(
  who: string | Record<string, string>,
  method: string,
  path: string,
  body?: unknown,
): Promise<{ status: number; body: T; headers: Headers }> {
  const auth = typeof who === "string" ? { cookie: who } : who;
  const r = await SELF.fetch(`${BASE}${path}`, {
    method,
    headers: { ...auth, ...(body === undefined ? {} : { "content-type": "application/json" }) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await r.text();
  return { status: r.status, body: (text ? JSON.parse(text) : undefined) as T, headers: r.headers };
}

/** Polls `read` until `ok` holds, or fails after `ms` with the last value it saw. */
export async function waitFor<T>(read: () => Promise<T>, ok: (v: T) => boolean, ms: number): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const v = await read();
    if (ok(v)) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting; last: ${JSON.stringify(v).slice(0, 2000)}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/**
 * Waits until each conversation has no question left unanswered and no outbox follower behind. A test
 * whose last act starts a bot turn in the background (email, REST) ends before that turn does; the
 * runtime then closes the file's module loader under it, which vitest reports as an unhandled error
 * ("Closing rpc while \"resolve\" was pending") and fails the run.
 */
export async function settled(ids: Iterable<string>, ms = 20_000): Promise<void> {
  type Busy = { engine: { hasPending(): boolean }; outbox: { pending(): boolean; nextRetry(): number | null } };
  for (const id of ids) {
    const stub = env.CONVERSATION.get(env.CONVERSATION.idFromName(id));
    await waitFor(
      () =>
        runInDurableObject(stub, (instance: ConversationDO) => {
          const o = instance as unknown as Busy;
          // A follower waiting on a retry is not running; its alarm is not what closes under the loader.
          const behind = o.outbox.pending() && o.outbox.nextRetry() === null;
          return { id, busy: o.engine.hasPending() || behind };
        }),
      (v) => !v.busy,
      ms,
    );
  }
}

async function hmacHex(secret: string, text: string): Promise<string> {
  const key = await crypto.subtle.importKey(
    "raw",
    new TextEncoder().encode(secret),
    { name: "HMAC", hash: "SHA-256" },
    false,
    ["sign"],
  );
  const mac = new Uint8Array(await crypto.subtle.sign("HMAC", key, new TextEncoder().encode(text)));
  return [...mac].map((b) => b.toString(16).padStart(2, "0")).join("");
}

/** What a site's server did for identify() before v2: id and email signed (docs/identity.md). */
export const signIdentity = (secret: string, ts: number, id: string, email?: string): Promise<string> =>
  hmacHex(secret, identityCanonical(ts, id, email));

/** What a site's server does for identify(): every field signed, v2 (docs/identity.md). */
export const signIdentityV2 = (secret: string, ts: number, user: IdentifyRequest["user"]): Promise<string> =>
  hmacHex(secret, identityCanonicalV2(ts, user));

/**
 * SELF.fetch with a `token` in the query moved to where the widget sends it (shared/credentials.ts): the
 * Authorization header, or on a WebSocket upgrade the offered subprotocol. For tests that build
 * customer URLs from one query string; the worker itself refuses a token in a URL.
 */
export function fetchAsCustomer(input: string, init: RequestInit = {}): Promise<Response> {
  const u = new URL(input);
  const token = u.searchParams.get("token");
  if (!token) return SELF.fetch(input, init);
  u.searchParams.delete("token");
  const headers = new Headers(init.headers);
  if (headers.get("upgrade")?.toLowerCase() === "websocket")
    headers.set("sec-websocket-protocol", wsProtocols(token).join(", "));
  else headers.set("authorization", `Bearer ${token}`);
  return SELF.fetch(u.toString(), { ...init, headers });
}
