import { describe, expect, it } from "vitest";
import type { MessageEvent } from "../../../shared/protocol.ts";
import { describeReason, describeUserAgent, formatScore, safeHttpUrl, scoreShare } from "./format.ts";
import { ackPending, addPending, failPending, settlePending, unacked } from "../features/conversation/outbox.ts";
import { backoffDelay } from "./retry.ts";
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
});

describe("backoffDelay", () => {
  it("doubles from 0.5 s and caps at 15 s", () => {
    const mid = () => 0.5;
    expect([0, 1, 2, 3, 10].map((a) => backoffDelay(a, mid))).toEqual([500, 1000, 2000, 4000, 15000]);
  });

  it("jitters within ±20 %", () => {
    expect(backoffDelay(2, () => 0)).toBe(1600);
    expect(backoffDelay(2, () => 1)).toBe(2400);
  });
});

describe("outbox", () => {
  const msg = (seq: number, clientId?: string): MessageEvent => ({
    type: "message",
    seq,
    at: 0,
    id: `m${seq}`,
    author: "agent",
    text: "hi",
    clientId,
  });

  it("follows a reply from sending to settled", () => {
    let list = addPending([], "client-0001", "hello", 1);
    list = addPending(list, "client-0001", "hello", 1);
    expect(list).toHaveLength(1);
    expect(unacked(list)).toHaveLength(1);
    list = ackPending(list, "client-0001", 7);
    expect(list[0]).toMatchObject({ status: "sent", seq: 7 });
    expect(unacked(list)).toHaveLength(0);
    expect(settlePending(list, [msg(6)])).toBe(list);
    expect(settlePending(list, [msg(7)])).toEqual([]);
  });

  it("settles by clientId even before the ack", () => {
    const list = addPending([], "client-0002", "x", 1);
    expect(settlePending(list, [msg(3, "client-0002")])).toEqual([]);
  });

  it("marks failures but never un-acks", () => {
    let list = addPending([], "c1-aaaaaaa", "x", 1);
    list = failPending(list, "c1-aaaaaaa", "offline");
    expect(list[0]?.status).toBe("failed");
    expect(unacked(list)).toHaveLength(1);
    list = ackPending(list, "c1-aaaaaaa", 2);
    expect(failPending(list, "c1-aaaaaaa", "late")[0]?.status).toBe("sent");
  });
});

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
