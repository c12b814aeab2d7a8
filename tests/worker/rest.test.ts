// The REST channel through the real worker: API keys (owner-only management, shown once, hashed,
// revocable, scoped to a workspace), validation with the common error shape, a whole conversation
// (sync answer, SSE answer, events, handoff with its packet), and the OpenAPI document driving it.
import { env, SELF } from "cloudflare:test";
import { beforeAll, describe, expect, it } from "vitest";
import type { ApiError } from "../../shared/api.ts";
import type { ServerFrame } from "../../shared/protocol.ts";
import type { ApiKeySummary, CreatedApiKey, RestConversation, RestPosted } from "../../shared/rest.ts";
import { ADMIN, BASE, createAgent, publishDemoKb } from "./helpers.ts";
import { validate } from "./json-schema.ts";

const REST = `${BASE}/rest/v1`;
let key = "";
let otherKey = "";

async function newKey(workspace: string, name: string): Promise<CreatedApiKey> {
  const r = await SELF.fetch(`${BASE}/admin/v1/api-keys?workspace=${workspace}`, {
    method: "POST",
    headers: ADMIN,
    body: JSON.stringify({ name }),
  });
  expect(r.status).toBe(201);
  return r.json();
}

const call = (method: string, path: string, k: string | null, body?: unknown, headers: Record<string, string> = {}) =>
  SELF.fetch(`${REST}${path}`, {
    method,
    headers: {
      ...(k ? { authorization: `Bearer ${k}` } : {}),
      ...(body === undefined ? {} : { "content-type": "application/json" }),
      ...headers,
    },
    ...(body === undefined ? {} : { body: typeof body === "string" ? body : JSON.stringify(body) }),
  });

beforeAll(async () => {
  await publishDemoKb();
  await env.DB.prepare("INSERT OR IGNORE INTO workspaces (id, name, created_at) VALUES ('other', 'Other', 0)").run();
  key = (await newKey("demo", "mobile app")).key;
  otherKey = (await newKey("other", "other app")).key;
});

describe("API keys", () => {
  it("are created by owners (console or admin token), shown once, stored only as a hash, and listed without the secret", async () => {
    const owner = await createAgent("owner-rest@lumen.example", "owner");
    const agent = await createAgent("agent-rest@lumen.example", "agent");
    const denied = await SELF.fetch(`${BASE}/api/api-keys`, {
      method: "POST",
      headers: { cookie: agent, "content-type": "application/json" },
      body: JSON.stringify({ name: "x" }),
    });
    expect(denied.status).toBe(403);
    const r = await SELF.fetch(`${BASE}/api/api-keys`, {
      method: "POST",
      headers: { cookie: owner, "content-type": "application/json" },
      body: JSON.stringify({ name: "contact form" }),
    });
    expect(r.status).toBe(201);
    const created = (await r.json()) as CreatedApiKey;
    expect(created.key).toMatch(/^ek_[\w-]{32}$/);
    expect(created.prefix).toBe(created.key.slice(0, 10));
    const row = await env.DB.prepare("SELECT * FROM api_keys WHERE id = ?")
      .bind(created.id)
      .first<Record<string, unknown>>();
    expect(JSON.stringify(row)).not.toContain(created.key);
    const list = (await (await SELF.fetch(`${BASE}/api/api-keys`, { headers: { cookie: owner } })).json()) as {
      keys: ApiKeySummary[];
    };
    expect(list.keys.map((k) => k.name)).toContain("contact form");
    expect(JSON.stringify(list)).not.toContain(created.key);
    const bad = await SELF.fetch(`${BASE}/api/api-keys`, {
      method: "POST",
      headers: { cookie: owner, "content-type": "application/json" },
      body: JSON.stringify({ name: "" }),
    });
    expect(((await bad.json()) as ApiError).error).toBe("invalid_body");
  });

  it("refuse requests without a key, with a wrong or malformed key, and after revocation", async () => {
    for (const k of [null, `ek_${"x".repeat(32)}`, "not-a-key"]) {
      const r = await call("POST", "/conversations", k, {});
      expect(r.status).toBe(401);
      expect(((await r.json()) as ApiError).error).toBe("unauthenticated");
    }
    const temp = await newKey("demo", "temporary");
    expect((await call("POST", "/conversations", temp.key, {})).status).toBe(201);
    const del = await SELF.fetch(`${BASE}/admin/v1/api-keys/${temp.id}?workspace=demo`, {
      method: "DELETE",
      headers: ADMIN,
    });
    expect(del.status).toBe(200);
    expect((await call("POST", "/conversations", temp.key, {})).status).toBe(401);
    expect(
      (await SELF.fetch(`${BASE}/admin/v1/api-keys/${temp.id}?workspace=demo`, { method: "DELETE", headers: ADMIN }))
        .status,
    ).toBe(404);
    const listed = (await (
      await SELF.fetch(`${BASE}/admin/v1/api-keys?workspace=demo`, { headers: ADMIN })
    ).json()) as {
      keys: ApiKeySummary[];
    };
    expect(listed.keys.find((k) => k.id === temp.id)?.revokedAt).toBeGreaterThan(0);
  });

  it("see only their own workspace's API conversations", async () => {
    const conv = (await (await call("POST", "/conversations", key, {})).json()) as RestConversation;
    for (const [m, p, b] of [
      ["GET", `/conversations/${conv.id}`, undefined],
      ["GET", `/conversations/${conv.id}/events`, undefined],
      ["POST", `/conversations/${conv.id}/messages`, { text: "hello" }],
    ] as const) {
      const r = await call(m, p, otherKey, b);
      expect(r.status).toBe(404);
    }
    // A widget conversation of the same workspace is not an API conversation.
    const widget = await SELF.fetch(`${BASE}/v1/conversations?site=demo_site`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: "{}",
    });
    const w = (await widget.json()) as { id: string };
    expect((await call("GET", `/conversations/${w.id}/events`, key)).status).toBe(404);
  });
});

