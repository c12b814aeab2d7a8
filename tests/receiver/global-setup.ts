// vitest globalSetup for the workerd tests: starts the webhook receiver in Node and hands its URL to
// the tests (`inject("receiverUrl")`), and the demo's account API, the far end of actions
// (`inject("accountApiUrl")`, its key `inject("accountApiKey")`; scripts/lib/account-api.ts).
import type { TestProject } from "vitest/node";
import { startAccountApi } from "../../scripts/lib/account-api.ts";
import { startReceiver } from "./webhook-receiver.ts";

declare module "vitest" {
  export interface ProvidedContext {
    receiverUrl: string;
    accountApiUrl: string;
    accountApiKey: string;
  }
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const receiver = await startReceiver();
  const accounts = await startAccountApi({ key: "test-account-key-0123" });
  project.provide("receiverUrl", receiver.url);
  project.provide("accountApiUrl", accounts.url);
  project.provide("accountApiKey", accounts.key);
  return async () => {
    await Promise.all([receiver.close(), accounts.close()]);
  };
}
