// A deploy can change the KB engine (model, snapshot shape). Snapshots built by another engine are
// never loaded: they are rebuilt from the stored articles and history, and the bot keeps answering.
import { env, SELF } from "cloudflare:test";
import { beforeAll, expect, it } from "vitest";
import type { MessageEvent, ServerFrame } from "../../shared/protocol.ts";
import { ENGINE_VERSION } from "../../worker/answer/engine/snapshot.ts";
import {
  ADMIN,
  BASE,
  connect,
  createConversation,
  demoArticles,
  isBotMessage,
  publishDemoKb,
  q,
  wsAs,
} from "./helpers.ts";

beforeAll(publishDemoKb);

const current = () =>
  env.DB.prepare("SELECT version, snapshot_key FROM kb_versions WHERE workspace_id = 'demo' AND current = 1").first<{
    version: number;
    snapshot_key: string;
  }>();

/** What an older deployment left: the current version points at a snapshot of another engine. */
async function leaveLegacySnapshot(): Promise<number> {
  const cur = await current();
  const version = (cur?.version ?? 0) + 1;
  const key = `kb/demo/v${version}`;
  await env.KB.put(key, JSON.stringify({ format: 1, version: String(version), articles: [], model: {} }));
  await env.DB.batch([
    env.DB.prepare(
      "INSERT INTO kb_versions (workspace_id, version, snapshot_key, articles, chunks, current, created_at) VALUES ('demo', ?, ?, 0, 0, 0, ?)",
    ).bind(version, key, Date.now()),
    env.DB.prepare("UPDATE kb_versions SET current = (version = ?) WHERE workspace_id = 'demo'").bind(version),
  ]);
  return version;
}

async function ask(text: string): Promise<MessageEvent> {
  const c = await createConversation();
  const sock = await connect(`/v1/conversations/${c.id}/ws?${q(c)}`, wsAs(c));
  sock.send({ t: "send", clientId: `upg-${crypto.randomUUID().slice(0, 8)}`, text });
  const frames = await sock.until(isBotMessage);
  sock.close();
  return (frames.find(isBotMessage) as Extract<ServerFrame, { t: "event" }>).event as MessageEvent;
}

it("rebuilds a snapshot built by another engine, and keeps answering meanwhile", async () => {
  const legacy = await leaveLegacySnapshot();
  // Isolates re-check the current version every 2 s.
  await new Promise((r) => setTimeout(r, 2100));
  const during = await ask("How do I reset my password?");
  expect(during.action).toBe("answer");
  // The rebuild runs as a job and commits a new version built by this engine.
  const deadline = Date.now() + 20_000;
  let cur = await current();
  while (!(cur && cur.version > legacy) && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 200));
    cur = await current();
  }
  expect(cur?.version).toBeGreaterThan(legacy);
  expect(cur?.snapshot_key.endsWith(`.${ENGINE_VERSION}`)).toBe(true);
  const job = await env.DB.prepare(
    "SELECT kind, status FROM kb_jobs WHERE workspace_id = 'demo' AND kind = 'rebuild' ORDER BY created_at DESC",
  ).first<{ kind: string; status: string }>();
  expect(job).toEqual({ kind: "rebuild", status: "done" });
  await new Promise((r) => setTimeout(r, 2100));
  expect((await ask("How do I reset my password?")).sources?.[0]?.articleId).toBe("reset-password");
}, 30_000);

it("publishing unchanged articles over another engine's snapshot builds a new one", async () => {
  const legacy = await leaveLegacySnapshot();
  const r = await SELF.fetch(`${BASE}/admin/v1/kb/articles?workspace=demo`, {
    method: "PUT",
    headers: ADMIN,
    body: JSON.stringify({ articles: demoArticles, replace: true }),
  });
  expect(r.status).toBe(200);
  const body = (await r.json()) as { version: number; unchanged?: boolean };
  expect(body.unchanged).toBeUndefined();
  expect(body.version).toBeGreaterThan(legacy);
  expect((await current())?.snapshot_key.endsWith(`.${ENGINE_VERSION}`)).toBe(true);
});
