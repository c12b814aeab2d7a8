// The runtime an action call uses (execute.ts): the Workers fetch, the deployment's private-target
// switch (the same as webhooks': NOTIFY_ALLOW_PRIVATE_URLS, on only in `npm run dev` and the tests),
// timers and the clock; and what a conversation's flow needs (flow.ts): definitions, the call with its
// secrets unsealed for just that call, whether the site signs identities.
import type { Env } from "../env.ts";
import { allowPrivateTargets } from "../insights/notify/target.ts";
import { type ExecPorts, execute } from "./execute.ts";
import type { FlowPorts } from "./flow.ts";
import { actionForCall, openSealed, secretsOf, unsealSecrets } from "./store.ts";

export const execPorts = (env: Pick<Env, "NOTIFY_ALLOW_PRIVATE_URLS">): ExecPorts => ({
  fetch: (input, init) => fetch(input, init),
  allowPrivate: allowPrivateTargets(env),
  sleep: (ms) => new Promise((r) => setTimeout(r, ms)),
  now: () => Date.now(),
});

export function flowPorts(env: Env): FlowPorts {
  // The sealed secrets read with the definition a moment ago, for the call that follows it.
  let lastRead: { key: string; sealed: Map<string, string>; at: number } | null = null;
  return {
    async definition(ws, name) {
      const r = await actionForCall(env.DB, ws, name);
      lastRead = { key: `${ws}\u0000${name}`, sealed: r.sealed, at: Date.now() };
      return r.definition;
    },
    async call(ws, d, inputs, callId) {
      const fresh = lastRead?.key === `${ws}\u0000${d.name}` && Date.now() - lastRead.at < 5000 ? lastRead : null;
      lastRead = null;
      const secrets = fresh
        ? await openSealed(env.SECRET, ws, fresh.sealed, secretsOf(d))
        : await unsealSecrets(env, ws, secretsOf(d));
      return execute(d, { inputs, secrets, callId }, execPorts(env));
    },
    async identitySetUp(siteKey) {
      const row = await env.DB.prepare("SELECT identity_secret FROM sites WHERE key = ?")
        .bind(siteKey)
        .first<{ identity_secret: string | null }>();
      return !!row?.identity_secret;
    },
  };
}
