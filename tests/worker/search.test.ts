// Search over conversations (worker/search/, docs/search.md): every filter against conversations made
// through the real channels (widget, help-centre widget, REST, email), who may search what (every role
// of the workspace, never another workspace's conversations), snippets as plain parts, paging, the
// query's validation, and erasure taking a conversation's words out of the index and its pages.
import { env } from "cloudflare:test";
import { beforeAll, describe, expect, it } from "vitest";
import type { SearchResult } from "../../shared/search.ts";
import { ADMIN, call, createAgent, settled, waitFor } from "./helpers.ts";
import { chat, type Customer, ids, indexed, mail, otherWorkspace, rest, search, setUpSite } from "./search-seed.ts";

const ANA: Customer = { id: "u_ana", email: "Ana.Order@Shop.example", name: "Ana Ordoñez" };
const BRUNO: Customer = { id: "u_bruno", email: "bruno@refunds.example", name: "Bruno Keller" };
const CARLA: Customer = { id: "u_carla", email: "carla@example.org", name: "Carla Mendes" };
const DMITRI: Customer = { id: "u_dmitri", email: "dmitri@mail.example", name: "Dmitri Volkov" };

let agent = "";
let editor = "";
let owner = "";
let otherAgent = "";
const c = { ana: "", bruno: "", carla: "", dmitri: "", other: "", html: "" };

const today = new Date().toISOString().slice(0, 10);
const daysAgo = (n: number) => new Date(Date.now() - n * 86_400_000).toISOString().slice(0, 10);

beforeAll(async () => {
  await setUpSite();
  await otherWorkspace("search-other", "search_other_site");
  agent = await createAgent("agent.search@lumen.example", "agent");
  editor = await createAgent("editor.search@lumen.example", "editor");
  owner = await createAgent("owner.search@lumen.example", "owner");
  otherAgent = await createAgent("agent@search-other.example", "agent", "search-other");

  c.ana = (await chat("My order #A-1029 never arrived and I am worried", ANA)).id;
  c.bruno = (
    await chat("Refund for order 48213 please, it came broken", BRUNO, { channel: "portal", verified: false })
  ).id;
  c.carla = await rest("Where is invoice 77001 for my company?", CARLA);
  c.dmitri = await mail(DMITRI, "walrus8812", "dmitri-1@mail.example");
  c.html = (await chat("<b>bold</b> <img src=x onerror=alert(1)> parcel 55120")).id;
  // Another workspace's customer writes about the same order number.
  c.other = (await chat("Order #A-1029 is mine too", ANA, { site: "search_other_site" })).id;

  // Bruno's chat: handed off, labelled, a private note, resolved.
  const b = `/api/conversations/${c.bruno}`;
  await waitFor(
    () => call<{ state: string }>(agent, "GET", b),
    (r) => r.status === 200,
    10_000,
  );
  expect((await call(agent, "PATCH", b, { labels: ["billing", "vip"] })).status).toBe(200);
  expect(
    (await call(agent, "POST", `${b}/notes`, { clientId: "note-zebra-1", text: "escalate to finance zebra" })).status,
  ).toBe(201);
  await env.CONVERSATION.get(env.CONVERSATION.idFromName(c.bruno)).requestHandoff("customer-requested");
  await waitFor(
    () => call<{ state: string }>(agent, "GET", b),
    (r) => r.body.state === "queued",
    10_000,
  );
  expect((await call(agent, "POST", `${b}/claim`)).status).toBe(200);
  expect((await call(agent, "POST", `${b}/resolve`)).status).toBe(200);
  expect((await call(agent, "PATCH", `/api/conversations/${c.ana}`, { labels: ["shipping"] })).status).toBe(200);

  // Everything indexed: the last write of each conversation is findable.
  await indexed(agent, { q: "zebra", status: "resolved" }, c.bruno);
  await indexed(agent, { label: "shipping" }, c.ana);
  await indexed(agent, { q: "77001" }, c.carla);
  await indexed(agent, { q: "walrus8812" }, c.dmitri);
  await indexed(agent, { q: "55120" }, c.html);
  await indexed(otherAgent, { q: "A-1029" }, c.other);
}, 120_000);

