// Webhook signatures: HMAC-SHA256 over "<timestamp>.<body>" with the endpoint's secret, sent as
// `EdgeDesk-Signature: v1=<hex>`. The timestamp is inside the MAC so a captured request cannot be
// replayed later with a fresh timestamp; the "v1=" prefix leaves room to rotate the scheme (a
// receiver may see several comma-separated signatures one day and must accept any it can verify).
import { hmacSha256, timingSafeEqualText } from "../auth/crypto.ts";

export const HEADER_DELIVERY = "EdgeDesk-Delivery";
export const HEADER_TIMESTAMP = "EdgeDesk-Timestamp";
export const HEADER_SIGNATURE = "EdgeDesk-Signature";
export const HEADER_EVENT = "EdgeDesk-Event";

/** How old a timestamp a receiver should still accept (docs/webhooks.md). */
export const REPLAY_WINDOW_S = 300;

const hex = (bytes: Uint8Array): string => Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");

export async function sign(secret: string, timestamp: number, body: string): Promise<string> {
  return `v1=${hex(await hmacSha256(secret, `${timestamp}.${body}`))}`;
}

export async function signedHeaders(
  secret: string,
  delivery: { id: string; eventType: string },
  body: string,
  nowMs: number,
): Promise<Record<string, string>> {
  const timestamp = Math.floor(nowMs / 1000);
  return {
    "content-type": "application/json",
    "user-agent": "EdgeDesk-Webhooks/1",
    [HEADER_DELIVERY]: delivery.id,
    [HEADER_EVENT]: delivery.eventType,
    [HEADER_TIMESTAMP]: String(timestamp),
    [HEADER_SIGNATURE]: await sign(secret, timestamp, body),
  };
}

/** What a receiver does; the worker uses it only in tests and docs, but it is the reference. */
export async function verify(
  secret: string,
  headers: { timestamp: string | null; signature: string | null },
  body: string,
  nowMs: number,
): Promise<boolean> {
  const ts = Number(headers.timestamp);
  if (!headers.signature || !Number.isInteger(ts)) return false;
  if (Math.abs(nowMs / 1000 - ts) > REPLAY_WINDOW_S) return false;
  const expected = await sign(secret, ts, body);
  return headers.signature.split(",").some((s) => timingSafeEqualText(s.trim(), expected));
}
