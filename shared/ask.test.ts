// The one check of a value asked of the customer, run by the widget's form and again by the worker.
import { describe, expect, it } from "vitest";
import { askProblem, MAX_GIVEN } from "./ask.ts";

describe("askProblem", () => {
  it("says why a value does not fit, or null", () => {
    const order = { pattern: "^[A-Za-z]{2}-\\d{4}$" };
    expect(askProblem(order, " LM-4821 ")).toBeNull();
    expect(askProblem(order, "LM-12")).toBe("pattern");
    expect(askProblem(order, "")).toBe("empty");
    expect(askProblem({}, "x".repeat(MAX_GIVEN))).toBeNull();
    expect(askProblem({}, "x".repeat(MAX_GIVEN + 1))).toBe("long");
    // An input's own maxLength is never above the worker's cap.
    expect(askProblem({ maxLength: 5000 }, "x".repeat(MAX_GIVEN + 1))).toBe("long");
    expect(askProblem({ maxLength: 4 }, "12345")).toBe("long");
    expect(askProblem({ type: "number" }, "-12.5")).toBeNull();
    expect(askProblem({ type: "number" }, "1e5")).toBe("number");
    expect(askProblem({ type: "email" }, "ana@lumen.example")).toBeNull();
    expect(askProblem({ type: "email" }, "ana@lumen")).toBe("email");
    // Unicode-aware, as the definition's check compiles it (flag u).
    expect(askProblem({ pattern: "^\\p{L}+$" }, "Ñandú")).toBeNull();
    expect(askProblem({ pattern: "(" }, "x")).toBe("pattern");
  });
});
