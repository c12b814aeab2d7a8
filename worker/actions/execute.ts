// One call of an action: the request built from its templates (values URL-encoded in the URL, line
// breaks refused in headers, JSON-quoted in the body), the target checked like a webhook's (public
// https only unless the deployment's NOTIFY_ALLOW_PRIVATE_URLS is on; never a redirect), a timeout per
// attempt, retries for reads only and only on what retrying can fix, the JSON answer read up to a size
// cap, mapped, and rendered into the customer's answer with every value escaped for Markdown.
//
// What it returns is safe to show the owner ("try it") and to store: every secret value is masked in
// the request, the response and the error. Nothing here logs.
import { ACTION_LIMITS, type ActionDefinition, type TryResult } from "../../shared/actions.ts";
import { escapeMarkdown, readPointer, renderTemplate, type Value } from "../../shared/action-template.ts";
import { checkTarget } from "../insights/notify/target.ts";
import { secretsOf } from "./store.ts";

export type CallInputs = Record<string, string>;

export type ExecPorts = {
  fetch: typeof fetch;
  /** The deployment's NOTIFY_ALLOW_PRIVATE_URLS: loopback, private and plain-http targets (dev, tests). */
  allowPrivate: boolean;
  sleep(ms: number): Promise<void>;
  now(): number;
};

export type Call = {
  inputs: CallInputs;
  secrets: Map<string, string>;
  /** The call's id: a write's idempotency key, the same if this very call is made again. */
  callId: string;
};

const MASK = "••••";
/** Bytes of the response body "try it" shows. */
const SHOWN_BYTES = 4096;
const RETRYABLE = (s: number) => s >= 500 || s === 408 || s === 429;

class Refusal extends Error {}

/** Replaces every secret value (as typed and URL-encoded) with a mask. */
export function masker(secrets: Map<string, string>): (s: string) => string {
  const values = [...secrets.values()]
    .flatMap((v) => [v, encodeURIComponent(v)])
    .filter((v) => v.length > 0)
    .sort((a, b) => b.length - a.length);
  return (s) => values.reduce((out, v) => out.split(v).join(MASK), s);
}

function lookupOf(call: Call): (name: string) => Value | undefined {
  return (name) => (name.startsWith("secret.") ? call.secrets.get(name.slice(7)) : call.inputs[name]);
}

function headerValue(name: string, v: string): string {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: a line break in a header is how requests get split
  if (/[\r\n\u0000]/.test(v)) throw new Refusal(`header ${name} would hold a line break`);
  return v;
}

/** The request as the definition and this call's values make it; a Refusal when it must not be sent. */
export function buildRequest(d: ActionDefinition, call: Call, allowPrivate: boolean) {
  const missing = secretsOf(d).filter((s) => !call.secrets.has(s));
  if (missing.length) throw new Refusal(`secret ${missing.join(", ")} is not set`);
  const lookup = lookupOf(call);
  const url = renderTemplate(d.url, lookup, encodeURIComponent);
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new Refusal("the URL is not valid once filled in");
  }
  if (parsed.protocol !== "https:" && !allowPrivate) throw new Refusal("only https targets are allowed");
  const target = checkTarget(url, allowPrivate);
  if (!target.ok) throw new Refusal(`target not allowed: ${target.reason}`);
  const headers: Record<string, string> = { accept: "application/json", "user-agent": "EdgeDesk-Actions/1" };
  for (const [k, t] of Object.entries(d.headers))
    headers[k.toLowerCase()] = headerValue(
      k,
      renderTemplate(t, lookup, (s) => s),
    );
  let body: string | undefined;
  if (d.body && d.method !== "GET") {
    body = JSON.stringify(
      Object.fromEntries(Object.entries(d.body).map(([k, t]) => [k, renderTemplate(t, lookup, (s) => s)])),
    );
    headers["content-type"] = "application/json";
  }
  if (d.kind === "write") headers[d.idempotencyHeader.toLowerCase()] = call.callId;
  return { url, method: d.method, headers, body };
}

/** Reads at most `cap` bytes of a body; null when it is longer. */
async function readCapped(res: Response, cap: number): Promise<string | null> {
  if (!res.body) return "";
  const reader = res.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > cap) {
      await reader.cancel().catch(() => undefined);
      return null;
    }
    chunks.push(value);
  }
  const all = new Uint8Array(size);
  let at = 0;
  for (const c of chunks) all.set(c, at), (at += c.byteLength);
  return new TextDecoder().decode(all);
}

