// The public chat API over plain HTTP: creating a conversation, and the fallbacks used when a
// WebSocket cannot get through (corporate proxies, some mobile carriers).
import type {
  ApiError,
  CreateConversation,
  CreatedConversation,
  EventsPage,
  FollowUpInfo,
  FollowUpResult,
  PostedMessage,
} from "../../shared/api.ts";
import { bearer } from "../../shared/credentials.ts";
import { valid } from "./shape.ts";
import * as wire from "./wire.ts";
import { apiError } from "./wire-shapes.gen.ts";

export type Conv = { id: string; token: string };

export class ApiFailure extends Error {
  readonly status: number;
  readonly code: string;
  /** From Retry-After on a 429: when the conversation's budget lets a message in again. */
  readonly retryAfterMs: number | undefined;
  constructor(status: number, code: string, message: string, retryAfterMs?: number) {
    super(message);
    this.status = status;
    this.code = code;
    this.retryAfterMs = retryAfterMs;
  }
  /** The conversation or its token is no longer valid: retrying cannot help, a new one is needed. */
  get gone(): boolean {
    return this.status === 401 || this.status === 403 || this.status === 404 || this.status === 410;
  }
  /**
   * The site is misconfigured (a key no site has, or this page's origin is not among its allowed
   * origins): nothing on this page can work until the owner fixes it, so the widget stops and says so.
   */
  get misconfigured(): boolean {
    return this.code === "unknown_site" || this.code === "origin_not_allowed";
  }
  /** The request itself is wrong (too long, empty): resending the same bytes cannot help either. */
  get rejected(): boolean {
    return this.status >= 400 && this.status < 500 && this.status !== 408 && this.status !== 429 && !this.gone;
  }
}

/** The URL of a conversation request: the public site key and `after` only. The token goes in a header (auth()). */
export function conversationUrl(api: string, site: string, conv: Conv, path: string, after?: number): string {
  const u = new URL(`/v1/conversations/${encodeURIComponent(conv.id)}/${path}`, api);
  u.searchParams.set("site", site);
  if (after !== undefined) u.searchParams.set("after", String(after));
  return u.href;
}

/** Headers that carry the conversation token: never the URL, which request logs keep (shared/credentials.ts). */
export const auth = (conv: Conv, headers: Record<string, string> = {}): Record<string, string> => ({
  ...headers,
  ...bearer(conv.token),
});

export async function failure(res: Response): Promise<ApiFailure> {
  let body: unknown;
  try {
    body = await res.json();
  } catch {
    // Not JSON (a proxy's HTML error page): the status is all there is.
  }
  // Not our error body either: the same.
  const ours = valid(apiError, body) ? (body as ApiError) : undefined;
  const retry = Number(res.headers.get("retry-after"));
  return new ApiFailure(
    res.status,
    ours?.error ?? `http_${res.status}`,
    ours?.message ?? res.statusText,
    retry > 0 ? retry * 1000 : undefined,
  );
}

/** An OK answer's JSON as `check` (wire.ts) accepts it; anything else fails like a network error would. */
export async function json<T>(res: Promise<Response>, check: (v: unknown) => T | undefined): Promise<T> {
  const r = await res;
  if (!r.ok) throw await failure(r);
  const v = check(await r.json());
  if (v === undefined)
    throw new ApiFailure(r.status, "unexpected_answer", "the server's answer does not match the protocol");
  return v;
}

/** For answers the widget does not read (identify, csat, feedback, handoff): any JSON will do. */
const any = (v: unknown): unknown => v;

const jsonInit = (body: unknown, conv?: Conv): RequestInit => ({
  method: "POST",
  headers: conv ? auth(conv, { "content-type": "application/json" }) : { "content-type": "application/json" },
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
  return json(f(u.href, jsonInit(body)), wire.created);
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
    f(conversationUrl(api, site, conv, "messages"), jsonInit({ clientId, text, ...(choice ? { choice } : {}) }, conv)),
    wire.posted,
  );
}

export function postJson(
  api: string,
  site: string,
  conv: Conv,
  path: "identify" | "csat" | "feedback",
  body: unknown,
  f: typeof fetch = fetch,
): Promise<unknown> {
  return json(f(conversationUrl(api, site, conv, path), jsonInit(body, conv)), any);
}

/** Leaves an address for replies while away, or confirms it with the mailed code (docs/email.md). */
export function postFollowUp(
  api: string,
  site: string,
  conv: Conv,
  path: "follow-up" | "follow-up/confirm",
  body: unknown,
  f: typeof fetch = fetch,
): Promise<FollowUpResult> {
  return json(f(conversationUrl(api, site, conv, path), jsonInit(body, conv)), wire.followUpResult);
}

/** Whether replies can be emailed while the customer is away, and the address on file (worker/conversation/routes.ts). */
export function getFollowUp(api: string, site: string, conv: Conv, f: typeof fetch = fetch): Promise<FollowUpInfo> {
  return json(
    f(conversationUrl(api, site, conv, "follow-up"), { headers: auth(conv, { accept: "application/json" }) }),
    wire.followUpInfo,
  );
}

export function postHandoff(
  api: string,
  site: string,
  conv: Conv,
  reason: string | undefined,
  f: typeof fetch = fetch,
): Promise<unknown> {
  return json(f(conversationUrl(api, site, conv, "handoff"), jsonInit(reason ? { reason } : {}, conv)), any);
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
    f(conversationUrl(api, site, conv, "events", after), {
      headers: auth(conv, { accept: "application/json" }),
      signal,
    }),
    pageOf,
  );
}

/**
 * A page of events with each event checked on its own: one that does not match is dropped (and logged)
 * as the same event would be over a socket, instead of failing the page and stalling the poll.
 */
function pageOf(v: unknown): EventsPage | undefined {
  const events = (v as { events?: unknown } | null)?.events;
  if (!Array.isArray(events)) return wire.eventsPage(v);
  return wire.eventsPage({ ...(v as object), events: events.flatMap((e) => wire.event(e) ?? []) });
}

let warned = false;
/** Tells the site's owner, in their browser console, what the server said to fix (once per page). */
export function warnMisconfigured(e: ApiFailure): void {
  if (warned) return;
  warned = true;
  console.warn(`EdgeDesk: chat is unavailable on this page. ${e.message}`);
}
