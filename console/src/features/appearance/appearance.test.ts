import { describe, expect, it } from "vitest";
import { appearanceSchema } from "../../../../shared/appearance.ts";
import { blankForm, checkForm, fromForm, toForm } from "./appearance.ts";

describe("appearance form", () => {
  it("saves trimmed words, leaves empty fields out, and round-trips", () => {
    const f = blankForm();
    f.color = " #0F766E ";
    f.position = "left";
    f.words.en = { launcher: " Chat with Acme ", greeting: "Hi!\nAsk us anything.", team: "Acme" };
    f.words.es.team = "   ";
    const a = fromForm(f);
    expect(a).toEqual({
      color: "#0f766e",
      position: "left",
      words: { en: { launcher: "Chat with Acme", greeting: "Hi!\nAsk us anything.", team: "Acme" } },
    });
    expect(appearanceSchema.safeParse(a).success).toBe(true);
    expect(fromForm(toForm(a))).toEqual(a);
  });

  it("names a colour that is not a hex colour, and an avatar that is not a plain https URL", () => {
    const f = blankForm();
    f.color = "red;background:url(https://evil.example)";
    f.avatar = 'https://x.example/a.png" onerror="alert(1)';
    expect(Object.keys(checkForm(f)).sort()).toEqual(["avatar", "color"]);
    f.avatar = "http://x.example/a.png";
    f.color = "#12345";
    expect(Object.keys(checkForm(f)).sort()).toEqual(["avatar", "color"]);
    f.avatar = "https://cdn.example/logo.png";
    f.color = "#123456";
    expect(checkForm(f)).toEqual({});
  });
});
