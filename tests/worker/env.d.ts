// Types the test env (`cloudflare:test`'s env) as the worker's own Env plus the migrations the setup applies.
import type { Env as WorkerEnv } from "../../worker/env.ts";

// The webhook receiver that tests/receiver/global-setup.ts starts and `provide`s.
declare module "vitest" {
  export interface ProvidedContext {
    receiverUrl: string;
  }
}

declare global {
  namespace Cloudflare {
    interface Env extends WorkerEnv {
      TEST_MIGRATIONS: import("cloudflare:test").D1Migration[];
      /** tests/worker/upgrade.test.ts: a previous release's database dump, and an empty D1 to load it into. */
      UPGRADE_SNAPSHOT: import("cloudflare:test").D1Migration[];
      UPGRADE_DB: D1Database;
    }
  }
}
