// Files in the chat inside workerd (docs/attachments.md): every rule of the server, through the real
// routes, Durable Objects, D1 and R2. The kind is decided by the bytes (an HTML "png" refused, a PDF
// called .jpg kept as a PDF); the size limit is one byte exact and never read past; each workspace's
// policy holds; only the conversation's own customer or an agent of its workspace writes or reads;
// the conversation's budget refuses with 429 and its caps with 409; what is served can never run; and
// an upload is an event of the conversation, in its log, both transcripts and the handoff packet.
import { env, runInDurableObject, SELF } from "cloudflare:test";
import { beforeAll, describe, expect, it } from "vitest";
import type { ConversationDetail, CreatedConversation, EventsPage } from "../../shared/api.ts";
import type { FileSettings, Uploaded } from "../../shared/attachments.ts";
import { bearer } from "../../shared/credentials.ts";
import type { MessageEvent } from "../../shared/protocol.ts";
import type { Store } from "../../worker/conversation/log.ts";
import { inboxItemOf, type Meta } from "../../worker/conversation/model.ts";
import worker, { type ConversationDO } from "../../worker/index.ts";
import { eventsFor } from "../../worker/insights/notify/events.ts";
import { attachmentKey } from "../../worker/attachments/store.ts";
import { BASE, call, connect, createAgent, ORIGIN, waitFor, wsAs } from "./helpers.ts";

const A = { ws: "files-a", site: "files_a_site" };
const B = { ws: "files-b", site: "files_b_site" };

let ownerA = "";
let agentA = "";
let agentB = "";

const png = (size: number) => {
  const b = new Uint8Array(size);
  b.set([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13]);
  return b;
};
const text = (s: string) => new TextEncoder().encode(s);
const pdf = (size = 2048) => {
  const b = new Uint8Array(size).fill(0x20);
  b.set(text("%PDF-1.4\n% test\n"));
  return b;
};

async function open(site: string): Promise<CreatedConversation> {
  const r = await SELF.fetch(`${BASE}/v1/conversations?site=${site}`, {
    method: "POST",
    headers: { origin: ORIGIN, "content-type": "application/json" },
    body: JSON.stringify({ locale: "en", pageUrl: "http://localhost:8787/account" }),
  });
  expect(r.status).toBe(201);
  return r.json();
}

let uploads = 0;
const nextId = () => `upload-${String(++uploads).padStart(6, "0")}`;

/** The widget's upload: raw bytes, the name in `x-file-name`, the token in Authorization. */
function customerUpload(
  c: CreatedConversation,
  site: string,
  body: BodyInit,
  name: string,
  opts: { clientId?: string; token?: string; id?: string } = {},
): Promise<Response> {
  return SELF.fetch(`${BASE}/v1/attachments/${opts.id ?? c.id}?site=${site}`, {
    method: "POST",
    headers: {
      origin: ORIGIN,
      ...bearer(opts.token ?? c.token),
      "content-type": "application/octet-stream",
      "x-file-name": encodeURIComponent(name),
      "x-client-id": opts.clientId ?? nextId(),
    },
    body,
  });
}

const customerRead = (c: CreatedConversation, site: string, file: string, token = c.token) =>
  SELF.fetch(`${BASE}/v1/attachments/${c.id}/${file}?site=${site}`, { headers: { origin: ORIGIN, ...bearer(token) } });

function agentUpload(cookie: string, id: string, body: BodyInit, name: string, clientId = nextId()) {
  return SELF.fetch(`${BASE}/api/conversations/${id}/attachments`, {
    method: "POST",
    headers: { cookie, origin: ORIGIN, "x-file-name": encodeURIComponent(name), "x-client-id": clientId },
    body,
  });
}

const agentRead = (cookie: string, id: string, file: string) =>
  SELF.fetch(`${BASE}/api/conversations/${id}/attachments/${file}`, { headers: { cookie } });

const stub = (id: string) => env.CONVERSATION.get(env.CONVERSATION.idFromName(id));
const detail = (id: string): Promise<ConversationDetail> => stub(id).detail();

