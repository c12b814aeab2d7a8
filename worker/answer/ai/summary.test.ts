// The handoff summarizer's pure parts and its behaviour against the in-memory Ai fake (Node).
import { describe, expect, it } from "vitest";
import type { ConversationEvent } from "../../../shared/protocol.ts";
import { cleanSummary, LlmSummarizer, summaryMessages, summarySettings, transcriptForSummary } from "./summary.ts";
import { FakeAi } from "../../../tests/fakes/ai.ts";

const events: ConversationEvent[] = [
  { type: "message", seq: 1, id: "m1", author: "customer", text: "My prints arrived with a cracked frame", at: 1 },
  { type: "message", seq: 2, id: "m2", author: "bot", text: "Sorry to hear that. You can request a reprint.", at: 2 },
  {
    type: "note",
    seq: 3,
    audience: "agents",
    id: "n1",
    name: "Alex",
    text: "SECRET: refund abuser, be careful",
    at: 3,
  },
  { type: "change", seq: 4, audience: "agents", by: "Alex", labels: ["vip"], at: 4 },
  {
    type: "message",
    seq: 5,
    id: "m3",
    author: "agent",
    name: "Alex",
    text: "Could you send a photo of the frame?",
    at: 5,
  },
  { type: "message", seq: 6, id: "m4", author: "system", text: "Customer left the page", at: 6 },
];

describe("handoff summary: transcript and prompt", () => {
  it("keeps customer, bot and agent messages and drops private notes, changes and system lines", () => {
    const lines = transcriptForSummary(events);
    expect(lines.map((l) => l.author)).toEqual(["customer", "bot", "agent"]);
    const prompt = summaryMessages(lines, "en")
      .map((m) => m.content)
      .join("\n");
    expect(prompt).toContain("Customer: My prints arrived with a cracked frame");
    expect(prompt).toContain("Agent: Could you send a photo of the frame?");
    expect(prompt).not.toContain("SECRET");
    expect(prompt).toMatch(/1 to 3 short sentences/);
  });

  it("cleans the model's answer to at most three sentences, without a label or wrapping quotes", () => {
    expect(cleanSummary('Summary: "The customer\'s frame arrived cracked."')).toBe(
      "The customer's frame arrived cracked.",
    );
    expect(cleanSummary("One. Two! Three? Four.")).toBe("One. Two! Three?");
    expect(cleanSummary("   ")).toBe("");
    expect(cleanSummary("x".repeat(800))).toHaveLength(500);
  });
});

describe("handoff summary: configuration", () => {
  const ai = new FakeAi() as unknown as Ai;
  it("follows COMPOSER unless SUMMARY says otherwise, and needs the AI binding", () => {
    expect(summarySettings({}).mode).toBe("extractive");
    expect(summarySettings({ COMPOSER: "llm", AI: ai }).mode).toBe("llm");
    expect(summarySettings({ COMPOSER: "llm", SUMMARY: "extractive", AI: ai }).mode).toBe("extractive");
    expect(summarySettings({ SUMMARY: "llm", AI: ai }).mode).toBe("llm");
    expect(summarySettings({ SUMMARY: "llm" }).mode).toBe("extractive");
    const s = summarySettings({
      SUMMARY: "llm",
      AI: ai,
      SUMMARY_TIMEOUT_MS: "900",
      SUMMARY_WAIT_MS: "0",
      LLM_MODEL: "@cf/x/y",
    });
    expect(s).toMatchObject({ model: "@cf/x/y", timeoutMs: 900, waitMs: 0 });
  });
});

describe("handoff summary: the model call", () => {
  const lines = transcriptForSummary(events);
  const make = (fake: FakeAi, timeoutMs = 300) =>
    new LlmSummarizer(fake, { model: "@cf/meta/llama-3.1-8b-instruct", timeoutMs, maxTokens: 160 });

  it("returns the model's summary from one non-streamed call", async () => {
    const fake = new FakeAi();
    expect(await make(fake).summarize(lines, "en")).toBe("The customer says: My prints arrived with a cracked frame.");
    expect(fake.calls).toHaveLength(1);
    expect(fake.calls[0]?.inputs.stream).toBeUndefined();
  });

  it("answers null (keep the extractive summary) on an error, a timeout, empty output, or no customer words", async () => {
    expect(await make(new FakeAi().behave({ failModel: "llama" })).summarize(lines, "en")).toBeNull();
    const started = Date.now();
    expect(await make(new FakeAi().behave({ runDelayMs: 2000 }), 100).summarize(lines, "en")).toBeNull();
    expect(Date.now() - started).toBeLessThan(1000);
    expect(await make(new FakeAi().behave({ reply: "" })).summarize(lines, "en")).toBeNull();
    const fake = new FakeAi();
    expect(
      await make(fake).summarize(
        lines.filter((l) => l.author !== "customer"),
        "en",
      ),
    ).toBeNull();
    expect(fake.calls).toHaveLength(0);
  });
});
