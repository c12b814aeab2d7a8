// Working a conversation: private notes that never reach the customer, labels and priority, hand back
// to the bot, resolve and the customer's rating, "was the handoff needed?", canned replies, and the
// fences around all of it (session, role, workspace).
import { env, SELF } from "cloudflare:test";
import { beforeAll, describe, expect, it } from "vitest";
import type { CannedReply, ConversationDetail, EventsPage, InboxItem } from "../../shared/api.ts";
import type { ServerFrame } from "../../shared/protocol.ts";
import {
  asCustomer,
  BASE,
  connect,
  createAgent,
  createConversation,
  handedOff as handOff,
  isBotMessage,
  publishDemoKb,
  q,
  wsAs,
} from "./helpers.ts";

let cookie = "";
let outsider = "";
beforeAll(async () => {
  await publishDemoKb();
  cookie = await createAgent("alex@lumen.example");
  await env.DB.prepare("INSERT OR IGNORE INTO workspaces (id, name, created_at) VALUES ('other', 'Other', 0)").run();
  outsider = await createAgent("mallory@other.example", "owner", "other");
});

const SECRET = "NOTE: customer is on the legacy plan, do not offer refunds";

const handedOff = () =>
  handOff(["Where can I download my invoices?", "I want to talk to a person please"], {
    pageUrl: "http://localhost:8787/account/billing",
  });

