// The Surge area's hash routes round-trip, and unknown paths fall back to the area's home.
import { describe, expect, it } from "vitest";
import { href, parseRoute } from "../../lib/route.ts";

describe("surge routes", () => {
  it("parses and builds every view", () => {
    for (const r of [
      { name: "surge", view: "home" },
      { name: "surge", view: "sweep", id: "sw_abc-DEF_1" },
      { name: "surge", view: "audit", id: "sw_abc" },
      { name: "surge", view: "approve", id: "tok_-XYZ09" },
    ] as const) {
      expect(parseRoute(href(r))).toEqual(r);
    }
  });
  it("falls back to the area's home", () => {
    expect(parseRoute("#/surge/nope/x/y")).toEqual({ name: "surge", view: "home" });
    expect(parseRoute("#/surgeon")).toEqual({ name: "inbox" });
  });
});
