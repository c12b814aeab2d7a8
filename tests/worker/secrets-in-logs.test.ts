// Secrets never reach logs or URLs. Tokens travel in headers (Authorization; a WebSocket subprotocol
// where a browser cannot set headers) and a token in a query string is refused outright; and a whole
// customer flow full of secrets (conversation and history tokens, an identity signature, a
// confirmation code, a reply token in an email address, an API key) is run with every console call
// captured: none of them appears in what the worker logged.
import { env, SELF } from "cloudflare:test";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import type { HistorySession } from "../../shared/customer-history.ts";
import { bearer, WS_PROTOCOL, wsProtocols } from "../../shared/credentials.ts";
import type { CreatedApiKey } from "../../shared/rest.ts";
import worker from "../../worker/index.ts";
import {
  ADMIN,
  asCustomer,
  BASE,
  createAgent,
  createConversation,
  handedOff,
  ORIGIN,
  publishDemoKb,
  SITE,
  signIdentityV2,
  waitFor,
} from "./helpers.ts";

const IDENTITY_SECRET = "logs-identity-secret-0123456789abcdef";
const json = { origin: ORIGIN, "content-type": "application/json" };

describe("tokens never travel in a URL", () => {
  it("refuses a conversation token in the query string, even a valid one, on every kind of request", async () => {
    const c = await createConversation();
    const inUrl = (path: string, init: RequestInit = {}) =>
      SELF.fetch(`${BASE}/v1/conversations/${c.id}/${path}?site=${SITE}&token=${encodeURIComponent(c.token)}`, init);
    for (const r of [
      await inUrl("events", { headers: { origin: ORIGIN } }),
      await inUrl("events", { headers: { origin: ORIGIN, accept: "text/event-stream" } }),
      await inUrl("ws", { headers: { origin: ORIGIN, upgrade: "websocket" } }),
      await inUrl("messages", {
        method: "POST",
        headers: json,
        body: JSON.stringify({ clientId: "url-00001", text: "hi" }),
      }),
      // Even next to a valid header: the URL has already gone into some log by then, and the client must be fixed.
      await inUrl("identify", {
        method: "POST",
        headers: { ...json, ...bearer(c.token) },
        body: '{"user":{"id":"u"}}',
      }),
    ]) {
      expect(r.status).toBe(400);
      expect(((await r.json()) as { error: string }).error).toBe("token_in_url");
    }
    const history = await SELF.fetch(`${BASE}/v1/me/conversations?site=${SITE}&token=${"x".repeat(40)}`, {
      headers: { origin: ORIGIN },
    });
    expect(history.status).toBe(400);
  });

  it("takes the token from Authorization, or from the WebSocket's subprotocols (and selects edgedesk), and 401 without one", async () => {
    const c = await createConversation();
    const page = await SELF.fetch(`${BASE}/v1/conversations/${c.id}/events?site=${SITE}`, { headers: asCustomer(c) });
    expect(page.status).toBe(200);
    const none = await SELF.fetch(`${BASE}/v1/conversations/${c.id}/events?site=${SITE}`, {
      headers: { origin: ORIGIN },
    });
    expect(none.status).toBe(401);
    expect(((await none.json()) as { error: string }).error).toBe("no_token");
    const ws = await SELF.fetch(`${BASE}/v1/conversations/${c.id}/ws?site=${SITE}`, {
      headers: { upgrade: "websocket", origin: ORIGIN, "sec-websocket-protocol": wsProtocols(c.token).join(", ") },
    });
    expect(ws.status).toBe(101);
    expect(ws.headers.get("sec-websocket-protocol")).toBe(WS_PROTOCOL);
    ws.webSocket?.accept();
    ws.webSocket?.close(1000, "bye");
    const forged = await SELF.fetch(`${BASE}/v1/conversations/${c.id}/ws?site=${SITE}`, {
      headers: {
        upgrade: "websocket",
        origin: ORIGIN,
        "sec-websocket-protocol": wsProtocols("A".repeat(43)).join(", "),
      },
    });
    expect(forged.status).toBe(403);
    // The preflight lets browsers send it.
    const pre = await SELF.fetch(`${BASE}/v1/conversations/${c.id}/events?site=${SITE}`, {
      method: "OPTIONS",
      headers: { origin: ORIGIN, "access-control-request-headers": "authorization" },
    });
    expect(pre.headers.get("access-control-allow-headers")).toContain("authorization");
  });
});

