// Per-workspace REST API keys. A key is `ek_` + 32 random base64url characters (192 bits); only its
// SHA-256 is stored (a fast hash is enough for a random secret of that size: there is nothing to
// guess), and the key is shown once, when it is created.
import type { ApiKeySummary, CreatedApiKey } from "../../../shared/rest.ts";
import { randomToken, sha256 } from "../../auth/crypto.ts";
import type { ApiKeyOwner, Env } from "../../env.ts";
import { LruMap } from "../../../shared/lru.ts";

export const KEY_PREFIX = "ek_";
const KEY = /^ek_[\w-]{32}$/;
const CACHE_TTL_MS = 30_000;

type Row = {
  id: string;
  name: string;
  prefix: string;
  created_at: number;
  created_by: string;
  last_used_at: number | null;
  revoked_at: number | null;
};

const summary = (r: Row): ApiKeySummary => ({
  id: r.id,
  name: r.name,
  prefix: r.prefix,
  createdAt: r.created_at,
  createdBy: r.created_by,
  ...(r.last_used_at ? { lastUsedAt: r.last_used_at } : {}),
  ...(r.revoked_at ? { revokedAt: r.revoked_at } : {}),
});

// Hash → owner, per isolate: most requests then cost no D1 read. Revoking clears this isolate's entry;
// other isolates notice within CACHE_TTL_MS (docs/rest-api.md says so).
// Unknown keys are cached too (a client retrying a wrong key costs no D1 read), so the cache is keyed by
// whatever clients present: capped, least recently used dropped.
export const KEY_CACHE_MAX = 1000;
const cache = new LruMap<string, { owner: ApiKeyOwner | null; until: number }>(KEY_CACHE_MAX);
// Forgetting a key's last write only costs one more write of its "last used" time.
const lastUsedWrites = new LruMap<string, number>(KEY_CACHE_MAX);
/** How many presented keys this isolate remembers (tests). */
export const cachedKeys = (): number => cache.size;

export async function createApiKey(env: Env, workspaceId: string, name: string, by: string): Promise<CreatedApiKey> {
  const key = KEY_PREFIX + randomToken(24);
  const row: Row = {
    id: `key_${randomToken(9)}`,
    name,
    prefix: key.slice(0, 10),
    created_at: Date.now(),
    created_by: by,
    last_used_at: null,
    revoked_at: null,
  };
  await env.DB.prepare(
    "INSERT INTO api_keys (id, workspace_id, name, prefix, hash, created_by, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
  )
    .bind(row.id, workspaceId, name, row.prefix, await sha256(key), by, row.created_at)
    .run();
  return { ...summary(row), key };
}

export async function listApiKeys(env: Env, workspaceId: string): Promise<ApiKeySummary[]> {
  const rows = await env.DB.prepare(
    "SELECT id, name, prefix, created_at, created_by, last_used_at, revoked_at FROM api_keys WHERE workspace_id = ? ORDER BY created_at DESC, id",
  )
    .bind(workspaceId)
    .all<Row>();
  return rows.results.map(summary);
}

/** Revokes a key of this workspace; false when there is no such (unrevoked) key. */
export async function revokeApiKey(env: Env, workspaceId: string, id: string): Promise<boolean> {
  const row = await env.DB.prepare(
    "UPDATE api_keys SET revoked_at = ? WHERE workspace_id = ? AND id = ? AND revoked_at IS NULL RETURNING hash",
  )
    .bind(Date.now(), workspaceId, id)
    .first<{ hash: string }>();
  if (row) cache.delete(row.hash);
  return !!row;
}

/** The owner of a presented key, or null (malformed, unknown or revoked: the caller says 401 for all). */
export async function authenticateKey(
  env: Env,
  key: string,
  waitUntil: (p: Promise<unknown>) => void,
): Promise<ApiKeyOwner | null> {
  if (!KEY.test(key)) return null;
  const hash = await sha256(key);
  const now = Date.now();
  let hit = cache.get(hash);
  if (!hit || hit.until < now) {
    const row = await env.DB.prepare("SELECT id, workspace_id FROM api_keys WHERE hash = ? AND revoked_at IS NULL")
      .bind(hash)
      .first<{ id: string; workspace_id: string }>();
    hit = { owner: row ? { keyId: row.id, workspaceId: row.workspace_id } : null, until: now + CACHE_TTL_MS };
    cache.set(hash, hit);
  }
  const owner = hit.owner;
  // "Last used" is for owners deciding what to revoke: a minute's precision is plenty, and spares D1 a write per request.
  if (owner && (lastUsedWrites.get(owner.keyId) ?? 0) < now - 60_000) {
    lastUsedWrites.set(owner.keyId, now);
    waitUntil(env.DB.prepare("UPDATE api_keys SET last_used_at = ? WHERE id = ?").bind(now, owner.keyId).run());
  }
  return owner;
}
