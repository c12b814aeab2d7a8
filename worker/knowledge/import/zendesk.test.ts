import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { ImportFormatError } from "./common.ts";
import { fromZendesk } from "./zendesk.ts";

const fixture = JSON.parse(readFileSync("tests/fixtures/kb-import/zendesk-articles.json", "utf8")) as unknown;

describe("fromZendesk", () => {
  const { items } = fromZendesk(fixture);
  const byId = (id: string) => items.find((i) => i.id === id);

  it("maps title, HTML body, locale, section, labels, date and published state", () => {
    const tv = byId("zendesk-360001234501");
    expect(tv?.state).toBe("published");
    expect(tv?.article).toMatchObject({
      title: "Watch your photos on a smart TV",
      category: "apps",
      tags: ["tv", "cast", "slideshow"],
      locale: "en",
      updated: "2026-09-21",
    });
    expect(tv?.article?.body).toBe(
      "Install the **Lumen TV** app from your TV's app store, open it and note the *pairing code*.\n\n" +
        "1. On your phone, open **Settings > Devices**.\n2. Select **Pair a TV** and type the code.\n\n" +
        "See [lumen.example/tv](https://lumen.example/tv) for supported models.\n\nThe pairing screen",
    );
    expect(tv?.warnings).toEqual(["images are not imported (their alt text is kept)"]);
  });

  it("keeps drafts as drafts and strips scripts, frames and javascript: links with warnings", () => {
    const book = byId("zendesk-360001234502");
    expect(book?.state).toBe("draft");
    expect(book?.article?.category).toBe("prints");
    expect(book?.article?.body).toBe("## Before you start\n\nPick 20 to 100 photos.\n\nThen choose Create book.");
    expect(book?.warnings.sort()).toEqual([
      "embedded content (iframes, objects) is not imported",
      "links that are not http(s) or mailto were reduced to their text",
      "scripts were removed",
    ]);
  });

  it("gives translations their own id and skips empty bodies and duplicate ids", () => {
    expect(byId("es-zendesk-360001234503")?.article?.locale).toBe("es");
    const empty = byId("zendesk-360001234504");
    expect(empty?.article).toBeNull();
    expect(empty?.warnings).toContain("empty body: skipped");
    const dup = items.filter((i) => i.id === "zendesk-360001234501");
    expect(dup.map((d) => !!d.article)).toEqual([true, false]);
    expect(dup[1]?.warnings.at(-1)).toMatch(
      /^duplicate id zendesk-360001234501 \(also zendesk 360001234501\): skipped$/,
    );
  });

  it("refuses something that is not a Help Center articles answer", () => {
    expect(() => fromZendesk({ tickets: [] })).toThrow(ImportFormatError);
    expect(fromZendesk({ articles: [{ title: "no id" }] }).items[0]?.warnings).toEqual([
      "not a Zendesk article (no id): skipped",
    ]);
  });
});