describe("validation", () => {
  it("answers bad input with the common error shape naming the field", async () => {
    const long = await call("POST", "/conversations", key, { locale: "english", pageUrl: "x".repeat(3000) });
    expect(long.status).toBe(400);
    const e = (await long.json()) as ApiError;
    expect(e.error).toBe("invalid_body");
    expect(e.issues?.map((i) => i.path).sort()).toEqual(["locale", "pageUrl"]);
    expect((await call("POST", "/conversations", key, "{nope")).status).toBe(400);
    expect((await call("POST", "/conversations", key, "{}", { "content-type": "text/plain" })).status).toBe(415);
    const conv = (await (await call("POST", "/conversations", key, {})).json()) as RestConversation;
    const empty = await call("POST", `/conversations/${conv.id}/messages`, key, { text: "   " });
    expect(((await empty.json()) as ApiError).issues?.[0]).toEqual({ path: "text", message: "message is empty" });
    expect(
      ((await (await call("GET", `/conversations/${conv.id}/events?after=-1`, key)).json()) as ApiError).error,
    ).toBe("invalid_query");
    expect(((await (await call("GET", "/conversations/bad!id/events", key)).json()) as ApiError).error).toBe(
      "invalid_path",
    );
  });
});

describe("a whole API conversation", () => {
  it("asks, gets the bot's answer synchronously and as SSE, reads events, and hands off with the packet", async () => {
    const created = await call("POST", "/conversations", key, {
      locale: "en",
      pageTitle: "Lumen app · Settings",
      article: "reset-password",
      customer: { id: "u_42", email: "ana@example.com", name: "Ana" },
    });
    expect(created.status).toBe(201);
    const conv = (await created.json()) as RestConversation;
    expect(conv).toMatchObject({ channel: "api", state: "bot" });

    const sync = await call("POST", `/conversations/${conv.id}/messages`, key, {
      text: "How do I reset my password?",
      clientId: "msg-00000001",
    });
    expect(sync.status).toBe(200);
    const posted = (await sync.json()) as RestPosted;
    expect(posted.duplicate).toBe(false);
    expect(posted.replies).toHaveLength(1);
    expect(posted.replies[0]).toMatchObject({ author: "bot", action: "answer" });
    expect(posted.replies[0]?.sources?.[0]?.url).toBe(`${BASE}/hc/demo/articles/reset-password`);
    // Same clientId again: stored once.
    const again = (await (
      await call("POST", `/conversations/${conv.id}/messages`, key, {
        text: "How do I reset my password?",
        clientId: "msg-00000001",
      })
    ).json()) as RestPosted;
    expect(again).toMatchObject({ seq: posted.seq, duplicate: true });

    const sse = await call(
      "POST",
      `/conversations/${conv.id}/messages`,
      key,
      { text: "My automatic backup stopped working" },
      { accept: "text/event-stream" },
    );
    expect(sse.headers.get("content-type")).toBe("text/event-stream");
    const frames = (await sse.text())
      .split("\n")
      .filter((l) => l.startsWith("data: "))
      .map((l) => JSON.parse(l.slice(6)) as ServerFrame);
    expect(frames[0]?.t).toBe("ack");
    expect(frames.some((f) => f.t === "delta")).toBe(true);
    expect(frames.some((f) => f.t === "event" && f.event.type === "message" && f.event.author === "bot")).toBe(true);

    const page = (await (await call("GET", `/conversations/${conv.id}/events`, key)).json()) as {
      events: { type: string; author?: string }[];
      lastSeq: number;
    };
    expect(page.events.filter((e) => e.type === "message" && e.author === "customer")).toHaveLength(2);

    expect(
      (await call("POST", `/conversations/${conv.id}/handoff`, key, { reason: "customer asked in the app" })).status,
    ).toBe(202);
    const state = (await (await call("GET", `/conversations/${conv.id}`, key)).json()) as RestConversation;
    expect(state.state).toBe("queued");
    const detail = await env.CONVERSATION.get(env.CONVERSATION.idFromName(conv.id)).detail();
    expect(detail.channel).toBe("api");
    expect(detail.handoff?.contextArticle).toBe("reset-password");
    expect(detail.identity).toMatchObject({ id: "u_42", email: "ana@example.com", verified: true });
    // Once a person holds it, a message waits for them: no bot reply.
    const toAgent = (await (
      await call("POST", `/conversations/${conv.id}/messages`, key, { text: "Are you there?" })
    ).json()) as RestPosted;
    expect(toAgent).toMatchObject({ replies: [], state: "queued" });
  });
});

