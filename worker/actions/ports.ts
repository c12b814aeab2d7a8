// The runtime an action call uses (execute.ts): the Workers fetch, the deployment's private-target
// switch (the same as webhooks': NOTIFY_ALLOW_PRIVATE_URLS, on only in `npm run dev` and the tests),
// timers and the clock. Tests of the executor give their own.
import type { Env } from "../env.ts";
import { allowPrivateTargets } from "../insights/notify/target.ts";
import type { ExecPorts } from "./execute.ts";

export const execPorts = (env: Pick<Env, "NOTIFY_ALLOW_PRIVATE_URLS">): ExecPorts => ({
  fetch: (input, init) => fetch(input, init),
  allowPrivate: allowPrivateTargets(env),
  sleep: (ms) => new Promise((r) => setTimeout(r, ms)),
  now: () => Date.now(),
});
