// Plain Node tests of pure logic: the widget's and console's state, the KB engine, shared modules. The
// widget's tests sit beside its code (widget/**, shared/**); `npm run typecheck` covers them through
// tsconfig.json, which includes those folders.
import { availableParallelism } from "node:os";
import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: [
      "tests/unit/**/*.test.ts",
      "console/src/**/*.test.ts",
      "widget/**/*.test.ts",
      "{worker,shared,scripts}/**/*.test.ts",
    ],
    // Two files at a time even on 2 cores (Vitest's default there is one): the suite is ~35 s of CPU,
    // most of it starting a process and loading modules per file (docs/testing.md).
    maxWorkers: Math.max(2, availableParallelism() - 1),
    // A hang guard, not a speed check (tests that bound time assert it themselves, in CPU time where a
    // neighbour could interfere: email-text.test.ts). The KB engine's tests build the demo index
    // several times: 1.1 s alone, over Vitest's 5 s default beside another file under load 7-8.
    testTimeout: 20_000,
  },
});
