// Outgoing messages survive drops: un-acked ones are resent with the same clientId after `ready`,
// acked ones never are, and the ones the replay shows are dropped from the queue.
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import type { ServerFrame } from "../../shared/protocol.ts";
import { applyFrame, emptyTimeline, type Timeline } from "../../shared/timeline.ts";
import { Connection, backoff, parseFrame, type Status, type Transport } from "./connection.ts";
import { ack, add, fail, reconcile, toResend, type Pending } from "./pending.ts";

class FakeWS {
  static all: FakeWS[] = [];
  onopen: ((e: Event) => void) | null = null;
  onmessage: ((e: MessageEvent) => void) | null = null;
  onclose: ((e: CloseEvent) => void) | null = null;
  onerror: ((e: Event) => void) | null = null;
  sent: string[] = [];
  closed = false;
  readonly url: string;
  readonly protocols: string[];
  constructor(url: string, protocols: string[] = []) {
    this.url = url;
    this.protocols = protocols;
    FakeWS.all.push(this);
  }
  send(s: string) {
    this.sent.push(s);
  }
  close() {
    this.closed = true;
  }
  open() {
    this.onopen?.(new Event("open"));
  }
  recv(f: ServerFrame | string) {
    this.onmessage?.({ data: typeof f === "string" ? f : JSON.stringify(f) } as MessageEvent);
  }
  drop() {
    this.onclose?.({} as CloseEvent);
  }
  frames() {
    return this.sent
      .filter((s) => s !== "ping")
      .map((s) => JSON.parse(s) as { t: string; clientId?: string; text?: string });
  }
}

const last = () => FakeWS.all[FakeWS.all.length - 1]!;

function harness(fetchImpl?: typeof fetch) {
  let queue: Pending[] = [];
  let timeline: Timeline = emptyTimeline();
  const statuses: [Status, Transport][] = [];
  const frames: ServerFrame[] = [];
  const slowed: boolean[] = [];
  const conn = new Connection({
    api: "https://api.example.com",
    site: "site-key",
    conv: { id: "conv1", token: "t".repeat(24) },
    after: () => timeline.lastSeq,
    onFrame: (f) => {
      frames.push(f);
      timeline = applyFrame(timeline, f);
      queue = reconcile(queue, timeline);
    },
    onStatus: (s, tr) => statuses.push([s, tr]),
    unsent: () => toResend(queue),
    onAck: (id, seq) => (queue = reconcile(ack(queue, id, seq), timeline)),
    onRejected: (id, m) => (queue = fail(queue, id, m)),
    onGone: () => {},
    onSlowed: (on) => slowed.push(on),
    env: {
      WebSocket: FakeWS as unknown as typeof WebSocket,
      random: () => 0.5,
      isOnline: () => true,
      isHidden: () => false,
      fetch: fetchImpl ?? (() => Promise.reject(new Error("no network in this test"))),
    },
  });
  return {
    conn,
    statuses,
    frames,
    slowed,
    get queue() {
      return queue;
    },
    get timeline() {
      return timeline;
    },
    enqueue(text: string) {
      const [l, p] = add(queue, text);
      queue = l;
      conn.send(p);
      return p;
    },
  };
}

beforeEach(() => {
  FakeWS.all = [];
  vi.useFakeTimers();
});
afterEach(() => vi.useRealTimers());

