import { describe, expect, it } from "vitest";
import type { SiteSummary } from "../../../../shared/sites.ts";
import { embedTag, orderSites, parseOrigins, refusedWords, seenWords } from "./sites.ts";

const site = (over: Partial<SiteSummary> = {}): SiteSummary => ({
  key: "site_1",
  name: "Shop",
  allowedOrigins: [],
  portal: false,
  identitySecret: "none",
  createdAt: 1,
  lastSeenAt: null,
  lastSeenOrigin: null,
  refused: [],
  ...over,
});

describe("allowed origins as typed", () => {
  it("keeps origins as a browser sends them, one per line or comma, without duplicates", () => {
    expect(
      parseOrigins("https://shop.example\nhttp://localhost:8080, https://Shop.Example/ https://shop.example"),
    ).toEqual({
      ok: true,
      origins: ["https://shop.example", "http://localhost:8080"],
    });
    expect(parseOrigins("https://shop.example:443")).toEqual({ ok: true, origins: ["https://shop.example"] });
    expect(parseOrigins("  ")).toEqual({ ok: true, origins: [] });
  });

  it("refuses what is not an origin, and says which origin to use for a page address", () => {
    const path = parseOrigins("https://shop.example/cart");
    expect(path.ok).toBe(false);
    expect(!path.ok && path.error).toContain("allow the whole origin https://shop.example");
    expect(parseOrigins("shop.example").ok).toBe(false);
    expect(parseOrigins("ftp://shop.example").ok).toBe(false);
    expect(parseOrigins("https://user:pw@shop.example").ok).toBe(false);
  });
});

describe("embed tag and status", () => {
  it("builds the loader tag from the desk's origin and the key", () => {
    expect(embedTag("https://desk.example", "site_ab12")).toBe(
      '<script src="https://desk.example/widget.js" data-site="site_ab12" async></script>',
    );
  });

  it("says where the widget was last seen, or that it never was", () => {
    const now = 10 * 60_000;
    expect(seenWords(site(), now).tone).toBe("idle");
    expect(seenWords(site({ lastSeenAt: now - 3 * 60_000, lastSeenOrigin: "https://shop.example" }), now)).toEqual({
      tone: "ok",
      text: "Last seen 3 min ago on https://shop.example",
    });
    expect(refusedWords({ origin: "https://www.shop.example", at: now - 60_000 }, now)).toContain(
      "Refused from https://www.shop.example 1 min ago",
    );
  });

  it("lists the help centre's site first, then the oldest", () => {
    const list = orderSites([
      site({ key: "b", createdAt: 2 }),
      site({ key: "a", createdAt: 3 }),
      site({ key: "hc", portal: true, createdAt: 9 }),
    ]);
    expect(list.map((s) => s.key)).toEqual(["hc", "b", "a"]);
  });
});
