// Settings → Sites (`/admin/v1/sites`, worker/sites/): owners list, create and edit their sites, with
// origins validated as a browser sends them; the identity secret is write-only (generated once, never
// in any later answer or the audit log) and verifies what the site's server signs; workspaces never see
// or touch each other's sites; and the site guard records where each site was last seen and which
// origins it refused, answering a refused page with CORS and what to fix (middleware/site.ts).
import { env, SELF } from "cloudflare:test";
import { beforeAll, describe, expect, it } from "vitest";
import type { CreatedConversation } from "../../shared/api.ts";
import type { GeneratedSecret, SiteSummary } from "../../shared/sites.ts";
import { ADMIN, BASE, call, createAgent, signIdentityV2, waitFor } from "./helpers.ts";

const RUN = crypto.randomUUID().slice(0, 6);
const WS_A = `sites-a-${RUN}`;
const WS_B = `sites-b-${RUN}`;
const SHOP = `https://shop-${RUN}.example`;

let ownerA = "";
let ownerB = "";
let agentA = "";
let editorA = "";

beforeAll(async () => {
  await env.DB.batch(
    [WS_A, WS_B].map((id) =>
      env.DB.prepare("INSERT INTO workspaces (id, name, created_at) VALUES (?, ?, 1)").bind(id, id),
    ),
  );
  ownerA = await createAgent(`owner-a-${RUN}@sites.example`, "owner", WS_A);
  ownerB = await createAgent(`owner-b-${RUN}@sites.example`, "owner", WS_B);
  agentA = await createAgent(`agent-a-${RUN}@sites.example`, "agent", WS_A);
  editorA = await createAgent(`editor-a-${RUN}@sites.example`, "editor", WS_A);
});

const list = async (who: string | Record<string, string> = ownerA) =>
  (await call<{ sites: SiteSummary[] }>(who, "GET", "/admin/v1/sites")).body.sites;

async function create(who: string, body: Record<string, unknown>): Promise<string> {
  const r = await call<{ key: string }>(who, "POST", "/admin/v1/sites", body);
  expect(r.status, JSON.stringify(r.body)).toBe(201);
  return r.body.key;
}

/** A page on `origin` opening a chat with `key`, as the widget does. */
const openChat = (key: string, origin: string) =>
  SELF.fetch(`${BASE}/v1/conversations?site=${key}`, {
    method: "POST",
    headers: { "content-type": "application/json", origin },
    body: JSON.stringify({ locale: "en" }),
  });