describe("connection resend", () => {
  it("sends queued messages after ready, and after a drop resends only the un-acked ones with the same clientId", () => {
    const h = harness();
    const a = h.enqueue("first"); // before the connection exists: waits
    h.conn.start();
    const ws1 = last();
    // The token rides as a subprotocol, never in the URL (shared/credentials.ts).
    expect(ws1.url).toBe("wss://api.example.com/v1/conversations/conv1/ws?site=site-key&after=0");
    expect(ws1.protocols).toEqual(["edgedesk", `token.${"t".repeat(24)}`]);
    ws1.open();
    expect(ws1.frames()).toEqual([]); // nothing before the replay is done
    ws1.recv({ t: "ready", lastSeq: 0, state: "bot" });
    expect(ws1.frames()).toEqual([{ t: "send", clientId: a.clientId, text: "first" }]);

    const b = h.enqueue("second"); // live: goes out at once
    expect(ws1.frames().map((f) => f.clientId)).toEqual([a.clientId, b.clientId]);
    ws1.recv({ t: "ack", clientId: a.clientId, seq: 1, duplicate: false });
    ws1.recv({
      t: "event",
      event: { seq: 1, at: 0, type: "message", id: "m1", author: "customer", text: "first", clientId: a.clientId },
    });
    expect(h.queue.map((p) => p.text)).toEqual(["second"]);

    ws1.drop(); // b was never acked
    expect(h.statuses.at(-1)).toEqual(["reconnecting", "ws"]);
    vi.advanceTimersByTime(backoff(0, () => 0.5));
    const ws2 = last();
    expect(ws2).not.toBe(ws1);
    expect(ws2.url).toContain("after=1");
    ws2.open();
    ws2.recv({ t: "ready", lastSeq: 1, state: "bot" });
    expect(ws2.frames()).toEqual([{ t: "send", clientId: b.clientId, text: "second" }]);
  });

  it("does not resend a message the replay shows was stored before the drop", () => {
    const h = harness();
    h.conn.start();
    const ws1 = last();
    ws1.open();
    ws1.recv({ t: "ready", lastSeq: 0, state: "bot" });
    const a = h.enqueue("lost ack");
    ws1.drop(); // stored server-side, but the ack never arrived
    vi.advanceTimersByTime(1000);
    const ws2 = last();
    ws2.open();
    ws2.recv({
      t: "event",
      event: { seq: 1, at: 0, type: "message", id: "m1", author: "customer", text: "lost ack", clientId: a.clientId },
    });
    ws2.recv({ t: "ready", lastSeq: 1, state: "bot" });
    expect(ws2.frames()).toEqual([]);
    expect(h.queue).toEqual([]);
  });

  it("pings every 25 s and replaces a socket that went silent", () => {
    const h = harness();
    h.conn.start();
    const ws1 = last();
    ws1.open();
    ws1.recv({ t: "ready", lastSeq: 0, state: "bot" });
    vi.advanceTimersByTime(25_000);
    expect(ws1.sent).toContain("ping");
    ws1.recv("pong");
    vi.advanceTimersByTime(75_000); // no traffic at all since the pong
    expect(ws1.closed).toBe(true);
    vi.advanceTimersByTime(1000);
    expect(FakeWS.all).toHaveLength(2);
    expect(h.statuses.some(([s]) => s === "reconnecting")).toBe(true);
  });

  it("falls back to SSE after repeated socket failures, and sends over HTTP there", async () => {
    const calls: { url: string; init?: RequestInit }[] = [];
    const sse = (frames: ServerFrame[]) =>
      new Response(frames.map((f) => `data: ${JSON.stringify(f)}\n\n`).join(""), {
        headers: { "content-type": "text/event-stream" },
      });
    const fetchImpl = (async (url: string, init?: RequestInit) => {
      calls.push({ url, init });
      if (url.includes("/events")) return sse([{ t: "ready", lastSeq: 0, state: "bot" }]);
      return new Response(JSON.stringify({ seq: 1, duplicate: false }), {
        headers: { "content-type": "application/json" },
      });
    }) as typeof fetch;
    const h = harness(fetchImpl);
    const a = h.enqueue("over http");
    h.conn.start();
    for (let i = 0; i < 3; i++) {
      last().drop(); // closed before ready: a proxy eating the upgrade
      await vi.advanceTimersByTimeAsync(backoff(i, () => 0.5));
    }
    expect(FakeWS.all).toHaveLength(3);
    expect(h.conn.current).toBe("sse");
    await vi.advanceTimersByTimeAsync(0);
    const events = calls.find((c) => c.url.includes("/events"));
    expect(new Headers(events?.init?.headers).get("accept")).toBe("text/event-stream");
    expect(new Headers(events?.init?.headers).get("authorization")).toBe(`Bearer ${"t".repeat(24)}`);
    const post = calls.find((c) => c.url.includes("/messages"));
    expect(new Headers(post?.init?.headers).get("authorization")).toBe(`Bearer ${"t".repeat(24)}`);
    expect(calls.every((c) => !c.url.includes("token"))).toBe(true);
    expect(JSON.parse(String(post?.init?.body))).toEqual({ clientId: a.clientId, text: "over http" });
    expect(h.queue[0]?.seq).toBe(1);
  });
});

