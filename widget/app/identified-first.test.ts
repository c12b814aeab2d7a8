// A customer the host page identified (a signed identify()) is known to the conversation before their
// first word reaches the bot: an action answers a verified customer only (docs/actions.md), so a first
// "What plan am I on?" that raced ahead of the identify call was told to sign in on a page that had
// signed them in. The conversation's connection opens once the identify call has landed (or failed).
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { createWidgetStore } from "./store.ts";

const CONV = { id: "conversation-1", token: "t".repeat(24), state: "bot" };
const ANA = { user: { id: "u_ana", email: "ana@lumen.example" }, hmac: "ab".repeat(32), ts: 1_700_000_000 };

beforeEach(() => {
  vi.stubGlobal("location", { href: "https://www.shop.example/account" });
  vi.stubGlobal("document", { title: "Account" });
});
afterEach(() => {
  vi.unstubAllGlobals();
  vi.restoreAllMocks();
});

function setUp(identifyAnswer: Promise<Response>) {
  const order: string[] = [];
  const fetch = vi.fn(async (input: RequestInfo | URL) => {
    const url = new URL(String(input));
    order.push(url.pathname);
    if (url.pathname === "/v1/conversations") return Response.json(CONV, { status: 201 });
    if (url.pathname.endsWith("/identify")) return identifyAnswer;
    return new Promise<Response>(() => {});
  });
  class FakeSocket {
    constructor(url: string) {
      order.push(`ws ${new URL(url).pathname}`);
    }
    addEventListener(): void {}
    close(): void {}
    send(): void {}
  }
  const store = createWidgetStore(
    { site: "site_1", api: "https://desk.example", locale: "en", position: "right" },
    {
      fetch,
      local: memory(),
      session: memory(),
      env: { WebSocket: FakeSocket as unknown as typeof WebSocket, isOnline: () => true },
    },
  );
  return { store, order };
}

describe("an identified customer's first message", () => {
  it("waits for the identify call before the conversation's connection opens", async () => {
    let land: (r: Response) => void = () => {};
    const { store, order } = setUp(new Promise<Response>((r) => (land = r)));
    store.identify(ANA);
    void store.send("What plan am I on?");
    await vi.waitFor(() => expect(order).toContain("/v1/conversations/conversation-1/identify"));
    await new Promise((r) => setTimeout(r, 20));
    // Nothing that could carry the message before the server knows who is writing.
    expect(order.filter((o) => o.startsWith("ws ") || o.endsWith("/messages") || o.endsWith("/events"))).toEqual([]);
    land(Response.json({ verified: true }, { status: 202 }));
    await vi.waitFor(() => expect(order.some((o) => o.startsWith("ws "))).toBe(true));
  });

  it("still opens the connection when the identify call fails (the customer can chat unverified)", async () => {
    const { store, order } = setUp(Promise.resolve(Response.json({ error: "bad_signature" }, { status: 401 })));
    store.identify(ANA);
    void store.send("hello");
    await vi.waitFor(() => expect(order.some((o) => o.startsWith("ws "))).toBe(true));
  });

  it("opens at once for a visitor nobody identified", async () => {
    const { store, order } = setUp(new Promise<Response>(() => {}));
    void store.send("hello");
    await vi.waitFor(() => expect(order.some((o) => o.startsWith("ws "))).toBe(true));
    expect(order.some((o) => o.endsWith("/identify"))).toBe(false);
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