describe("a flow full of secrets leaves none in the logs", { timeout: 30_000 }, () => {
  const logged: string[] = [];
  const levels = ["log", "info", "warn", "error", "debug"] as const;
  const text = (a: unknown) =>
    a instanceof Error ? `${a.message}\n${a.stack ?? ""}` : typeof a === "string" ? a : JSON.stringify(a);

  beforeAll(async () => {
    await publishDemoKb();
    for (const level of levels)
      vi.spyOn(console, level).mockImplementation((...args: unknown[]) => void logged.push(args.map(text).join(" ")));
  });
  afterAll(() => vi.restoreAllMocks());

  it("conversation and history tokens, the identity signature, the confirmation code, the reply token and an API key", async () => {
    const secrets: Record<string, string> = { SECRET: env.SECRET, IDENTITY_SECRET };
    const put = await SELF.fetch(`${BASE}/admin/v1/sites/${SITE}?workspace=demo`, {
      method: "PUT",
      headers: ADMIN,
      body: JSON.stringify({ name: "Lumen demo site", allowedOrigins: [ORIGIN], identitySecret: IDENTITY_SECRET }),
    });
    expect(put.status).toBe(200);
    const cookie = await createAgent(`logs-${crypto.randomUUID().slice(0, 8)}@lumen.example`);

    // A chat, handed off, its customer identified with a signature.
    const { c, customer } = await handedOff(["How do I reset my password?", "I want to talk to a person"]);
    secrets.conversationToken = c.token;
    const ts = Math.floor(Date.now() / 1000);
    const user = { id: "u_logs", email: "lee@mail.example.com", name: "Lee" };
    const hmac = await signIdentityV2(IDENTITY_SECRET, ts, user);
    secrets.hmac = hmac;
    const identified = await SELF.fetch(`${BASE}/v1/conversations/${c.id}/identify?site=${SITE}`, {
      method: "POST",
      headers: asCustomer(c, { "content-type": "application/json" }),
      body: JSON.stringify({ user, hmac, ts }),
    });
    expect(await identified.json()).toMatchObject({ verified: true });

    // The customer's history.
    const s = await SELF.fetch(`${BASE}/v1/me/session?site=${SITE}`, {
      method: "POST",
      headers: json,
      body: JSON.stringify({ user, hmac, ts }),
    });
    const session = (await s.json()) as HistorySession;
    secrets.historyToken = session.token;
    expect(
      (await SELF.fetch(`${BASE}/v1/me/conversations?site=${SITE}`, { headers: asCustomer(session) })).status,
    ).toBe(200);

    // A typed follow-up address, confirmed with the mailed code.
    const left = await SELF.fetch(`${BASE}/v1/conversations/${c.id}/follow-up?site=${SITE}`, {
      method: "POST",
      headers: asCustomer(c, { "content-type": "application/json" }),
      body: JSON.stringify({ email: "kim@mail.example.com" }),
    });
    expect(left.status).toBe(200);
    const mails = () =>
      env.DB.prepare(
        "SELECT author, raw FROM email_messages WHERE conversation_id = ? AND direction = 'out' ORDER BY created_at, rowid",
      )
        .bind(c.id)
        .all<{ author: string; raw: string | null }>();
    const confirmRaw = (await mails()).results.find((m) => m.author === "confirm")?.raw ?? "";
    const code = /code in the chat: (\d{6})/.exec(confirmRaw.replace(/=\r\n/g, ""))?.[1] ?? "";
    expect(code).toMatch(/^\d{6}$/);
    secrets.code = code;
    const confirmed = await SELF.fetch(`${BASE}/v1/conversations/${c.id}/follow-up/confirm?site=${SITE}`, {
      method: "POST",
      headers: asCustomer(c, { "content-type": "application/json" }),
      body: JSON.stringify({ code }),
    });
    expect(confirmed.status).toBe(200);

    // The customer leaves; the agent's reply is mailed with the reply token in its Reply-To.
    customer.close();
    await new Promise((r) => setTimeout(r, 100));
    const reply = await SELF.fetch(`${BASE}/api/conversations/${c.id}/messages`, {
      method: "POST",
      headers: { cookie, "content-type": "application/json" },
      body: JSON.stringify({ clientId: "logs-agent-01", text: "Here is how to reset it." }),
    });
    expect(reply.status).toBe(201);
    const mailed = await waitFor(
      async () => (await mails()).results.find((m) => m.author === "agent")?.raw ?? "",
      (raw) => raw.length > 0,
      5000,
    );
    const replyTo = /^Reply-To: <([^>]+)>/m.exec(mailed)?.[1] ?? "";
    const replyToken = /\+([^@]+)@/.exec(replyTo)?.[1] ?? "";
    expect(replyToken.length).toBeGreaterThan(16);
    secrets.replyToken = replyToken;

    // The customer answers by email (logged as stored), and someone tries a made-up token (logged as refused).
    const email = async (to: string, text: string) => {
      const eml = [
        "From: Kim <kim@mail.example.com>",
        `To: <${to}>`,
        "Subject: Re: Your conversation with Support",
        `Message-ID: <${crypto.randomUUID()}@mail.example.com>`,
        "Date: Mon, 23 Nov 2026 10:00:00 +0000",
        "",
        text,
        "",
      ].join("\r\n");
      const bytes = new TextEncoder().encode(eml);
      await worker.email(
        {
          from: "kim@mail.example.com",
          to,
          headers: new Headers(),
          raw: new Response(bytes).body as ReadableStream<Uint8Array>,
          rawSize: bytes.byteLength,
          setReject: () => undefined,
          forward: () => Promise.reject(new Error("unused")),
          reply: () => Promise.reject(new Error("unused")),
        } as ForwardableEmailMessage,
        // Info lines too (the suite runs at warn): the stored mail's line is what could leak the reply address.
        { ...env, LOG_LEVEL: "info" },
      );
    };
    await email(replyTo, "Thanks, that worked.");
    await email(replyTo.replace(replyToken, `c${"a".repeat(30)}.${"b".repeat(16)}`), "Let me in.");

    // An API key at work.
    const key = await SELF.fetch(`${BASE}/admin/v1/api-keys?workspace=demo`, {
      method: "POST",
      headers: ADMIN,
      body: JSON.stringify({ name: "logs test" }),
    });
    const apiKey = ((await key.json()) as CreatedApiKey).key;
    secrets.apiKey = apiKey;
    const rest = await SELF.fetch(`${BASE}/rest/v1/conversations`, {
      method: "POST",
      headers: { authorization: `Bearer ${apiKey}`, "content-type": "application/json" },
      body: JSON.stringify({ locale: "en" }),
    });
    expect(rest.status).toBe(201);
    await new Promise((r) => setTimeout(r, 200));

    // The flow did log (so this test can fail): the email channel's lines, among others.
    const all = logged.join("\n");
    expect(all).toMatch(/"channel":"email","outcome":"stored"/);
    for (const [name, secret] of Object.entries(secrets)) {
      expect(secret.length, name).toBeGreaterThan(5);
      const at = all.indexOf(secret);
      expect(at, `${name} appears in the logs: …${all.slice(Math.max(0, at - 80), at + 80)}…`).toBe(-1);
    }
    expect(all).not.toMatch(new RegExp(`\\b${code}\\b`));
    // The recipient is still logged, without its token.
    expect(all).toContain("support+…@lumen.test");
  });
});