describe("a conversation's budget (the server's rate_limited)", () => {
  it("pauses on a refusal, then sends the waiting messages one at a time as each is acked", () => {
    const h = harness();
    h.conn.start();
    const ws = last();
    ws.open();
    ws.recv({ t: "ready", lastSeq: 0, state: "bot" });
    const [a, b, c] = [h.enqueue("one"), h.enqueue("two"), h.enqueue("three")];
    ws.recv({ t: "ack", clientId: a.clientId, seq: 1, duplicate: false });
    ws.recv({ t: "error", code: "rate_limited", message: "slow down", clientId: b.clientId, retryAfterMs: 2000 });
    ws.recv({ t: "error", code: "rate_limited", message: "slow down", clientId: c.clientId, retryAfterMs: 2000 });
    expect(h.slowed).toEqual([true]);
    // Nothing was lost: both wait, neither is marked failed.
    expect(h.queue.filter((p) => p.error)).toEqual([]);
    const d = h.enqueue("four");
    vi.advanceTimersByTime(1999);
    expect(ws.frames().map((f) => f.clientId)).toEqual([a.clientId, b.clientId, c.clientId]);
    vi.advanceTimersByTime(1);
    // Only the oldest goes: a whole queue at once would be refused again, and again.
    expect(ws.frames().map((f) => f.clientId)).toEqual([a.clientId, b.clientId, c.clientId, b.clientId]);
    ws.recv({ t: "ack", clientId: b.clientId, seq: 2, duplicate: false });
    expect(ws.frames().at(-1)?.clientId).toBe(c.clientId);
    ws.recv({ t: "ack", clientId: c.clientId, seq: 3, duplicate: false });
    expect(ws.frames().at(-1)?.clientId).toBe(d.clientId);
    ws.recv({ t: "ack", clientId: d.clientId, seq: 4, duplicate: false });
    expect(ws.frames()).toHaveLength(6);
    expect(h.slowed).toEqual([true, false]);
    // Back to normal: a new message goes at once.
    const e = h.enqueue("five");
    expect(ws.frames().at(-1)?.clientId).toBe(e.clientId);
  });

  it("waits out a flood notice (no clientId) before sending anything", () => {
    const h = harness();
    h.conn.start();
    const ws = last();
    ws.open();
    ws.recv({ t: "ready", lastSeq: 0, state: "bot" });
    ws.recv({ t: "error", code: "rate_limited", message: "slow down", retryAfterMs: 500 });
    const a = h.enqueue("after the flood");
    expect(ws.frames()).toEqual([]);
    vi.advanceTimersByTime(500);
    expect(ws.frames().map((f) => f.clientId)).toEqual([a.clientId]);
  });

  it("over HTTP, keeps a message refused with 429 and sends it again after Retry-After", async () => {
    const posts: string[] = [];
    let refuse = true;
    const open = new ReadableStream<Uint8Array>({
      start(ctl) {
        ctl.enqueue(new TextEncoder().encode(`data: ${JSON.stringify({ t: "ready", lastSeq: 0, state: "bot" })}\n\n`));
      },
    });
    const fetchImpl = (async (url: string, init?: RequestInit) => {
      if (url.includes("/events")) return new Response(open, { headers: { "content-type": "text/event-stream" } });
      posts.push(JSON.parse(String(init?.body)).clientId);
      if (refuse)
        return new Response(JSON.stringify({ error: "rate_limited", message: "slow down" }), {
          status: 429,
          headers: { "content-type": "application/json", "retry-after": "3" },
        });
      return new Response(JSON.stringify({ seq: 1, duplicate: false }), {
        headers: { "content-type": "application/json" },
      });
    }) as typeof fetch;
    const h = harness(fetchImpl);
    h.conn.start();
    for (let i = 0; i < 3; i++) {
      last().drop();
      await vi.advanceTimersByTimeAsync(backoff(i, () => 0.5));
    }
    await vi.advanceTimersByTimeAsync(0);
    expect(h.conn.current).toBe("sse");
    const a = h.enqueue("over http");
    await vi.advanceTimersByTimeAsync(0);
    expect(posts).toEqual([a.clientId]);
    expect(h.slowed).toEqual([true]);
    expect(h.queue[0]?.error).toBeUndefined();
    refuse = false;
    await vi.advanceTimersByTimeAsync(2999);
    expect(posts).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(1);
    expect(posts).toEqual([a.clientId, a.clientId]);
    expect(h.queue[0]?.seq).toBe(1);
    expect(h.slowed).toEqual([true, false]);
  });
});

describe("frames and backoff", () => {
  it("rejects malformed frames", () => {
    expect(parseFrame("nope")).toBeNull();
    expect(parseFrame('{"t":"delta","id":"x"}')).toBeNull();
    expect(parseFrame('{"t":"weird"}')).toBeNull();
    expect(parseFrame('{"t":"typing","author":"agent","on":true}')).toEqual({ t: "typing", author: "agent", on: true });
  });
  it("grows exponentially with jitter, capped at 30 s", () => {
    expect(backoff(0, () => 0)).toBe(500);
    expect(backoff(0, () => 1)).toBe(1000);
    expect(backoff(3, () => 0.5)).toBe(6000);
    expect(backoff(50, () => 1)).toBe(30_000);
  });
});
