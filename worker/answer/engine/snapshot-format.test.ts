// The KB snapshot read back from KV through its schema: what a publish writes comes back equal, and a
// snapshot that does not fit is refused with the path of what is wrong (the loader then rebuilds it).
import { describe, expect, it } from "vitest";
import { DataError } from "../../../shared/json.ts";
import { buildSnapshot, loadIndex, retrieve } from "./index.ts";
import { parseSnapshot } from "./snapshot-format.ts";
import { articles, history } from "./test-fixtures.ts";

const built = buildSnapshot({ version: "7", articles, history, synonyms: [["pin", "code"]] });
const stored = () => JSON.parse(JSON.stringify(built)) as Record<string, unknown> & typeof built;

describe("KB snapshot format", () => {
  it("reads back exactly what a publish stored, and loads into the same index", () => {
    const value = stored();
    const parsed = parseSnapshot(value, "the stored value");
    expect(parsed).toEqual(built);
    // The big flat arrays are checked, not copied.
    expect(parsed.neighbours.features).toBe(value.neighbours.features);
    expect(parsed.model?.features).toBe(value.model?.features);
    const q = "How do I change my PIN?";
    expect(retrieve(loadIndex(parsed), q)).toEqual(retrieve(loadIndex(built), q));
  });

  it("refuses a snapshot that does not fit, naming where", () => {
    const cases: [string, (s: ReturnType<typeof stored>) => void, string][] = [
      ["a posting that is not a number", (s) => ((s.neighbours.features as unknown[])[3] = "7"), "neighbours.features"],
      ["a feature name that is not a string", (s) => ((s.model?.features as unknown[])[0] = 1), "model.features"],
      [
        "a passage without its Markdown",
        (s) => delete (s.articles[0]!.passages[0] as { md?: string }).md,
        "articles.0.passages.0.md",
      ],
      ["a missing model", (s) => delete (s as { model?: unknown }).model, "model"],
      [
        "an unknown handoff rule",
        (s) => ((s.articles[1] as { handoff: string }).handoff = "sometimes"),
        "articles.1.handoff",
      ],
    ];
    for (const [what, corrupt, path] of cases) {
      const s = stored();
      corrupt(s);
      expect(() => parseSnapshot(s, "the stored value"), what).toThrow(DataError);
      expect(() => parseSnapshot(s, "the stored value"), what).toThrow(`the stored value is not valid: ${path}: `);
    }
    expect(() => parseSnapshot(null, "the stored value")).toThrow(DataError);
  });
});
