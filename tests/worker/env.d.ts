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
    }
  }
}
