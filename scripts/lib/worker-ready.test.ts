import { describe, expect, it } from "vitest";
import { saysReady } from "./worker.ts";

describe("saysReady", () => {
  const url = "http://127.0.0.1:38529";
  it("reads wrangler's line with or without colours (npm test sets FORCE_COLOR)", () => {
    expect(saysReady("[wrangler:info] Ready on http://127.0.0.1:38529\n", url)).toBe(true);
    // What wrangler printed under FORCE_COLOR=1: every e2e start waited 60 s and failed.
    expect(saysReady("[wrangler:info] Ready on \u001b[36mhttp://127.0.0.1:38529\u001b[39m\n", url)).toBe(true);
  });
  it("is not another worker's address", () => {
    expect(saysReady("[wrangler:info] Ready on http://127.0.0.1:38530\n", url)).toBe(false);
    expect(saysReady("Starting local server...", url)).toBe(false);
  });
});
