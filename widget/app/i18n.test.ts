import { describe, expect, it } from "vitest";
import { MAX_MESSAGE_CHARS } from "../../shared/protocol.ts";
import { loaded, translator } from "./i18n.ts";
import { es } from "./i18n-es.ts";
import { MAX_CHARS } from "./pending.ts";
import { launcherLabels, pickLocale } from "../locale.ts";

describe("locale choice", () => {
  it("prefers data-locale, then the browser's languages in order", () => {
    expect(pickLocale(["es", "en-US"])).toBe("es");
    expect(pickLocale([undefined, "es-MX", "en"])).toBe("es");
    expect(pickLocale([null, "en-GB", "es"])).toBe("en");
  });
  it("skips unsupported languages and falls back to English", () => {
    expect(pickLocale(["fr", "de-DE", "es_AR"])).toBe("es");
    expect(pickLocale(["fr", "pt-BR"])).toBe("en");
    expect(pickLocale([])).toBe("en");
    expect(pickLocale(["", "  "])).toBe("en");
  });
  it("has launcher labels for every supported locale", () => {
    expect(launcherLabels.es[0]).toMatch(/chat/);
  });
});

describe("translator", () => {
  it("translates and interpolates, once a language's words are loaded; English until then", () => {
    expect(translator("es-ES")("joined", { name: "Alex" })).toBe("Alex joined the chat");
    loaded.value = { es };
    expect(translator("es-ES")("joined", { name: "Alex" })).toBe("Alex se unió al chat");
    loaded.value = {};
    expect(translator("en")("typing", { name: "Sam" })).toBe("Sam is typing…");
  });
  it("unknown locales get English", () => {
    expect(translator("ja")("talkToPerson")).toBe("Talk to a person");
  });
  it("a key missing from a dictionary falls back to the English string", () => {
    const t = translator("es", { es: { title: "Ayuda" } });
    expect(t("title")).toBe("Ayuda");
    expect(t("send")).toBe("Send");
  });
});

it("the widget's message limit matches the protocol's", () => {
  expect(MAX_CHARS).toBe(MAX_MESSAGE_CHARS);
});