/** Handed off and in D1 (where agents' routes look a conversation up). */
async function queued(site: string): Promise<CreatedConversation> {
  const c = await open(site);
  const r = await SELF.fetch(`${BASE}/v1/conversations/${c.id}/handoff?site=${site}`, {
    method: "POST",
    headers: { origin: ORIGIN, "content-type": "application/json", ...bearer(c.token) },
    body: "{}",
  });
  expect(r.status).toBe(202);
  await waitFor(
    () => detail(c.id),
    (d) => d.state === "queued",
    10_000,
  );
  await waitFor(
    () => env.DB.prepare("SELECT state FROM conversations WHERE id = ?").bind(c.id).first<{ state: string }>(),
    (row) => row?.state === "queued",
    10_000,
  );
  return c;
}

const setPolicy = (cookie: string, policy: unknown) => call<FileSettings>(cookie, "PUT", "/api/files", policy);

beforeAll(async () => {
  const origins = JSON.stringify([ORIGIN]);
  await env.DB.batch(
    [A, B].flatMap((w) => [
      env.DB.prepare("INSERT OR IGNORE INTO workspaces (id, name, created_at) VALUES (?, ?, 1)").bind(w.ws, w.ws),
      env.DB.prepare(
        "INSERT OR IGNORE INTO sites (key, workspace_id, name, allowed_origins, created_at) VALUES (?, ?, 'Files', ?, 1)",
      ).bind(w.site, w.ws, origins),
    ]),
  );
  ownerA = await createAgent("owner@files-a.example", "owner", A.ws);
  agentA = await createAgent("agent@files-a.example", "agent", A.ws);
  agentB = await createAgent("agent@files-b.example", "agent", B.ws);
});

describe("the kind is the bytes'", () => {
  it("refuses HTML called .png, SVG and anything without a known signature; keeps a PDF called .jpg as a PDF", async () => {
    const c = await open(A.site);
    for (const [name, body] of [
      ["screenshot.png", text("<!doctype html><script>alert(document.cookie)</script>")],
      ["logo.svg", text("<svg xmlns='http://www.w3.org/2000/svg' onload='alert(1)'/>")],
      ["photo.png", text("<?xml version='1.0'?><svg xmlns='http://www.w3.org/2000/svg'/>")],
    ] as const) {
      const r = await customerUpload(c, A.site, body, name);
      expect(r.status, name).toBe(415);
      expect(((await r.json()) as { error: string }).error).toBe("file_type");
    }
    // Each refused attempt cost the conversation's budget too (three in the tests' setting): a fresh one.
    // The client's Content-Type is not asked either.
    const d = await open(A.site);
    const r = await customerUpload(d, A.site, pdf(), "holiday.jpg");
    expect(r.status).toBe(201);
    const up = (await r.json()) as Uploaded;
    expect(up.attachment).toMatchObject({ name: "holiday.pdf", type: "application/pdf", size: 2048 });
    const got = await customerRead(d, A.site, up.attachment.id);
    expect(got.status).toBe(200);
    expect(got.headers.get("content-type")).toBe("application/pdf");
    expect(got.headers.get("content-disposition")).toMatch(/^attachment; filename="holiday\.pdf"/);
    expect(new Uint8Array(await got.arrayBuffer())).toEqual(pdf());
    // Nothing of the refused uploads was stored: no object, no message.
    expect((await env.ATTACHMENTS.list({ prefix: attachmentKey(c.id, "") })).objects).toHaveLength(0);
    expect((await detail(c.id)).events.filter((e) => e.type === "message")).toHaveLength(0);
    expect((await customerUpload(c, A.site, pdf(), "late.pdf")).status).toBe(429);
  });
});

describe("the size limit", () => {
  it("takes a file of exactly the limit and refuses one byte more", async () => {
    expect((await setPolicy(ownerA, { maxBytes: 102_400, types: ["png", "pdf"] })).status).toBe(200);
    const c = await open(A.site);
    expect((await customerUpload(c, A.site, png(102_400), "exact.png")).status).toBe(201);
    const over = await customerUpload(c, A.site, png(102_401), "over.png");
    expect(over.status).toBe(413);
    expect(((await over.json()) as { error: string }).error).toBe("file_too_large");
  });

  it("stops reading a body without a length at the first chunk over the limit", async () => {
    const c = await open(A.site);
    let pulled = 0;
    const chunk = png(64 * 1024);
    // Never ends: a server that read it to the end would never answer.
    const endless = new ReadableStream<Uint8Array>({
      pull(ctl) {
        pulled += chunk.byteLength;
        ctl.enqueue(chunk.slice());
      },
    });
    const r = await customerUpload(c, A.site, endless, "endless.png");
    expect(r.status).toBe(413);
    // The limit (100 KB) plus what the runtime's pipes hold ahead, not more.
    expect(pulled).toBeLessThan(2 * 1024 * 1024);
    expect((await env.ATTACHMENTS.list({ prefix: attachmentKey(c.id, "") })).objects).toHaveLength(0);
  });
});

