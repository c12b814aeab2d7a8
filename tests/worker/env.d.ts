// Types the test env (`cloudflare:test`'s env): Cloudflare.Env is already the worker's own Env (generated
// by `wrangler types` into worker/worker-configuration.d.ts, completed by worker/env.ts); the tests add
// the migrations the setup applies.
export {};

// The webhook receiver and the demo account API that tests/receiver/global-setup.ts starts and `provide`s.
declare module "vitest" {
  export interface ProvidedContext {
    receiverUrl: string;
    accountApiUrl: string;
    accountApiKey: string;
  }
}

declare global {
  namespace Cloudflare {
    interface Env {
      TEST_MIGRATIONS: import("cloudflare:test").D1Migration[];
      /** tests/worker/upgrade.test.ts: a previous release's database dump, and an empty D1 to load it into. */
      UPGRADE_SNAPSHOT: import("cloudflare:test").D1Migration[];
      UPGRADE_DB: D1Database;
    }
  }
}
