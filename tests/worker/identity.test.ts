// The widget's identify(): kept on the conversation and in its handoff packet; `verified` only when
// the site's HMAC over the canonical string checks out and its timestamp is fresh.
import { env, SELF } from "cloudflare:test";
import { beforeAll, describe, expect, it } from "vitest";
import {
  identityCanonical,
  type ConversationDetail,
  type CreatedConversation,
  type EventsPage,
} from "../../shared/api.ts";
import {
  ADMIN,
  asCustomer,
  BASE,
  connect,
  createAgent,
  isBotMessage,
  ORIGIN,
  publishDemoKb,
  signIdentityV2,
  wsAs,
} from "./helpers.ts";

const SITE = "ident_site";
const KEY = "site-identity-secret-0123456789";
let cookie = "";

beforeAll(async () => {
  await publishDemoKb();
  cookie = await createAgent("ivy@lumen.example");
  const r = await SELF.fetch(`${BASE}/admin/v1/sites/${SITE}?workspace=demo`, {
    method: "PUT",
    headers: ADMIN,
    body: JSON.stringify({ name: "Ident", allowedOrigins: [ORIGIN], identitySecret: KEY }),
  });
  expect(r.status).toBe(200);
});

/** What the site's server does: hex HMAC-SHA256 of the canonical string. */
async function sign(secret: string, ts: number, id: string, email?: string): Promise<string> {
  const key = await crypto.subtle.importKey(
    "raw",
    new TextEncoder().encode(secret),
    { name: "HMAC", hash: "SHA-256" },
    false,
    ["sign"],
  );
  const mac = new Uint8Array(
    await crypto.subtle.sign("HMAC", key, new TextEncoder().encode(identityCanonical(ts, id, email))),
  );
  return [...mac].map((b) => b.toString(16).padStart(2, "0")).join("");
}

async function create(site = SITE): Promise<CreatedConversation> {
  const r = await SELF.fetch(`${BASE}/v1/conversations?site=${site}`, {
    method: "POST",
    headers: { origin: ORIGIN, "content-type": "application/json" },
    body: JSON.stringify({ locale: "en" }),
  });
  return r.json();
}
const qs = (_c: CreatedConversation, site = SITE) => `site=${site}`;
const identify = (c: CreatedConversation, body: unknown, site = SITE) =>
  SELF.fetch(`${BASE}/v1/conversations/${c.id}/identify?${qs(c, site)}`, {
    method: "POST",
    headers: asCustomer(c, { "content-type": "application/json" }),
    body: JSON.stringify(body),
  });
const detail = async (id: string): Promise<ConversationDetail> =>
  (await SELF.fetch(`${BASE}/api/conversations/${id}`, { headers: { cookie } })).json();
const now = () => Math.floor(Date.now() / 1000);
const user = {
  id: "u_4821",
  email: "dana@example.com",
  name: "Dana Ruiz",
  attributes: { plan: "pro", seats: 12, trial: false },
};

