// Every worker test file runs in a workerd that earlier files of its project used (isolate: false in
// vitest.worker.config.ts), so tests/worker/fresh.ts must give it what a new workerd would. This file
// leaves behind what a test file leaves (a conversation with its Durable Object, D1 rows, KV and R2
// values, a cached site, fake timers), runs freshStart(), and finds none of it.
import { env, runInDurableObject, SELF } from "cloudflare:test";
import { expect, it, vi } from "vitest";
import { freshStart } from "./fresh.ts";
import { BASE, createConversation, ORIGIN, SITE } from "./helpers.ts";

const createStatus = async () =>
  (
    await SELF.fetch(`${BASE}/v1/conversations?site=${SITE}`, {
      method: "POST",
      headers: { origin: ORIGIN, "content-type": "application/json" },
      body: JSON.stringify({ locale: "en" }),
    })
  ).status;

const refuseEveryOrigin = () =>
  env.DB.prepare("UPDATE sites SET allowed_origins = '[]' WHERE key = ?").bind(SITE).run();

/** The conversation Durable Object's own rows (worker/conversation/log.ts) and its alarm. */
const objectState = (id: string) =>
  runInDurableObject(env.CONVERSATION.get(env.CONVERSATION.idFromName(id)), async (_o, state) => ({
    rows: state.storage.sql.exec("SELECT COUNT(*) AS n FROM meta").one().n,
    alarm: await state.storage.getAlarm(),
  }));

const count = async (table: string) =>
  (await env.DB.prepare(`SELECT COUNT(*) AS n FROM ${table}`).first<{ n: number }>())?.n ?? -1;

it("starts a file with the migrations and demo rows only, after whatever the previous file left", async () => {
  // What a file leaves behind.
  const left = await createConversation();
  expect(await count("conversations")).toBe(1);
  expect((await objectState(left.id)).rows).toBeGreaterThan(0);
  await env.KB.put("left/behind", "x");
  await env.ATTACHMENTS.put("left/behind", "x");
  // The help centre's edge cache (worker/channels/portal/cache.ts).
  await caches.default.put(`${BASE}/left/behind`, new Response("x", { headers: { "cache-control": "max-age=600" } }));
  expect(await caches.default.match(`${BASE}/left/behind`)).toBeDefined();
  await env.DB.prepare("INSERT INTO workspaces (id, name, created_at) VALUES ('left', 'Left behind', 2)").run();
  // The worker caches the site it just checked (worker/middleware/site.ts): with every origin refused
  // in D1, the cached site still lets the shop's origin in. That cache lives in a module of the worker.
  await refuseEveryOrigin();
  expect(await createStatus()).toBe(201);
  vi.useFakeTimers({ toFake: ["Date"] });

  await freshStart();

  expect(vi.isFakeTimers()).toBe(false);
  expect(await count("conversations")).toBe(0);
  expect(await objectState(left.id)).toEqual({ rows: 0, alarm: null });
  expect((await env.KB.list()).keys).toEqual([]);
  expect((await env.ATTACHMENTS.list()).objects).toEqual([]);
  expect(await caches.default.match(`${BASE}/left/behind`)).toBeUndefined();
  const workspaces = await env.DB.prepare("SELECT id FROM workspaces ORDER BY id").all<{ id: string }>();
  expect(workspaces.results.map((w) => w.id)).toEqual(["demo"]);
  const applied = await env.DB.prepare("SELECT name FROM d1_migrations ORDER BY id").all<{ name: string }>();
  expect(applied.results.map((m) => m.name)).toEqual(env.TEST_MIGRATIONS.map((m) => m.name));
  // The worker's modules are new: no cached site lets the shop in once D1 refuses it.
  await refuseEveryOrigin();
  expect(await createStatus()).toBe(403);
});