type Attempt =
  | { k: "answer"; status: number; text: string | null }
  | { k: "timeout" }
  | { k: "network"; message: string };

async function attempt(ports: ExecPorts, req: ReturnType<typeof buildRequest>, timeoutMs: number): Promise<Attempt> {
  const ctrl = new AbortController();
  let timedOut = false;
  const timer = setTimeout(() => ((timedOut = true), ctrl.abort()), timeoutMs);
  try {
    const res = await ports.fetch(req.url, {
      method: req.method,
      headers: req.headers,
      ...(req.body !== undefined ? { body: req.body } : {}),
      // Never followed: a public URL must not bounce the call to a private one (as for webhooks).
      redirect: "manual",
      signal: ctrl.signal,
    });
    const text = await readCapped(res, ACTION_LIMITS.responseBytes);
    return { k: "answer", status: res.status, text };
  } catch (e) {
    if (timedOut) return { k: "timeout" };
    return { k: "network", message: e instanceof Error ? e.message : String(e) };
  } finally {
    clearTimeout(timer);
  }
}

/** Makes the call and renders its answer; never throws for anything the far end or the definition does. */
export async function execute(d: ActionDefinition, call: Call, ports: ExecPorts): Promise<TryResult> {
  const mask = masker(call.secrets);
  const started = ports.now();
  let req: ReturnType<typeof buildRequest>;
  try {
    req = buildRequest(d, call, ports.allowPrivate);
  } catch (e) {
    if (!(e instanceof Refusal)) throw e;
    return {
      status: "refused",
      error: mask(e.message),
      durationMs: 0,
      attempts: 0,
      request: { method: d.method, url: "", headers: {} },
      values: {},
    };
  }
  const shown = {
    method: req.method,
    url: mask(req.url),
    headers: Object.fromEntries(Object.entries(req.headers).map(([k, v]) => [k, mask(v)])),
    ...(req.body !== undefined ? { body: mask(req.body) } : {}),
  };
  const tries = 1 + (d.kind === "read" ? d.retries : 0);
  let last: Attempt = { k: "network", message: "not attempted" };
  let n = 0;
  while (n < tries) {
    if (n > 0) await ports.sleep(Math.min(1000, 200 * 2 ** (n - 1)));
    n++;
    last = await attempt(ports, req, d.timeoutMs);
    const again = last.k === "timeout" || last.k === "network" || (last.k === "answer" && RETRYABLE(last.status));
    if (!again) break;
  }
  const durationMs = ports.now() - started;
  const base = { durationMs, attempts: n, request: shown };
  if (last.k === "timeout")
    return { ...base, status: "timeout", error: `no answer within ${d.timeoutMs} ms`, values: {} };
  if (last.k === "network") return { ...base, status: "failed", error: mask(`network: ${last.message}`), values: {} };
  const response =
    last.text === null
      ? { status: last.status, body: "", truncated: true }
      : {
          status: last.status,
          body: mask(last.text.slice(0, SHOWN_BYTES)),
          truncated: last.text.length > SHOWN_BYTES,
        };
  if (last.text === null)
    return {
      ...base,
      status: "failed",
      error: `the answer is larger than ${ACTION_LIMITS.responseBytes / 1024} KB`,
      response,
      values: {},
    };
  if (last.status >= 300 && last.status < 400)
    return { ...base, status: "failed", error: `redirect (${last.status}) not followed`, response, values: {} };
  if (last.status < 200 || last.status >= 300)
    return { ...base, status: "failed", error: `HTTP ${last.status}`, response, values: {} };
  let body: Value = null;
  if (last.text.trim()) {
    try {
      body = JSON.parse(last.text) as Value;
    } catch {
      if (Object.keys(d.response).length)
        return { ...base, status: "failed", error: "the answer is not JSON", response, values: {} };
    }
  }
  const read: Record<string, Value> = {};
  for (const [name, pointer] of Object.entries(d.response)) {
    const v = readPointer(body, pointer);
    if (v !== undefined) read[name] = v;
  }
  // An API that echoes a credential back must not hand it to the customer or the owner's screen.
  const values = JSON.parse(mask(JSON.stringify(read))) as Record<string, Value>;
  const answer = renderTemplate(d.answer, (name) => values[name] ?? call.inputs[name], escapeMarkdown);
  return { ...base, status: "ok", response, values, answer: answer.trim() };
}
