// Standard Webhooks beyond the single signature (tests/worker/notify.test.ts has that): `whsec_`
// secrets only, several signatures while a rotated-out secret is in its overlap, and the secrets kept
// from before (migration 0012), each checked on real deliveries with the official library.
import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import type { WebhookWithSecret } from "../../shared/api.ts";
import {
  call,
  conversation,
  headersOf,
  received,
  scenario,
  secretFor,
  verifies,
  waitFor,
  webhook,
  workspace,
} from "./notify-helpers.ts";

describe("Standard Webhooks secrets", () => {
  it("takes only whsec_ + base64 of 24 to 64 bytes, and generates 24 random bytes", async () => {
    const { ws } = await workspace("std_secret");
    const url = "https://example.com/h";
    const events = ["message.created"];
    const refused = [
      "secret-in-plain-text-0123456789", // the old free-text form: no library can take it
      `whsec_${btoa("x".repeat(23))}`, // 23 bytes: too short
      `whsec_${btoa("x".repeat(65))}`, // 65 bytes: too long
      "whsec_not*base64*at*all*0123456789abcdefghijk",
      `whsec_${btoa("x".repeat(24)).replace(/=+$/, "")}=`, // bad padding
    ];
    for (const secret of refused) {
      const r = await call<{ issues: { path: string }[] }>("POST", "/webhooks", ws, { url, events, secret });
      expect(r.status, secret).toBe(400);
      expect(r.body.issues.map((i) => i.path)).toEqual(["secret"]);
    }
    for (const secret of [`whsec_${btoa("y".repeat(24))}`, `whsec_${btoa("z".repeat(64))}`]) {
      expect((await call("POST", "/webhooks", ws, { url, events, secret })).status).toBe(201);
    }
    const generated = await call<WebhookWithSecret>("POST", "/webhooks", ws, { url, events });
    expect(generated.body.secret).toMatch(/^whsec_[A-Za-z0-9+/]{32}$/);
    expect(atob(generated.body.secret.slice(6))).toHaveLength(24);
  });

  it("signs with the old and the new secret for a day after a rotation, then with the new one only", async () => {
    const { ws, site } = await workspace("std_rotate");
    const hook = await webhook(ws, "std_rotate", ["conversation.created"]);
    const rotated = await call<WebhookWithSecret>("PATCH", `/webhooks/${hook.id}`, ws, { rotateSecret: true });
    expect(rotated.status).toBe(200);
    const fresh = rotated.body.secret;
    expect(fresh).not.toBe(hook.secret);
    expect(rotated.body.previousSecretUntil).toBeGreaterThan(Date.now() + 23 * 3600_000);
    // Neither secret is ever listed.
    const listed = JSON.stringify((await call("GET", "", ws)).body);
    expect(listed).not.toContain(hook.secret);
    expect(listed).not.toContain(fresh);

    // The receiver still holds the old secret: its library finds the old signature among the two.
    await conversation(site);
    const during = await waitFor(
      () => received("std_rotate"),
      (l) => l.processed.length === 1,
    );
    const r = during.requests[0];
    if (!r) throw new Error("no request");
    expect(r.verifyError).toBeNull();
    expect(r.signature?.split(" ")).toHaveLength(2);
    expect(r.signature?.split(" ").every((s) => /^v1,[A-Za-z0-9+/]{43}=$/.test(s))).toBe(true);
    expect(verifies(hook.secret, r.raw, headersOf(r))).toBe(true);
    expect(verifies(fresh, r.raw, headersOf(r))).toBe(true);

    // The overlap ends (moved into the past here); the next change makes the Notifier read it again.
    await env.DB.prepare("UPDATE webhooks SET previous_until = ? WHERE id = ?")
      .bind(Date.now() - 1, hook.id)
      .run();
    expect((await call("PATCH", `/webhooks/${hook.id}`, ws, { description: "after the overlap" })).status).toBe(200);
    await scenario("std_rotate", { secret: fresh });
    await conversation(site);
    const after = await waitFor(
      () => received("std_rotate"),
      (l) => l.processed.length === 1,
    );
    const a = after.requests[0];
    if (!a) throw new Error("no request");
    expect(a.verifyError).toBeNull();
    expect(a.signature?.split(" ")).toHaveLength(1);
    expect(verifies(hook.secret, a.raw, headersOf(a))).toBe(false);
  });

  it("keeps a secret stored before Standard Webhooks: verifiable as whsec_ + base64 of the old text", async () => {
    const { ws, site } = await workspace("std_legacy");
    const hook = await webhook(ws, "std_legacy", ["conversation.created"]);
    // What migration 0012 makes of a secret from before: its text, marked.
    const old = "secret-from-2025-0123456789";
    await env.DB.prepare("UPDATE webhooks SET secret = ? WHERE id = ?").bind(`text:${old}`, hook.id).run();
    expect((await call("PATCH", `/webhooks/${hook.id}`, ws, { description: "legacy" })).status).toBe(200);
    await scenario("std_legacy", { secret: `whsec_${btoa(old)}` });
    await conversation(site);
    const log = await waitFor(
      () => received("std_legacy"),
      (l) => l.requests.length === 1,
    );
    const [r] = log.requests;
    if (!r) throw new Error("no request");
    expect(r.verifyError).toBeNull();
    expect(log.processed).toHaveLength(1);
    // The secret the webhook was created with no longer signs: the stored text is the key now.
    expect(verifies(secretFor("std_legacy"), r.raw, headersOf(r))).toBe(false);
  });
});