describe("each workspace's policy", () => {
  it("owners set it, every agent reads it, the widget reads it by site; another workspace keeps the defaults", async () => {
    expect((await setPolicy(agentA, { maxBytes: 200_000, types: ["png"] })).status).toBe(403);
    const set = await setPolicy(ownerA, { maxBytes: 200_000, types: ["png"] });
    expect(set.status).toBe(200);
    expect(set.body).toMatchObject({ policy: { maxBytes: 200_000, types: ["png"] }, custom: true });
    expect((await call<FileSettings>(agentA, "GET", "/api/files")).body.policy.types).toEqual(["png"]);
    expect((await call<FileSettings>(agentB, "GET", "/api/files")).body).toMatchObject({
      custom: false,
      policy: { maxBytes: 10 * 1024 * 1024, types: ["png", "jpeg", "gif", "webp", "pdf"] },
    });
    const widget = await SELF.fetch(`${BASE}/v1/attachments/policy?site=${A.site}`, { headers: { origin: ORIGIN } });
    expect(await widget.json()).toEqual({ maxBytes: 200_000, types: ["png"] });
    // Out of range or unknown kinds are refused with the field named.
    expect((await setPolicy(ownerA, { maxBytes: 1, types: ["png"] })).status).toBe(400);
    expect((await setPolicy(ownerA, { maxBytes: 200_000, types: ["svg"] })).status).toBe(400);

    const a = await open(A.site);
    const refused = await customerUpload(a, A.site, pdf(), "invoice.pdf");
    expect(refused.status).toBe(415);
    expect((await customerUpload(a, A.site, png(1000), "ok.png")).status).toBe(201);
    const b = await open(B.site);
    expect((await customerUpload(b, B.site, pdf(), "invoice.pdf")).status).toBe(201);

    // No kinds at all: attaching is off.
    expect((await setPolicy(ownerA, { maxBytes: 200_000, types: [] })).status).toBe(200);
    const off = await customerUpload(a, A.site, png(1000), "off.png");
    expect(off.status).toBe(409);
    expect(((await off.json()) as { error: string }).error).toBe("files_off");
    expect((await setPolicy(ownerA, { maxBytes: 10 * 1024 * 1024, types: ["png", "jpeg", "pdf"] })).status).toBe(200);
    // The audit log names the change.
    const audit = await env.DB.prepare("SELECT COUNT(*) AS n FROM audit_log WHERE workspace_id = ? AND action = ?")
      .bind(A.ws, "files.updated")
      .first<{ n: number }>();
    expect(audit?.n).toBeGreaterThanOrEqual(4);
  });
});

