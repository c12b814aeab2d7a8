// Worker tests run inside workerd (the real runtime) with real Durable Objects, D1 and KV.
// Two projects: "worker" runs the default configuration (embedded engine, no AI bindings);
// "worker-ai" runs the same worker with RETRIEVAL=hybrid and COMPOSER=llm, its `AI` and `VECTORIZE`
// bindings served by in-memory fakes living in an auxiliary Worker (tests/worker/ai/fakes-worker.ts).
import { cloudflareTest, readD1Migrations } from "@cloudflare/vitest-plugin";
import { readFileSync } from "node:fs";
import { availableParallelism } from "node:os";
import { buildSync } from "esbuild";
import type { Plugin } from "vite";
import { defineConfig } from "vitest/config";

const FAKES = "edgedesk-test-fakes";

/** `import x from "./m.eml?base64"`: the file's exact bytes as base64 (`?raw` would decode them as UTF-8). */
const base64Files: Plugin = {
  name: "edgedesk-base64-files",
  enforce: "pre",
  load(id) {
    if (!id.endsWith("?base64")) return null;
    return `export default ${JSON.stringify(readFileSync(id.slice(0, -"?base64".length)).toString("base64"))};`;
  },
};

function fakesWorker() {
  const out = buildSync({
    entryPoints: ["tests/worker/ai/fakes-worker.ts"],
    bundle: true,
    format: "esm",
    platform: "neutral",
    target: "es2022",
    external: ["cloudflare:*"],
    write: false,
  });
  return {
    name: FAKES,
    modules: [{ type: "ESModule" as const, path: "fakes.mjs", contents: out.outputFiles[0]?.text ?? "" }],
    compatibilityDate: "2026-04-20",
  };
}