type Doc = {
  openapi: string;
  info: { title: string; version: string; license?: { name: string; identifier?: string } };
  servers: { url: string }[];
  paths: Record<
    string,
    Record<
      string,
      {
        operationId: string;
        parameters: { name: string; in: string; required: boolean; schema: Record<string, unknown> }[];
        requestBody?: { content: Record<string, { schema: Record<string, unknown> }> };
        responses: Record<string, { content?: Record<string, { schema: Record<string, unknown> }> }>;
      }
    >
  >;
};

describe("driven by its OpenAPI document", () => {
  it("serves OpenAPI 3.1 generated from the zod schemas, and every documented operation behaves as documented", async () => {
    const r = await SELF.fetch(`${REST}/openapi.json`);
    expect(r.status).toBe(200);
    const doc = (await r.json()) as Doc;
    expect(doc.openapi).toBe("3.1.0");
    const server = doc.servers[0]?.url ?? "";
    expect(server).toBe(REST);
    expect(doc.info.license).toEqual({ name: "Apache-2.0", identifier: "Apache-2.0" }); // validators flag a document without one; the LICENSE file's
    const ops = Object.entries(doc.paths).flatMap(([path, methods]) =>
      Object.entries(methods).map(([method, op]) => ({ path, method, op })),
    );
    expect(ops.map((o) => o.op.operationId).sort()).toEqual([
      "createConversation",
      "getConversation",
      "listEvents",
      "postMessage",
      "requestHandoff",
    ]);

    // Example bodies per operation; each must satisfy the document's own request schema first.
    const examples: Record<string, unknown> = {
      createConversation: { locale: "es", pageTitle: "Formulario de contacto" },
      postMessage: { text: "¿Cómo restablezco mi contraseña?" },
      requestHandoff: { reason: "quiero hablar con una persona" },
    };
    const order = ["createConversation", "getConversation", "postMessage", "listEvents", "requestHandoff"];
    let id = "";
    for (const name of order) {
      const o = ops.find((x) => x.op.operationId === name);
      if (!o) throw new Error(`${name} is not documented`);
      const schema = o.op.requestBody?.content["application/json"]?.schema;
      const body = examples[name];
      if (schema) expect(validate(schema, body), name).toEqual([]);
      let url = server + o.path.replace("{id}", encodeURIComponent(id));
      const query = o.op.parameters.filter((p) => p.in === "query");
      if (query.some((p) => p.name === "after")) url += "?after=0";
      const res = await SELF.fetch(url, {
        method: o.method.toUpperCase(),
        headers: { authorization: `Bearer ${key}`, ...(schema ? { "content-type": "application/json" } : {}) },
        ...(schema ? { body: JSON.stringify(body) } : {}),
      });
      const documented = o.op.responses[String(res.status)];
      expect(documented, `${name} answered ${res.status}, which is not documented`).toBeDefined();
      expect(res.status, name).toBeLessThan(300);
      const json = (await res.json()) as Record<string, unknown>;
      const resSchema = documented?.content?.["application/json"]?.schema;
      if (!resSchema) throw new Error(`${name} ${res.status} has no response schema`);
      expect(validate(resSchema, json), `${name} response`).toEqual([]);
      if (name === "createConversation") id = String(json.id);
      if (name === "postMessage")
        expect((json as RestPosted).replies[0]?.sources?.[0]?.articleId).toBe("es-reset-password");
    }

    // A request the schema forbids (too long) gets a documented 400 in the documented error shape.
    const post = doc.paths["/conversations/{id}/messages"]?.post;
    const maxLength =
      (
        post?.requestBody?.content["application/json"]?.schema.properties as
          | Record<string, { maxLength: number }>
          | undefined
      )?.text?.maxLength ?? 0;
    expect(maxLength).toBeGreaterThan(0);
    const bad = await SELF.fetch(`${server}/conversations/${id}/messages`, {
      method: "POST",
      headers: { authorization: `Bearer ${key}`, "content-type": "application/json" },
      body: JSON.stringify({ text: "a".repeat(maxLength + 1) }),
    });
    expect(bad.status).toBe(400);
    const errSchema = post?.responses["400"]?.content?.["application/json"]?.schema;
    if (!errSchema) throw new Error("400 is not documented");
    expect(validate(errSchema, await bad.json())).toEqual([]);
    // And the 401 is documented too.
    const anon = await SELF.fetch(`${server}/conversations`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: "{}",
    });
    const anonSchema =
      doc.paths["/conversations"]?.post?.responses[String(anon.status)]?.content?.["application/json"]?.schema;
    if (!anonSchema) throw new Error(`${anon.status} is not documented`);
    expect(validate(anonSchema, await anon.json())).toEqual([]);
  });
});