describe("who may write and read", () => {
  it("the conversation's customer and agents of its workspace; nobody else", async () => {
    const mine = await queued(A.site);
    const theirs = await open(A.site);
    const up = await customerUpload(mine, A.site, png(500), "mine.png");
    expect(up.status).toBe(201);
    const file = ((await up.json()) as Uploaded).attachment.id;

    // Another conversation's customer, with their own token: refused on upload and on read.
    expect((await customerUpload(mine, A.site, png(500), "x.png", { token: theirs.token })).status).toBe(403);
    expect((await customerRead(mine, A.site, file, theirs.token)).status).toBe(403);
    // …and through their own conversation, the file of another is not there.
    expect((await customerRead(theirs, A.site, file)).status).toBe(404);
    // No token at all; a token in the URL.
    const bare = await SELF.fetch(`${BASE}/v1/attachments/${mine.id}/${file}?site=${A.site}`, {
      headers: { origin: ORIGIN },
    });
    expect(bare.status).toBe(401);
    const inUrl = await SELF.fetch(`${BASE}/v1/attachments/${mine.id}/${file}?site=${A.site}&token=${mine.token}`, {
      headers: { origin: ORIGIN },
    });
    expect(inUrl.status).toBe(400);
    // The right token through another workspace's site: the conversation is not that site's.
    expect((await customerRead(mine, B.site, file)).status).toBe(404);

    // Another workspace's agent: the conversation and its file do not exist for them.
    expect((await agentRead(agentB, mine.id, file)).status).toBe(404);
    expect((await agentUpload(agentB, mine.id, pdf(), "guide.pdf")).status).toBe(404);
    // No session.
    expect((await agentRead("", mine.id, file)).status).toBe(401);

    // An agent of the workspace reads the customer's file and attaches one the customer reads.
    const seen = await agentRead(agentA, mine.id, file);
    expect(seen.status).toBe(200);
    expect(seen.headers.get("cross-origin-resource-policy")).toBe("same-origin");
    const sent = await agentUpload(agentA, mine.id, pdf(), "guide.pdf");
    expect(sent.status).toBe(201);
    const guide = ((await sent.json()) as Uploaded).attachment;
    expect((await customerRead(mine, A.site, guide.id)).status).toBe(200);
    expect((await customerRead(theirs, A.site, guide.id)).status).toBe(404);
  });

  it("an agent attaches once a person has the conversation, as with a reply", async () => {
    const c = await open(A.site);
    await waitFor(
      () => env.DB.prepare("SELECT 1 AS x FROM conversations WHERE id = ?").bind(c.id).first(),
      (row) => row !== null,
      10_000,
    );
    const r = await agentUpload(agentA, c.id, pdf(), "early.pdf");
    expect(r.status).toBe(409);
    expect(((await r.json()) as { error: string }).error).toBe("not_handed_off");
  });
});

describe("the conversation's budget", () => {
  it("a burst, then 429 with Retry-After; a retry with the same client id is free and stores nothing twice", async () => {
    const c = await open(A.site);
    const first = await customerUpload(c, A.site, png(200), "one.png", { clientId: "same-upload-1" });
    expect(first.status).toBe(201);
    const again = await customerUpload(c, A.site, png(200), "one.png", { clientId: "same-upload-1" });
    expect(again.status).toBe(200);
    const [a, b] = [(await first.json()) as Uploaded, (await again.json()) as Uploaded];
    expect(b).toMatchObject({ duplicate: true, seq: a.seq, attachment: { id: a.attachment.id } });
    expect((await customerUpload(c, A.site, png(200), "two.png")).status).toBe(201);
    expect((await customerUpload(c, A.site, png(200), "three.png")).status).toBe(201);
    const over = await customerUpload(c, A.site, png(200), "four.png");
    expect(over.status).toBe(429);
    expect(Number(over.headers.get("retry-after"))).toBeGreaterThan(0);
    expect(((await over.json()) as { error: string }).error).toBe("rate_limited");
    expect((await env.ATTACHMENTS.list({ prefix: attachmentKey(c.id, "") })).objects).toHaveLength(3);
  });

  it("caps the bytes a conversation's customer sends in all (409), and keeps nothing of the refused file", async () => {
    const c = await open(A.site);
    const big = 400 * 1024;
    expect((await customerUpload(c, A.site, png(big), "a.png")).status).toBe(201);
    expect((await customerUpload(c, A.site, png(big), "b.png")).status).toBe(201);
    const r = await customerUpload(c, A.site, png(big), "c.png");
    expect(r.status).toBe(409);
    expect(((await r.json()) as { error: string }).error).toBe("too_many_files");
    expect((await env.ATTACHMENTS.list({ prefix: attachmentKey(c.id, "") })).objects).toHaveLength(2);
  });
});

