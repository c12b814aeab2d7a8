// The LLM composer: grounded prompt, streamed tokens with renumbered citations, refusal, timeouts and
// fallbacks; and the brain turning a refusal into a decline, then a handoff.
import { describe, expect, it } from "vitest";
import type { Source } from "../../../shared/protocol.ts";
import { brainFrom, type BrainParts } from "../brain.ts";
import { defaultAiSettings } from "./config.ts";
import { LlmComposer } from "./llm.ts";
import { CitationRewriter, groundedMessages, REFUSAL_MARKER, refusalState } from "./prompt.ts";
import { embeddedRetriever, type ComposeInput } from "../parts.ts";
import type { BotTurn } from "../../conversation/model.ts";
import type { Meta } from "../../conversation/model.ts";
import { defaultDecisionConfig } from "../engine/config.ts";
import { retrieve, type Candidate } from "../engine/retrieve.ts";
import { FakeAi, FAKE_REFUSAL, promptPassages } from "../../../tests/fakes/ai.ts";
import { collect, kb } from "./test-helpers.ts";

const source = (c: Candidate): Source => ({
  articleId: c.articleId,
  title: c.title,
  url: `https://help.example/help/${c.articleId}`,
});
function input(q: string): ComposeInput {
  const r = retrieve(kb.index, q, { locale: "en" });
  return { text: q, locale: "en", article: r.candidates[0] as Candidate, retrieval: r, source };
}
const settings = { ...defaultAiSettings, llmFirstTokenMs: 300, llmTotalMs: 2000 };

describe("prompt", () => {
  it("numbers the passages, asks for citations and for the exact refusal marker", () => {
    const [system, user] = groundedMessages(
      "How do I change my PIN?",
      [
        { title: "PIN", text: "Use any cash machine." },
        { title: "Rates", text: "Interbank." },
      ],
      "es",
    );
    expect(system?.content).toContain("[1] PIN\nUse any cash machine.");
    expect(system?.content).toContain("[2] Rates\nInterbank.");
    expect(system?.content).toContain(`reply with exactly ${REFUSAL_MARKER}`);
    expect(system?.content).toContain("Spanish");
    expect(user).toEqual({ role: "user", content: "How do I change my PIN?" });
    expect(promptPassages(system?.content ?? "").map((p) => p.n)).toEqual([1, 2]);
    expect(FAKE_REFUSAL).toBe(REFUSAL_MARKER);
  });
  it("recognises the marker only at the start of the reply", () => {
    expect(refusalState("")).toBe("maybe");
    expect(refusalState(" NOT_IN")).toBe("maybe");
    expect(refusalState(`${REFUSAL_MARKER}.`)).toBe("refused");
    expect(refusalState("You can")).toBe("answer");
  });
});

describe("CitationRewriter", () => {
  it("renumbers citations by first use, holds back an unfinished one, drops out-of-range ones", () => {
    const rw = new CitationRewriter(3);
    const out =
      ["Use the app [", "3", "]. Or a cash", " machine [1, 3][7].", " Done [", "2"].map((t) => rw.push(t)).join("") +
      rw.flush();
    expect(out).toBe("Use the app [1]. Or a cash machine [2][1]. Done ");
    expect(rw.cited).toEqual([2, 0]);
  });
  it("leaves brackets that are not citations alone", () => {
    const rw = new CitationRewriter(2);
    expect(rw.push("Tap [Cards] then [ok]") + rw.flush()).toBe("Tap [Cards] then [ok]");
  });
});