describe("sites settings", () => {
  it("lets owners (and the operator's token) in, and no other role", async () => {
    expect((await call(agentA, "GET", "/admin/v1/sites")).status).toBe(403);
    expect((await call(editorA, "GET", "/admin/v1/sites")).status).toBe(403);
    expect((await call(editorA, "POST", "/admin/v1/sites", { allowedOrigins: [] })).status).toBe(403);
    expect((await call(ownerA, "GET", "/admin/v1/sites")).status).toBe(200);
    const key = await create(ownerA, { name: "Operator check", allowedOrigins: [] });
    const viaToken = await call<{ sites: SiteSummary[] }>(ADMIN, "GET", `/admin/v1/sites?workspace=${WS_A}`);
    expect(viaToken.body.sites.map((s) => s.key)).toContain(key);
  });

  it("creates a site with a key of its own, lists it, and edits its name and origins", async () => {
    const key = await create(ownerA, { name: "Shop", allowedOrigins: [SHOP] });
    expect(key).toMatch(/^site_[0-9a-f]{16}$/);
    const made = (await list()).find((s) => s.key === key);
    expect(made).toEqual({
      key,
      name: "Shop",
      allowedOrigins: [SHOP],
      portal: false,
      identitySecret: "none",
      createdAt: expect.any(Number),
      lastSeenAt: null,
      lastSeenOrigin: null,
      refused: [],
    });
    const put = await call(ownerA, "PUT", `/admin/v1/sites/${key}`, {
      name: "Shop (EU)",
      allowedOrigins: [SHOP, `https://www.shop-${RUN}.example`],
    });
    expect(put.status).toBe(200);
    expect((await list()).find((s) => s.key === key)).toMatchObject({
      name: "Shop (EU)",
      allowedOrigins: [SHOP, `https://www.shop-${RUN}.example`],
    });
  });

  it("refuses origins a browser never sends, naming the field", async () => {
    for (const origin of [
      "https://shop.example/cart",
      "https://Shop.example",
      "https://shop.example:443",
      "shop.example",
      "ftp://shop.example",
    ]) {
      const r = await call<{ error: string; issues: { path: string }[] }>(ownerA, "POST", "/admin/v1/sites", {
        name: "Bad",
        allowedOrigins: [origin],
      });
      expect(r.status, origin).toBe(400);
      expect(r.body.error).toBe("invalid_body");
      expect(r.body.issues[0]?.path).toBe("allowedOrigins.0");
    }
    const many = Array.from({ length: 51 }, (_, i) => `https://s${i}.example`);
    expect((await call(ownerA, "POST", "/admin/v1/sites", { allowedOrigins: many })).status).toBe(400);
  });

  it("keeps workspaces apart: another owner neither sees nor changes a site", async () => {
    const key = await create(ownerA, { name: "A's site", allowedOrigins: [SHOP] });
    expect((await list(ownerB)).map((s) => s.key)).not.toContain(key);
    expect(
      (await call(ownerB, "PUT", `/admin/v1/sites/${key}`, { allowedOrigins: ["https://b.example"] })).status,
    ).toBe(409);
    expect((await call(ownerB, "POST", `/admin/v1/sites/${key}/identity-secret`)).status).toBe(404);
    expect((await call(ownerB, "DELETE", `/admin/v1/sites/${key}`)).status).toBe(404);
    expect((await list()).find((s) => s.key === key)).toMatchObject({ allowedOrigins: [SHOP], identitySecret: "none" });
  });

  it("generates an identity secret shown once, which verifies signatures until it is rotated", async () => {
    const key = await create(ownerA, { name: "Signed", allowedOrigins: [SHOP] });
    const gen = await call<GeneratedSecret>(ownerA, "POST", `/admin/v1/sites/${key}/identity-secret`);
    expect(gen.status).toBe(200);
    expect(gen.headers.get("cache-control")).toBe("no-store");
    const secret = gen.body.identitySecret;
    expect(secret).toMatch(/^[0-9a-f]{64}$/);

    // Never again: not in the list, not in a later edit's answer, not in the audit log.
    const listed = await call(ownerA, "GET", "/admin/v1/sites");
    expect(JSON.stringify(listed.body)).not.toContain(secret);
    expect((await list()).find((s) => s.key === key)?.identitySecret).toBe("set");
    const edit = await call(ownerA, "PUT", `/admin/v1/sites/${key}`, { name: "Signed", allowedOrigins: [SHOP] });
    expect(JSON.stringify(edit.body)).not.toContain(secret);
    const audit = await call(ownerA, "GET", "/admin/v1/audit");
    expect(JSON.stringify(audit.body)).not.toContain(secret);
    expect(JSON.stringify(audit.body)).toContain('"identitySecret":"set"');

    // What the site's server signs with it verifies on a chat of this site.
    const res = await openChat(key, SHOP);
    expect(res.status).toBe(201);
    const c = (await res.json()) as CreatedConversation;
    const user = { id: "u_1", email: "ana@example.com", name: "Ana", attributes: { plan: "pro" } };
    const ts = Math.floor(Date.now() / 1000);
    const identify = async (hmac: string) =>
      (
        await call<{ verified: boolean; verdict: string }>(
          { origin: SHOP, authorization: `Bearer ${c.token}` },
          "POST",
          `/v1/conversations/${c.id}/identify?site=${key}`,
          { user, hmac, ts },
        )
      ).body;
    const signed = await signIdentityV2(secret, ts, user);
    expect(await identify(signed)).toMatchObject({ verified: true, verdict: "verified" });

    // Rotation: a new secret, and the old one's signatures stop verifying at once.
    const rotated = await call<GeneratedSecret>(ownerA, "POST", `/admin/v1/sites/${key}/identity-secret`);
    expect(rotated.body.identitySecret).not.toBe(secret);
    expect(await identify(signed)).toMatchObject({ verified: false, verdict: "bad_signature" });
    expect(await identify(await signIdentityV2(rotated.body.identitySecret, ts, user))).toMatchObject({
      verified: true,
    });
  });

  it("makes one site the help centre's: choosing another hands the role over", async () => {
    const first = await create(ownerA, { name: "HC 1", allowedOrigins: [], portal: true });
    const second = await create(ownerA, { name: "HC 2", allowedOrigins: [], portal: true });
    const sites = await list();
    expect(sites.find((s) => s.key === first)?.portal).toBe(false);
    expect(sites.find((s) => s.key === second)?.portal).toBe(true);
    expect(sites.filter((s) => s.portal)).toHaveLength(1);
  });
});

