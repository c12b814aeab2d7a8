import { describe, expect, it } from "vitest";
import { href, parseRoute } from "./route.ts";

describe("routes", () => {
  it("parses inbox and conversation hashes", () => {
    expect(parseRoute("")).toEqual({ name: "inbox" });
    expect(parseRoute("#/inbox")).toEqual({ name: "inbox" });
    expect(parseRoute("#/c/abc_123")).toEqual({ name: "conversation", id: "abc_123" });
    expect(parseRoute("#/c/a%20b/")).toEqual({ name: "conversation", id: "a b" });
    expect(parseRoute("#/c/%E0%A4%A")).toEqual({ name: "inbox" });
    expect(parseRoute("#/nope")).toEqual({ name: "inbox" });
  });

  it("round-trips", () => {
    expect(parseRoute(href({ name: "conversation", id: "x/y" }))).toEqual({ name: "conversation", id: "x/y" });
  });

  it("round-trips every page without parameters, with or without a trailing slash", () => {
    const names = [
      "inbox",
      "integrations",
      "apiKeys",
      "people",
      "security",
      "privacy",
      "sites",
      "canned",
      "analytics",
      "ops",
      "start",
      "workspace",
    ] as const;
    for (const name of names) {
      expect(parseRoute(href({ name }))).toEqual({ name });
      expect(parseRoute(`${href({ name })}/`)).toEqual({ name });
    }
    expect(href({ name: "apiKeys" })).toBe("#/settings/api-keys");
    expect(href({ name: "sites" })).toBe("#/settings/sites");
    expect(href({ name: "start" })).toBe("#/start");
    expect(href({ name: "workspace" })).toBe("#/settings/workspace");
    expect(parseRoute("#/canned//")).toEqual({ name: "inbox" });
  });
});
