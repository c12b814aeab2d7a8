// A misconfigured site (a key no site has, or this page's origin not allowed) stops the widget: the
// visitor reads a calm "chat is unavailable" on their message, the owner a console warning naming what
// to fix, and nothing is retried on a timer (the worker answers these refusals with CORS, so the
// widget can read them: middleware/site.ts).
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { Connection } from "./connection.ts";
import { createWidgetStore } from "./store.ts";

const refusal = (status: number, error: string, message: string) =>
  new Response(JSON.stringify({ error, message }), { status, headers: { "content-type": "application/json" } });

const ORIGIN_MSG =
  'origin https://www.shop.example is not allowed for the site "site_1": add it to the site\'s allowed origins in the console (Settings → Sites)';

beforeEach(() => {
  vi.useFakeTimers();
  vi.stubGlobal("location", { href: "https://www.shop.example/cart" });
  vi.stubGlobal("document", { title: "Cart" });
});
afterEach(() => {
  vi.useRealTimers();
  vi.unstubAllGlobals();
  vi.restoreAllMocks();
});

describe("a misconfigured site", () => {
  it("says chat is unavailable, warns the owner once, and does not retry", async () => {
    const warn = vi.spyOn(console, "warn").mockImplementation(() => {});
    const fetch = vi.fn(async () => refusal(403, "origin_not_allowed", ORIGIN_MSG));
    const store = createWidgetStore(
      { site: "site_1", api: "https://desk.example", locale: "en", position: "right" },
      { fetch, local: memory(), session: memory() },
    );
    await store.send("Where is my order?");
    expect(store.status.value).toBe("unavailable");
    expect(store.pending.value.map((p) => p.error)).toEqual(["Chat is unavailable right now. Please try again later."]);
    await vi.advanceTimersByTimeAsync(120_000);
    expect(fetch).toHaveBeenCalledTimes(1);
    expect(warn).toHaveBeenCalledTimes(1);
    expect(warn.mock.calls[0]?.[0]).toContain("https://www.shop.example is not allowed");
    expect(warn.mock.calls[0]?.[0]).toContain("Settings → Sites");
    // The visitor may try again by hand: one request, the same calm answer, no second warning.
    store.retry(store.pending.value[0]?.clientId ?? "");
    await vi.advanceTimersByTimeAsync(0);
    expect(fetch).toHaveBeenCalledTimes(2);
    expect(store.status.value).toBe("unavailable");
    expect(warn).toHaveBeenCalledTimes(1);
  });

  it("a network failure is still retried (it may pass)", async () => {
    const fetch = vi.fn(async () => Promise.reject(new TypeError("Failed to fetch")));
    const store = createWidgetStore(
      { site: "site_1", api: "https://desk.example", locale: "es", position: "right" },
      { fetch, local: memory(), session: memory() },
    );
    await store.send("hola");
    expect(store.status.value).toBe("failed");
    await vi.advanceTimersByTimeAsync(5_000);
    expect(fetch.mock.calls.length).toBeGreaterThan(1);
  });

  it("a live link that meets the refusal stops and reports it instead of dropping the conversation", async () => {
    const fetch = vi.fn(async () => refusal(404, "unknown_site", 'no site has the key "site_1"'));
    const unavailable = vi.fn();
    const gone = vi.fn();
    const conn = new Connection({
      api: "https://desk.example",
      site: "site_1",
      conv: { id: "c1", token: "t".repeat(24) },
      after: () => 0,
      onFrame: () => {},
      onStatus: () => {},
      unsent: () => [],
      onAck: () => {},
      onRejected: () => {},
      onGone: gone,
      onUnavailable: unavailable,
      // No WebSocket in this browser: straight to SSE, whose fetch shows the refusal.
      env: {
        WebSocket: undefined as unknown as typeof WebSocket,
        fetch,
        random: () => 0.5,
        isOnline: () => true,
        isHidden: () => false,
      },
    });
    conn.start();
    await vi.advanceTimersByTimeAsync(120_000);
    expect(unavailable).toHaveBeenCalledTimes(1);
    expect(gone).not.toHaveBeenCalled();
    expect(fetch.mock.calls.length).toBeLessThanOrEqual(1);
  });
});

function memory(): Storage {
  const m = new Map<string, string>();
  return {
    get length() {
      return m.size;
    },
    clear: () => m.clear(),
    getItem: (k) => m.get(k) ?? null,
    key: (i) => [...m.keys()][i] ?? null,
    removeItem: (k) => void m.delete(k),
    setItem: (k, v) => void m.set(k, v),
  };
}