describe("identify()", () => {
  it("verifies a fresh, correct HMAC and puts the identity in the handoff packet", async () => {
    const c = await create();
    const ts = now();
    const r = await identify(c, { user, hmac: await sign(KEY, ts, user.id, user.email), ts });
    expect(r.status).toBe(202);
    expect(await r.json()).toEqual({ verified: true, verdict: "verified", verifiedFields: ["id", "email"] });

    const customer = await connect(`/v1/conversations/${c.id}/ws?${qs(c)}&after=0`, wsAs(c));
    customer.send({ t: "send", clientId: "ident-00001", text: "I want to talk to a person" });
    await customer.until((f) => f.t === "event" && f.event.type === "state" && f.event.state === "queued");
    const d = await detail(c.id);
    expect(d.identity).toMatchObject({ ...user, verified: true });
    expect(d.handoff?.identity).toMatchObject({
      id: "u_4821",
      email: "dana@example.com",
      verified: true,
      attributes: { plan: "pro", seats: 12, trial: false },
    });
    // Agents get a timeline entry; the customer's side never sees identity data coming back.
    expect(d.events.find((e) => e.type === "change")).toMatchObject({
      by: "customer",
      audience: "agents",
      identity: { verified: true },
    });
    const page = (await (
      await SELF.fetch(`${BASE}/v1/conversations/${c.id}/events?${qs(c)}`, {
        headers: asCustomer(c),
      })
    ).json()) as EventsPage;
    expect(JSON.stringify(page)).not.toContain("u_4821");
    expect(JSON.stringify(customer.frames)).not.toContain("u_4821");
    customer.close();
  });

  it("keeps a wrong signature's claims but flags them unverified", async () => {
    const c = await create();
    const ts = now();
    // Signed for another user: someone editing the page to impersonate.
    const r = await identify(c, {
      user: { ...user, id: "u_admin" },
      hmac: await sign(KEY, ts, user.id, user.email),
      ts,
    });
    expect(await r.json()).toEqual({ verified: false, verdict: "bad_signature" });
    expect((await detail(c.id)).identity).toMatchObject({ id: "u_admin", verified: false });
    // Signed with another key, or with the email changed.
    expect(
      await (
        await identify(c, { user, hmac: await sign("another-secret-entirely", ts, user.id, user.email), ts })
      ).json(),
    ).toMatchObject({ verified: false, verdict: "bad_signature" });
    expect(
      await (
        await identify(c, {
          user: { ...user, email: "ceo@example.com" },
          hmac: await sign(KEY, ts, user.id, user.email),
          ts,
        })
      ).json(),
    ).toMatchObject({ verdict: "bad_signature" });
    // The same claims again (every page view calls identify) record nothing new.
    const changes = async () => (await detail(c.id)).events.filter((e) => e.type === "change").length;
    const before = await changes();
    await identify(c, {
      user: { ...user, email: "ceo@example.com" },
      hmac: await sign(KEY, ts, user.id, user.email),
      ts,
    });
    expect(await changes()).toBe(before);
    // A later valid call replaces the unverified claims.
    expect(
      await (await identify(c, { user, hmac: await sign(KEY, ts, user.id, user.email), ts })).json(),
    ).toMatchObject({ verified: true });
    expect((await detail(c.id)).identity).toMatchObject({ id: "u_4821", verified: true });
  });

  it("refuses stale or far-future timestamps, so a copied signature stops working", async () => {
    const c = await create();
    for (const ts of [now() - 3600, now() - 601, now() + 3600]) {
      const r = await identify(c, { user, hmac: await sign(KEY, ts, user.id, user.email), ts });
      expect(await r.json(), `ts ${ts - now()}s from now`).toEqual({ verified: false, verdict: "stale" });
    }
    // The timestamp is signed too: a fresh ts on an old signature does not verify.
    const old = now() - 3600;
    expect(
      await (await identify(c, { user, hmac: await sign(KEY, old, user.id, user.email), ts: now() })).json(),
    ).toMatchObject({ verdict: "bad_signature" });
    expect((await detail(c.id)).identity?.verified).toBe(false);
  });

  it("stores unsigned claims, and claims on a site without a secret, as unverified", async () => {
    const c = await create();
    expect(await (await identify(c, { user })).json()).toEqual({ verified: false, verdict: "unsigned" });
    const demo = await create("demo_site");
    const ts = now();
    expect(
      await (await identify(demo, { user, hmac: await sign(KEY, ts, user.id, user.email), ts }, "demo_site")).json(),
    ).toEqual({ verified: false, verdict: "no_secret" });
    expect((await detail(demo.id)).identity).toMatchObject({ id: "u_4821", verified: false });
  });

  it("updates the packet of a conversation already handed off, and validates input", async () => {
    const c = await create();
    const customer = await connect(`/v1/conversations/${c.id}/ws?${qs(c)}&after=0`, wsAs(c));
    customer.send({ t: "send", clientId: "ident-00002", text: "How do I reset my password?" });
    await customer.until(isBotMessage);
    customer.send({ t: "send", clientId: "ident-00003", text: "I want to talk to a person" });
    await customer.until((f) => f.t === "event" && f.event.type === "state" && f.event.state === "queued");
    expect((await detail(c.id)).handoff?.identity).toBeUndefined();
    await identify(c, { user: { id: "u_77" } });
    expect((await detail(c.id)).handoff?.identity).toMatchObject({ id: "u_77", verified: false });

    for (const bad of [
      {},
      { user: {} },
      { user: { id: "" } },
      { user: { id: "a\nb" } },
      { user: { id: "x", email: "nope" } },
      { user: { id: "x" }, hmac: "zz", ts: 1 },
      { user: { id: "x", attributes: { nested: { a: 1 } } } },
    ]) {
      expect((await identify(c, bad)).status, JSON.stringify(bad)).toBe(400);
    }
    const tooMany = Object.fromEntries(Array.from({ length: 31 }, (_, i) => [`k${i}`, i]));
    expect((await identify(c, { user: { id: "x", attributes: tooMany } })).status).toBe(400);
    const badToken = await SELF.fetch(`${BASE}/v1/conversations/${c.id}/identify?site=${SITE}`, {
      method: "POST",
      headers: asCustomer({ token: "x".repeat(43) }, { "content-type": "application/json" }),
      body: JSON.stringify({ user }),
    });
    expect(badToken.status).toBe(403);
    customer.close();
  });

  it("never returns the site's identity secret and keeps it when the site is updated without one", async () => {
    const r = await SELF.fetch(`${BASE}/admin/v1/sites/${SITE}?workspace=demo`, {
      method: "PUT",
      headers: ADMIN,
      body: JSON.stringify({ name: "Ident", allowedOrigins: [ORIGIN] }),
    });
    expect(JSON.stringify(await r.json())).not.toContain(KEY);
    const row = await env.DB.prepare("SELECT identity_secret FROM sites WHERE key = ?")
      .bind(SITE)
      .first<{ identity_secret: string }>();
    expect(row?.identity_secret).toBe(KEY);
  });
});