describe("serving", () => {
  it("images inline, anything else a download; the type from the bytes only; nothing a browser runs", async () => {
    const c = await open(A.site);
    const up = (await (await customerUpload(c, A.site, png(300), "shot.png")).json()) as Uploaded;
    const r = await customerRead(c, A.site, up.attachment.id);
    expect(r.headers.get("content-type")).toBe("image/png");
    expect(r.headers.get("content-disposition")).toMatch(/^inline; filename="shot\.png"/);
    expect(r.headers.get("x-content-type-options")).toBe("nosniff");
    expect(r.headers.get("content-security-policy")).toBe("default-src 'none'; sandbox");
    expect(r.headers.get("cache-control")).toBe("private, no-store");
    expect(r.headers.get("content-length")).toBe("300");
    expect(r.headers.get("access-control-allow-origin")).toBe(ORIGIN);

    // A file stored with a script-capable type (an email's, an import's): served by its bytes, as a download.
    const q = await queued(A.site);
    await env.ATTACHMENTS.put(attachmentKey(q.id, "legacyhtml01"), text("<html><script>alert(1)</script>"), {
      httpMetadata: { contentType: "text/html" },
      customMetadata: { filename: "page.html", conversationId: q.id },
    });
    const html = await agentRead(agentA, q.id, "legacyhtml01");
    expect(html.status).toBe(200);
    expect(html.headers.get("content-type")).toBe("application/octet-stream");
    expect(html.headers.get("content-disposition")).toMatch(/^attachment;/);
    expect(html.headers.get("content-security-policy")).toBe("default-src 'none'; sandbox");
    expect(new TextDecoder().decode(await html.arrayBuffer())).toBe("<html><script>alert(1)</script>");
  });
});

describe("an upload is an event of the conversation", () => {
  it("in order in both transcripts, live on the customer's socket, unanswered by the bot, and in the handoff packet", async () => {
    const c = await open(A.site);
    const live = await connect(`/v1/conversations/${c.id}/ws?site=${A.site}&after=0`, wsAs(c));
    const up = (await (await customerUpload(c, A.site, png(700), "error-dialog.png")).json()) as Uploaded;
    await live.until((f) => f.t === "event" && f.event.type === "message" && !!f.event.attachments?.length);
    // The bot leaves a file alone: no answer follows it.
    await new Promise((r) => setTimeout(r, 300));
    expect((await detail(c.id)).events.filter((e) => e.type === "message" && e.author === "bot")).toHaveLength(0);

    await SELF.fetch(`${BASE}/v1/conversations/${c.id}/handoff?site=${A.site}`, {
      method: "POST",
      headers: { origin: ORIGIN, "content-type": "application/json", ...bearer(c.token) },
      body: "{}",
    });
    const d = await waitFor(
      () => detail(c.id),
      (x) => x.state === "queued",
      10_000,
    );
    expect(d.handoff?.attachments).toEqual([up.attachment]);
    await waitFor(
      () => env.DB.prepare("SELECT preview FROM conversations WHERE id = ?").bind(c.id).first<{ preview: string }>(),
      (row) => row?.preview === "📎 error-dialog.png",
      10_000,
    );

    const sent = (await (await agentUpload(agentA, c.id, pdf(), "steps.pdf")).json()) as Uploaded;
    const page = (await (
      await SELF.fetch(`${BASE}/v1/conversations/${c.id}/events?site=${A.site}&after=0`, {
        headers: { origin: ORIGIN, ...bearer(c.token) },
      })
    ).json()) as EventsPage;
    const files = page.events.filter((e): e is MessageEvent => e.type === "message" && !!e.attachments?.length);
    expect(files.map((e) => [e.author, e.text, e.attachments?.[0]?.name])).toEqual([
      ["customer", "", "error-dialog.png"],
      ["agent", "", "steps.pdf"],
    ]);
    expect(files[0]?.seq).toBe(up.seq);
    expect(files[1]?.seq).toBe(sent.seq);
    expect(files[1]?.name).toBe("agent");
    // The agent's transcript has both, in the same order; the agent's file joined them to the conversation.
    const agentView = (await call<ConversationDetail>(agentA, "GET", `/api/conversations/${c.id}`)).body;
    const seqs = agentView.events.filter((e) => e.type === "message" && e.attachments?.length).map((e) => e.seq);
    expect(seqs).toEqual([up.seq, sent.seq]);
    expect(agentView.state).toBe("agent");
    // Webhooks say a file came (name, type, size), never where its bytes are.
    const hooks = await runInDurableObject(stub(c.id), (o: ConversationDO) => {
      const store = (o as unknown as { store: Store }).store;
      const meta = store.meta() as Meta;
      return eventsFor(meta, inboxItemOf(meta, "", Date.now()), store.all(), false);
    });
    const created = hooks.filter((e) => e.type === "message.created").map((e) => e.data.message?.attachments);
    expect(created).toEqual([
      [{ name: "error-dialog.png", type: "image/png", size: 700 }],
      [{ name: "steps.pdf", type: "application/pdf", size: 2048 }],
    ]);
    live.close();
  });

  it("a file after a resolve reopens the conversation, as words would", async () => {
    const c = await queued(A.site);
    expect((await call(agentA, "POST", `/api/conversations/${c.id}/claim`)).status).toBeLessThan(300);
    expect((await call(agentA, "POST", `/api/conversations/${c.id}/resolve`)).status).toBeLessThan(300);
    await waitFor(
      () => detail(c.id),
      (d) => d.state === "resolved",
      10_000,
    );
    expect((await customerUpload(c, A.site, png(300), "after.png")).status).toBe(201);
    const d = await detail(c.id);
    expect(d.state).toBe("bot");
    const last = d.events.filter((e) => e.type === "state").at(-1);
    expect(last).toMatchObject({ state: "bot", reason: "reopened" });
  });
});

