import { defineConfig } from "vitest/config";

// Plain Node unit tests for pure modules (no Workers runtime needed).
export default defineConfig({
  test: { include: ["tests/unit/**/*.test.ts"] },
});
