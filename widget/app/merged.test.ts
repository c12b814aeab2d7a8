// A conversation an agent merged into another of the same customer's (docs/search.md): its line in the
// transcript sends the widget on to the kept conversation, when the server gives a token for it (this
// site's widget can open it); otherwise the widget stays, and the line says where it continues.
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import type { ServerFrame } from "../../shared/protocol.ts";
import { createWidgetStore } from "./store.ts";

const OLD = { id: "old-conversation-1", token: "t".repeat(24) };
const KEPT = { id: "kept-conversation-1", token: "k".repeat(24), state: "agent" };

const mergedLine = (seq: number): ServerFrame => ({
  t: "event",
  event: {
    type: "message",
    seq,
    at: 1,
    id: `m${seq}`,
    author: "system",
    text: "This conversation has been joined with your other conversation with us, and continues there.",
    link: { kind: "merged-into", conversationId: KEPT.id },
  },
});

beforeEach(() => {
  vi.stubGlobal("location", { href: "https://www.shop.example/cart" });
  vi.stubGlobal("document", { title: "Cart" });
});
afterEach(() => {
  vi.unstubAllGlobals();
  vi.restoreAllMocks();
});

function setUp(successor: () => Response) {
  const local = memory();
  local.setItem("edgedesk:conv:site_1", JSON.stringify(OLD));
  const calls: string[] = [];
  const fetch = vi.fn(async (input: RequestInfo | URL, init?: RequestInit) => {
    const url = String(input);
    calls.push(`${url} ${new Headers(init?.headers).get("authorization") ?? ""}`);
    if (url.includes("/successor")) return successor();
    return new Promise<Response>(() => {});
  });
  const store = createWidgetStore(
    { site: "site_1", api: "https://desk.example", locale: "en", position: "right" },
    { fetch, local, session: memory(), env: { WebSocket: undefined as unknown as typeof WebSocket } },
  );
  return { store, calls, local };
}

describe("a merged conversation", () => {
  it("goes on in the kept conversation, asked for with the old one's token", async () => {
    const { store, calls, local } = setUp(() => Response.json(KEPT));
    store.onFrame(mergedLine(5));
    await vi.waitFor(() => expect(store.conv.value?.id).toBe(KEPT.id));
    expect(calls[0]).toBe(`https://desk.example/v1/conversations/${OLD.id}/successor?site=site_1 Bearer ${OLD.token}`);
    expect(store.conv.value?.token).toBe(KEPT.token);
    expect(JSON.parse(local.getItem("edgedesk:conv:site_1") ?? "{}").id).toBe(KEPT.id);
    // The kept conversation's transcript starts from its own beginning.
    expect(store.timeline.value.lastSeq).toBe(0);
  });

  it("stays, showing the line, when the kept conversation goes on elsewhere", async () => {
    const { store, calls } = setUp(() =>
      Response.json({ error: "elsewhere", message: "continues in x, on another channel" }, { status: 404 }),
    );
    store.onFrame(mergedLine(5));
    await vi.waitFor(() => expect(calls.length).toBe(1));
    await new Promise((r) => setTimeout(r, 0));
    expect(store.conv.value?.id).toBe(OLD.id);
    expect(store.timeline.value.messages.map((m) => m.link?.kind)).toEqual(["merged-into"]);
  });

  it("does not ask again for a line it has applied already (a replay after reconnecting)", async () => {
    const { store, calls } = setUp(() => new Response("{}", { status: 404 }));
    store.onFrame(mergedLine(5));
    store.onFrame(mergedLine(5));
    await vi.waitFor(() => expect(calls.length).toBe(1));
    expect(calls.length).toBe(1);
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
