// The API keys page's pure logic (unit-tested): who may manage keys, the name check with the
// worker's own schema, list order, and how a key's state is put into words.
import type { Me } from "../../../../shared/api.ts";
import { newApiKeySchema, type ApiKeySummary } from "../../../../shared/rest.ts";
import { timeAgo } from "../../lib/time.ts";

/** The API (`/api/api-keys`) is owner-only; the page says so to anyone else and calls nothing. */
export const canManageApiKeys = (role: Me["role"]): boolean => role === "owner";

/** The name as the worker will store it, or the reason it refuses it. */
export function checkKeyName(name: string): { ok: true; name: string } | { ok: false; error: string } {
  const r = newApiKeySchema.safeParse({ name });
  return r.success
    ? { ok: true, name: r.data.name }
    : { ok: false, error: r.error.issues[0]?.message ?? "name is not valid" };
}

/** Keys in use first (newest first), revoked ones after them (most recently revoked first). */
export function orderKeys(keys: readonly ApiKeySummary[]): ApiKeySummary[] {
  return [...keys].sort((a, b) => {
    if (!a.revokedAt !== !b.revokedAt) return a.revokedAt ? 1 : -1;
    return a.revokedAt && b.revokedAt ? b.revokedAt - a.revokedAt : b.createdAt - a.createdAt;
  });
}

/** The list after a revoke succeeded, without waiting for a reload. */
export const markRevoked = (keys: readonly ApiKeySummary[], id: string, at: number): ApiKeySummary[] =>
  orderKeys(keys.map((k) => (k.id === id && !k.revokedAt ? { ...k, revokedAt: at } : k)));

export function keyUse(k: ApiKeySummary, now: number): string {
  if (k.revokedAt) return `Revoked ${timeAgo(k.revokedAt, now)}`;
  return k.lastUsedAt ? `Last used ${timeAgo(k.lastUsedAt, now)}` : "Never used";
}

/** What a key is shown as: never the secret, only the first characters the API keeps. */
export const keyHint = (k: ApiKeySummary): string => `${k.prefix}…`;
