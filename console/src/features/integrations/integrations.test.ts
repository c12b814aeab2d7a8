import { describe, expect, it } from "vitest";
import type { Delivery, Webhook } from "../../../../shared/api.ts";
import { deliveryState, lastResult, nextTry, targetLabel, webhookFormErrors } from "./integrations.ts";
import { href, parseRoute } from "../../lib/route.ts";

const d = (over: Partial<Delivery>): Delivery => ({
  id: "dlv_1",
  kind: "webhook",
  target: "wh_1",
  url: "https://example.com/hooks?token=abc",
  eventId: "c.1",
  eventType: "message.created",
  status: "pending",
  attempts: 0,
  maxAttempts: 10,
  nextAt: 10_000,
  createdAt: 0,
  updatedAt: 0,
  log: [],
  ...over,
});

describe("integrations page logic", () => {
  it("routes #/settings/integrations", () => {
    expect(parseRoute("#/settings/integrations")).toEqual({ name: "integrations" });
    expect(parseRoute(href({ name: "integrations" }))).toEqual({ name: "integrations" });
  });

  it("names a delivery's state", () => {
    expect(deliveryState(d({})).label).toBe("Queued");
    expect(deliveryState(d({ log: [{ n: 1, at: 0, ms: 5, status: 500 }] }))).toEqual({
      label: "Retrying",
      tone: "wait",
    });
    expect(deliveryState(d({ status: "dead" }))).toEqual({ label: "Dead letter", tone: "bad" });
    expect(deliveryState(d({ status: "delivered" })).tone).toBe("ok");
  });

  it("describes the last result and the next try", () => {
    expect(lastResult(d({}))).toBe("Not tried yet");
    expect(lastResult(d({ log: [{ n: 1, at: 0, ms: 84, status: 200 }] }))).toBe("HTTP 200 · 84 ms");
    expect(lastResult(d({ log: [{ n: 1, at: 0, ms: 10_000, error: "timed out after 10000 ms" }] }))).toBe(
      "Timed out after 10000 ms",
    );
    expect(nextTry(d({ nextAt: 40_000 }), 10_000)).toMatch(/^next try in /);
    expect(nextTry(d({ nextAt: 10_500 }), 10_000)).toBe("next try now");
    expect(nextTry(d({ status: "dead", nextAt: null }), 0)).toBeNull();
  });

  it("labels targets without their query string", () => {
    const hooks: Webhook[] = [];
    expect(targetLabel(d({}), hooks)).toBe("example.com/hooks");
    expect(targetLabel(d({ kind: "slack", target: "slack", url: "hooks.slack.com/…abc" }), hooks)).toBe("Slack");
  });

  it("checks the add-webhook form", () => {
    expect(webhookFormErrors({ url: "", events: [] })).toEqual({ url: expect.any(String), events: expect.any(String) });
    expect(webhookFormErrors({ url: "ftp://x", events: ["message.created"] }).url).toMatch(/http/);
    expect(webhookFormErrors({ url: " https://example.com/h ", events: ["message.created"] })).toEqual({});
  });
});
