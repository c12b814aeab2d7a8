import { SELF } from "cloudflare:test";
import { expect, it } from "vitest";

it("health", async () => {
  const r = await SELF.fetch("http://x/health");
  // The checks themselves: tests/worker/health.test.ts.
  expect(r.status).toBe(200);
  expect(await r.json()).toMatchObject({ ok: true });
});
