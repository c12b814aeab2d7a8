// End-to-end tests: real Chromium (Debian's) against the real worker under `wrangler dev`.
import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["tests/e2e/**/*.test.ts"],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    // Two files at a time, each with its own `wrangler dev`, state directory, ports and Chromium (a file
    // mostly waits on the browser and the worker): about half the suite's time on 2 cores, and stable
    // there over repeated full runs (docs/testing.md). E2E_FILES=1 runs one file at a time.
    maxWorkers: Number(process.env.E2E_FILES ?? 2),
  },
});
