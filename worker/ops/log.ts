// Structured logs: one JSON object per line, which Workers Logs (wrangler.jsonc `observability`)
// indexes by field. Every line about a request or what it set off carries its request id (`rid`), so
// `rid = "…"` in the dashboard follows one message through the worker, its Conversation Durable Object,
// and the followers it fed (the webhook outbox). By default no secret and no customer text or address
// goes in: callers pass ids, routes, counts and outcomes, and `customerData` masks what would be
// personal unless LOG_CUSTOMER_DATA=on (a debugging switch that `npm run doctor` flags).
import type { Env } from "../env.ts";

export type LogFields = Record<string, string | number | boolean | null | undefined>;

const rank = { info: 0, warn: 1, error: 2 } as const;
type Level = keyof typeof rank;

/** LOG_LEVEL (default info) drops lines below it: the workerd tests run at warn. */
export function log(env: Pick<Env, "LOG_LEVEL">, level: Level, msg: string, fields: LogFields = {}): void {
  const min = rank[(env.LOG_LEVEL as Level | undefined) ?? "info"] ?? 0;
  if (rank[level] < min) return;
  const line = JSON.stringify({ level, msg, ...fields });
  if (level === "error") console.error(line);
  else if (level === "warn") console.warn(line);
  else console.log(line);
}

/** An email address as logs show it: the domain only (`***@example.com`), unless LOG_CUSTOMER_DATA=on. */
export function maskAddress(env: Pick<Env, "LOG_CUSTOMER_DATA">, address: string | undefined | null): string {
  if (!address) return "";
  if (env.LOG_CUSTOMER_DATA === "on") return address;
  const at = address.lastIndexOf("@");
  return at >= 0 ? `***${address.slice(at)}` : "***";
}

/** A request id we accept from a client (a proxy's, a test's): short and plain, or none. */
export function acceptRid(value: string | undefined | null): string | null {
  return value && /^[\w.:/-]{6,80}$/.test(value) ? value : null;
}

export const newRid = (): string => crypto.randomUUID();
