import { SELF } from "cloudflare:test";
import { expect, it } from "vitest";

it("health", async () => {
  const r = await SELF.fetch("http://x/health");
  expect(await r.json()).toEqual({ ok: true });
});
