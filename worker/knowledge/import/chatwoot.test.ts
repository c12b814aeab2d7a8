import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { fromChatwoot } from "./chatwoot.ts";
import { ImportFormatError } from "./common.ts";

const fixture = JSON.parse(readFileSync("tests/fixtures/kb-import/chatwoot-articles.json", "utf8")) as unknown;

describe("fromChatwoot", () => {
  const { items } = fromChatwoot(fixture);
  const byId = (id: string) => items.find((i) => i.id === id);

  it("keeps a Markdown body, cleaning raw HTML, images and unsafe links out of it", () => {
    const tfa = byId("chatwoot-101");
    expect(tfa?.state).toBe("published");
    expect(tfa?.article).toMatchObject({
      title: "Turn on 2-step verification",
      category: "privacy",
      tags: ["security", "2fa", "login code"],
      locale: "en",
      updated: "2025-10-30",
    });
    expect(tfa?.article?.body).toBe(
      "Protect your account with a code from an authenticator app.\n\n1. Open **Settings > Security**.\n2. Select **2-step verification** and scan the QR code.\n\n" +
        "Read [our security guide](https://lumen.example/security) or click here.\n\nQR code",
    );
    expect(tfa?.warnings.sort()).toEqual([
      "images are not imported (their alt text is kept)",
      "links that are not http(s) or mailto were reduced to their text",
      "scripts were removed",
    ]);
  });

  it("leaves archived articles out and converts an HTML body, keeping drafts as drafts", () => {
    expect(byId("chatwoot-102")?.warnings).toEqual(["archived in Chatwoot: skipped"]);
    expect(byId("chatwoot-102")?.article).toBeNull();
    const es = byId("es-chatwoot-103");
    expect(es?.state).toBe("draft");
    expect(es?.article).toMatchObject({ locale: "es", category: "compartir", updated: "2026-10-20" });
    expect(es?.article?.body).toBe("Abre el álbum y toca **Compartir**.\n\nElige quién puede verlo.");
  });

  it("refuses something that is not the articles answer", () => {
    expect(() => fromChatwoot([{ id: 1 }])).toThrow(ImportFormatError);
  });
});
