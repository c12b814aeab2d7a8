// Reading stored JSON through a schema: the value, or an error that names what was read and where.
import { describe, expect, it, vi } from "vitest";
import * as z from "zod/mini";
import { DataError, parseJson, parseValue, safeParseJson, stringList } from "./json.ts";

describe("parseJson", () => {
  it("gives the parsed value when it fits", () => {
    expect(parseJson(stringList, '["a","b"]', "agents.teams")).toEqual(["a", "b"]);
  });

  it("names what was read, the path and how many more problems there are", () => {
    expect(() => parseJson(stringList, '["a",2,3]', "agents.teams of a1")).toThrow(
      new DataError("agents.teams of a1 is not valid: 1: expected string (and 1 more)"),
    );
    expect(() => parseValue(z.object({ n: z.number() }), null, "x")).toThrow(/^x is not valid: value: /);
    expect(() => parseJson(stringList, "[", "sites.allowed_origins")).toThrow(/^sites.allowed_origins is not JSON: /);
  });

  it("safeParseJson logs and gives null instead of throwing", () => {
    const log = vi.spyOn(console, "error").mockImplementation(() => undefined);
    try {
      expect(safeParseJson(stringList, "{}", "vec/w/manifest in KV")).toBeNull();
      expect(log).toHaveBeenCalledWith(expect.stringContaining("vec/w/manifest in KV is not valid"));
      expect(safeParseJson(stringList, "[]", "m")).toEqual([]);
    } finally {
      log.mockRestore();
    }
  });
});