export default defineConfig(async () => {
  const bindings = {
    SECRET: "test-secret-0123456789abcdef",
    ADMIN_TOKEN: "test-admin-token",
    STREAM_DELAY_MS: "3",
    RATE_LIMIT: "1000,1000",
    PRIVACY_RATE_LIMIT: "1000,1000",
    OPS_RATE_LIMIT: "1000,1000",
    SETTINGS_RATE_LIMIT: "1000,1000",
    SEARCH_RATE_LIMIT: "1000,1000",
    ACTIONS_RATE_LIMIT: "1000,1000",
    // Invitation and reset mails (worker/people/links.ts); tests/worker/invites.test.ts sets its own tight budget.
    PEOPLE_MAIL_LIMIT: "1000,1000",
    // Webhook retries in milliseconds, so the delivery tests (tests/worker/notify.test.ts) run in seconds.
    NOTIFY_MAX_ATTEMPTS: "5",
    NOTIFY_RETRY_BASE_MS: "60",
    NOTIFY_RETRY_MAX_MS: "1000",
    NOTIFY_TIMEOUT_MS: "1000",
    // The receiver (tests/receiver) listens on 127.0.0.1, which production refuses (worker/insights/notify/target.ts).
    NOTIFY_ALLOW_PRIVATE_URLS: "true",
    EMAIL_MAX_BYTES: "65536",
    // Files (tests/worker/attachments.test.ts): per IP as loose as the other budgets; per conversation
    // three uploads at once and 1 MB in all, so the bucket's 429 and the caps' 409 show in a few calls.
    UPLOAD_RATE_LIMIT: "1000,1000",
    FILE_READ_RATE_LIMIT: "1000,1000",
    CUSTOMER_UPLOAD_BUDGET: "0.001,3",
    CONVERSATION_FILE_BYTES: "1048576",
    // One log line per request would bury the test output; tests/worker/ops/ runs at info.
    LOG_LEVEL: "warn",
    TEST_MIGRATIONS: await readD1Migrations("./worker/db/migrations"),
    // A previous release's database, as `wrangler d1 export` wrote it (tests/worker/upgrade.test.ts).
    UPGRADE_SNAPSHOT: await readD1Migrations("./tests/fixtures/upgrade/db"),
  };
  const wrangler = { configPath: "./wrangler.jsonc" };
  // The sign-in rate-limit binding (wrangler.jsonc) with room for the many sign-ins of a test file; the
  // lockouts the throttle tests prove live in D1 (tests/worker/login-throttle.test.ts).
  const ratelimits = { LOGIN_LIMITER: { namespace_id: "1001", simple: { limit: 10_000, period: 60 as const } } };
  const run = {
    // A workerd per file. Sharing one per Vitest worker (`isolate: false`, tests/worker/fresh.ts resetting
    // between files) saved about 4 s a file, but on a loaded machine a file's background work still ran
    // into the next file's fresh storage (routing.test.ts counted another file's conversations, four
    // failures in a full run): isolation first, until that hand-over is proven under load.
    isolate: true,
    // Publishes and jobs run in real workerd: on a shared 2-core machine under load a few tests and
    // `beforeAll` hooks (a KB publish and ten questions in surge.test.ts) take longer than vitest's 5 s
    // and 10 s defaults, with nothing wrong.
    testTimeout: 20_000,
    // A file's setup too: surge.test.ts's beforeAll passed 10 s twice on a loaded machine.
    hookTimeout: 60_000,
  };
  return {
    test: {
      // Two test files at a time even on 2 cores (Vitest's default there is one): a file mostly waits on
      // workerd (alarms, streams, retries), so the second one nearly halves the suite (docs/testing.md).
      maxWorkers: Math.max(2, availableParallelism() - 1),
      projects: [
        {
          plugins: [
            // UPGRADE_DB: an empty database of its own for the upgrade check.
            cloudflareTest({
              wrangler,
              miniflare: { bindings, ratelimits, d1Databases: { UPGRADE_DB: "edgedesk-upgrade-check" } },
            }),
            base64Files,
          ],
          test: {
            name: "worker",
            ...run,
            include: ["tests/worker/**/*.test.ts"],
            exclude: ["tests/worker/ai/**", "tests/worker/ops/**"],
            setupFiles: ["./tests/worker/setup.ts"],
            // A real Node HTTP server the worker delivers webhooks to (tests/receiver/).
            globalSetup: ["./tests/receiver/global-setup.ts"],
          },
        },
        {
          // The operator's view as `npm run dev` runs it: metrics also kept in D1, logs at info.
          plugins: [
            cloudflareTest({
              wrangler,
              miniflare: { ratelimits, bindings: { ...bindings, METRICS_D1: "on", LOG_LEVEL: "info" } },
            }),
            base64Files,
          ],
          test: {
            name: "worker-ops",
            ...run,
            include: ["tests/worker/ops/**/*.test.ts"],
            setupFiles: ["./tests/worker/setup.ts"],
            globalSetup: ["./tests/receiver/global-setup.ts"],
          },
        },
        {
          plugins: [
            cloudflareTest({
              wrangler,
              miniflare: {
                ratelimits,
                // SUMMARY follows COMPOSER (llm); its own model name lets a test slow or fail just the summary.
                bindings: {
                  ...bindings,
                  RETRIEVAL: "hybrid",
                  COMPOSER: "llm",
                  LLM_FIRST_TOKEN_MS: "600",
                  SUMMARY_MODEL: "@cf/meta/llama-3.2-3b-instruct",
                  SUMMARY_TIMEOUT_MS: "1500",
                },
                serviceBindings: {
                  AI: { name: FAKES, entrypoint: "FakeAiBinding" },
                  VECTORIZE: { name: FAKES, entrypoint: "FakeVectorizeBinding" },
                },
                workers: [fakesWorker()],
              },
            }),
          ],
          test: {
            name: "worker-ai",
            ...run,
            include: ["tests/worker/ai/**/*.test.ts"],
            setupFiles: ["./tests/worker/setup.ts", "./tests/worker/ai/setup.ts"],
            // The demo account API, the far end of actions offered as tools (tests/worker/ai/actions-tools.test.ts).
            globalSetup: ["./tests/receiver/global-setup.ts"],
          },
        },
      ],
    },
  };
});
