import { describe, expect, it } from "vitest";
import { searchQuerySchema } from "../../../../shared/search.ts";
import { emptyForm, filterCount, hasCriteria, queryOf, searchPath } from "./search.ts";

describe("search form", () => {
  it("sends only the fields that are filled, trimmed", () => {
    const f = { ...emptyForm(), q: "  #A-1029 ", label: "billing", status: "open" as const, email: " " };
    expect(queryOf(f)).toEqual({ q: "#A-1029", label: "billing", status: "open" });
    expect(searchPath(f, "123.abc")).toBe("/api/search?q=%23A-1029&label=billing&status=open&cursor=123.abc");
  });

  it("builds what the worker's schema accepts", () => {
    const f = { ...emptyForm(), q: "refund", from: "2026-05-01", to: "2026-05-07", channel: "email" as const };
    const params = Object.fromEntries(new URL(searchPath(f), "http://x").searchParams);
    expect(searchQuerySchema.safeParse(params).success).toBe(true);
  });

  it("counts filters apart from the text, and knows an empty form", () => {
    expect(hasCriteria(emptyForm())).toBe(false);
    expect(filterCount({ ...emptyForm(), q: "x", customer: "ana", to: "2026-01-01" })).toBe(2);
    expect(hasCriteria({ ...emptyForm(), status: "resolved" })).toBe(true);
  });
});
