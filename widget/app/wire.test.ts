// The widget's checks of received data (wire.ts): the committed shapes are what the shared zod schemas
// generate today, and `valid` says what zod's safeParse says, on real samples and on every one-field
// mutation of them. A frame or answer that does not match is dropped and logged, never thrown.
import { afterEach, describe, expect, it, vi } from "vitest";
import * as z from "zod/mini";
import { received, shapeOf } from "../../scripts/lib/wire-shapes.ts";
import { AGENTS_ONLY } from "../../shared/protocol.ts";
import { parseFrame } from "./connection.ts";
import { getEvents, postMessage } from "./http.ts";
import { type Shape, valid } from "./shape.ts";
import * as generated from "./wire-shapes.gen.ts";

const S: Record<string, Shape> = { ...generated };

const message = {
  seq: 3,
  at: 1_700_000_000_000,
  type: "message",
  id: "m3",
  author: "bot",
  text: "Reset it from the sign-in page.",
  sources: [{ articleId: "reset-password", title: "Reset your password", url: "/hc/demo/reset-password" }],
  action: "clarify",
  options: [{ articleId: "a", title: "A" }],
  locale: "en",
  translatedFrom: "es",
  attachments: [{ id: "f", name: "x.png", type: "image/png", size: 10, url: "/f" }],
  original: { text: "hola", locale: "es" },
};
const events = [
  message,
  { seq: 1, at: 1, type: "message", id: "m1", author: "customer", text: "hi", clientId: "c-12345678", choice: "none" },
  { seq: 4, at: 4, type: "state", state: "agent", name: "Ana", reason: "asked" },
  { seq: 5, at: 5, type: "csat", score: 5, comment: "great" },
  { seq: 6, at: 6, type: "retract", messageId: "m3", by: "Ana" },
  // A merge's line and a message merged in from another conversation (docs/search.md).
  {
    seq: 9,
    at: 9,
    type: "message",
    id: "m9",
    author: "system",
    text: "joined",
    link: { kind: "merged-from", conversationId: "c2" },
  },
  {
    seq: 10,
    at: 2,
    type: "message",
    id: "m10",
    author: "customer",
    text: "earlier",
    origin: { kind: "merged", conversationId: "c2", channel: "email", messageId: "e1" },
  },
  { seq: 7, at: 7, type: "note", audience: "agents", id: "n", text: "vip", name: "Ana" },
  {
    seq: 8,
    at: 8,
    type: "change",
    audience: "agents",
    by: "customer",
    identity: {
      id: "u1",
      email: "a@b.example",
      attributes: { plan: "pro", seats: 3, trial: false },
      verified: true,
      at: 8,
    },
    followUp: { email: "a@b.example", verified: true },
  },
];
const frames = [
  ...events.map((event) => ({ t: "event", event })),
  { t: "delta", id: "m9", offset: 0, text: "Reset" },
  { t: "ready", lastSeq: 8, state: "bot" },
  { t: "ready", lastSeq: 8, state: "bot", streaming: "m9" },
  { t: "ack", clientId: "c-12345678", seq: 9, duplicate: false },
  { t: "typing", author: "agent", on: true },
  { t: "error", code: "rate_limited", message: "slow down", clientId: "c-12345678", retryAfterMs: 2000 },
];
const past = {
  id: "conv-123456789",
  channel: "email",
  status: "waiting",
  createdAt: 1,
  updatedAt: 2,
  title: "Refund",
  last: { author: "agent", text: "On it" },
  messages: 2,
  continuable: false,
};
const samples: Record<keyof typeof received, unknown[]> = {
  event: events,
  serverFrame: frames,
  eventsPage: [{ events, lastSeq: 8, state: "resolved" }],
  createdConversation: [{ id: "c1", token: "t".repeat(24), state: "bot" }],
  postedMessage: [{ seq: 2, duplicate: true }],
  followUpInfo: [{ available: false }, { available: true, email: "a@b.example", verified: false, confirmed: false }],
  followUpResult: [{ email: "a@b.example", verified: false, confirmed: true }],
  apiError: [{ error: "invalid_body", message: "bad", issues: [{ path: "text", message: "empty" }] }],
  historySession: [{ token: "h".repeat(30), expiresAt: 5 }],
  pastConversations: [{ conversations: [past, { ...past, last: undefined, status: "open", continuable: true }] }],
  pastTranscript: [
    {
      conversation: past,
      messages: [{ id: "m", author: "agent", name: "Ana", text: "hi", at: 1, attachments: [{ name: "a", size: 1 }] }],
      token: "t",
    },
  ],
  filePolicyAnswer: [
    { maxBytes: 10_485_760, types: ["png", "pdf"] },
    { maxBytes: 1, types: [] },
  ],
  widgetConfig: [
    { appearance: { words: {} } },
    {
      appearance: {
        color: "#0f766e",
        position: "left",
        avatar: "https://cdn.example/a.png",
        words: { en: { launcher: "Chat", greeting: "Hello!\nAsk away.", team: "Acme" }, es: { team: "Acme" } },
      },
      ink: "#fff",
    },
  ],
};

