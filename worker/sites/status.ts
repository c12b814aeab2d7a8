// Where a site's widget runs and where it is refused: what the console's Sites page shows per site
// ("last seen", "refused from origin X"), recorded by the site guard (middleware/site.ts).
//
// Why D1 and not KV: the page lists every site of a workspace with its origins in one query, and the
// writes are rare by construction. Each isolate writes a (site, origin, outcome) at most once a minute
// (`due` below), so a busy site costs about one small upsert per minute per isolate, never one per
// request; KV would need a list per page view and allows one write per key per second anyway. Origin
// is whatever a client sends, so each site keeps at most MAX_ORIGINS rows and only origin-shaped values.
import type { Env } from "../env.ts";

export const WRITE_EVERY_MS = 60_000;
export const MAX_ORIGINS = 50;
/** What a browser sends: scheme://host[:port], or "null" (a file:// page, a sandboxed frame). */
const ORIGIN = /^(https?:\/\/[^/\s]{1,200}|null)$/;

const lastWrite = new Map<string, number>();

/** Whether this isolate should write now; also bounds the map (a flood of made-up origins). */
function due(key: string, now: number): boolean {
  const at = lastWrite.get(key);
  if (at !== undefined && now - at < WRITE_EVERY_MS) return false;
  if (lastWrite.size >= 5000) lastWrite.clear();
  lastWrite.set(key, now);
  return true;
}

/** Tests: forget the per-isolate throttle so a second write in the same minute lands. */
export function forgetSiteWrites(): void {
  lastWrite.clear();
}

/**
 * Records that `origin` was let through (`seen`) or refused for `siteKey`. Returns the write to wait on
 * (the guard hands it to waitUntil), or null when this isolate wrote the same thing within the minute.
 */
export function noteOrigin(
  env: Env,
  siteKey: string,
  origin: string,
  outcome: "seen" | "refused",
  now = Date.now(),
): Promise<unknown> | null {
  if (!ORIGIN.test(origin) || !due(`${outcome}|${siteKey}|${origin}`, now)) return null;
  const column = outcome === "seen" ? "seen_at" : "refused_at";
  return env.DB.prepare(
    `INSERT INTO site_origins (site_key, origin, ${column}) SELECT ?1, ?2, ?3
       WHERE EXISTS (SELECT 1 FROM site_origins WHERE site_key = ?1 AND origin = ?2)
          OR (SELECT COUNT(*) FROM site_origins WHERE site_key = ?1) < ${MAX_ORIGINS}
     ON CONFLICT (site_key, origin) DO UPDATE SET ${column} = excluded.${column}`,
  )
    .bind(siteKey, origin, now)
    .run()
    .catch((e: unknown) => {
      // A status line is not worth failing or slowing a customer's request over.
      console.warn(JSON.stringify({ level: "warn", msg: "site status not recorded", error: String(e) }));
    });
}

export type OriginRow = { site_key: string; origin: string; seen_at: number | null; refused_at: number | null };

/** The origin rows of every site of a workspace. */
export async function originsOf(env: Env, workspaceId: string): Promise<OriginRow[]> {
  const r = await env.DB.prepare(
    `SELECT o.site_key, o.origin, o.seen_at, o.refused_at FROM site_origins o
       JOIN sites s ON s.key = o.site_key WHERE s.workspace_id = ?`,
  )
    .bind(workspaceId)
    .all<OriginRow>();
  return r.results;
}

/** Drops a removed site's rows. */
export const forgetOrigins = (env: Env, siteKey: string) =>
  env.DB.prepare("DELETE FROM site_origins WHERE site_key = ?").bind(siteKey);

export type SiteStatus = {
  lastSeenAt: number | null;
  lastSeenOrigin: string | null;
  refused: { origin: string; at: number }[];
};

/**
 * One site's status from its rows: when and where it last answered a page, and the origins it refused
 * that are still not allowed (adding an origin clears its warning at once, without a write), newest first.
 */
export function statusOf(allowedOrigins: readonly string[], rows: readonly OriginRow[], max = 5): SiteStatus {
  let last: OriginRow | undefined;
  for (const r of rows) if (r.seen_at !== null && (!last || r.seen_at > (last.seen_at ?? 0))) last = r;
  const refused = rows
    .flatMap((r) =>
      r.refused_at !== null && !allowedOrigins.includes(r.origin) ? [{ origin: r.origin, at: r.refused_at }] : [],
    )
    .sort((a, b) => b.at - a.at)
    .slice(0, max);
  return { lastSeenAt: last?.seen_at ?? null, lastSeenOrigin: last?.origin ?? null, refused };
}
