// Plain Node tests of pure logic: the widget's and console's state, the KB engine, shared modules. The
// widget's tests sit beside its code (widget/**, shared/**); `npm run typecheck` covers them through
// tsconfig.json, which includes those folders.
import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: [
      "tests/unit/**/*.test.ts",
      "console/src/**/*.test.ts",
      "widget/**/*.test.ts",
      "{worker,shared,scripts}/**/*.test.ts",
    ],
  },
});