/** Every value that differs from `v` in one place: a field removed, or set to a value of another kind. */
function mutations(v: unknown): unknown[] {
  const other = [null, 0, 1.5, "", "x".repeat(100), true, [], {}, [1], { t: "event" }];
  const out: unknown[] = [...other];
  if (Array.isArray(v)) {
    for (const [i, x] of v.entries()) for (const m of mutations(x)) out.push(v.map((y, j) => (i === j ? m : y)));
  } else if (v && typeof v === "object") {
    for (const [k, x] of Object.entries(v)) {
      const { [k]: _gone, ...rest } = v as Record<string, unknown>;
      out.push(rest);
      for (const m of mutations(x)) out.push({ ...v, [k]: m });
    }
  }
  return out;
}

describe("wire shapes", () => {
  it("are what the shared schemas generate (npm run wire after changing one)", () => {
    for (const [name, schema] of Object.entries(received)) expect(S[name], name).toEqual(shapeOf(schema));
  });

  it("accept and refuse exactly what zod does, on samples and every one-field mutation", () => {
    let checked = 0;
    for (const [name, schema] of Object.entries(received)) {
      const shape = S[name] as Shape;
      for (const sample of samples[name as keyof typeof received]) {
        expect(z.safeParse(schema, sample).success, `${name} sample`).toBe(true);
        for (const v of [sample, ...mutations(sample)]) {
          // Agents-only items (a note) are valid for zod but never sent to a customer: no shape takes them.
          const agentsOnly = JSON.stringify(v).includes(`"audience":"${AGENTS_ONLY}"`);
          expect(valid(shape, v), `${name}: ${JSON.stringify(v)}`).toBe(z.safeParse(schema, v).success && !agentsOnly);
          checked++;
        }
      }
    }
    expect(checked).toBeGreaterThan(2000);
  });

  it("refuse to be generated from a check they cannot hold", () => {
    expect(() => shapeOf(z.object({ n: z.number().check(z.int()) }))).toThrow(/number check/);
    expect(() => shapeOf(z.string().check(z.email()))).toThrow(/string check/);
  });
});

describe("received data that does not match", () => {
  afterEach(() => vi.restoreAllMocks());

  it("a frame is dropped and logged, not thrown", () => {
    const warn = vi.spyOn(console, "warn").mockImplementation(() => undefined);
    expect(parseFrame('{"t":"event","event":{"seq":1,"type":"message"}}')).toBeNull();
    expect(parseFrame('{"t":"ready","lastSeq":"3","state":"bot"}')).toBeNull();
    expect(parseFrame("not json")).toBeNull();
    expect(warn).toHaveBeenCalledTimes(3);
    expect(parseFrame('{"t":"ready","lastSeq":3,"state":"bot"}')).toEqual({ t: "ready", lastSeq: 3, state: "bot" });
    expect(warn).toHaveBeenCalledTimes(3);
  });

  it("an agents-only event (a note) is dropped like an unknown one: the server never sends it to a customer", () => {
    const warn = vi.spyOn(console, "warn").mockImplementation(() => undefined);
    const note = { seq: 7, at: 7, type: "note", audience: "agents", id: "n", text: "vip", name: "Ana" };
    expect(parseFrame(JSON.stringify({ t: "event", event: note }))).toBeNull();
    expect(warn).toHaveBeenCalledTimes(1);
  });

  it("an HTTP answer fails like a network error (retryable, not 'gone' or 'rejected')", async () => {
    vi.spyOn(console, "warn").mockImplementation(() => undefined);
    const f = (async () => Response.json({ seq: "2" })) as typeof fetch;
    const e = await postMessage("https://api.example", "site", { id: "c", token: "t" }, "c-12345678", "hi", f).catch(
      (x: unknown) => x,
    );
    expect(e).toMatchObject({ status: 200, code: "unexpected_answer", gone: false, rejected: false });
  });

  it("a bad event in a polled page is dropped alone; the rest of the page is applied", async () => {
    const warn = vi.spyOn(console, "warn").mockImplementation(() => undefined);
    const good = events[1];
    const f = (async () =>
      Response.json({ events: [good, { seq: 2, type: "message" }], lastSeq: 2, state: "bot" })) as typeof fetch;
    const page = await getEvents(
      "https://api.example",
      "site",
      { id: "c", token: "t" },
      0,
      new AbortController().signal,
      f,
    );
    expect(page).toEqual({ events: [good], lastSeq: 2, state: "bot" });
    expect(warn).toHaveBeenCalledOnce();
  });
});