const call = (path: string, method: string, body?: unknown, who = cookie) =>
  SELF.fetch(`${BASE}${path}`, {
    method,
    headers: { cookie: who, ...(body === undefined ? {} : { "content-type": "application/json" }) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });

const detail = async (id: string): Promise<ConversationDetail> =>
  (await call(`/api/conversations/${id}`, "GET")).json();
const page = async (c: { id: string; token: string }, after = 0): Promise<EventsPage> =>
  (
    await SELF.fetch(`${BASE}/v1/conversations/${c.id}/events?${q(c as never, after)}`, {
      headers: asCustomer(c),
    })
  ).json();
const isState = (s: string) => (f: ServerFrame) => f.t === "event" && f.event.type === "state" && f.event.state === s;

/** Reads an SSE response until `done(text so far)` holds; returns all text read. */
async function readSse(res: Response, done: (text: string) => boolean, ms = 5000): Promise<string> {
  const reader = (res.body as ReadableStream<Uint8Array>).getReader();
  const dec = new TextDecoder();
  let text = "";
  const deadline = Date.now() + ms;
  while (!done(text)) {
    if (Date.now() > deadline) throw new Error(`SSE timed out: ${text.slice(-800)}`);
    const r = await Promise.race([reader.read(), new Promise<null>((ok) => setTimeout(() => ok(null), 200))]);
    if (r && !r.done) text += dec.decode(r.value);
  }
  await reader.cancel().catch(() => undefined);
  return text;
}

describe("private notes", () => {
  it("never reach the customer: not over WebSocket, SSE, polling, nor in a replay", async () => {
    const { c, customer } = await handedOff();
    const agent = await connect(`/api/conversations/${c.id}/ws?after=0`, { cookie });
    await agent.until((f) => f.t === "ready");
    // A live SSE stream, open while the note is written.
    const sse = await SELF.fetch(`${BASE}/v1/conversations/${c.id}/events?${q(c)}`, {
      headers: asCustomer(c, { accept: "text/event-stream" }),
    });
    expect(sse.headers.get("content-type")).toContain("text/event-stream");

    const note = await call(`/api/conversations/${c.id}/notes`, "POST", { clientId: "note-000001", text: SECRET });
    expect(note.status).toBe(201);
    const { seq } = (await note.json()) as { seq: number };
    // Labels are agent-only changes too.
    expect((await call(`/api/conversations/${c.id}`, "PATCH", { labels: ["legacy-plan"] })).status).toBe(200);
    // Then a reply that the customer must get: proof the channel was open when the note went by.
    expect(
      (await call(`/api/conversations/${c.id}/messages`, "POST", { clientId: "agent-000001", text: "Hello from Alex" }))
        .status,
    ).toBe(201);

    await agent.until((f) => f.t === "event" && f.event.type === "note" && f.event.text === SECRET);
    await agent.until((f) => f.t === "event" && f.event.type === "change");
    await customer.until((f) => f.t === "event" && f.event.type === "message" && f.event.text === "Hello from Alex");
    const live = await readSse(sse, (t) => t.includes("Hello from Alex"));

    // The idempotent retry of a note is not a second note, and not a customer-visible one either.
    const again = (await (
      await call(`/api/conversations/${c.id}/notes`, "POST", { clientId: "note-000001", text: SECRET })
    ).json()) as { seq: number; duplicate: boolean };
    expect(again).toEqual({ seq, duplicate: true });

    const replaySocket = await connect(`/v1/conversations/${c.id}/ws?${q(c)}`, wsAs(c));
    await replaySocket.until((f) => f.t === "ready");
    const replaySse = await readSse(
      await SELF.fetch(`${BASE}/v1/conversations/${c.id}/events?${q(c)}`, {
        headers: asCustomer(c, { accept: "text/event-stream" }),
      }),
      (t) => t.includes('"t":"ready"'),
    );
    const polled = await page(c);

    for (const seen of [
      JSON.stringify(customer.frames),
      live,
      JSON.stringify(replaySocket.frames),
      replaySse,
      JSON.stringify(polled),
    ]) {
      expect(seen).not.toContain(SECRET);
      expect(seen).not.toContain("legacy-plan");
      expect(seen).not.toContain('"note"');
      expect(seen).not.toContain('"change"');
      expect(seen).not.toContain('"audience"');
    }
    // The customer's lastSeq is their last visible event, not the note's.
    expect(polled.lastSeq).toBe(polled.events.at(-1)?.seq);
    expect(polled.events.some((e) => e.seq === seq)).toBe(false);
    // A replay from just before the note does not contain it either.
    expect(JSON.stringify(await page(c, seq - 1))).not.toContain(SECRET);

    // Agents see it, in order, with the author.
    const d = await detail(c.id);
    expect(d.events.find((e) => e.type === "note")).toMatchObject({
      type: "note",
      text: SECRET,
      name: "alex",
      audience: "agents",
      seq,
    });
    // A note does not claim the conversation: it stayed queued until the reply.
    const states = d.events.filter((e) => e.type === "state").map((e) => (e.type === "state" ? e.state : ""));
    expect(states).toEqual(["queued", "agent"]);
    for (const s of [agent, customer, replaySocket]) s.close();
  });

  it("are validated like replies", async () => {
    const { c, customer } = await handedOff();
    expect(
      (await call(`/api/conversations/${c.id}/notes`, "POST", { clientId: "note-000002", text: "   " })).status,
    ).toBe(400);
    expect((await call(`/api/conversations/${c.id}/notes`, "POST", { clientId: "x", text: "hi" })).status).toBe(400);
    expect(
      (await call(`/api/conversations/${c.id}/notes`, "POST", { clientId: "note-000003", text: "x".repeat(4001) }))
        .status,
    ).toBe(400);
    customer.close();
  });
});

describe("labels, priority, hand back, resolve", () => {
  it("records who changed labels and priority, and keeps priority in the console index", async () => {
    const { c, customer } = await handedOff();
    const r = await call(`/api/conversations/${c.id}`, "PATCH", {
      labels: ["Billing", " vip ", "billing"],
      priority: "urgent",
    });
    expect(await r.json()).toEqual({ changed: true });
    const d = await detail(c.id);
    expect(d.labels).toEqual(["billing", "vip"]);
    expect(d.priority).toBe("urgent");
    expect(d.events.filter((e) => e.type === "change")).toMatchObject([
      { by: "alex", labels: ["billing", "vip"], priority: "urgent", audience: "agents" },
    ]);
    const row = await env.DB.prepare("SELECT priority FROM conversations WHERE id = ?")
      .bind(c.id)
      .first<{ priority: string }>();
    expect(row?.priority).toBe("urgent");
    const inbox = (await (await call("/api/inbox", "GET")).json()) as { items: InboxItem[] };
    expect(inbox.items.find((i) => i.id === c.id)?.priority).toBe("urgent");
    // The same values again change nothing and record nothing.
    expect(await (await call(`/api/conversations/${c.id}`, "PATCH", { priority: "urgent" })).json()).toEqual({
      changed: false,
    });
    expect((await detail(c.id)).events.filter((e) => e.type === "change")).toHaveLength(1);
    // Bad input is a 400 naming the field.
    expect((await call(`/api/conversations/${c.id}`, "PATCH", { priority: "asap" })).status).toBe(400);
    expect((await call(`/api/conversations/${c.id}`, "PATCH", {})).status).toBe(400);
    expect((await call(`/api/conversations/${c.id}`, "PATCH", { labels: ["x".repeat(41)] })).status).toBe(400);
    expect(
      (await call(`/api/conversations/${c.id}`, "PATCH", { labels: Array.from({ length: 21 }, (_, i) => `l${i}`) }))
        .status,
    ).toBe(400);
    customer.close();
  });

  it("hands back to the bot, which answers the customer again", async () => {
    const { c, customer } = await handedOff();
    expect((await call(`/api/conversations/${c.id}/claim`, "POST")).status).toBe(200);
    await customer.until(isState("agent"));
    expect((await call(`/api/conversations/${c.id}/handback`, "POST")).status).toBe(200);
    const frames = await customer.until(isState("bot"));
    expect(frames.find(isState("bot"))).toMatchObject({ event: { reason: "handed-back", name: "alex" } });
    const d = await detail(c.id);
    expect(d.state).toBe("bot");
    expect(d.assignee).toBeUndefined();

    const before = customer.frames.filter(isBotMessage).length;
    customer.send({ t: "send", clientId: "cust-000010", text: "How do I reset my password?" });
    await customer.until(() => customer.frames.filter(isBotMessage).length > before);
    const answer = customer.frames.filter(isBotMessage).at(-1) as Extract<ServerFrame, { t: "event" }>;
    expect(answer.event).toMatchObject({ author: "bot", action: "answer" });

    // Handing back twice is harmless; a resolved conversation cannot be handed back.
    expect((await call(`/api/conversations/${c.id}/handback`, "POST")).status).toBe(200);
    expect((await call(`/api/conversations/${c.id}/resolve`, "POST")).status).toBe(200);
    const refused = await call(`/api/conversations/${c.id}/handback`, "POST");
    expect(refused.status).toBe(409);
    expect(((await refused.json()) as { error: string }).error).toBe("illegal_transition");
    customer.close();
  });
});

describe("CSAT", () => {
  it("is asked after resolve, validated, stored once, shown to the agent and kept in D1", async () => {
    const { c, customer } = await handedOff();
    const rate = (body: unknown) =>
      SELF.fetch(`${BASE}/v1/conversations/${c.id}/csat?${q(c)}`, {
        method: "POST",
        headers: asCustomer(c, { "content-type": "application/json" }),
        body: JSON.stringify(body),
      });
    const early = await rate({ score: 5 });
    expect(early.status).toBe(409);
    expect(((await early.json()) as { error: string }).error).toBe("not_resolved");

    const agent = await connect(`/api/conversations/${c.id}/ws?after=0`, { cookie });
    await agent.until((f) => f.t === "ready");
    expect((await call(`/api/conversations/${c.id}/resolve`, "POST")).status).toBe(200);
    await customer.until(isState("resolved"));

    for (const bad of [
      { score: 0 },
      { score: 6 },
      { score: 3.5 },
      { score: "5" },
      {},
      { score: 4, comment: "x".repeat(1001) },
    ]) {
      const r = await rate(bad);
      expect(r.status, JSON.stringify(bad)).toBe(400);
      expect(((await r.json()) as { error: string }).error).toBe("invalid_body");
    }
    const bogus = await SELF.fetch(`${BASE}/v1/conversations/${c.id}/csat?site=demo_site`, {
      method: "POST",
      headers: asCustomer({ token: "x".repeat(43) }, { "content-type": "application/json" }),
      body: JSON.stringify({ score: 1 }),
    });
    expect(bogus.status).toBe(403);

    const ok = await rate({ score: 4, comment: "  Quick and kind  " });
    expect(ok.status).toBe(201);
    expect(await ok.json()).toEqual({ duplicate: false });
    await customer.until((f) => f.t === "event" && f.event.type === "csat" && f.event.score === 4);
    await agent.until((f) => f.t === "event" && f.event.type === "csat" && f.event.comment === "Quick and kind");
    // A retry of the same answer is fine; a different later answer is refused.
    const retry = await rate({ score: 4, comment: "Quick and kind" });
    expect(retry.status).toBe(200);
    expect(await retry.json()).toEqual({ duplicate: true });
    const flip = await rate({ score: 1 });
    expect(flip.status).toBe(409);
    expect(((await flip.json()) as { error: string }).error).toBe("already_rated");

    expect((await detail(c.id)).csat).toMatchObject({ score: 4, comment: "Quick and kind" });
    const rows = await env.DB.prepare(
      "SELECT workspace_id, score, comment, agent_id FROM csat WHERE conversation_id = ?",
    )
      .bind(c.id)
      .all();
    expect(rows.results).toHaveLength(1);
    expect(rows.results[0]).toMatchObject({ workspace_id: "demo", score: 4, comment: "Quick and kind" });
    expect((await page(c)).events.filter((e) => e.type === "csat")).toHaveLength(1);
    agent.close();
    customer.close();
  });
});

describe("handoff needed?", () => {
  it("stores the agent's verdict in D1, latest wins, only for handed-off conversations", async () => {
    const bot = await createConversation();
    const refused = await call(`/api/conversations/${bot.id}/handoff-needed`, "PUT", { needed: true });
    expect(refused.status).toBe(409);
    expect(((await refused.json()) as { error: string }).error).toBe("not_handed_off");

    const { c, customer } = await handedOff();
    expect((await call(`/api/conversations/${c.id}/handoff-needed`, "PUT", { needed: "yes" })).status).toBe(400);
    expect((await call(`/api/conversations/${c.id}/handoff-needed`, "PUT", { needed: false })).status).toBe(200);
    const row = () =>
      env.DB.prepare("SELECT workspace_id, needed, reason, agent_id FROM handoff_marks WHERE conversation_id = ?")
        .bind(c.id)
        .first<Record<string, unknown>>();
    expect(await row()).toMatchObject({ workspace_id: "demo", needed: 0, reason: "asked-for-person" });
    // During the conversation or after resolving: both work, the latest verdict counts.
    expect((await call(`/api/conversations/${c.id}/resolve`, "POST")).status).toBe(200);
    expect((await call(`/api/conversations/${c.id}/handoff-needed`, "PUT", { needed: true })).status).toBe(200);
    expect(await row()).toMatchObject({ needed: 1 });
    const d = await detail(c.id);
    expect(d.handoffNeeded).toMatchObject({ needed: true, by: "alex" });
    expect(
      d.events.filter((e) => e.type === "change").map((e) => (e.type === "change" ? e.handoffNeeded : null)),
    ).toEqual([false, true]);
    expect(JSON.stringify(await page(c))).not.toContain("handoffNeeded");
    customer.close();
  });
});

describe("canned replies", () => {
  it("are managed by editors and owners, used by every agent, and stay in their workspace", async () => {
    const editor = await createAgent("erin@lumen.example", "editor");
    const reply = {
      title: "Refund policy",
      shortcut: "Refund",
      text: "Refunds are possible within 14 days of purchase.",
    };
    expect((await call("/api/canned", "POST", reply)).status).toBe(403);
    const created = await call("/api/canned", "POST", reply, editor);
    expect(created.status).toBe(201);
    const item = (await created.json()) as CannedReply;
    expect(item).toMatchObject({ title: "Refund policy", shortcut: "refund" });
    expect((await call("/api/canned", "POST", reply, editor)).status).toBe(409);
    expect((await call("/api/canned", "POST", { title: "", text: "x" }, editor)).status).toBe(400);
    expect((await call("/api/canned", "POST", { title: "t", shortcut: "has space", text: "x" }, editor)).status).toBe(
      400,
    );

    const list = (await (await call("/api/canned", "GET")).json()) as { items: CannedReply[] };
    expect(list.items.map((i) => i.id)).toContain(item.id);
    expect((await call(`/api/canned/${item.id}`, "PUT", { ...reply, text: "Within 30 days." })).status).toBe(403);
    expect((await call(`/api/canned/${item.id}`, "PUT", { ...reply, text: "Within 30 days." }, editor)).status).toBe(
      200,
    );

    // Another workspace's owner neither sees nor touches it.
    const theirs = (await (await call("/api/canned", "GET", undefined, outsider)).json()) as { items: CannedReply[] };
    expect(theirs.items).toEqual([]);
    expect((await call(`/api/canned/${item.id}`, "PUT", reply, outsider)).status).toBe(404);
    expect((await call(`/api/canned/${item.id}`, "DELETE", undefined, outsider)).status).toBe(404);
    expect((await call(`/api/canned/${item.id}`, "DELETE", undefined)).status).toBe(403);
    expect((await call(`/api/canned/${item.id}`, "DELETE", undefined, editor)).status).toBe(200);
    expect(
      ((await (await call("/api/canned", "GET")).json()) as { items: CannedReply[] }).items.some(
        (i) => i.id === item.id,
      ),
    ).toBe(false);
  });
});

describe("fences", () => {
  it("every new endpoint refuses without a session and hides other workspaces' conversations", async () => {
    const { c, customer } = await handedOff();
    const endpoints: [string, string, unknown][] = [
      [`/api/conversations/${c.id}/notes`, "POST", { clientId: "note-fence-01", text: "private" }],
      [`/api/conversations/${c.id}`, "PATCH", { priority: "high" }],
      [`/api/conversations/${c.id}/handback`, "POST", {}],
      [`/api/conversations/${c.id}/handoff-needed`, "PUT", { needed: true }],
    ];
    for (const [path, method, body] of endpoints) {
      expect((await call(path, method, body, "")).status, `${method} ${path} without a session`).toBe(401);
      expect((await call(path, method, body, outsider)).status, `${method} ${path} from another workspace`).toBe(404);
    }
    expect((await call("/api/canned", "GET", undefined, "")).status).toBe(401);
    expect((await call("/api/canned", "POST", { title: "t", text: "x" }, "")).status).toBe(401);
    // Nothing the outsider tried left a trace.
    const d = await detail(c.id);
    expect(d.state).toBe("queued");
    expect(d.events.some((e) => e.type === "note" || e.type === "change")).toBe(false);
    customer.close();
  });
});
