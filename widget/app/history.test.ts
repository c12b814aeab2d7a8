// The widget's history: wording of a past conversation (en/es), what the customer can do with one,
// and the session logic against a scripted backend (no session without a signed email, renewal
// after the token ended, refusal hides the entry point).
import { describe, expect, it } from "vitest";
import type { IdentifyRequest } from "../../shared/api.ts";
import type { PastConversation } from "../../shared/customer-history.ts";
import { canHaveHistory, createHistory, sessionUsable } from "./history.ts";
import { channelWord, dayOf, lastLine, pastNext, statusWord } from "./history-words.ts";
import { translator } from "./i18n.ts";
import { es as spanish } from "./i18n-es.ts";

const conv = (over: Partial<PastConversation> = {}): PastConversation => ({
  id: "conv-0000000001",
  channel: "email",
  status: "open",
  createdAt: Date.UTC(2026, 10, 3, 9, 58),
  updatedAt: Date.UTC(2026, 10, 3, 10, 0),
  title: "How do I reset my password?",
  last: { author: "bot", text: "Open Settings." },
  messages: 2,
  continuable: false,
  ...over,
});

describe("wording", () => {
  const en = translator("en");
  const es = translator("es", { es: spanish });
  it("names channels and statuses in both languages, unknown channels as chat", () => {
    expect(["chat", "portal", "email", "api"].map((c) => channelWord(c, en))).toEqual([
      "Chat",
      "Help center",
      "Email",
      "App",
    ]);
    expect(["chat", "portal", "email", "api"].map((c) => channelWord(c, es))).toEqual([
      "Chat",
      "Centro de ayuda",
      "Correo",
      "App",
    ]);
    expect(channelWord("sms", en)).toBe("Chat");
    expect((["open", "waiting", "closed"] as const).map((s) => statusWord(s, es))).toEqual([
      "Abierta",
      "Esperando a una persona",
      "Cerrada",
    ]);
  });

  it("prefixes the last message with who wrote it, and dates in the widget's language", () => {
    expect(lastLine(conv(), en)).toBe("Assistant: Open Settings.");
    expect(lastLine(conv({ last: { author: "customer", text: "thanks" } }), es)).toBe("Tú: thanks");
    expect(lastLine(conv({ last: { author: "agent", text: "Done" } }), en)).toBe("Support agent: Done");
    expect(dayOf(Date.UTC(2026, 10, 3, 12), "en")).toBe("Nov 3, 2026");
    expect(dayOf(Date.UTC(2026, 10, 3, 12), "es")).toMatch(/^3 nov 2026$/);
    expect(dayOf(Date.UTC(2026, 10, 3, 12), "not a locale!")).toBe("2026-11-03");
  });

  it("says what comes next: continue an open chat, else why it is read-only", () => {
    expect(pastNext(conv({ channel: "chat", continuable: true }))).toBe("continue");
    expect(pastNext(conv({ status: "closed" }))).toBe("closed");
    expect(pastNext(conv())).toBe("email");
    expect(pastNext(conv({ channel: "api" }))).toBe("elsewhere");
  });
});

describe("history session", () => {
  const cfg = { site: "site_a", api: "https://api.example", locale: "en", position: "right" as const };
  const signed: IdentifyRequest = {
    user: { id: "u1", email: "ana@example.com" },
    hmac: "ab".repeat(32),
    ts: 1_800_000_000,
  };

  /** A backend that answers from a script and records each request. */
  function backend(answers: ((url: URL) => Response)[]) {
    const calls: URL[] = [];
    const tokens: (string | null)[] = [];
    const f = (async (input: RequestInfo | URL, init?: RequestInit) => {
      const url = new URL(String(input));
      calls.push(url);
      tokens.push(new Headers(init?.headers).get("authorization"));
      const next = answers.shift();
      if (!next) throw new Error(`unexpected request ${url.pathname}`);
      return next(url);
    }) as typeof fetch;
    return { f, calls, tokens };
  }
  const ok =
    (body: unknown, status = 200) =>
    () =>
      new Response(JSON.stringify(body), { status, headers: { "content-type": "application/json" } });
  const err = (status: number, error: string) => () =>
    new Response(JSON.stringify({ error, message: error }), { status });
  const later = (ms: number) => Date.now() + ms;
  const settle = () => new Promise((r) => setTimeout(r, 0));

  it("asks only for a signed identity with an email", () => {
    expect(canHaveHistory(signed)).toBe(true);
    expect(canHaveHistory({ user: { id: "u1", email: "a@b.c" } })).toBe(false);
    expect(canHaveHistory({ user: { id: "u1" }, hmac: "ab".repeat(32), ts: 1 })).toBe(false);
    expect(canHaveHistory(undefined)).toBe(false);
    expect(sessionUsable({ token: "t", expiresAt: later(60_000) }, Date.now())).toBe(true);
    expect(sessionUsable({ token: "t", expiresAt: later(10_000) }, Date.now())).toBe(false);
    const { f, calls } = backend([]);
    const h = createHistory(cfg, f);
    h.identify({ user: { id: "u1", email: "a@b.c" } });
    expect(calls).toHaveLength(0);
    expect(h.available.value).toBe(false);
  });

  it("shows the entry point once the server accepts the signature, and lists with the token", async () => {
    const { f, calls, tokens } = backend([
      ok({ token: "tok-1", expiresAt: later(1_800_000) }, 201),
      ok({ conversations: [conv()] }),
    ]);
    const h = createHistory(cfg, f);
    h.identify(signed);
    await settle();
    expect(h.available.value).toBe(true);
    await h.loadList();
    expect(h.list.value).toEqual({ s: "ok", v: [conv()] });
    expect(calls.map((u) => u.pathname)).toEqual(["/v1/me/session", "/v1/me/conversations"]);
    // In a header, never the URL (request logs keep URLs).
    expect(calls[1]?.searchParams.get("token")).toBeNull();
    expect(tokens[1]).toBe("Bearer tok-1");
    expect(calls[1]?.searchParams.get("site")).toBe("site_a");
  });

  it("signs in again once when the token has ended, and says so when the signature is too old too", async () => {
    const { f, tokens } = backend([
      ok({ token: "tok-1", expiresAt: later(1_800_000) }, 201),
      err(401, "bad_token"),
      ok({ token: "tok-2", expiresAt: later(1_800_000) }, 201),
      ok({ conversations: [] }),
      err(401, "bad_token"),
      err(401, "unverified"),
    ]);
    const h = createHistory(cfg, f);
    h.identify(signed);
    await settle();
    await h.loadList();
    expect(h.list.value).toEqual({ s: "ok", v: [] });
    expect(tokens[3]).toBe("Bearer tok-2");
    await h.open("conv-0000000001");
    expect(h.past.value).toEqual({ s: "failed", expired: true });
    // The server refused the signature: the entry point goes.
    expect(h.available.value).toBe(false);
  });

  it("keeps the entry point through a network failure, and reports it as retryable", async () => {
    const { f } = backend([ok({ token: "tok-1", expiresAt: later(1_800_000) }, 201), err(503, "unavailable")]);
    const h = createHistory(cfg, f);
    h.identify(signed);
    await settle();
    await h.open("conv-0000000001");
    expect(h.past.value).toEqual({ s: "failed", expired: false });
    expect(h.available.value).toBe(true);
  });

  it("hides the entry point when the server refuses the identity", async () => {
    const { f } = backend([err(403, "no_email")]);
    const h = createHistory(cfg, f);
    h.identify(signed);
    await settle();
    await settle();
    expect(h.available.value).toBe(false);
  });
});
