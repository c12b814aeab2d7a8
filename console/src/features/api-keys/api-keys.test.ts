// The API keys page's pure logic (console/src/api-keys.ts) and its route.
import { describe, expect, it } from "vitest";
import type { ApiKeySummary } from "../../../../shared/rest.ts";
import { canManageApiKeys, checkKeyName, keyHint, keyUse, markRevoked, orderKeys } from "./api-keys.ts";
import { href, parseRoute } from "../../lib/route.ts";

const key = (id: string, createdAt: number, extra: Partial<ApiKeySummary> = {}): ApiKeySummary => ({
  id,
  name: id,
  prefix: `ek_${id}`.slice(0, 10),
  createdAt,
  createdBy: "o@x.example",
  ...extra,
});
const MIN = 60_000;

describe("API keys page", () => {
  it("is for owners only", () => {
    expect(canManageApiKeys("owner")).toBe(true);
    expect(canManageApiKeys("editor")).toBe(false);
    expect(canManageApiKeys("agent")).toBe(false);
  });

  it("checks the name with the worker's schema", () => {
    expect(checkKeyName("  Mobile app ")).toEqual({ ok: true, name: "Mobile app" });
    expect(checkKeyName("   ")).toEqual({ ok: false, error: "name the key (what uses it)" });
    expect(checkKeyName("x".repeat(81)).ok).toBe(false);
  });

  it("lists keys in use first, newest first, then revoked ones, and marks a revoke in place", () => {
    const list = [key("old", 1), key("gone", 5, { revokedAt: 10 }), key("new", 3), key("gone2", 2, { revokedAt: 20 })];
    expect(orderKeys(list).map((k) => k.id)).toEqual(["new", "old", "gone2", "gone"]);
    const after = markRevoked(list, "new", 30);
    expect(after.map((k) => k.id)).toEqual(["old", "new", "gone2", "gone"]);
    expect(after.find((k) => k.id === "new")?.revokedAt).toBe(30);
    // An already revoked key keeps its time.
    expect(markRevoked(list, "gone", 99).find((k) => k.id === "gone")?.revokedAt).toBe(10);
  });

  it("puts a key's use into words and never shows more than its prefix", () => {
    const now = 1_800_000_000_000;
    expect(keyUse(key("a", now - 10 * MIN), now)).toBe("Never used");
    expect(keyUse(key("a", now - 10 * MIN, { lastUsedAt: now - 3 * MIN }), now)).toBe("Last used 3 min ago");
    expect(keyUse(key("a", now - 10 * MIN, { lastUsedAt: now - 3 * MIN, revokedAt: now - 10_000 }), now)).toBe(
      "Revoked just now",
    );
    expect(keyHint(key("abcdefgh", 1))).toBe("ek_abcdefg…");
  });

  it("has its own route in the settings area", () => {
    expect(parseRoute("#/settings/api-keys")).toEqual({ name: "apiKeys" });
    expect(parseRoute("#/settings/api-keys/")).toEqual({ name: "apiKeys" });
    expect(href({ name: "apiKeys" })).toBe("#/settings/api-keys");
    expect(parseRoute("#/settings/integrations")).toEqual({ name: "integrations" });
  });
});