describe("LlmComposer", () => {
  it("streams a grounded answer token by token, citing the passage it used", async () => {
    const ai = new FakeAi();
    const c = await new LlmComposer(ai, settings).compose(input("How do I change my PIN?"));
    if (c.kind !== "answer" || typeof c.text === "string")
      throw new Error(`expected a stream, got ${JSON.stringify(c)}`);
    const tokens = await collect(c.text);
    expect(tokens.length).toBeGreaterThan(5);
    const text = tokens.join("");
    expect(text).toMatch(/PIN/);
    expect(text).toMatch(/\[1\]$/);
    expect(c.composer).toBe("llm");
    expect(c.citedSources?.()).toEqual([
      { articleId: "change-pin", title: "How do I change my PIN?", url: "https://help.example/help/change-pin" },
    ]);
    const call = ai.calls.at(-1);
    expect(call?.model).toBe("@cf/meta/llama-3.1-8b-instruct");
    expect(call?.inputs).toMatchObject({ stream: true, max_tokens: settings.llmMaxTokens });
  });
  it("maps a citation of the second passage to that passage's article", async () => {
    const ai = new FakeAi().behave({ script: () => ({ tokens: ["Rates", " are", " interbank", " [2", "]."] }) });
    const inp = input("How do I change my PIN?");
    const c = await new LlmComposer(ai, { ...settings, llmPassages: 3 }).compose({
      ...inp,
      retrieval: {
        ...inp.retrieval,
        candidates: inp.retrieval.candidates.map((x) => ({ ...x, score: inp.article.score })),
      },
    });
    if (c.kind !== "answer" || typeof c.text === "string") throw new Error("expected a stream");
    expect((await collect(c.text)).join("")).toBe("Rates are interbank [1].");
    const second = promptPassages(
      String((ai.calls.at(-1)?.inputs.messages as { content: string }[] | undefined)?.[0]?.content),
    )[1];
    expect(c.citedSources?.().map((s) => s.title)).toEqual([second?.title]);
  });
  it("returns a refusal, without streaming the marker, when the passages do not hold the answer", async () => {
    const ai = new FakeAi().behave({ script: () => ({ refuse: true }) });
    expect(await new LlmComposer(ai, settings).compose(input("How do I change my PIN?"))).toEqual({
      kind: "refused",
      composer: "llm",
    });
  });
  it("falls back to the extractive answer when the model errors", async () => {
    const c = await new LlmComposer(new FakeAi().behave({ failModel: "llama" }), settings).compose(
      input("How do I change my PIN?"),
    );
    expect(c).toMatchObject({ kind: "answer", composer: "extractive-fallback" });
    expect(c.kind === "answer" && typeof c.text === "string" && c.text.includes("PIN")).toBe(true);
  });
  it("falls back within the first-token budget when the model is slow to start", async () => {
    const started = Date.now();
    const c = await new LlmComposer(new FakeAi().behave({ firstTokenDelayMs: 2000 }), settings).compose(
      input("How do I change my PIN?"),
    );
    expect(Date.now() - started).toBeLessThan(settings.llmFirstTokenMs + 250);
    expect(c).toMatchObject({ kind: "answer", composer: "extractive-fallback" });
  });
  it("also when the binding itself is slow to return the stream", async () => {
    const c = await new LlmComposer(new FakeAi().behave({ runDelayMs: 1000 }), settings).compose(
      input("How do I change my PIN?"),
    );
    expect(c).toMatchObject({ composer: "extractive-fallback" });
  });
  it("ends the answer cleanly if the stream breaks after it started", async () => {
    const c = await new LlmComposer(new FakeAi().behave({ streamErrorAfter: 4 }), settings).compose(
      input("How do I change my PIN?"),
    );
    if (c.kind !== "answer" || typeof c.text === "string") throw new Error("expected a stream");
    const tokens = await collect(c.text);
    expect(tokens.length).toBeGreaterThan(0);
    expect(tokens.length).toBeLessThanOrEqual(4);
  });
});

describe("brain with the LLM composer", () => {
  const meta: Meta = {
    id: "c1",
    workspaceId: "demo",
    siteKey: "s",
    channel: "widget",
    locale: "en",
    baseUrl: "https://help.example",
    createdAt: 0,
    state: "bot",
    lowConfidenceTurns: 0,
    failures: 0,
    tried: [],
  };
  const parts = (ai: FakeAi): BrainParts => ({
    retriever: embeddedRetriever,
    composer: new LlmComposer(ai, settings),
    config: defaultDecisionConfig,
    loadKb: async () => kb,
  });
  const ctx = (priorLowConfidence = 0) => ({ locale: "en", priorLowConfidence, priorFailures: 0, earlier: [] });

  it("answers with a stream and sources resolved from the citations", async () => {
    const turn: BotTurn = await brainFrom(parts(new FakeAi()), () => meta).turn("How do I change my PIN?", ctx());
    expect(turn.action).toBe("answer");
    expect(typeof turn.text).not.toBe("string");
    await collect(turn.text as AsyncIterable<string>);
    expect(turn.citedSources?.()[0]?.url).toBe("https://help.example/hc/demo/articles/change-pin");
  });
  it("turns a refusal into a decline, and a second one into a handoff", async () => {
    const ai = new FakeAi().behave({ script: () => ({ refuse: true }) });
    const first = await brainFrom(parts(ai), () => meta).turn("How do I change my PIN?", ctx(0));
    expect(first).toMatchObject({ action: "decline", reason: "not-in-sources", lowConfidence: true, sources: [] });
    expect(first.text).not.toContain(REFUSAL_MARKER);
    const second = await brainFrom(parts(ai), () => meta).turn("How do I change my PIN?", ctx(1));
    expect(second).toMatchObject({
      action: "handoff",
      reason: "low-confidence-after-rephrase",
      article: { id: "change-pin" },
    });
  });
});
