// Helpers of the notification tests: a workspace per test, the owner API, the test receiver's
// scenarios (tests/receiver), and checks of deliveries with the official Standard Webhooks library.
import { env, SELF } from "cloudflare:test";
import { Webhook } from "standardwebhooks";
import { expect, inject } from "vitest";
import type { CreatedConversation, Delivery, WebhookWithSecret } from "../../shared/api.ts";
import { retryPolicy } from "../../worker/insights/notify/backoff.ts";
import { ADMIN, asCustomer, BASE, ORIGIN, waitFor as poll } from "./helpers.ts";

/** What tests/receiver/webhook-receiver.ts reports (restated: that file is Node code). */
export type Log = {
  requests: {
    n: number;
    deliveryId: string | null;
    eventType: string | null;
    timestamp: string | null;
    signature: string | null;
    signatureValid: boolean;
    verifyError: string | null;
    raw: string;
    receivedAt: number;
    answered: number;
    hung: boolean;
  }[];
  processed: { deliveryId: string; body: unknown }[];
  duplicates: number;
};

export const RECEIVER = inject("receiverUrl");
export const policy = retryPolicy(env);

/** Each test gets its own workspace (and so its own Notifier and webhooks): no cross-talk. */
export async function workspace(name: string): Promise<{ ws: string; site: string }> {
  const ws = `n_${name}`;
  await env.DB.prepare("INSERT OR IGNORE INTO workspaces (id, name, created_at) VALUES (?, ?, 0)").bind(ws, name).run();
  const site = `${ws}_site`;
  const r = await SELF.fetch(`${BASE}/admin/v1/sites/${site}?workspace=${ws}`, {
    method: "PUT",
    headers: ADMIN,
    body: JSON.stringify({ allowedOrigins: [ORIGIN] }),
  });
  expect(r.status).toBe(200);
  return { ws, site };
}

export async function call<T>(
  method: string,
  path: string,
  ws: string,
  body?: unknown,
  headers: Record<string, string> = ADMIN,
): Promise<{ status: number; body: T }> {
  const sep = path.includes("?") ? "&" : "?";
  const r = await SELF.fetch(`${BASE}/admin/v1/notifications${path}${sep}workspace=${ws}`, {
    method,
    headers,
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await r.text();
  return { status: r.status, body: (text ? JSON.parse(text) : null) as T };
}

export async function scenario(
  name: string,
  b: { secret?: string; failFirst?: number; failWith?: number; hang?: number[]; hangMs?: number; redirectTo?: string },
  method = "PUT",
): Promise<void> {
  const r = await fetch(`${RECEIVER}/_scenarios/${name}`, { method, body: JSON.stringify(b) });
  expect(r.status).toBe(200);
}

export async function received(name: string): Promise<Log> {
  return (await fetch(`${RECEIVER}/_scenarios/${name}`)).json();
}

/** A Standard Webhooks secret of the test's own: `whsec_` + base64 of 32 bytes. */
export const secretFor = (name: string) => `whsec_${btoa(`secret-${name}-`.padEnd(32, "x").slice(0, 32))}`;

export async function webhook(
  ws: string,
  name: string,
  events: string[],
  secret = secretFor(name),
): Promise<WebhookWithSecret> {
  await scenario(name, { secret });
  const r = await call<WebhookWithSecret>("POST", "/webhooks", ws, { url: `${RECEIVER}/hook/${name}`, events, secret });
  expect(r.status).toBe(201);
  return r.body;
}

export async function conversation(site: string): Promise<CreatedConversation> {
  const r = await SELF.fetch(`${BASE}/v1/conversations?site=${site}`, {
    method: "POST",
    headers: { origin: ORIGIN, "content-type": "application/json" },
    body: JSON.stringify({ locale: "en" }),
  });
  expect(r.status).toBe(201);
  return r.json();
}

export const chat = (site: string, c: CreatedConversation, path: string, body: unknown) =>
  SELF.fetch(`${BASE}/v1/conversations/${c.id}/${path}?site=${site}`, {
    method: "POST",
    headers: asCustomer(c, { "content-type": "application/json" }),
    body: JSON.stringify(body),
  });

export const waitFor = <T>(read: () => Promise<T>, ok: (v: T) => boolean, ms = 8000) => poll(read, ok, ms);

export const deliveries = async (ws: string, status?: string) =>
  (await call<{ deliveries: Delivery[] }>("GET", `/deliveries${status ? `?status=${status}` : ""}`, ws)).body
    .deliveries;

/** The test's own HMAC, from WebCrypto directly: not the worker's signing code. */
export async function hmacBase64(keyBytes: Uint8Array, message: string): Promise<string> {
  const key = await crypto.subtle.importKey("raw", keyBytes, { name: "HMAC", hash: "SHA-256" }, false, ["sign"]);
  return btoa(
    String.fromCharCode(...new Uint8Array(await crypto.subtle.sign("HMAC", key, new TextEncoder().encode(message)))),
  );
}

export const keyOf = (whsec: string) => Uint8Array.from(atob(whsec.slice("whsec_".length)), (c) => c.charCodeAt(0));

/** What the receiver got, as the headers a Standard Webhooks library reads. */
export const headersOf = (r: Log["requests"][number]) => ({
  "webhook-id": r.deliveryId ?? "",
  "webhook-timestamp": r.timestamp ?? "",
  "webhook-signature": r.signature ?? "",
});

/** The official library's verdict (standardwebhooks on npm, running here in workerd). */
export function verifies(secret: string, raw: string, headers: Record<string, string>): boolean {
  try {
    new Webhook(secret).verify(raw, headers);
    return true;
  } catch {
    return false;
  }
}