describe("email", () => {
  it("an agent's file reaches an email customer as a part of the reply, not a link", async () => {
    const raw = [
      "From: Ana <ana@files.example>",
      "To: support@lumen.test",
      "Subject: My photos do not upload",
      "Message-ID: <files-test-1@files.example>",
      "Date: Tue, 1 Jul 2025 10:00:00 +0000",
      "Content-Type: text/plain; charset=utf-8",
      "",
      "Hello, I want to talk to a person about my photos not uploading.",
      "",
    ].join("\r\n");
    const bytes = text(raw);
    await worker.email(
      {
        from: "ana@files.example",
        to: "support@lumen.test",
        headers: new Headers(),
        raw: new Response(bytes).body as ReadableStream<Uint8Array>,
        rawSize: bytes.byteLength,
        setReject: () => undefined,
        forward: () => Promise.reject(new Error("unused")),
        reply: () => Promise.reject(new Error("unused")),
      } as ForwardableEmailMessage,
      env,
    );
    const row = await waitFor(
      () =>
        env.DB.prepare("SELECT conversation_id AS id FROM email_messages WHERE message_id = ?")
          .bind("files-test-1@files.example")
          .first<{ id: string }>(),
      (r) => r !== null,
      10_000,
    );
    const id = row?.id as string;
    const conv = stub(id);
    await waitFor(
      () => conv.detail(),
      (d) => d.state === "queued" || d.state === "bot",
      10_000,
    );
    if ((await conv.detail()).state === "bot") await conv.requestHandoff();
    await waitFor(
      () => env.DB.prepare("SELECT state FROM conversations WHERE id = ?").bind(id).first<{ state: string }>(),
      (r) => r?.state === "queued",
      10_000,
    );
    const demoAgent = await createAgent("files-mailer@lumen.example", "agent", "demo");
    expect((await agentUpload(demoAgent, id, pdf(4096), "steps.pdf")).status).toBe(201);
    const mail = await waitFor(
      () =>
        env.DB.prepare(
          "SELECT raw FROM email_messages WHERE conversation_id = ? AND direction = 'out' AND author = 'agent' AND status = 'sent'",
        )
          .bind(id)
          .first<{ raw: string }>(),
      (r) => r !== null,
      10_000,
    );
    const logged = mail?.raw ?? "";
    expect(logged).toMatch(/^Content-Type: multipart\/mixed; boundary="[^"]+"/m);
    expect(logged).toContain('Content-Disposition: attachment; filename="steps.pdf"');
    expect(logged).toContain("Content-Type: application/pdf");
    expect(logged).toMatch(/Attached: steps\.pdf \(4 KB\)/);
    // The log keeps the mail without the file's bytes; the mail itself carried them (compose.test.ts).
    expect(logged).toContain("(4096 bytes, not kept in this log)");
    expect(logged).not.toMatch(/https?:\/\/\S+attachments/);
  });
});
