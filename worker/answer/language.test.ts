// The customer's language comes from what they write, not from the page: issue #15's first complaint
// was the demo page's own Spanish suggestion answered in English with "outside what our help centre
// covers". These run the bot's real turn (worker/answer/turn.ts) over the demo KB, with the widget's
// default locale (en) as the conversation's language.
import { describe, expect, it } from "vitest";
import { chooseLanguage } from "./language.ts";
import { brainFrom } from "./turn.ts";
import { embeddedRetriever, extractiveComposer } from "./parts.ts";
import type { Meta } from "../conversation/model.ts";
import { buildSnapshot, defaultDecisionConfig, loadIndex } from "./engine/index.ts";
import { readKbDir } from "../../scripts/lib/kb-files.ts";
import { conversationLocale } from "../../widget/app/i18n.ts";

const index = loadIndex(buildSnapshot({ version: "t", articles: readKbDir("kb"), history: [] }));
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
const brain = brainFrom(
  {
    retriever: embeddedRetriever,
    composer: extractiveComposer,
    config: defaultDecisionConfig,
    loadKb: async () => ({ version: 1, index }),
  },
  () => meta,
);
const turn = (text: string, locale = "en") =>
  brain.turn(text, { locale, priorLowConfidence: 0, priorFailures: 0, earlier: [] });

describe("the language of a message", () => {
  it("comes from the text when it says enough", async () => {
    expect((await chooseLanguage("¿cómo recupero fotos borradas?", "en", ["en", "es"])).lang).toBe("es");
    expect((await chooseLanguage("la copia de seguridad no funciona en mi android", "en", ["en", "es"])).lang).toBe(
      "es",
    );
    expect((await chooseLanguage("Comment puis-je récupérer mes photos ?", "en", ["en", "es"])).lang).toBe("fr");
    expect((await chooseLanguage("my card was declined at the restaurant", "es", ["en", "es"])).lang).toBe("en");
  });

  it("keeps the conversation's language for short or unclear messages", async () => {
    for (const t of ["ok", "iPhone 13", "password reset", "order #48213", "???"]) {
      expect((await chooseLanguage(t, "es", ["en", "es"])).lang, t).toBe("es");
      expect((await chooseLanguage(t, "en", ["en", "es"])).lang, t).toBe("en");
    }
    // A greeting or thanks settles it even when short.
    expect((await chooseLanguage("gracias", "en", ["en", "es"])).lang).toBe("es");
  });

  it("does not move English support questions elsewhere (banking77-like phrasing)", async () => {
    for (const t of [
      "How do I transfer money to a friend?",
      "Can I get a refund?",
      "I want a refund",
      "is there a fee for top up",
      "Why is my top up pending?",
      "what is the exchange rate",
    ])
      expect((await chooseLanguage(t, "en", ["en"])).lang, t).toBe("en");
  });
});

describe("a turn in the customer's language", () => {
  it("answers the demo page's Spanish suggestion from the Spanish article, in Spanish", async () => {
    const t = await turn("¿cómo recupero fotos borradas?");
    expect(t.action).toBe("answer");
    expect(t.sources[0]?.articleId).toBe("es-recover-deleted-photos");
    expect(t.locale).toBe("es");
    expect(String(t.text)).toMatch(/Papelera/);
  });

  it("says in their language that there are no articles in it, and offers a person", async () => {
    const t = await turn("Comment puis-je récupérer mes photos supprimées ?");
    expect(t.action).toBe("decline");
    expect(t.reason).toBe("language-not-covered");
    expect(t.locale).toBe("fr");
    expect(String(t.text)).toMatch(/pas encore d'articles en français/);
    expect(String(t.text)).toMatch(/Talk to a person/);
  });

  it("answers greetings and thanks kindly, in their language, without counting a miss", async () => {
    const hi = await turn("hola");
    expect(hi).toMatchObject({ action: "decline", reason: "small-talk", locale: "es", lowConfidence: false });
    expect(String(hi.text)).toMatch(/¿En qué puedo ayudarte\?/);
    expect((await turn("thanks!")).reason).toBe("small-talk");
  });

  it("hands a French speaker who asks for a person to one", async () => {
    const t = await turn("je veux parler à une personne s'il vous plaît");
    expect(t.action).toBe("handoff");
    expect(t.locale).toBe("fr");
  });
});

describe("the widget's words", () => {
  it("follow the language the bot found, when the widget has them", () => {
    const msgs = [{ author: "customer" }, { author: "bot", locale: "es" }];
    expect(conversationLocale(msgs, "en")).toBe("es");
    expect(conversationLocale([...msgs, { author: "bot", locale: "fr" }], "en")).toBe("en");
    expect(conversationLocale([{ author: "customer" }], "es")).toBe("es");
  });
});
