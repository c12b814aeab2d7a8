// The handoff packet's summary written by the Workers AI model (worker/answer/ai/summary.ts), end to
// end in workerd with the AI fake bound (project "worker-ai": COMPOSER=llm, so SUMMARY follows it;
// SUMMARY_MODEL is its own name so a test can slow or fail just the summary; SUMMARY_TIMEOUT_MS=1500,
// SUMMARY_WAIT_MS the default 500).
import { env, SELF } from "cloudflare:test";
import { beforeAll, describe, expect, it } from "vitest";
import type { ConversationDetail } from "../../../shared/api.ts";
import type { ServerFrame } from "../../../shared/protocol.ts";
import type { FakeAiBehaviour } from "../../fakes/ai.ts";
import { BASE, connect, createAgent, createConversation, isBotMessage, publishDemoKb, q, wsAs } from "../helpers.ts";

type FakeControls = {
  behave(b: Omit<FakeAiBehaviour, "script">): Promise<void>;
  prompts(): Promise<{ model: string; stream: boolean; text: string }[]>;
};
const fake = () => env.AI as unknown as FakeControls;
const SUMMARY_MODEL = "@cf/meta/llama-3.2-3b-instruct";
const SECRET = "PRIVATE: customer is on the legacy plan, never offer refunds";

let cookie = "";
beforeAll(async () => {
  await publishDemoKb();
  cookie = await createAgent("sam@lumen.example");
});

const isQueued = (f: ServerFrame) => f.t === "event" && f.event.type === "state" && f.event.state === "queued";
const detail = async (id: string): Promise<ConversationDetail> =>
  (await SELF.fetch(`${BASE}/api/conversations/${id}`, { headers: { cookie } })).json();
