// The production AI path end to end in workerd: publishing embeds the KB into (fake) Vectorize, and a
// customer's question over the WebSocket is answered by hybrid retrieval and a streamed LLM answer
// whose citations become the message's sources. The worker runs unmodified; only its AI and
// VECTORIZE bindings are fakes (see vitest.worker.config.ts).
import { env, SELF } from "cloudflare:test";
import { beforeAll, describe, expect, it } from "vitest";
import type { PublishResult } from "../../../shared/api.ts";
import type { MessageEvent, ServerFrame } from "../../../shared/protocol.ts";
import type { FakeAiBehaviour } from "../../fakes/ai.ts";
import { ADMIN, BASE, connect, createConversation, demoArticles, isBotMessage, q, wsAs } from "../helpers.ts";

/** The fake's test controls, reached through the AI binding (an RPC stub to the fakes Worker). */
type FakeControls = {
  behave(b: Omit<FakeAiBehaviour, "script">): Promise<void>;
  calls(): Promise<{ model: string; stream: boolean; texts: number }[]>;
};
const fake = () => env.AI as unknown as FakeControls;

let published: PublishResult;

beforeAll(async () => {
  const r = await SELF.fetch(`${BASE}/admin/v1/kb/articles?workspace=demo`, {
    method: "PUT",
    headers: ADMIN,
    body: JSON.stringify({ articles: demoArticles, replace: true }),
  });
  expect(r.status).toBe(200);
  published = await r.json();
});

async function ask(text: string, clientId: string) {
  const c = await createConversation();
  const sock = await connect(`/v1/conversations/${c.id}/ws?${q(c)}`, wsAs(c));
  await sock.until((f) => f.t === "ready");
  sock.send({ t: "send", clientId, text });
  const frames = await sock.until(isBotMessage, 8000);
  sock.close();
  const deltas = frames.filter((f): f is Extract<ServerFrame, { t: "delta" }> => f.t === "delta");
  const msg = (frames.find(isBotMessage) as Extract<ServerFrame, { t: "event" }>).event as MessageEvent;
  return { deltas, msg, frames };
}

describe("production AI path (hybrid retrieval + LLM composer)", () => {
  it("publishing embeds every passage into Vectorize", async () => {
    expect(published.semantic).toMatchObject({ embedded: published.chunks, deleted: 0 });
    const info = await env.VECTORIZE?.describe();
    expect(info?.vectorCount).toBe(published.chunks);
    expect(
      (await fake().calls()).filter((c) => c.model === "@cf/baai/bge-base-en-v1.5").every((c) => c.texts <= 100),
    ).toBe(true);
  });

  it("streams a grounded LLM answer with citations over the WebSocket and stores it with its sources", async () => {
    await fake().behave({});
    const { deltas, msg } = await ask("How do I reset my password?", "ai-client-0001");
    expect(msg.action).toBe("answer");
    // Token by token as the model produced them, re-joining into exactly the stored text.
    expect(deltas.length).toBeGreaterThan(5);
    expect(deltas.map((d) => d.text).join("")).toBe(msg.text);
    expect(msg.text).toMatch(/\[1\]/);
    expect(msg.text.toLowerCase()).toContain("password");
    expect(msg.sources?.[0]).toEqual({
      articleId: "reset-password",
      title: expect.any(String),
      url: `${BASE}/hc/demo/articles/reset-password`,
    });
    const calls = await fake().calls();
    expect(calls.some((c) => c.model === "@cf/meta/llama-3.1-8b-instruct" && c.stream)).toBe(true);
  });

  it("never shows the refusal marker: a refusal becomes a decline", async () => {
    await fake().behave({ refuse: true });
    const { msg } = await ask("How do I reset my password?", "ai-client-0002");
    await fake().behave({});
    expect(msg.action).toBe("decline");
    expect(msg.text).not.toContain("NOT_IN_SOURCES");
    expect(msg.sources ?? []).toEqual([]);
  });

  it("falls back to the extractive answer when the model is slow to its first token", async () => {
    await fake().behave({ firstTokenDelayMs: 5000 });
    const started = Date.now();
    const { msg } = await ask("How do I reset my password?", "ai-client-0003");
    await fake().behave({});
    expect(Date.now() - started).toBeLessThan(4000);
    expect(msg.action).toBe("answer");
    expect(msg.text).not.toMatch(/\[\d\]/);
    expect(msg.sources?.[0]?.articleId).toBe("reset-password");
  });
});
