// vitest globalSetup for the workerd tests: starts the webhook receiver in Node and hands its URL to
// the tests (`inject("receiverUrl")`).
import type { TestProject } from "vitest/node";
import { startReceiver } from "./webhook-receiver.ts";

declare module "vitest" {
  export interface ProvidedContext {
    receiverUrl: string;
  }
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const receiver = await startReceiver();
  project.provide("receiverUrl", receiver.url);
  return receiver.close;
}
