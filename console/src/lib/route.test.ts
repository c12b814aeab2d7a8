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

  it("parses emailed links (token after the '#') and round-trips them; a malformed token is no link", () => {
    const token = "a".repeat(20) + "-_".repeat(12);
    for (const kind of ["invite", "reset"] as const) {
      expect(parseRoute(`#/${kind}/${token}`)).toEqual({ name: "link", kind, token });
      expect(parseRoute(href({ name: "link", kind, token }))).toEqual({ name: "link", kind, token });
    }
    expect(parseRoute("#/invite/short")).toEqual({ name: "inbox" });
    expect(parseRoute(`#/invite/${token}/x`)).toEqual({ name: "inbox" });
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
      "forgot",
      "kbImport",
      "hours",
      "files",
    ] as const;
    for (const name of names) {
      expect(parseRoute(href({ name }))).toEqual({ name });
      expect(parseRoute(`${href({ name })}/`)).toEqual({ name });
    }
    expect(href({ name: "apiKeys" })).toBe("#/settings/api-keys");
    expect(href({ name: "sites" })).toBe("#/settings/sites");
    expect(href({ name: "start" })).toBe("#/start");
    expect(href({ name: "workspace" })).toBe("#/settings/workspace");
    expect(href({ name: "hours" })).toBe("#/settings/hours");
    expect(href({ name: "files" })).toBe("#/settings/files");
    expect(parseRoute("#/canned//")).toEqual({ name: "inbox" });
    // The import page sits inside the Knowledge area's URL space without being one of its views.
    expect(href({ name: "kbImport" })).toBe("#/kb/import");
    expect(parseRoute("#/kb/importx")).toEqual({ name: "kb", view: "list" });
  });
});
