import { describe, expect, it } from "vitest";
import { describeReason, describeUserAgent, formatScore, safeHttpUrl, scoreShare } from "./format.ts";

describe("format", () => {
  it("summarises user agents", () => {
    expect(
      describeUserAgent(
        "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36",
      ),
    ).toBe("Chrome 126 on macOS");
    expect(
      describeUserAgent(
        "Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Mobile/15E148 Safari/604.1",
      ),
    ).toBe("Safari 17 on iPhone");
    expect(describeUserAgent("Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:128.0) Gecko/20100101 Firefox/128.0")).toBe(
      "Firefox 128 on Windows",
    );
    expect(describeUserAgent(undefined)).toBe("Unknown device");
  });

  it("only links http(s) URLs", () => {
    expect(safeHttpUrl("https://shop.example/cart")).toBe("https://shop.example/cart");
    expect(safeHttpUrl("javascript:alert(1)")).toBeUndefined();
    expect(safeHttpUrl("not a url")).toBeUndefined();
  });

  it("scales scores against the best one", () => {
    expect(scoreShare(0.5, [0.5, 1])).toBe(0.5);
    expect(scoreShare(1, [0, 0])).toBe(0);
    expect(formatScore(0.4567)).toBe("0.46");
  });
});

describe("describeReason", () => {
  it("puts handoff reason codes in words, and never hides an unknown one", () => {
    expect(describeReason("asked-for-person")).toBe("Asked for a person");
    expect(describeReason("article-requires-person")).toBe("Topic needs a person");
    expect(describeReason("low-confidence-after-rephrase")).toBe("Bot unsure after a rephrase");
    expect(describeReason("brand_new-code")).toBe("Brand new code");
  });
});
