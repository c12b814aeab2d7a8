// Import cycles among source files. The imports are read with oxc's TypeScript parser, which vite 8
// already ships inside rolldown (as scripts/ts.mjs uses the esbuild vite brings): TypeScript 7 has no
// JavaScript compiler API to walk, and a second TypeScript (what dpdm needs) or madge's ~80 packages
// would be installed only to find import lines.
//
// The rule: an edge is any static `import`/`export … from` of a relative path, type-only ones included,
// and any `import("./x").T` type; a dynamic `import()` call is not.
// - Type-only imports count. They cannot break module evaluation, but the check is about the design:
//   which context depends on which. A type import is a dependency all the same (change the DO's types
//   and its importers change), and the target shape is "everything depends on conversation/model.ts,
//   never on the Durable Object", which a runtime-only rule would not hold: today's 28-file knot
//   through worker/conversation/do.ts is a knot only with its type edges. The one place where types must
//   point both ways, `Env` naming the DO classes that take `Env`, lives in the generated
//   worker-configuration.d.ts: declaration files are not modules of the graph.
// - A dynamic `import()` does not count: it runs after every static import has been evaluated and is how
//   the console loads a page on demand; the page importing the shell back is not a knot.
import { existsSync, readFileSync } from "node:fs";
import { dirname, join, normalize } from "node:path";
import { parseAst } from "rolldown/parseAst";

export type Graph = Map<string, string[]>;

type Node = { type?: string; source?: { value?: unknown } | null };

/** The specifiers a file imports statically (values and types), in source order. */
export function importsOf(code: string, file: string): string[] {
  const out: string[] = [];
  const walk = (n: unknown): void => {
    if (Array.isArray(n)) for (const c of n) walk(c);
    else if (n && typeof n === "object") {
      const { type, source } = n as Node;
      const edge =
        type === "ImportDeclaration" ||
        type === "ExportAllDeclaration" ||
        type === "ExportNamedDeclaration" ||
        type === "TSImportType";
      if (edge && typeof source?.value === "string") out.push(source.value);
      // Dynamic import() calls are not edges; their argument is the only thing below them.
      if (type === "ImportExpression") return;
      for (const v of Object.values(n)) if (v && typeof v === "object") walk(v);
    }
  };
  walk(parseAst(code, { lang: file.endsWith(".tsx") ? "tsx" : "ts" }).body);
  return out;
}

/** A relative specifier as a file under the project (the code names `.ts`/`.tsx` files explicitly). */
function resolveFrom(file: string, spec: string): string | undefined {
  if (!spec.startsWith(".")) return undefined; // a package, `cloudflare:*`, `node:*`
  const p = normalize(join(dirname(file), spec.replace(/\?.*$/, ""))).replaceAll("\\", "/");
  return [p, `${p}.ts`, `${p}.tsx`, `${p}/index.ts`].find((c) => existsSync(c));
}

/** The import graph of `files` (paths relative to the working directory). */
export function importGraph(files: string[]): Graph {
  const graph: Graph = new Map();
  for (const f of files) {
    const to = importsOf(readFileSync(f, "utf8"), f).flatMap((s) => resolveFrom(f, s) ?? []);
    graph.set(f, [...new Set(to)]);
  }
  return graph;
}

/**
 * Every strongly connected component with more than one file (or a file importing itself): each is one
 * knot of cycles. Tarjan's algorithm, iterative so a deep graph cannot overflow the stack.
 */
export function knots(graph: Graph): string[][] {
  let next = 0;
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const onStack = new Set<string>();
  const stack: string[] = [];
  const out: string[][] = [];
  for (const start of [...graph.keys()].sort()) {
    if (index.has(start)) continue;
    const work: [string, number][] = [[start, 0]];
    index.set(start, next);
    low.set(start, next++);
    stack.push(start);
    onStack.add(start);
    while (work.length) {
      const top = work[work.length - 1] as [string, number];
      const [v, i] = top;
      const edges = graph.get(v) ?? [];
      if (i < edges.length) {
        top[1]++;
        const w = edges[i] as string;
        if (!index.has(w)) {
          index.set(w, next);
          low.set(w, next++);
          stack.push(w);
          onStack.add(w);
          work.push([w, 0]);
        } else if (onStack.has(w)) low.set(v, Math.min(low.get(v) ?? 0, index.get(w) ?? 0));
        continue;
      }
      work.pop();
      const parent = work[work.length - 1];
      if (parent) low.set(parent[0], Math.min(low.get(parent[0]) ?? 0, low.get(v) ?? 0));
      if (low.get(v) !== index.get(v)) continue;
      const scc: string[] = [];
      for (;;) {
        const w = stack.pop() as string;
        onStack.delete(w);
        scc.push(w);
        if (w === v) break;
      }
      if (scc.length > 1 || (graph.get(v) ?? []).includes(v)) out.push(scc.sort());
    }
  }
  return out.sort((a, b) => b.length - a.length || (a[0] ?? "").localeCompare(b[0] ?? ""));
}

/** One shortest cycle through the knot's first file (breadth-first within the knot): an example to read. */
export function shortestCycle(graph: Graph, knot: string[]): string[] {
  const inKnot = new Set(knot);
  const start = knot[0] as string;
  const prev = new Map<string, string>();
  const queue = [start];
  while (queue.length) {
    const v = queue.shift() as string;
    for (const w of graph.get(v) ?? []) {
      if (!inKnot.has(w)) continue;
      if (w === start) {
        const path = [start];
        for (let u = v; u !== start; u = prev.get(u) as string) path.splice(1, 0, u);
        return [...path, start];
      }
      if (!prev.has(w)) {
        prev.set(w, v);
        queue.push(w);
      }
    }
  }
  return [start, start];
}