const agentCall = (path: string, body?: unknown) =>
  SELF.fetch(`${BASE}${path}`, {
    method: "POST",
    headers: { cookie, "content-type": "application/json" },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
const summaryPrompts = async () => (await fake().prompts()).filter((p) => p.model === SUMMARY_MODEL);

/** A customer asks one question, the bot answers, then the customer asks for a person. */
async function handOff(question: string, tag: string) {
  const c = await createConversation({ pageUrl: "http://localhost:8787/account" });
  const customer = await connect(`/v1/conversations/${c.id}/ws?${q(c)}`, wsAs(c));
  await customer.until((f) => f.t === "ready");
  customer.send({ t: "send", clientId: `${tag}-question-01`, text: question });
  await customer.until(isBotMessage, 8000);
  const started = Date.now();
  customer.send({ t: "handoff" });
  await customer.until(isQueued, 8000);
  return { c, customer, queuedAfter: Date.now() - started };
}

describe("LLM handoff summary", { timeout: 20_000 }, () => {
  it("is the packet's summary when the model answers within the wait, and is shown only what the customer saw", async () => {
    await fake().behave({});
    const before = (await summaryPrompts()).length;
    const { c, customer } = await handOff("How do I reset my password?", "sum1");
    const d = await detail(c.id);
    expect(d.handoff?.summarySource).toBe("llm");
    expect(d.handoff?.summary).toBe("The customer says: How do I reset my password.");
    const prompt = (await summaryPrompts()).slice(before);
    expect(prompt).toHaveLength(1);
    expect(prompt[0]?.stream).toBe(false);
    expect(prompt[0]?.text).toContain("Customer: How do I reset my password?");
    expect(prompt[0]?.text).toMatch(/\nBot: /);
    customer.close();
  });

  it("never puts private notes in the prompt; agent replies are in it after a hand back and a second handoff", async () => {
    await fake().behave({});
    const { c, customer } = await handOff("How do I reset my password?", "sum2");
    expect(
      (await agentCall(`/api/conversations/${c.id}/notes`, { clientId: "sum2-note-000001", text: SECRET })).status,
    ).toBe(201);
    const reply = await SELF.fetch(`${BASE}/api/conversations/${c.id}/messages`, {
      method: "POST",
      headers: { cookie, "content-type": "application/json" },
      body: JSON.stringify({ clientId: "sum2-agent-00001", text: "Hi, Sam here. Did the reset email arrive?" }),
    });
    expect(reply.status).toBeLessThan(300);
    expect((await agentCall(`/api/conversations/${c.id}/handback`)).status).toBe(200);
    const before = (await summaryPrompts()).length;
    customer.send({ t: "send", clientId: "sum2-question-02", text: "The email never came, please get me a person" });
    // `until` looks at every frame so far: wait for the second move to the queue.
    await customer.until(() => customer.frames.filter(isQueued).length >= 2, 8000);
    const prompts = (await summaryPrompts()).slice(before);
    expect(prompts).toHaveLength(1);
    expect(prompts[0]?.text).toContain("Agent: Hi, Sam here. Did the reset email arrive?");
    expect(prompts[0]?.text).toContain("Customer: The email never came");
    expect(prompts[0]?.text).not.toContain("legacy plan");
    expect((await summaryPrompts()).every((p) => !p.text.includes("legacy plan"))).toBe(true);
    const d = await detail(c.id);
    expect(d.handoff?.summary).toBe(
      "The customer first said: How do I reset my password. Most recently: The email never came, please get me a person.",
    );
    customer.close();
  });

  it("falls back to the extractive summary when the model fails", async () => {
    await fake().behave({ failModel: SUMMARY_MODEL });
    const { c, customer } = await handOff("How do I reset my password?", "sum3");
    await fake().behave({});
    const d = await detail(c.id);
    expect(d.handoff?.summarySource).toBe("extractive");
    expect(d.handoff?.summary).toMatch(/^Problem: "How do I reset my password\?"\n/);
    customer.close();
  });

  it("falls back to the extractive summary when the model times out, without holding up the handoff", async () => {
    await fake().behave({ runDelayMs: 4000, delayModel: SUMMARY_MODEL });
    const { c, customer, queuedAfter } = await handOff("How do I reset my password?", "sum4");
    // Queued after the wait (500 ms), long before the model's answer or its 1500 ms timeout.
    expect(queuedAfter).toBeLessThan(1400);
    expect((await detail(c.id)).handoff?.summarySource).toBe("extractive");
    await new Promise((r) => setTimeout(r, 1800));
    const d = await detail(c.id);
    expect(d.handoff?.summarySource).toBe("extractive");
    expect(d.handoff?.summary).toMatch(/^Problem: "How do I reset my password\?"\n/);
    await fake().behave({});
    customer.close();
  });

  it("queues with the extractive summary when the model is slow, then upgrades the packet when it answers", async () => {
    await fake().behave({ runDelayMs: 900, delayModel: SUMMARY_MODEL });
    const { c, customer } = await handOff("How do I reset my password?", "sum5");
    expect((await detail(c.id)).handoff?.summarySource).toBe("extractive");
    await expect
      .poll(async () => (await detail(c.id)).handoff?.summarySource, { timeout: 3000, interval: 100 })
      .toBe("llm");
    const d = await detail(c.id);
    expect(d.handoff?.summary).toBe("The customer says: How do I reset my password.");
    // An agents-only change tells an open console to re-read the packet.
    expect(d.events.some((e) => e.type === "change" && e.by === "assistant" && e.summary === d.handoff?.summary)).toBe(
      true,
    );
    await fake().behave({});
    customer.close();
  });

  it("falls back to the extractive summary on empty output", async () => {
    await fake().behave({ reply: "" });
    const { c, customer } = await handOff("How do I reset my password?", "sum6");
    await fake().behave({});
    expect((await detail(c.id)).handoff).toMatchObject({ summarySource: "extractive" });
    expect((await detail(c.id)).handoff?.summary).toMatch(/^Problem: "How do I reset my password\?"\n/);
    customer.close();
  });
});