describe("identity and routing", () => {
  async function handoffAs(body: unknown) {
    const c = await create();
    expect((await identify(c, body)).status).toBe(202);
    const customer = await connect(`/v1/conversations/${c.id}/ws?${qs(c)}&after=0`, wsAs(c));
    customer.send({
      t: "send",
      clientId: `vip-${crypto.randomUUID().slice(0, 8)}`,
      text: "I want to talk to a person",
    });
    await customer.until((f) => f.t === "event" && f.event.type === "state" && f.event.state === "queued");
    customer.close();
    return (await detail(c.id)).handoff;
  }

  it("routes a VIP signed with v2 to the executive tier, and ignores an unverified VIP claim", async () => {
    const vip = { ...user, id: "u_vip", attributes: { vip: true } };
    const ts = now();
    const verified = await handoffAs({ user: vip, hmac: await signIdentityV2(KEY, ts, vip), ts });
    expect(verified).toMatchObject({
      tier: "executive",
      identity: { verified: true, verifiedFields: ["id", "email", "name", "attributes"] },
    });
    const forged = await handoffAs({ user: vip, hmac: "00".repeat(32), ts });
    expect(forged?.identity?.verified).toBe(false);
    expect(forged?.tier).not.toBe("executive");
  });

  it("keeps name and attributes of a v1 signature as claims: a vip attribute it did not sign never raises the tier", async () => {
    // v1 signs id and email only: anyone who has a valid v1 signature for themselves can add `vip: true`.
    const vip = { ...user, id: "u_v1", name: "The CEO", attributes: { vip: true } };
    const ts = now();
    const r = await identify(await create(), { user: vip, hmac: await sign(KEY, ts, vip.id, vip.email), ts });
    expect(await r.json()).toEqual({ verified: true, verdict: "verified", verifiedFields: ["id", "email"] });
    const h = await handoffAs({ user: vip, hmac: await sign(KEY, ts, vip.id, vip.email), ts });
    expect(h?.identity).toMatchObject({ verified: true, verifiedFields: ["id", "email"], name: "The CEO" });
    expect(h?.tier).not.toBe("executive");
  });
});

describe("identity v2: every field signed", () => {
  const ts = now();
  const full = {
    id: "u_9",
    email: "lee@example.com",
    name: "Lee Park",
    attributes: { plan: "pro", "10": 1, "9": true },
  };

  it("verifies name and attributes, whatever order the page lists the attributes in", async () => {
    const hmac = await signIdentityV2(KEY, ts, full);
    const reordered = { ...full, attributes: { "9": true, plan: "pro", "10": 1 } };
    const r = await identify(await create(), { user: reordered, hmac, ts });
    expect(await r.json()).toEqual({
      verified: true,
      verdict: "verified",
      verifiedFields: ["id", "email", "name", "attributes"],
    });
  });

  it("refuses a v2 signature when the page changed the name or an attribute, or added one", async () => {
    const hmac = await signIdentityV2(KEY, ts, full);
    for (const changed of [
      { ...full, name: "Someone Else" },
      { ...full, attributes: { ...full.attributes, plan: "enterprise" } },
      { ...full, attributes: { ...full.attributes, vip: true } },
      { id: full.id, email: full.email, name: full.name },
    ]) {
      const c = await create();
      const r = await identify(c, { user: changed, hmac, ts });
      expect(await r.json(), JSON.stringify(changed)).toEqual({ verified: false, verdict: "bad_signature" });
      expect((await detail(c.id)).identity?.verified).toBe(false);
    }
  });
});

describe("identity and contacts", () => {
  it("joins conversations with the same verified email into one contact, and never links an unverified claim", async () => {
    const who = { id: "u_77", email: "Kim@Example.com", name: "Kim" };
    const verifiedIn = async () => {
      const c = await create();
      const ts = now();
      expect((await identify(c, { user: who, hmac: await sign(KEY, ts, who.id, who.email), ts })).status).toBe(202);
      return c;
    };
    const a = await verifiedIn();
    const b = await verifiedIn();
    const [da, db] = [await detail(a.id), await detail(b.id)];
    expect(da.contactId).toMatch(/^ct_/);
    expect(db.contactId).toBe(da.contactId);
    const contact = (await (
      await SELF.fetch(`${BASE}/api/contacts/${da.contactId}`, { headers: { cookie } })
    ).json()) as { email: string; conversations: { id: string }[] };
    expect(contact.email).toBe("kim@example.com");
    expect(contact.conversations.map((x) => x.id).sort()).toEqual([a.id, b.id].sort());

    const unverified = await create();
    await identify(unverified, { user: who, hmac: "00".repeat(32), ts: now() });
    expect((await detail(unverified.id)).contactId).toBeUndefined();
  });
});
