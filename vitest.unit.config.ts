// Plain Node tests of pure logic: the widget's and console's state, the KB engine, shared modules.
import { defineConfig } from "vitest/config";

export default defineConfig({
  test: { include: ["tests/unit/**/*.test.ts", "tests/ai/**/*.test.ts", "console/src/**/*.test.ts"] },
});