describe("text", () => {
  it("finds an order number however it is written, exactly", async () => {
    for (const q of ["#A-1029", "A-1029", "a 1029", "a-1029"]) expect(await ids(agent, { q }), q).toEqual([c.ana]);
    expect(await ids(agent, { q: "48213" })).toEqual([c.bruno]);
    // A number matches whole: a shorter one is another order.
    expect(await ids(agent, { q: "4821" })).toEqual([]);
    expect(await ids(agent, { q: "A-102" })).toEqual([]);
  });

  it("matches words by prefix, accents folded, every word required", async () => {
    expect(await ids(agent, { q: "refun" })).toEqual([c.bruno]);
    expect(await ids(agent, { q: "ARRIVED worried" })).toEqual([c.ana]);
    expect(await ids(agent, { q: "arrived refund" })).toEqual([]);
    expect(await ids(agent, { q: '"never arrived"' })).toEqual([c.ana]);
    expect(await ids(agent, { q: '"arrived never"' })).toEqual([]);
    // The customer's name and address are text too (row 0): "ordonez" finds "Ordoñez".
    expect(await ids(agent, { q: "ordonez" })).toEqual([c.ana]);
    expect(await ids(agent, { q: "dmitri@mail.example" })).toEqual([c.dmitri]);
  });

  it("finds private notes, email subjects and text from every channel", async () => {
    expect(await ids(agent, { q: "zebra" })).toEqual([c.bruno]);
    // The email's subject is "Help walrus8812", its body says "photos will not sync".
    expect(await ids(agent, { q: "help walrus8812" })).toEqual([c.dmitri]);
    expect(await ids(agent, { q: "photos sync" })).toContain(c.dmitri);
    expect(await ids(agent, { q: "invoice 77001" })).toEqual([c.carla]);
  });

  it("leaves bot answers out of the index", async () => {
    const bot = await env.DB.prepare(
      "SELECT COUNT(*) AS n FROM search_docs d WHERE d.conversation_id = ? AND d.seq > 0 AND d.text LIKE '%person%'",
    )
      .bind(c.ana)
      .first<{ n: number }>();
    expect(bot?.n).toBe(0);
  });

  it("answers snippets as plain parts with the match marked, never as markup", async () => {
    const r = await search(agent, { q: "48213" });
    const hit = r.body.items[0];
    expect(hit?.snippet.filter((p) => p.hit).map((p) => p.text)).toEqual(["48213"]);
    expect(hit?.snippet.map((p) => p.text).join("")).toContain("Refund for order 48213 please");
    const html = await search(agent, { q: "parcel" });
    const text = html.body.items[0]?.snippet.map((p) => p.text).join("") ?? "";
    // The customer's text comes back as they typed it, for the console to render as text.
    expect(text).toContain("<img src=x onerror=alert(1)>");
    expect(html.body.items[0]?.snippet.find((p) => p.hit)?.text).toBe("parcel");
  });

  it("treats FTS syntax as words, and text without words as matching nothing", async () => {
    expect((await search(agent, { q: 'NEAR(order refund) OR "' })).status).toBe(200);
    expect(await ids(agent, { q: "order OR zebra" })).toEqual([]);
    expect(await ids(agent, { q: "# -- *" })).toEqual([]);
  });

  it("answers each hit with its subject, status, channel, labels and times", async () => {
    const r = await search(agent, { q: "48213" });
    expect(r.body.items[0]).toMatchObject({
      id: c.bruno,
      subject: "Refund for order 48213 please, it came broken",
      status: "resolved",
      channel: "portal",
      customer: BRUNO.name,
      labels: ["billing", "vip"],
    });
    const mailHit = (await search(agent, { q: "walrus8812" })).body.items[0];
    expect(mailHit).toMatchObject({ subject: "Help walrus8812", channel: "email" });
    expect(mailHit?.updatedAt).toBeGreaterThanOrEqual(mailHit?.createdAt ?? Infinity);
  });
});

describe("filters", () => {
  it("customer: part of the name, any case", async () => {
    expect(await ids(agent, { customer: "ordoñez" })).toEqual([c.ana]);
    expect(await ids(agent, { customer: "KELL" })).toEqual([c.bruno]);
    expect(await ids(agent, { customer: "nobody" })).toEqual([]);
  });

  it("email: any address the conversation learnt, in part", async () => {
    expect(await ids(agent, { email: "ana.order@shop.example" })).toEqual([c.ana]);
    expect(await ids(agent, { email: "@refunds.example" })).toEqual([c.bruno]);
    expect(await ids(agent, { email: "CARLA@" })).toEqual([c.carla]);
    expect(await ids(agent, { email: "dmitri@mail.example" })).toEqual([c.dmitri]);
    // LIKE wildcards are literal.
    expect(await ids(agent, { email: "%" })).toEqual([]);
  });

  it("label: whole labels only", async () => {
    expect(await ids(agent, { label: "billing" })).toEqual([c.bruno]);
    expect(await ids(agent, { label: "VIP" })).toEqual([c.bruno]);
    expect(await ids(agent, { label: "bill" })).toEqual([]);
    expect(await ids(agent, { label: "shipping" })).toEqual([c.ana]);
  });

  it("status: a state, or open for every state but resolved", async () => {
    expect(await ids(agent, { status: "resolved" })).toEqual([c.bruno]);
    const open = await ids(agent, { status: "open" });
    expect(open).toEqual(expect.arrayContaining([c.ana, c.carla, c.dmitri, c.html]));
    expect(open).not.toContain(c.bruno);
    expect(await ids(agent, { q: "48213", status: "open" })).toEqual([]);
  });

  it("channel: chat, portal, email and the REST API", async () => {
    expect(await ids(agent, { channel: "portal" })).toEqual([c.bruno]);
    expect(await ids(agent, { channel: "email" })).toEqual([c.dmitri]);
    expect(await ids(agent, { channel: "api" })).toEqual([c.carla]);
    const chats = await ids(agent, { channel: "chat" });
    expect(chats).toEqual(expect.arrayContaining([c.ana, c.html]));
    expect(chats).not.toContain(c.bruno);
  });

  it("dates: conversations active in the range, both days included", async () => {
    expect((await ids(agent, { from: today, to: today })).length).toBe(5);
    expect(await ids(agent, { to: daysAgo(1) })).toEqual([]);
    expect(await ids(agent, { from: daysAgo(-1) })).toEqual([]);
    expect(await ids(agent, { q: "A-1029", from: daysAgo(7), to: today })).toEqual([c.ana]);
  });

  it("filters combine with text and with each other", async () => {
    expect(await ids(agent, { q: "order", channel: "portal" })).toEqual([c.bruno]);
    expect(await ids(agent, { q: "order", label: "shipping", customer: "ana" })).toEqual([c.ana]);
    expect(await ids(agent, { q: "order", label: "shipping", customer: "bruno" })).toEqual([]);
  });
});

