// Worker tests run inside workerd (the real runtime) with real Durable Objects, D1 and KV.
import { cloudflareTest, readD1Migrations } from "@cloudflare/vitest-plugin";
import { defineConfig } from "vitest/config";

export default defineConfig(async () => ({
  plugins: [
    cloudflareTest({
      wrangler: { configPath: "./wrangler.jsonc" },
      miniflare: {
        bindings: {
          SECRET: "test-secret-0123456789abcdef",
          ADMIN_TOKEN: "test-admin-token",
          STREAM_DELAY_MS: "3",
          RATE_LIMIT: "1000,1000",
          LOGIN_RATE_LIMIT: "1000,1000",
          TEST_MIGRATIONS: await readD1Migrations("./worker/db/migrations"),
        },
      },
    }),
  ],
  test: {
    include: ["tests/worker/**/*.test.ts"],
    setupFiles: ["./tests/worker/setup.ts"],
  },
}));
