// Per-isolate caches stay bounded. In production one isolate serves many workspaces, sites and objects
// for hours; a module-level Map keyed by what requests name (a site key, an API key's hash, a
// workspace) grew for the isolate's whole life before: expired entries were never deleted. Each cache
// is driven here through its own function, with more distinct keys than its cap, against a D1 that
// knows none of them (the cheapest request an attacker could repeat).
import { describe, expect, it } from "vitest";
import { LruMap } from "../../shared/lru.ts";
import { cachedAppearances, loadAppearance, APPEARANCE_CACHE_MAX } from "../appearance/store.ts";
import { authenticateKey, cachedKeys, KEY_CACHE_MAX } from "../channels/rest/keys.ts";
import { cachedPortals, PORTAL_CACHE_MAX, portalInfo } from "../channels/portal/content.ts";
import type { Env } from "../env.ts";
import { cachedKbs, currentKb, KB_CACHE_MAX } from "../knowledge/store.ts";
import { cachedSites, loadSite, SITE_CACHE_MAX } from "../middleware/site.ts";
import { METRICS_BUFFER_MAX, metric, pendingMetrics } from "./metrics.ts";

/** A D1 with no rows: every lookup misses, and every miss is cached (negative caching). */
const emptyEnv = (): Env => {
  const stmt = {
    bind: () => stmt,
    first: async () => null,
    all: async () => ({ results: [] }),
    run: async () => ({ success: true }),
  };
  return { DB: { prepare: () => stmt } } as unknown as Env;
};

describe("LruMap", () => {
  it("keeps at most max entries and drops the least recently used", () => {
    const m = new LruMap<string, number>(3);
    m.set("a", 1).set("b", 2).set("c", 3);
    expect(m.get("a")).toBe(1); // a is now the most recent
    m.set("d", 4);
    expect([...m.keys()]).toEqual(["c", "a", "d"]);
    m.set("c", 30); // an update is not an insertion: nothing dropped
    expect(m.size).toBe(3);
    expect(m.get("b")).toBeUndefined();
  });
});

describe("per-isolate caches are bounded", () => {
  const env = emptyEnv();

  it("site keys (the public routes' siteGuard)", async () => {
    for (let i = 0; i < SITE_CACHE_MAX + 500; i++) await loadSite(env, `site_${i}`, 30_000);
    expect(cachedSites()).toBeLessThanOrEqual(SITE_CACHE_MAX);
  });

  it("workspace appearance", async () => {
    for (let i = 0; i < APPEARANCE_CACHE_MAX + 500; i++) await loadAppearance(env, `ws_${i}`);
    expect(cachedAppearances()).toBeLessThanOrEqual(APPEARANCE_CACHE_MAX);
  });

  it("help centre info", async () => {
    for (let i = 0; i < PORTAL_CACHE_MAX + 500; i++) await portalInfo(env, `ws_${i}`, "https://help.example");
    expect(cachedPortals()).toBeLessThanOrEqual(PORTAL_CACHE_MAX);
  });

  it("presented REST API keys (unknown ones included)", async () => {
    for (let i = 0; i < KEY_CACHE_MAX + 500; i++)
      await authenticateKey(env, `ek_${String(i).padStart(32, "x")}`, () => undefined);
    expect(cachedKeys()).toBeLessThanOrEqual(KEY_CACHE_MAX);
  });

  it("loaded knowledge bases (one index per workspace: megabytes each)", async () => {
    for (let i = 0; i < KB_CACHE_MAX + 20; i++) await currentKb(env, `ws_${i}`);
    expect(cachedKbs()).toBeLessThanOrEqual(KB_CACHE_MAX);
  });

  it("local metrics waiting for D1 (METRICS_D1=on; nothing to flush them when no waitUntil is given)", () => {
    const env = { METRICS_D1: "on" } as unknown as Env;
    for (let i = 0; i < METRICS_BUFFER_MAX + 500; i++) metric(env, null, { name: "http", label: "GET /x", value: 1 });
    expect(pendingMetrics()).toBeLessThanOrEqual(METRICS_BUFFER_MAX);
  });
});