describe("pages", () => {
  it("pages through every result once, newest activity first", async () => {
    const all = await ids(agent, {});
    expect(all.length).toBe(5);
    const seen: string[] = [];
    let cursor: string | undefined;
    do {
      const r = await search(agent, { limit: 2, ...(cursor ? { cursor } : {}) });
      expect(r.status).toBe(200);
      expect(r.body.items.length).toBeLessThanOrEqual(2);
      seen.push(...r.body.items.map((i) => i.id));
      cursor = r.body.next;
    } while (cursor);
    expect(seen).toEqual(all);
    const r = await search(agent, {});
    const times = r.body.items.map((i) => i.updatedAt);
    expect(times).toEqual([...times].sort((a, b) => b - a));
  });
});

describe("who may search what", () => {
  it("every role of the workspace finds its conversations, and only those", async () => {
    for (const who of [agent, editor, owner]) expect(await ids(who, { q: "A-1029" })).toEqual([c.ana]);
    expect(await ids(otherAgent, { q: "A-1029" })).toEqual([c.other]);
    expect(await ids(otherAgent, {})).toEqual([c.other]);
    expect(await ids(otherAgent, { q: "48213" })).toEqual([]);
    expect(await ids(otherAgent, { email: "ana.order@shop.example" })).toEqual([c.other]);
  });

  it("needs a session: none is 401, the ADMIN_TOKEN is not a session", async () => {
    expect((await search({}, { q: "A-1029" })).status).toBe(401);
    expect((await search(ADMIN, { q: "A-1029" })).status).toBe(401);
  });

  it("takes the workspace from the session, never from the query", async () => {
    const r = await call<SearchResult>(otherAgent, "GET", "/api/search?q=48213&workspace=demo");
    expect(r.status).toBe(200);
    expect(r.body.items).toEqual([]);
  });
});

describe("validation", () => {
  it("refuses a malformed query with 400 and says which field", async () => {
    const bad = async (qs: string) => {
      const r = await call<{ error: string; message: string }>(agent, "GET", `/api/search?${qs}`);
      expect(r.status, qs).toBe(400);
      return r.body.message;
    };
    expect(await bad("status=closed")).toMatch(/status/);
    expect(await bad("channel=fax")).toMatch(/channel/);
    expect(await bad("from=2026-05-02&to=2026-05-01")).toMatch(/from/);
    expect(await bad("from=yesterday")).toMatch(/from/);
    expect(await bad("limit=500")).toMatch(/limit/);
    expect(await bad("cursor=abc")).toMatch(/cursor/);
    expect(await bad(`q=${"x".repeat(201)}`)).toMatch(/q/);
  });
});

describe("erasure", () => {
  it("takes an erased conversation out of the results, its rows and the index's pages", async () => {
    const erase = await call(owner, "POST", "/api/privacy/contacts/erase", {
      email: DMITRI.email,
      confirm: DMITRI.email,
    });
    expect(erase.status, JSON.stringify(erase.body)).toBe(200);
    expect(await ids(agent, { q: "walrus8812" })).toEqual([]);
    expect(await ids(agent, { q: "photos" })).toEqual([]);
    const rows = await env.DB.batch([
      env.DB.prepare("SELECT COUNT(*) AS n FROM search_docs WHERE conversation_id = ?").bind(c.dmitri),
      env.DB.prepare("SELECT COUNT(*) AS n FROM search_conversations WHERE conversation_id = ?").bind(c.dmitri),
    ]);
    expect(rows.map((r) => (r.results[0] as { n: number }).n)).toEqual([0, 0]);
    // The FTS5 index's own pages keep no trace of the erased words (secure-delete, migration 0040).
    const pages = await env.DB.prepare("SELECT block FROM search_fts_data").all<{ block: ArrayBuffer | number[] }>();
    const bytes = pages.results.map((p) => new TextDecoder().decode(new Uint8Array(p.block as ArrayBuffer))).join("");
    expect(bytes.length).toBeGreaterThan(0);
    expect(bytes).not.toContain("walrus8812");
    expect(bytes).not.toContain("volkov");
    // Others' words are still there.
    expect(bytes).toContain("48213");
    await settled(Object.values(c).filter((id) => id !== c.dmitri));
  });
});
