// Same-origin JSON client for /api. The session is an HttpOnly cookie, so the only auth logic here is
// reacting to 401: whoever is listening (the session store) flips the app back to the login page.
// Every answer the console reads is parsed with its schema from shared/: a worker that answers in a
// shape this console does not know (an older tab after a deploy, a bug) gives the page an error to
// show, never a half-read object that fails later in a render.
import type * as z from "zod/mini";
import type { ApiError } from "../../../shared/api.ts";
import { apiErrorSchema } from "../../../shared/rest.ts";

export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly issues: NonNullable<ApiError["issues"]> = [],
  ) {
    super(message);
    this.name = "HttpError";
  }
}

let onUnauthorized: () => void = () => {};
let onTwoFactorRequired: () => void = () => {};

export function setUnauthorizedHandler(fn: () => void): void {
  onUnauthorized = fn;
}

/** The workspace requires two-factor sign-in and this agent has not set it up: the app shows enrolment. */
export function setTwoFactorRequiredHandler(fn: () => void): void {
  onTwoFactorRequired = fn;
}

type Options = {
  method?: "GET" | "POST" | "PUT" | "PATCH" | "DELETE";
  body?: unknown;
  /** Login answers 401 for wrong credentials; that must not bounce the user to the login page. */
  expect401?: boolean;
  signal?: AbortSignal;
  /** A file sent as the raw body (an upload, docs/attachments.md), with the headers that describe it. */
  file?: { body: Blob; headers: Record<string, string> };
};

/** Calls the API and parses its answer with `schema`; an answer that does not fit is an `HttpError`. */
export async function api<S extends z.ZodMiniType>(path: string, schema: S, opts: Options = {}): Promise<z.output<S>> {
  const { status, data } = await request(path, opts);
  const parsed = schema.safeParse(data);
  if (parsed.success) return parsed.data;
  console.error(`unexpected answer from ${path}`, parsed.error.issues);
  throw new HttpError(status, "unexpected_answer", UNEXPECTED);
}

/** Calls the API for its effect; the answer's body is not read by anyone, so it is not parsed. */
export async function apiVoid(path: string, opts: Options = {}): Promise<void> {
  await request(path, opts);
}

const UNEXPECTED =
  "EdgeDesk answered in a way this console does not understand. Reload the page to get the latest console.";

async function request(path: string, opts: Options): Promise<{ status: number; data: unknown }> {
  let res: Response;
  try {
    res = await fetch(path, {
      method: opts.method ?? (opts.body === undefined && !opts.file ? "GET" : "POST"),
      credentials: "same-origin",
      headers: {
        accept: "application/json",
        ...(opts.body === undefined ? {} : { "content-type": "application/json" }),
        ...(opts.file ? { "content-type": "application/octet-stream", ...opts.file.headers } : {}),
      },
      body: opts.file ? opts.file.body : opts.body === undefined ? undefined : JSON.stringify(opts.body),
      signal: opts.signal,
    });
  } catch (e) {
    if (e instanceof DOMException && e.name === "AbortError") throw e;
    throw new HttpError(0, "network", "Cannot reach EdgeDesk. Check your connection and try again.");
  }
  const text = await res.text();
  let data: unknown;
  if (text) {
    try {
      data = JSON.parse(text);
    } catch {
      data = undefined;
    }
  }
  if (!res.ok) {
    const parsedError = apiErrorSchema.safeParse(data);
    const err = parsedError.success ? parsedError.data : undefined;
    if (res.status === 401 && !opts.expect401) onUnauthorized();
    if (res.status === 403 && err?.error === "two_factor_required") onTwoFactorRequired();
    throw new HttpError(
      res.status,
      err?.error ?? `http_${res.status}`,
      err?.message ?? defaultMessage(res.status),
      err?.issues,
    );
  }
  return { status: res.status, data };
}

function defaultMessage(status: number): string {
  if (status === 401) return "Your session has ended. Please sign in again.";
  if (status === 403) return "You do not have access to this.";
  if (status === 404) return "Not found.";
  if (status === 409) return "Someone else changed this conversation. It has been refreshed.";
  if (status >= 500) return "EdgeDesk had a problem. Please try again.";
  return "The request failed.";
}

export function errorMessage(e: unknown): string {
  return e instanceof Error ? e.message : "Something went wrong.";
}

/** ws(s):// URL on this origin, for the sockets that cannot use fetch. */
export function wsUrl(path: string): string {
  return `${location.protocol === "https:" ? "wss:" : "ws:"}//${location.host}${path}`;
}
