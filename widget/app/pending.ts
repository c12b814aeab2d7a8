// Outgoing customer messages between "Send" and the moment they show up in the timeline. Kept in
// sessionStorage so a reload or a dropped socket cannot lose what the customer typed: anything not
// acked is sent again with the same clientId, and the server stores each clientId once.
import type { Timeline } from "../../shared/timeline.ts";

/** Same limit as `MAX_MESSAGE_CHARS` in shared/protocol.ts (a unit test keeps them equal): importing
 *  it from there would drag zod into the widget bundle. */
export const MAX_CHARS = 4000;

export type Pending = {
  clientId: string;
  text: string;
  at: number;
  /** Seq the server acked it with; acked messages are never resent. */
  seq?: number;
  /** The server refused it (validation); shown with the reason, not resent. */
  error?: string;
  /** An answer to "Do you mean …?": the chosen option's article, or "none". */
  choice?: string;
};

/** What still has to go over the wire, oldest first. */
export function toResend(list: readonly Pending[]): Pending[] {
  return list.filter((p) => p.seq === undefined && p.error === undefined);
}

/**
 * Drops entries the timeline already shows: matched by clientId when the stored event carries it,
 * else by the acked seq having been applied. Until then an acked message stays visible as "sent",
 * so it does not blink out between the ack and its event.
 */
export function reconcile(list: readonly Pending[], t: Timeline): Pending[] {
  if (list.length === 0) return list as Pending[];
  const seen = new Set<string>();
  for (const m of t.messages) if (m.clientId) seen.add(m.clientId);
  const next = list.filter((p) => !seen.has(p.clientId) && !(p.seq !== undefined && p.seq <= t.lastSeq));
  return next.length === list.length ? (list as Pending[]) : next;
}

export function ack(list: readonly Pending[], clientId: string, seq: number): Pending[] {
  return list.map((p) => (p.clientId === clientId ? { ...p, seq, error: undefined } : p));
}

export function fail(list: readonly Pending[], clientId: string, error: string): Pending[] {
  return list.map((p) => (p.clientId === clientId ? { ...p, error } : p));
}

export function retry(list: readonly Pending[], clientId: string): Pending[] {
  return list.map((p) =>
    p.clientId === clientId
      ? { clientId: p.clientId, text: p.text, at: p.at, ...(p.choice ? { choice: p.choice } : {}) }
      : p,
  );
}

/**
 * A message's clientId: 128 random bits as 28 base-36 digits. `crypto.getRandomValues` works on plain
 * http pages too (randomUUID does not); nanoid cost the bundle 0.2 KB gzip for the same.
 */
const newClientId = () =>
  Array.from(crypto.getRandomValues(new Uint32Array(4)), (n) => n.toString(36).padStart(7, "0")).join("");

export function add(list: readonly Pending[], text: string, now = Date.now(), choice?: string): [Pending[], Pending] {
  const p: Pending = { clientId: newClientId(), text, at: now, ...(choice ? { choice } : {}) };
  return [[...list, p], p];
}

/** Reads a persisted queue, dropping anything malformed (storage is shared with the host page). */
export function load(raw: string | null): Pending[] {
  if (!raw) return [];
  try {
    const v: unknown = JSON.parse(raw);
    return Array.isArray(v) ? (v as unknown[]).filter(isPending) : [];
  } catch {
    return [];
  }
}

function isPending(p: unknown): p is Pending {
  if (typeof p !== "object" || p === null) return false;
  const r = p as Record<string, unknown>;
  return (
    typeof r.clientId === "string" &&
    typeof r.text === "string" &&
    typeof r.at === "number" &&
    (r.choice === undefined || typeof r.choice === "string")
  );
}
