// A workspace's look, read by the widget's config route (per request of a visitor) and the help
// centre (per page render): cached per isolate for a short while, dropped on write in this isolate.
// Other isolates see a change within CACHE_MS; browsers within the config's max-age (routes.ts).
import { type Appearance, appearanceSchema, DEFAULT_APPEARANCE } from "../../shared/appearance.ts";
import { DataError, parseJson } from "../../shared/json.ts";
import type { Env } from "../env.ts";
import { log } from "../ops/log.ts";
import { LruMap } from "../../shared/lru.ts";

const CACHE_MS = 30_000;
/** Workspaces whose look this isolate remembers. */
export const APPEARANCE_CACHE_MAX = 1000;
const cache = new LruMap<string, { value: { appearance: Appearance; updatedAt: number | null }; until: number }>(
  APPEARANCE_CACHE_MAX,
);
/** How many workspaces' looks this isolate remembers (tests). */
export const cachedAppearances = (): number => cache.size;

/**
 * A stored look that does not parse (written around the API, or by an older schema) is not shown to
 * anyone: the defaults are, the help centre and the widget keep working, and the log says why.
 */
function parsed(env: Env, data: string, workspaceId: string): Appearance {
  try {
    return parseJson(appearanceSchema, data, `appearance of ${workspaceId}`);
  } catch (e) {
    if (!(e instanceof DataError)) throw e;
    log(env, "error", "appearance_unreadable", { workspaceId, error: e.message });
    return DEFAULT_APPEARANCE;
  }
}

/** The workspace's look (defaults when it never saved one). */
export async function loadAppearance(
  env: Env,
  workspaceId: string,
): Promise<{ appearance: Appearance; updatedAt: number | null }> {
  const hit = cache.get(workspaceId);
  if (hit && hit.until > Date.now()) return hit.value;
  const row = await env.DB.prepare("SELECT data, updated_at FROM appearance WHERE workspace_id = ?")
    .bind(workspaceId)
    .first<{ data: string; updated_at: number }>();
  const value = row
    ? { appearance: parsed(env, row.data, workspaceId), updatedAt: row.updated_at }
    : { appearance: DEFAULT_APPEARANCE, updatedAt: null };
  cache.set(workspaceId, { value, until: Date.now() + CACHE_MS });
  return value;
}

export async function saveAppearance(
  env: Env,
  workspaceId: string,
  appearance: Appearance,
  by: string,
): Promise<number> {
  const now = Date.now();
  await env.DB.prepare(
    `INSERT INTO appearance (workspace_id, data, updated_at, updated_by) VALUES (?1, ?2, ?3, ?4)
     ON CONFLICT (workspace_id) DO UPDATE SET data = excluded.data, updated_at = excluded.updated_at, updated_by = excluded.updated_by`,
  )
    .bind(workspaceId, JSON.stringify(appearance), now, by)
    .run();
  cache.delete(workspaceId);
  return now;
}