describe("a misconfigured site says so", () => {
  it("answers a refused origin with CORS and what to fix, and shows it on the site until it is allowed", async () => {
    const key = await create(ownerA, { name: "Status", allowedOrigins: [SHOP] });
    const stray = `https://www.stray-${RUN}.example`;
    const refused = await openChat(key, stray);
    expect(refused.status).toBe(403);
    // Readable by the page that asked: the widget stops and says chat is unavailable.
    expect(refused.headers.get("access-control-allow-origin")).toBe(stray);
    const body = (await refused.json()) as { error: string; message: string };
    expect(body.error).toBe("origin_not_allowed");
    expect(body.message).toContain(stray);
    expect(body.message).toContain(key);
    expect(body.message).toContain("allowed origins");

    expect((await openChat(key, SHOP)).status).toBe(201);
    const status = await waitFor(
      async () => (await list()).find((s) => s.key === key),
      (s) => !!s?.lastSeenAt && !!s.refused.length,
      5000,
    );
    expect(status?.lastSeenOrigin).toBe(SHOP);
    expect(status?.refused).toEqual([{ origin: stray, at: expect.any(Number) }]);

    // Allowing the origin clears the warning at once, and the page works.
    await call(ownerA, "PUT", `/admin/v1/sites/${key}`, { name: "Status", allowedOrigins: [SHOP, stray] });
    expect((await list()).find((s) => s.key === key)?.refused).toEqual([]);
    expect((await openChat(key, stray)).status).toBe(201);
  });

  it("answers an unknown key with CORS and what to fix", async () => {
    const r = await openChat(`nosuch_${RUN}`, SHOP);
    expect(r.status).toBe(404);
    expect(r.headers.get("access-control-allow-origin")).toBe(SHOP);
    const body = (await r.json()) as { error: string; message: string };
    expect(body).toMatchObject({ error: "unknown_site" });
    expect(body.message).toContain(`nosuch_${RUN}`);
    expect(body.message).toContain("embed tag");
  });

  it("keeps at most 50 origins per site, whatever strangers send", async () => {
    const key = await create(ownerA, { name: "Flooded", allowedOrigins: [SHOP] });
    for (let i = 0; i < 60; i++) expect((await openChat(key, `https://f${i}-${RUN}.example`)).status).toBe(403);
    const count = () =>
      env.DB.prepare("SELECT COUNT(*) AS n FROM site_origins WHERE site_key = ?").bind(key).first<{ n: number }>();
    const n = await waitFor(count, (r) => (r?.n ?? 0) >= 50, 5000);
    expect(n?.n).toBe(50);
    // Not a header worth storing.
    await openChat(key, "javascript:alert(1)");
    expect((await count())?.n).toBe(50);
    expect((await list()).find((s) => s.key === key)?.refused).toHaveLength(5);
  });

  it("removing a site removes its status rows", async () => {
    const key = await create(ownerA, { name: "Gone", allowedOrigins: [SHOP] });
    await openChat(key, SHOP);
    const rows = () =>
      env.DB.prepare("SELECT COUNT(*) AS n FROM site_origins WHERE site_key = ?").bind(key).first<{ n: number }>();
    await waitFor(rows, (r) => (r?.n ?? 0) === 1, 5000);
    expect((await call(ownerA, "DELETE", `/admin/v1/sites/${key}`)).status).toBe(204);
    expect((await rows())?.n).toBe(0);
  });
});
