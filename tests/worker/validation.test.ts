// Every bad input gets a 4xx with a JSON error that names the problem, and nothing is stored.
import { SELF } from "cloudflare:test";
import { Hono } from "hono";
import { describe, expect, it } from "vitest";
import type { ApiError, EventsPage } from "../../shared/api.ts";
import type { AppEnv } from "../../worker/env.ts";
import { errorResponse } from "../../worker/http/errors.ts";
import { rateLimit } from "../../worker/middleware/rate-limit.ts";
import { ADMIN, asCustomer, BASE, connect, createConversation, ORIGIN, q, SITE, wsAs } from "./helpers.ts";

const json = { origin: ORIGIN, "content-type": "application/json" };

async function expectError(r: Response, status: number, error: string, message?: RegExp): Promise<ApiError> {
  const body = (await r.json()) as ApiError;
  expect(r.status, JSON.stringify(body)).toBe(status);
  expect(body.error).toBe(error);
  if (message) expect(body.message).toMatch(message);
  return body;
}

const events = async (c: { id: string; token: string }) =>
  (
    (await (
      await SELF.fetch(`${BASE}/v1/conversations/${c.id}/events?${q(c as never)}`, {
        headers: asCustomer(c),
      })
    ).json()) as EventsPage
  ).events;

describe("public API validation", () => {
  it("refuses an origin the site does not allow, on HTTP and WebSocket alike", async () => {
    const evil = { ...json, origin: "https://evil.example" };
    await expectError(
      await SELF.fetch(`${BASE}/v1/conversations?site=${SITE}`, { method: "POST", headers: evil, body: "{}" }),
      403,
      "origin_not_allowed",
      /evil\.example/,
    );
    const c = await createConversation();
    const ws = await SELF.fetch(`${BASE}/v1/conversations/${c.id}/ws?${q(c)}`, {
      headers: { upgrade: "websocket", origin: "https://evil.example" },
    });
    expect(ws.status).toBe(403);
    expect(ws.webSocket).toBeNull();
  });

  it("answers CORS for allowed origins", async () => {
    const r = await SELF.fetch(`${BASE}/v1/conversations?site=${SITE}`, { method: "POST", headers: json, body: "{}" });
    expect(r.status).toBe(201);
    expect(r.headers.get("access-control-allow-origin")).toBe(ORIGIN);
  });

  it("rejects unknown and malformed site keys", async () => {
    await expectError(
      await SELF.fetch(`${BASE}/v1/conversations?site=nope_nope`, { method: "POST", headers: json, body: "{}" }),
      404,
      "unknown_site",
    );
    await expectError(
      await SELF.fetch(`${BASE}/v1/conversations?site=a`, { method: "POST", headers: json, body: "{}" }),
      400,
      "invalid_query",
      /site/,
    );
    await expectError(
      await SELF.fetch(`${BASE}/v1/conversations`, { method: "POST", headers: json, body: "{}" }),
      400,
      "invalid_query",
    );
  });

  it("rejects bad bodies with the field that is wrong", async () => {
    const url = `${BASE}/v1/conversations?site=${SITE}`;
    await expectError(await SELF.fetch(url, { method: "POST", headers: json, body: "{not json" }), 400, "invalid_json");
    await expectError(
      await SELF.fetch(url, { method: "POST", headers: { origin: ORIGIN, "content-type": "text/plain" }, body: "{}" }),
      415,
      "unsupported_media_type",
    );
    const bad = await expectError(
      await SELF.fetch(url, { method: "POST", headers: json, body: JSON.stringify({ locale: "english!" }) }),
      400,
      "invalid_body",
      /locale/,
    );
    expect(bad.issues?.[0]?.path).toBe("locale");
  });

  it("rejects bad messages and stores nothing", async () => {
    const c = await createConversation();
    const url = `${BASE}/v1/conversations/${c.id}/messages?${q(c)}`;
    const cases: [unknown, RegExp][] = [
      [{ clientId: "short", text: "hi" }, /clientId/],
      [{ clientId: "long-enough-1", text: "   " }, /empty/],
      [{ clientId: "long-enough-2", text: "x".repeat(4001) }, /text/],
      [{ text: "no client id" }, /clientId/],
    ];
    for (const [body, msg] of cases)
      await expectError(
        await SELF.fetch(url, { method: "POST", headers: { ...json, ...asCustomer(c) }, body: JSON.stringify(body) }),
        400,
        "invalid_body",
        msg,
      );
    expect(await events(c)).toEqual([]);
  });

  it("rejects a wrong token, a malformed id and a bad cursor", async () => {
    const c = await createConversation();
    const other = await createConversation();
    await expectError(
      await SELF.fetch(`${BASE}/v1/conversations/${c.id}/events?site=${SITE}`, { headers: asCustomer(other) }),
      403,
      "bad_token",
    );
    await expectError(
      await SELF.fetch(`${BASE}/v1/conversations/bad!id/events?${q(c)}`, {
        headers: asCustomer(c),
      }),
      400,
      "invalid_path",
    );
    await expectError(
      await SELF.fetch(`${BASE}/v1/conversations/${c.id}/events?site=${SITE}&after=-1`, {
        headers: asCustomer(c),
      }),
      400,
      "invalid_query",
      /after/,
    );
    await expectError(
      await SELF.fetch(`${BASE}/v1/conversations/${c.id}/ws?${q(c)}`, {
        headers: asCustomer(c),
      }),
      426,
      "upgrade_required",
    );
  });

  it("answers a bad WebSocket frame with an error frame and stores nothing", async () => {
    const c = await createConversation();
    const sock = await connect(`/v1/conversations/${c.id}/ws?${q(c)}`, wsAs(c));
    await sock.until((f) => f.t === "ready");
    sock.ws.send("not json");
    sock.send({ t: "send", clientId: "x", text: "hello" });
    sock.send({ t: "shout" });
    await sock.until(() => sock.frames.filter((f) => f.t === "error").length === 3);
    const errors = sock.frames.flatMap((f) => (f.t === "error" ? [f] : []));
    expect(errors.map((e) => e.code)).toEqual(["invalid_frame", "invalid_frame", "invalid_frame"]);
    expect(errors[0]?.message).toMatch(/JSON/);
    expect(errors[1]?.message).toMatch(/clientId/);
    expect(errors[2]?.message).toMatch(/t/);
    sock.close();
    expect(await events(c)).toEqual([]);
  });

  it("returns JSON 404 for unknown routes", async () => {
    await expectError(
      await SELF.fetch(`${BASE}/v1/nothing?site=${SITE}`, { headers: { origin: ORIGIN } }),
      404,
      "not_found",
    );
  });
});

