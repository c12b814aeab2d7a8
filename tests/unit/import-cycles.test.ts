// The import-cycle check of `npm test` (scripts/lib/import-cycles.ts): which imports are edges, and
// that every knot is found, with a real cycle to show for it.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { type Graph, importGraph, importsOf, knots, shortestCycle } from "../../scripts/lib/import-cycles.ts";

describe("import edges", () => {
  it("counts value and type imports, re-exports and import() types; not dynamic import() calls or packages", () => {
    const code = [
      'import { a } from "./a.ts";',
      'import type { B } from "./b.ts";',
      'import { type C } from "./c.ts";',
      'export * from "./d.ts";',
      'export { type E } from "./e.ts";',
      'type F = import("./f.ts").F;',
      'const g = () => import("./g.ts");',
      'import { z } from "zod/mini";',
    ].join("\n");
    expect(importsOf(code, "x.ts")).toEqual(["./a.ts", "./b.ts", "./c.ts", "./d.ts", "./e.ts", "./f.ts", "zod/mini"]);
  });

  it("reads .tsx", () => {
    expect(importsOf('import { h } from "./h.ts";\nexport const X = () => <p>{h}</p>;', "x.tsx")).toEqual(["./h.ts"]);
  });
});

describe("knots", () => {
  const g = (edges: Record<string, string[]>): Graph => new Map(Object.entries(edges));

  it("finds none in a tree", () => {
    expect(knots(g({ a: ["b", "c"], b: ["c"], c: [] }))).toEqual([]);
  });

  it("finds each strongly connected set once, largest first, and a self-import", () => {
    const graph = g({ a: ["b"], b: ["c"], c: ["a", "d"], d: ["e"], e: ["d"], f: ["f"], x: ["a"] });
    expect(knots(graph)).toEqual([["a", "b", "c"], ["d", "e"], ["f"]]);
    expect(shortestCycle(graph, ["a", "b", "c"])).toEqual(["a", "b", "c", "a"]);
    expect(shortestCycle(graph, ["f"])).toEqual(["f", "f"]);
  });

  it("shows the shortest way back, not the first found", () => {
    const graph = g({ a: ["b", "d"], b: ["c"], c: ["a"], d: ["a"] });
    expect(shortestCycle(graph, ["a", "b", "c", "d"])).toEqual(["a", "d", "a"]);
  });
});

describe("on files", () => {
  it("a type-only import closes a cycle; a dynamic import does not", () => {
    const dir = mkdtempSync(join(tmpdir(), "cycles-"));
    const cwd = process.cwd();
    try {
      mkdirSync(join(dir, "src"));
      const files: Record<string, string> = {
        "src/a.ts": 'import { b } from "./b.ts";\nexport const a = b;',
        "src/b.ts": 'import type { A } from "./c.ts";\nexport const b = 1 as unknown as A;',
        "src/c.ts": 'import { a } from "./a.ts";\nexport type A = typeof a;',
        "src/lazy.ts": 'export const load = () => import("./page.ts");',
        "src/page.ts": 'import { load } from "./lazy.ts";\nexport const page = load;',
      };
      for (const [f, code] of Object.entries(files)) writeFileSync(join(dir, f), code);
      process.chdir(dir);
      const graph = importGraph(Object.keys(files));
      expect(knots(graph)).toEqual([["src/a.ts", "src/b.ts", "src/c.ts"]]);
    } finally {
      process.chdir(cwd);
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
