import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { ImportFormatError } from "./common.ts";
import { fromIntercom } from "./intercom.ts";

const fixture = JSON.parse(readFileSync("tests/fixtures/kb-import/intercom-articles.json", "utf8")) as {
  articles: unknown;
};

describe("fromIntercom", () => {
  const { items } = fromIntercom(fixture);
  const byId = (id: string) => items.find((i) => i.id === id);

  it("maps each article and each translation, with the collection as category", () => {
    expect(items.map((i) => i.id)).toEqual([
      "intercom-6871119",
      "es-intercom-6871119",
      "intercom-6871120",
      "intercom-6871121",
    ]);
    const move = byId("intercom-6871119");
    expect(move?.state).toBe("published");
    expect(move?.article).toMatchObject({ category: "getting started", locale: "en", updated: "2025-10-09" });
    expect(move?.article?.body).toBe(
      "Sign in to Lumen on the new phone with the same account.\n\n" +
        "- Your albums and shared links come across automatically.\n- Turn on **Auto backup** again on the new phone.\n  - It is off after a fresh install.\n\n" +
        "| Plan | Storage |\n| --- | --- |\n| Free | 15 GB |\n| Plus | 200 GB |",
    );
    expect(byId("es-intercom-6871119")?.article).toMatchObject({
      locale: "es",
      title: "¿Cómo paso mi biblioteca a un teléfono nuevo?",
    });
  });

  it("keeps drafts as drafts, drops data: and obfuscated javascript: links and video", () => {
    const fam = byId("intercom-6871120");
    expect(fam?.state).toBe("draft");
    expect(fam?.article?.category).toBe("billing");
    expect(fam?.article?.body).toBe("The organiser pays for everyone.\n\nDetails More");
    expect(fam?.warnings.sort()).toEqual([
      "links that are not http(s) or mailto were reduced to their text",
      "video and audio are not imported",
    ]);
  });

  it("skips an article without a title, and reads the bare list answer too", () => {
    expect(byId("intercom-6871121")?.warnings).toEqual(["no title: skipped"]);
    expect(fromIntercom(fixture.articles).items.length).toBe(4);
    expect(() => fromIntercom({ articles: [] })).toThrow(ImportFormatError);
  });
});