describe("admin API validation", () => {
  const put = (body: unknown, headers: Record<string, string> = ADMIN) =>
    SELF.fetch(`${BASE}/admin/v1/kb/articles?workspace=demo`, { method: "PUT", headers, body: JSON.stringify(body) });
  const article = { id: "a-1", title: "T", body: "Body text." };

  it("needs the admin token", async () => {
    await expectError(
      await put({ articles: [article] }, { "content-type": "application/json" }),
      401,
      "unauthenticated",
    );
    await expectError(
      await put({ articles: [article] }, { ...ADMIN, authorization: "Bearer wrong" }),
      401,
      "unauthenticated",
    );
  });

  it("rejects bad articles and duplicate ids, and publishes nothing", async () => {
    await expectError(await put({ articles: [{ ...article, title: "" }] }), 400, "invalid_body", /title/);
    await expectError(await put({ articles: [{ ...article, id: "Bad Id" }] }), 400, "invalid_body", /id/);
    await expectError(await put({ articles: [{ ...article, handoff: "sometimes" }] }), 400, "invalid_body", /handoff/);
    await expectError(await put({ articles: [article, article] }), 400, "duplicate_id", /a-1/);
    const list = (await (
      await SELF.fetch(`${BASE}/admin/v1/kb/articles?workspace=demo`, { headers: ADMIN })
    ).json()) as {
      articles: { id: string }[];
    };
    expect(list.articles.some((a) => a.id === "a-1")).toBe(false);
  });
});

describe("rate limit", () => {
  it("lets a burst through, then answers 429 with retry-after", async () => {
    const app = new Hono<AppEnv>();
    app.onError(errorResponse);
    app.use(rateLimit({ limits: () => ({ perSecond: 1, burst: 3 }), key: (c) => c.req.header("x-ip") ?? "" }));
    app.get("/", (c) => c.text("ok"));
    const hit = (ip: string) => app.request("/", { headers: { "x-ip": ip } });
    expect([(await hit("a")).status, (await hit("a")).status, (await hit("a")).status]).toEqual([200, 200, 200]);
    const limited = await hit("a");
    expect(limited.status).toBe(429);
    expect(limited.headers.get("retry-after")).toBe("1");
    expect((await hit("b")).status).toBe(200);
  });
});

describe("agent and admin input validation", () => {
  it("rejects a bad cursor on the agent socket and bad agent/site bodies", async () => {
    const { createAgent } = await import("./helpers.ts");
    const cookie = await createAgent("val@lumen.example");
    const c = await createConversation();
    await SELF.fetch(`${BASE}/v1/conversations/${c.id}/messages?${q(c)}`, {
      method: "POST",
      headers: { ...json, ...asCustomer(c) },
      body: JSON.stringify({ clientId: "val-0000001", text: "hello" }),
    });
    await expectError(
      await SELF.fetch(`${BASE}/api/conversations/${c.id}/ws?after=abc`, { headers: { cookie, upgrade: "websocket" } }),
      400,
      "invalid_query",
      /after/,
    );
    await expectError(
      await SELF.fetch(`${BASE}/admin/v1/agents?workspace=demo`, {
        method: "POST",
        headers: ADMIN,
        body: JSON.stringify({ email: "x@example.com", name: "X", password: "short" }),
      }),
      400,
      "invalid_body",
      /password/,
    );
    await expectError(
      await SELF.fetch(`${BASE}/admin/v1/sites/shop_1?workspace=demo`, {
        method: "PUT",
        headers: ADMIN,
        body: JSON.stringify({ allowedOrigins: ["https://shop.example/path"] }),
      }),
      400,
      "invalid_body",
      /origin/,
    );
    await expectError(
      await SELF.fetch(`${BASE}/api/auth/login`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ email: "nope", password: "x" }),
      }),
      400,
      "invalid_body",
      /email/,
    );
  });
});
