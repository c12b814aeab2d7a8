// The public chat API over plain HTTP: creating a conversation, and the fallbacks used when a
// WebSocket cannot get through (corporate proxies, some mobile carriers).
import type { ApiError, CreateConversation, CreatedConversation, EventsPage, PostedMessage } from "../../shared/api.ts";

export type Conv = { id: string; token: string };

export class ApiFailure extends Error {
  readonly status: number;
  readonly code: string;
  constructor(status: number, code: string, message: string) {
    super(message);
    this.status = status;
    this.code = code;
  }
  /** The conversation or its token is no longer valid: retrying cannot help, a new one is needed. */
  get gone(): boolean {
    return this.status === 401 || this.status === 403 || this.status === 404 || this.status === 410;
  }
  /** The request itself is wrong (too long, empty): resending the same bytes cannot help either. */
  get rejected(): boolean {
    return this.status >= 400 && this.status < 500 && this.status !== 408 && this.status !== 429 && !this.gone;
  }
}

export function conversationUrl(api: string, site: string, conv: Conv, path: string, after?: number): string {
  const u = new URL(`/v1/conversations/${encodeURIComponent(conv.id)}/${path}`, api);
  u.searchParams.set("site", site);
  u.searchParams.set("token", conv.token);
  if (after !== undefined) u.searchParams.set("after", String(after));
  return u.href;
}

export async function failure(res: Response): Promise<ApiFailure> {
  let body: Partial<ApiError> = {};
  try {
    body = (await res.json()) as Partial<ApiError>;
  } catch {
    // Not our JSON (a proxy's HTML error page): the status is all there is.
  }
  return new ApiFailure(res.status, body.error ?? `http_${res.status}`, body.message ?? res.statusText);
}

async function json<T>(res: Promise<Response>): Promise<T> {
  const r = await res;
  if (!r.ok) throw await failure(r);
  return (await r.json()) as T;
}

const jsonInit = (body: unknown): RequestInit => ({
  method: "POST",
  headers: { "content-type": "application/json" },
  body: JSON.stringify(body),
});

export function createConversation(
  api: string,
  site: string,
  body: CreateConversation,
  f: typeof fetch = fetch,
): Promise<CreatedConversation> {
  const u = new URL("/v1/conversations", api);
  u.searchParams.set("site", site);
  return json(f(u.href, jsonInit(body)));
}

export function postMessage(
  api: string,
  site: string,
  conv: Conv,
  clientId: string,
  text: string,
  f: typeof fetch = fetch,
  choice?: string,
): Promise<PostedMessage> {
  return json(
    f(conversationUrl(api, site, conv, "messages"), jsonInit({ clientId, text, ...(choice ? { choice } : {}) })),
  );
}

export function postJson(
  api: string,
  site: string,
  conv: Conv,
  path: "identify" | "csat" | "follow-up",
  body: unknown,
  f: typeof fetch = fetch,
): Promise<unknown> {
  return json(f(conversationUrl(api, site, conv, path), jsonInit(body)));
}

/** Whether replies can be emailed while the customer is away, and the address on file (worker/routes/conversations.ts). */
export function getFollowUp(
  api: string,
  site: string,
  conv: Conv,
  f: typeof fetch = fetch,
): Promise<{ available: boolean; email?: string }> {
  return json(f(conversationUrl(api, site, conv, "follow-up"), { headers: { accept: "application/json" } }));
}

export function postHandoff(
  api: string,
  site: string,
  conv: Conv,
  reason: string | undefined,
  f: typeof fetch = fetch,
): Promise<unknown> {
  return json(f(conversationUrl(api, site, conv, "handoff"), jsonInit(reason ? { reason } : {})));
}

export function getEvents(
  api: string,
  site: string,
  conv: Conv,
  after: number,
  signal: AbortSignal,
  f: typeof fetch = fetch,
): Promise<EventsPage> {
  return json(
    f(conversationUrl(api, site, conv, "events", after), { headers: { accept: "application/json" }, signal }),
  );
}
