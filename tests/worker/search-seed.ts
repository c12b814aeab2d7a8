// Conversations for the search and merge tests, made the way clients make them: a verified widget chat
// (a site with an identity secret), the help centre's widget, the REST API, and email through the
// worker's email handler. Each returns its conversation id once the customer's message is stored.
import { env } from "cloudflare:test";
import { expect } from "vitest";
import type { CreatedConversation, EventsPage } from "../../shared/api.ts";
import type { RestConversation } from "../../shared/rest.ts";
import type { SearchQuery, SearchResult } from "../../shared/search.ts";
import { ADMIN, BASE, call, fetchAsCustomer, ORIGIN, signIdentity, waitFor } from "./helpers.ts";
import { createApiKey, email } from "./privacy-seed.ts";

export const SEARCH_SITE = "search_site";
export const SEARCH_SECRET = "search-identity-secret-0123456789";

export type Customer = { id: string; email: string; name: string };

const json = { origin: ORIGIN, "content-type": "application/json" };
/** A conversation as its customer holds it. */
export type Held = { id: string; token: string };

const qs = (c: Held, site: string) => `site=${site}&token=${encodeURIComponent(c.token)}`;

/** A site of `workspace` whose identify() calls can be verified. */
export async function setUpSite(site = SEARCH_SITE, workspace = "demo"): Promise<void> {
  const r = await fetchAsCustomer(`${BASE}/admin/v1/sites/${site}?workspace=${workspace}`, {
    method: "PUT",
    headers: ADMIN,
    body: JSON.stringify({ name: site, allowedOrigins: [ORIGIN], identitySecret: SEARCH_SECRET }),
  });
  expect(r.status).toBe(200);
}

/** A workspace of its own (as the operator creates one), with a site. */
export async function otherWorkspace(id: string, site: string): Promise<void> {
  await env.DB.prepare("INSERT OR IGNORE INTO workspaces (id, name, created_at) VALUES (?, ?, 1)").bind(id, id).run();
  await setUpSite(site, id);
}

export const customerPost = (c: Held, path: string, body: unknown, site = SEARCH_SITE) =>
  fetchAsCustomer(`${BASE}/v1/conversations/${c.id}/${path}?${qs(c, site)}`, {
    method: "POST",
    headers: json,
    body: JSON.stringify(body),
  });

export const customerGet = (c: Held, path: string, site = SEARCH_SITE) =>
  fetchAsCustomer(`${BASE}/v1/conversations/${c.id}/${path}?${qs(c, site)}`, { headers: { origin: ORIGIN } });

export async function page(c: Held, site = SEARCH_SITE): Promise<EventsPage> {
  return (await (await customerGet(c, "events", site)).json()) as EventsPage;
}

/** A widget chat; `who` signs its identify() (verified, so it joins the customer's contact). */
export async function chat(
  text: string,
  who?: Customer,
  o: { site?: string; channel?: "chat" | "portal"; verified?: boolean } = {},
): Promise<CreatedConversation> {
  const site = o.site ?? SEARCH_SITE;
  const r = await fetchAsCustomer(`${BASE}/v1/conversations?site=${site}`, {
    method: "POST",
    headers: json,
    body: JSON.stringify({ locale: "en", pageUrl: `${ORIGIN}/account`, channel: o.channel ?? "chat" }),
  });
  expect(r.status).toBe(201);
  const c = (await r.json()) as CreatedConversation;
  if (who) {
    const ts = Math.floor(Date.now() / 1000);
    const signed = o.verified === false ? {} : { hmac: await signIdentity(SEARCH_SECRET, ts, who.id, who.email), ts };
    const user = { id: who.id, email: who.email, name: who.name };
    expect((await customerPost(c, "identify", { user, ...signed }, site)).status).toBe(202);
  }
  await say(c, text, site);
  return c;
}

/** A customer message, and the bot's answer to it stored. */
export async function say(c: Held, text: string, site = SEARCH_SITE): Promise<EventsPage> {
  const before = (await page(c, site)).lastSeq;
  const r = await customerPost(c, "messages", { clientId: `m-${crypto.randomUUID().slice(0, 12)}`, text }, site);
  expect(r.status).toBe(202);
  return waitFor(
    () => page(c, site),
    (p) => p.events.some((e) => e.type === "message" && e.author !== "customer" && e.seq > before + 1),
    10_000,
  );
}

let apiKey: string | null = null;

/** A REST API conversation of `who` (the API key vouches for the customer: verified). */
export async function rest(text: string, who: Customer): Promise<string> {
  apiKey ??= await createApiKey();
  const auth = { authorization: `Bearer ${apiKey}`, "content-type": "application/json" };
  const created = await fetchAsCustomer(`${BASE}/rest/v1/conversations`, {
    method: "POST",
    headers: auth,
    body: JSON.stringify({ locale: "en", customer: who }),
  });
  expect(created.status).toBe(201);
  const id = ((await created.json()) as RestConversation).id;
  const sent = await fetchAsCustomer(`${BASE}/rest/v1/conversations/${id}/messages`, {
    method: "POST",
    headers: auth,
    body: JSON.stringify({ text }),
  });
  expect(sent.status).toBe(200);
  return id;
}

/** An email from `who` (authenticated sender), subject "Help <marker>". */
export const mail = (who: Customer, marker: string, messageId: string): Promise<string> =>
  email({ ...who, marker }, messageId, false);

export const search = (cookie: string | Record<string, string>, q: SearchQuery) => {
  const params = new URLSearchParams(Object.entries(q).flatMap(([k, v]) => (v === undefined ? [] : [[k, String(v)]])));
  return call<SearchResult>(cookie, "GET", `/api/search?${params}`);
};

/** The ids a search answers (200 asserted). */
export async function ids(cookie: string, q: SearchQuery): Promise<string[]> {
  const r = await search(cookie, q);
  expect(r.status, JSON.stringify(r.body)).toBe(200);
  return r.body.items.map((i) => i.id);
}

/** Waits until `q` finds `id` (the search follower runs after the write it follows). */
export const indexed = (cookie: string, q: SearchQuery, id: string) =>
  waitFor(
    () => ids(cookie, q),
    (found) => found.includes(id),
    10_000,
  );
