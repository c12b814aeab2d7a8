// The bot's deterministic mode (draft.ts), which surge triage drafts with: the same article and words
// the embedded engine gives (what surge computed by hand before), the same answer the bot's own turn
// gives when it answers, and the same draft every time.
import { describe, expect, it } from "vitest";
import type { Meta } from "../conversation/model.ts";
import { draft } from "./draft.ts";
import { buildSnapshot, composeAnswer, defaultDecisionConfig, loadIndex, retrieve } from "./engine/index.ts";
import { articles, history } from "./engine/test-fixtures.ts";
import { embeddedRetriever, extractiveComposer } from "./parts.ts";
import { articleUrl, brainFrom } from "./turn.ts";

const kb = { version: 1, index: loadIndex(buildSnapshot({ version: "t", articles, history })) };
const ctx = { workspaceId: "demo", baseUrl: "https://help.example/", locale: "en" };
const questions = [
  "How do I change my PIN?",
  "my card has not arrived yet",
  "someone took money from my account",
  "what is the weather like on mars",
];

describe("draft, the bot's deterministic mode", () => {
  it("drafts from the embedded engine's best article, whatever its score", async () => {
    for (const q of questions) {
      const d = await draft(kb, q, ctx);
      const top = retrieve(kb.index, q, { locale: "en" }).candidates[0];
      if (!top) throw new Error(`no candidate for ${q}`);
      expect(d, q).toEqual({
        article: top,
        text: composeAnswer(q, top),
        source: { articleId: top.articleId, title: top.title, url: articleUrl(ctx.baseUrl, "demo", top.articleId) },
      });
    }
  });

  it("words an answer as the bot's own turn does when it answers", async () => {
    const meta = { id: "c1", workspaceId: "demo", baseUrl: ctx.baseUrl } as Meta;
    const brain = brainFrom(
      {
        retriever: embeddedRetriever,
        composer: extractiveComposer,
        config: defaultDecisionConfig,
        loadKb: async () => kb,
      },
      () => meta,
    );
    const q = "How do I change my PIN?";
    const t = await brain.turn(q, { locale: "en", priorLowConfidence: 0, priorFailures: 0, earlier: [] });
    expect(t.action).toBe("answer");
    const d = await draft(kb, q, ctx);
    expect(d?.text).toBe(t.text);
    expect([d?.source]).toEqual(t.sources);
  });

  it("gives the same draft every time", async () => {
    for (const q of questions) expect(await draft(kb, q, ctx)).toEqual(await draft(kb, q, ctx));
  });
});
