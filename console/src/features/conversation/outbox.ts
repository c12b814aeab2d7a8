// Agent replies that the server has not stored yet. A reply stays here (shown as "sending…") until the
// stored message carrying its clientId arrives, so it is never lost on a reconnect and never shown
// twice: after a reconnect everything not acked is re-sent with the same clientId and the server
// dedups it.
import type { MessageEvent } from "../../../../shared/protocol.ts";

export type Pending = {
  clientId: string;
  text: string;
  createdAt: number;
  /** `sent`: acked with a seq, waiting for the stored event to arrive on the socket. */
  status: "sending" | "sent" | "failed";
  seq?: number;
  error?: string;
};

export function addPending(list: readonly Pending[], clientId: string, text: string, now: number): Pending[] {
  if (list.some((p) => p.clientId === clientId)) return [...list];
  return [...list, { clientId, text, createdAt: now, status: "sending" }];
}

export function ackPending(list: readonly Pending[], clientId: string, seq: number): Pending[] {
  return list.map((p) => (p.clientId === clientId ? { ...p, status: "sent", seq, error: undefined } : p));
}

export function failPending(list: readonly Pending[], clientId: string, error: string): Pending[] {
  return list.map((p) => (p.clientId === clientId && p.status !== "sent" ? { ...p, status: "failed", error } : p));
}

export function retryPending(list: readonly Pending[], clientId: string): Pending[] {
  return list.map((p) => (p.clientId === clientId ? { ...p, status: "sending", error: undefined } : p));
}

/**
 * Drops replies whose stored message is in the transcript: matched by clientId, or by the seq the
 * ack gave us (in case the server strips clientId from the copy it broadcasts).
 */
export function settlePending(list: readonly Pending[], messages: readonly MessageEvent[]): Pending[] {
  if (list.length === 0) return list as Pending[];
  const ids = new Set<string>();
  const seqs = new Set<number>();
  for (const m of messages) {
    if (m.clientId) ids.add(m.clientId);
    seqs.add(m.seq);
  }
  const next = list.filter((p) => !ids.has(p.clientId) && !(p.seq !== undefined && seqs.has(p.seq)));
  return next.length === list.length ? (list as Pending[]) : next;
}

/** What to (re)send after the socket is ready again. */
export function unacked(list: readonly Pending[]): Pending[] {
  return list.filter((p) => p.status !== "sent");
}
