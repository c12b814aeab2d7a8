// A KB snapshot of this engine that does not fit its format (a buggy build, a damaged value) is not
// loaded: it is refused by its schema (worker/answer/engine/snapshot-format.ts) and rebuilt like a
// snapshot of another engine, while the bot keeps answering from the index it has.
import { env } from "cloudflare:test";
import { beforeAll, expect, it } from "vitest";
import type { MessageEvent, ServerFrame } from "../../shared/protocol.ts";
import { ENGINE_VERSION } from "../../worker/answer/engine/snapshot.ts";
import { connect, createConversation, isBotMessage, publishDemoKb, q, wsAs } from "./helpers.ts";
import { deleteSnapshot, readSnapshot, writeSnapshot } from "../../worker/knowledge/store.ts";
import { partKey } from "../../worker/knowledge/snapshot-parts.ts";

beforeAll(publishDemoKb);

const current = () =>
  env.DB.prepare("SELECT version, snapshot_key FROM kb_versions WHERE workspace_id = 'demo' AND current = 1").first<{
    version: number;
    snapshot_key: string;
  }>();

async function ask(text: string): Promise<MessageEvent> {
  const c = await createConversation();
  const sock = await connect(`/v1/conversations/${c.id}/ws?${q(c)}`, wsAs(c));
  sock.send({ t: "send", clientId: `fmt-${crypto.randomUUID().slice(0, 8)}`, text });
  const frames = await sock.until(isBotMessage);
  sock.close();
  return (frames.find(isBotMessage) as Extract<ServerFrame, { t: "event" }>).event as MessageEvent;
}

it("rebuilds a snapshot of this engine that does not fit the format, and keeps answering meanwhile", async () => {
  expect((await ask("How do I reset my password?")).sources?.[0]?.articleId).toBe("reset-password");
  const cur = await current();
  if (!cur) throw new Error("no current KB");
  const snapshot = (await env.KB.get(cur.snapshot_key, "json")) as { articles: { questions: unknown[] }[] };
  // Loadable without a crash (the questions are only joined into text), so only the schema can notice.
  (snapshot.articles[0] as { questions: unknown[] }).questions = [42];
  const damaged = cur.version + 1;
  const key = `kb/demo/v${damaged}.${ENGINE_VERSION}`;
  await env.KB.put(key, JSON.stringify(snapshot));
  await env.DB.batch([
    env.DB.prepare(
      "INSERT INTO kb_versions (workspace_id, version, snapshot_key, articles, chunks, current, created_at) VALUES ('demo', ?, ?, 0, 0, 0, ?)",
    ).bind(damaged, key, Date.now()),
    env.DB.prepare("UPDATE kb_versions SET current = (version = ?) WHERE workspace_id = 'demo'").bind(damaged),
  ]);
  // Isolates re-check the current version every 2 s.
  await new Promise((r) => setTimeout(r, 2100));
  expect((await ask("How do I reset my password?")).action).toBe("answer");
  const deadline = Date.now() + 20_000;
  let now = await current();
  while (!(now && now.version > damaged) && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 200));
    now = await current();
  }
  expect(now?.version).toBeGreaterThan(damaged);
  const job = await env.DB.prepare(
    "SELECT kind, status FROM kb_jobs WHERE workspace_id = 'demo' AND kind = 'rebuild' ORDER BY created_at DESC",
  ).first<{ kind: string; status: string }>();
  expect(job).toEqual({ kind: "rebuild", status: "done" });
  await new Promise((r) => setTimeout(r, 2100));
  expect((await ask("How do I reset my password?")).sources?.[0]?.articleId).toBe("reset-password");
}, 40_000);

it("reads a snapshot stored in parts (past KV's value limit) and answers from it; a missing part is refused, never half-read", async () => {
  const cur = await current();
  if (!cur) throw new Error("no current KB");
  const snapshot = await readSnapshot(env.KB, cur.snapshot_key);
  if (!snapshot) throw new Error("no snapshot");
  const version = cur.version + 100;
  const key = `kb/demo/v${version}.${ENGINE_VERSION}`;
  // 64 KiB parts stand in for the 20 MiB ones: the demo KB's snapshot then needs several.
  const parts = await writeSnapshot(env.KB, key, snapshot, 64 * 1024);
  expect(parts).toBeGreaterThan(2);
  expect(await env.KB.get(partKey(key, 0), "arrayBuffer")).not.toBeNull();
  expect(await readSnapshot(env.KB, key)).toEqual(snapshot);
  await env.DB.batch([
    env.DB.prepare(
      "INSERT INTO kb_versions (workspace_id, version, snapshot_key, articles, chunks, current, created_at) VALUES ('demo', ?, ?, 0, 0, 0, ?)",
    ).bind(version, key, Date.now()),
    env.DB.prepare("UPDATE kb_versions SET current = (version = ?) WHERE workspace_id = 'demo'").bind(version),
  ]);
  await new Promise((r) => setTimeout(r, 2100));
  expect((await ask("How do I reset my password?")).sources?.[0]?.articleId).toBe("reset-password");
  // No rebuild was needed: the parts were read.
  expect((await current())?.version).toBe(version);

  // A part gone (or left from another write): refused with what is wrong, never half-read.
  await env.KB.delete(partKey(key, 1));
  await expect(readSnapshot(env.KB, key)).rejects.toThrow("part 1 of");
  await deleteSnapshot(env.KB, key);
  expect(await env.KB.get(key)).toBeNull();
  expect(await env.KB.get(partKey(key, 0))).toBeNull();
}, 40_000);
