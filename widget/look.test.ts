import { describe, expect, it } from "vitest";
import { type Look, lookOf, paint } from "./look.ts";

/** What paint() set: the properties a stylesheet would see. */
function painted(look: Look): Record<string, string> {
  const set: Record<string, string> = {};
  paint({ style: { setProperty: (name: string, value: string | null) => void (set[name] = String(value)) } }, look);
  return set;
}

describe("the widget's look", () => {
  it("applies a hex colour (with readable text on it), the side, the avatar and the words of the visitor's language", () => {
    const look = lookOf(
      {
        appearance: {
          color: "#0f766e",
          position: "left",
          avatar: "https://cdn.example/team.png",
          words: { en: { launcher: "Ask us", greeting: "Hello!", team: "Acme" }, es: { greeting: "¡Hola!" } },
        },
        ink: "#fff",
      },
      "es",
    );
    // Spanish greeting; no Spanish launcher label (the default one is Spanish); the team name is a name.
    expect(look).toEqual({
      color: "#0f766e",
      ink: "#fff",
      position: "left",
      avatar: "https://cdn.example/team.png",
      greeting: "¡Hola!",
      team: "Acme",
    });
    expect(painted(look)).toEqual({ "--edb": "#0f766e", "--edi": "#fff" });
    expect(lookOf({ appearance: { color: "#fde68a", words: {} }, ink: "#111" }, "en").ink).toBe("#111");
    // A text colour other than the two the server computes is not applied, nor the colour without it.
    expect(lookOf({ appearance: { color: "#0f766e", words: {} }, ink: "red;x:y" }, "en")).toEqual({});
    expect(lookOf({ appearance: { color: "#0f766e", words: {} } }, "en")).toEqual({});
  });

  it("drops a colour that carries CSS, an avatar that is not a plain https URL, and anything of the wrong kind", () => {
    const hostile = [
      "red;background:url(https://evil.example/x)",
      "#0f766e;}:host{display:none",
      "#0f766e\\;",
      "var(--x)",
      "expression(alert(1))",
      "#fff",
      "#0f766e ",
      "rgb(0,0,0)",
    ];
    for (const color of hostile) {
      const look = lookOf({ appearance: { color, words: {} }, ink: "#fff" }, "en");
      expect([color, look]).toEqual([color, {}]);
      expect(painted(look)).toEqual({});
    }
    for (const avatar of [
      "http://cdn.example/a.png",
      'https://cdn.example/a.png" onerror="alert(1)',
      "https://cdn.example/a.png) , url(https://evil.example",
      "javascript:alert(1)",
      "https://cdn.example/a b.png",
    ])
      expect(lookOf({ appearance: { avatar, words: {} } }, "en")).toEqual({});
    expect(lookOf(null, "en")).toEqual({});
    expect(lookOf("<b>", "en")).toEqual({});
    expect(lookOf({ appearance: "<b>" }, "en")).toEqual({});
    expect(
      lookOf({ appearance: { position: "top", words: { en: { team: 42, greeting: ["x"], launcher: {} } } } }, "en"),
    ).toEqual({});
    expect(lookOf({ appearance: { words: { en: { team: "x".repeat(61), greeting: "   " } } } }, "en")).toEqual({});
  });

  it("keeps HTML in the words as text: the exact characters, for textContent and Preact text", () => {
    const look = lookOf(
      { appearance: { words: { en: { greeting: '<img src=x onerror="alert(1)">Hi', team: "<script>x</script>" } } } },
      "en",
    );
    expect(look.greeting).toBe('<img src=x onerror="alert(1)">Hi');
    expect(look.team).toBe("<script>x</script>");
  });
});
