// The plugin's own module behind `cloudflare:test` (@cloudflare/vitest-plugin, dist/worker/lib/cloudflare/
// test-internal.mjs). tests/worker/fresh.ts waits with it for the `waitUntil` work a previous test file
// left running: no public API does.
declare module "cloudflare:test-internal" {
  export function waitForGlobalWaitUntil(): Promise<void>;
}
