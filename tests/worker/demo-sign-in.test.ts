// The demo page's "Sign in as Ana" (worker/pages/routes.ts, docs/actions.md "Try it in the demo"): it
// signs identify() with the demo site's secret only where `npm run dev` turned DEMO_SIGN_IN on, only for
// the demo site, and what it signs verifies like a customer's server's signature.
import { createExecutionContext, env, SELF, waitOnExecutionContext } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { app } from "../../worker/app.ts";
import type { Env } from "../../worker/env.ts";
import { BASE, createConversation, ORIGIN } from "./helpers.ts";

async function page(path: string, vars: Partial<Env>): Promise<string> {
  const ctx = createExecutionContext();
  const r = await app.request(`${BASE}${path}`, {}, { ...env, ...vars } as Env, ctx);
  await waitOnExecutionContext(ctx);
  expect(r.status).toBe(200);
  return r.text();
}

describe("the demo page's sign-in", () => {
  it("is off unless the deployment turns it on, and only for the demo site", async () => {
    await env.DB.prepare("UPDATE sites SET identity_secret = ? WHERE key = 'demo_site'")
      .bind("demo-identity-secret-0123456789")
      .run();
    expect(await page("/demo/?as=ana", {})).not.toContain('"identify"');
    expect(await page("/demo/?as=ana&site=demo_portal", { DEMO_SIGN_IN: "on" })).not.toContain('"identify"');
    const signed = await page("/demo/?as=ana", { DEMO_SIGN_IN: "on" });
    expect(signed).toContain("Signed in as <strong>Ana García</strong>");
    const m = /q\.push\((.*?)\);<\/script>/.exec(signed);
    const [, user, sig] = JSON.parse(m?.[1] ?? "[]") as [string, { id: string }, { hmac: string; ts: number }];
    // What it signed is accepted by identify() as verified, every field.
    const c = await createConversation();
    const r = await SELF.fetch(`${BASE}/v1/conversations/${c.id}/identify?site=demo_site`, {
      method: "POST",
      headers: { origin: ORIGIN, "content-type": "application/json", authorization: `Bearer ${c.token}` },
      body: JSON.stringify({ user, ...sig }),
    });
    expect(await r.json()).toMatchObject({ verified: true, verifiedFields: ["id", "email", "name", "attributes"] });
    // Not a person the demo knows: a visitor, with the links to sign in.
    expect(await page("/demo/?as=mallory", { DEMO_SIGN_IN: "on" })).toContain("Browsing as a visitor");
  });
});
