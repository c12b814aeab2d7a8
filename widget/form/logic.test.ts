// The form's decisions without a DOM (the form itself is driven in Chromium: tests/e2e/actions.test.ts).
import { describe, expect, it } from "vitest";
import { askErrors, type AskField } from "../../shared/protocol.ts";
import { cancelled, change, errorText, inputAttrs, submitted } from "./logic.ts";
import { words } from "./words.ts";

const order: AskField = { id: "act_1", label: "Order number", type: "text", pattern: "^LM-\\d{4}$", maxLength: 200 };

describe("the form for a value an action asks for", () => {
  it("types its input from the action's definition, never longer than the worker takes", () => {
    expect(inputAttrs(order)).toEqual({ type: "text", inputMode: "text", maxLength: 200, autocomplete: "off" });
    expect(inputAttrs({ id: "a", label: "Amount", type: "number", maxLength: 6 })).toMatchObject({
      type: "text",
      inputMode: "decimal",
      maxLength: 6,
    });
    expect(inputAttrs({ id: "a", label: "Email", type: "email" })).toMatchObject({
      type: "email",
      autocomplete: "email",
      maxLength: 200,
    });
    // A frame asking for more than the worker would take is capped at what it takes.
    expect(inputAttrs({ id: "a", label: "x", maxLength: 10_000 }).maxLength).toBe(200);
  });

  it("sends a fitting value trimmed, with its call, and keeps a value that does not fit", () => {
    expect(submitted(order, "  LM-4821 ")).toEqual({ send: "LM-4821", choice: "form:act_1" });
    expect(submitted(order, "LM-12")).toEqual({ error: "pattern" });
    expect(submitted(order, "   ")).toEqual({ error: "empty" });
    expect(submitted({ ...order, maxLength: 5 }, "LM-4821")).toEqual({ error: "long" });
    expect(submitted({ id: "a", label: "Amount", type: "number" }, "12a")).toEqual({ error: "number" });
    expect(submitted({ id: "a", label: "Amount", type: "number" }, "1,5")).toMatchObject({ send: "1,5" });
    expect(submitted({ id: "a", label: "Email", type: "email" }, "ana@lumen")).toEqual({ error: "email" });
    // A pattern that does not compile refuses everything, as the worker does: never a value it did not check.
    expect(submitted({ id: "a", label: "x", pattern: "(" }, "anything")).toEqual({ error: "pattern" });
  });

  it("cancels with the call's own choice", () => {
    expect(cancelled(order, "Cancel")).toEqual({ send: "Cancel", choice: "cancel:act_1" });
  });

  it("says what is wrong with the field's name in the sentence, in English and Spanish, for every refusal", () => {
    const en = words("en");
    expect(errorText(order, "pattern", en)).toBe("That doesn't look like a valid order number. Please check it.");
    expect(errorText(order, "empty", en)).toBe("Please enter your order number.");
    expect(errorText({ ...order, maxLength: 12 }, "long", en)).toBe("That's too long: at most 12 characters.");
    expect(errorText(order, "pattern", words("es-MX"))).toBe(
      "Eso no parece un order number válido. Revísalo, por favor.",
    );
    // An acronym keeps its capitals.
    expect(errorText({ ...order, label: "IBAN" }, "empty", en)).toBe("Please enter your IBAN.");
    for (const l of ["en", "es"])
      for (const e of askErrors) expect(errorText(order, e, words(l)), `${l} ${e}`).not.toMatch(/\{|undefined/);
  });

  it("draws a fresh form for a new call, keeps the typed value when the same call is asked again, and goes when nothing is asked", () => {
    expect(change(null, order, "m1")).toBe("new");
    expect(change({ id: "act_1", key: "m1" }, order, "m1")).toBe("same");
    expect(change({ id: "act_1", key: "m1" }, { ...order, error: "pattern" }, "m2")).toBe("again");
    expect(change({ id: "act_1", key: "m2" }, { ...order, id: "act_2" }, "m3")).toBe("new");
    expect(change({ id: "act_1", key: "m2" }, null, undefined)).toBe("gone");
    expect(change(null, null, undefined)).toBe("gone");
  });
});
