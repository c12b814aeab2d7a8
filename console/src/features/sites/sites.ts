// The Sites page's pure logic (unit-tested): the allowed origins as typed, the embed tag, and a site's
// status in words. Origins are checked with the worker's own rule (shared/api.ts isBrowserOrigin).
import type { Me } from "../../../../shared/api.ts";
import { isBrowserOrigin, siteSchema } from "../../../../shared/api.ts";
import type { SiteSummary } from "../../../../shared/sites.ts";
import { timeAgo } from "../../lib/time.ts";

/** The API (`/admin/v1/sites`) is owner-only; the page says so to anyone else and calls nothing. */
export const canManageSites = (role: Me["role"]): boolean => role === "owner";

export type OriginCheck = { ok: true; origins: string[] } | { ok: false; error: string };

/**
 * One origin per line (or separated by commas or spaces) as the worker will store them. A pasted page
 * address is cut down to its origin only when that is all that differs in form ("https://Shop.example/"
 * → "https://shop.example"); a path is refused with the origin to use instead, so nobody believes a
 * path restricts anything.
 */
export function parseOrigins(text: string): OriginCheck {
  const out: string[] = [];
  for (const raw of text.split(/[\s,]+/).filter(Boolean)) {
    let u: URL;
    try {
      u = new URL(raw);
    } catch {
      return { ok: false, error: `“${raw}” is not an address: write it like https://shop.example` };
    }
    if (u.protocol !== "https:" && u.protocol !== "http:")
      return { ok: false, error: `“${raw}” must start with https:// (or http:// for local testing)` };
    if ((u.pathname !== "/" && u.pathname !== "") || u.search || u.hash)
      return { ok: false, error: `“${raw}” has a path: allow the whole origin ${u.origin} instead` };
    if (u.username || u.password) return { ok: false, error: `“${raw}” must not contain a user name or password` };
    if (!isBrowserOrigin(u.origin)) return { ok: false, error: `“${raw}” is not an origin a browser sends` };
    if (!out.includes(u.origin)) out.push(u.origin);
  }
  const r = siteSchema.safeParse({ allowedOrigins: out });
  return r.success ? { ok: true, origins: out } : { ok: false, error: r.error.issues[0]?.message ?? "not valid" };
}

/** What the owner pastes into their pages: the loader from this desk's origin with the site key. */
export const embedTag = (deskOrigin: string, key: string): string =>
  `<script src="${deskOrigin}/widget.js" data-site="${key}" async></script>`;

export type StatusWords = { tone: "ok" | "warn" | "idle"; text: string };

/** "Last seen 3 min ago on https://shop.example", or that no page has loaded the widget yet. */
export function seenWords(s: Pick<SiteSummary, "lastSeenAt" | "lastSeenOrigin" | "portal">, now: number): StatusWords {
  if (s.lastSeenAt === null)
    return {
      tone: "idle",
      text: s.portal
        ? "Not seen yet: no one has chatted from the help centre."
        : "Not seen yet: add the embed tag to a page on an allowed origin and open the chat.",
    };
  return { tone: "ok", text: `Last seen ${timeAgo(s.lastSeenAt, now)} on ${s.lastSeenOrigin ?? "a page"}` };
}

/** Each refused origin, with what to do about it. */
export const refusedWords = (r: SiteSummary["refused"][number], now: number): string =>
  `Refused from ${r.origin} ${timeAgo(r.at, now)}: visitors there see “chat is unavailable”. Allow this origin if the page is yours.`;

/** Sites in the list: the help centre's first, then oldest first (as the worker sends them). */
export const orderSites = (sites: readonly SiteSummary[]): SiteSummary[] =>
  [...sites].sort((a, b) => Number(b.portal) - Number(a.portal) || a.createdAt - b.createdAt);
