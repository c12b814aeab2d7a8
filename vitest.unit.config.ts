// Plain Node tests of pure logic: the widget's and console's state, the KB engine, shared modules.
import { defineConfig } from "vitest/config";

export default defineConfig({ test: { include: ["tests/unit/**/*.test.ts", "{worker,shared,scripts}/**/*.test.ts"] } });
