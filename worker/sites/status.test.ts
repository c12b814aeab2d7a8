import { describe, expect, it } from "vitest";
import type { Env } from "../env.ts";
import { forgetSiteWrites, noteOrigin, type OriginRow, statusOf, WRITE_EVERY_MS } from "./status.ts";

/** A DB that counts the statements it is asked to run. */
function countingEnv(): { env: Env; writes: unknown[][] } {
  const writes: unknown[][] = [];
  const stmt = (sql: string) => ({
    bind: (...args: unknown[]) => ({
      run: async () => {
        writes.push([sql, ...args]);
        return {};
      },
    }),
  });
  return { env: { DB: { prepare: stmt } } as unknown as Env, writes };
}

describe("site status writes", () => {
  it("writes a site, origin and outcome at most once a minute per isolate", async () => {
    forgetSiteWrites();
    const { env, writes } = countingEnv();
    const t = 1_000_000;
    await noteOrigin(env, "s1", "https://a.example", "seen", t);
    expect(noteOrigin(env, "s1", "https://a.example", "seen", t + 1000)).toBeNull();
    expect(noteOrigin(env, "s1", "https://a.example", "seen", t + WRITE_EVERY_MS - 1)).toBeNull();
    // Another outcome, origin or site is its own line.
    await noteOrigin(env, "s1", "https://a.example", "refused", t + 1);
    await noteOrigin(env, "s1", "https://b.example", "seen", t + 1);
    await noteOrigin(env, "s2", "https://a.example", "seen", t + 1);
    await noteOrigin(env, "s1", "https://a.example", "seen", t + WRITE_EVERY_MS);
    expect(writes).toHaveLength(5);
  });

  it("stores only what a browser sends as an origin", () => {
    forgetSiteWrites();
    const { env } = countingEnv();
    expect(noteOrigin(env, "s1", "javascript:alert(1)", "refused")).toBeNull();
    expect(noteOrigin(env, "s1", `https://${"a".repeat(300)}.example`, "refused")).toBeNull();
    expect(noteOrigin(env, "s1", "null", "refused")).not.toBeNull();
  });
});

describe("a site's status", () => {
  const row = (origin: string, seen: number | null, refused: number | null): OriginRow => ({
    site_key: "s1",
    origin,
    seen_at: seen,
    refused_at: refused,
  });

  it("is the latest page it answered, and refused origins still not allowed, newest first", () => {
    const rows = [
      row("https://a.example", 10, null),
      row("https://b.example", 30, null),
      row("https://x.example", null, 20),
      row("https://y.example", null, 40),
      row("https://fixed.example", 50, 5),
    ];
    expect(statusOf(["https://a.example", "https://b.example", "https://fixed.example"], rows)).toEqual({
      lastSeenAt: 50,
      lastSeenOrigin: "https://fixed.example",
      refused: [
        { origin: "https://y.example", at: 40 },
        { origin: "https://x.example", at: 20 },
      ],
    });
    expect(statusOf([], [])).toEqual({ lastSeenAt: null, lastSeenOrigin: null, refused: [] });
  });
});
