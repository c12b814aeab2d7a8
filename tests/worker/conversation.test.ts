import { env, runInDurableObject, SELF } from "cloudflare:test";
import { beforeAll, describe, expect, it } from "vitest";
import type { EventsPage } from "../../shared/api.ts";
import type { MessageEvent, ServerFrame } from "../../shared/protocol.ts";
import { applyFrame, emptyTimeline } from "../../shared/timeline.ts";
import type { ConversationDO } from "../../worker/conversation/do.ts";
import {
  ADMIN,
  asCustomer,
  BASE,
  connect,
  createConversation,
  isBotMessage,
  publishDemoKb,
  q,
  waitFor as poll,
  wsAs,
} from "./helpers.ts";

beforeAll(publishDemoKb);

const post = (c: { id: string; token: string }, body: unknown) =>
  SELF.fetch(`${BASE}/v1/conversations/${c.id}/messages?${q(c as never)}`, {
    method: "POST",
    headers: asCustomer(c, { "content-type": "application/json" }),
    body: JSON.stringify(body),
  });

const page = async (c: { id: string; token: string }, after = 0): Promise<EventsPage> =>
  (
    await SELF.fetch(`${BASE}/v1/conversations/${c.id}/events?${q(c as never, after)}`, {
      headers: asCustomer(c),
    })
  ).json();

const waitFor = <T>(read: () => Promise<T>, ok: (v: T) => boolean, ms = 5000) => poll(read, ok, ms);

describe("answering", () => {
  it("streams an answer token by token and stores it with its source article", async () => {
    const c = await createConversation();
    const sock = await connect(`/v1/conversations/${c.id}/ws?${q(c)}`, wsAs(c));
    await sock.until((f) => f.t === "ready");
    sock.send({ t: "send", clientId: "client-0001", text: "How do I reset my password?" });
    const frames = await sock.until(isBotMessage);
    const deltas = frames.filter((f): f is Extract<ServerFrame, { t: "delta" }> => f.t === "delta");
    expect(deltas.length).toBeGreaterThan(3);
    const bot = frames.find(isBotMessage) as Extract<ServerFrame, { t: "event" }>;
    const msg = bot.event as MessageEvent;
    expect(msg.action).toBe("answer");
    expect(msg.sources?.[0]?.articleId).toBe("reset-password");
    expect(msg.sources?.[0]?.url).toBe(`${BASE}/hc/demo/articles/reset-password`);
    // The deltas re-join into exactly the stored text.
    expect(deltas.map((d) => d.text).join("")).toBe(msg.text);
    expect(frames.find((f) => f.t === "ack")).toMatchObject({ clientId: "client-0001", duplicate: false });
    sock.close();
  });

  it("gives every stored event a dense, increasing sequence number", async () => {
    const c = await createConversation();
    expect((await post(c, { clientId: "seq-000001", text: "my backup stopped working on android" })).status).toBe(202);
    const p1 = await waitFor(
      () => page(c),
      (p) => p.events.some((e) => e.type === "message" && e.author === "bot"),
    );
    expect((await post(c, { clientId: "seq-000002", text: "how do I recover deleted photos?" })).status).toBe(202);
    const p = await waitFor(
      () => page(c),
      (p) => p.events.filter((e) => e.type === "message" && e.author === "bot").length === 2,
    );
    expect(p.events.map((e) => e.seq)).toEqual(p.events.map((_, i) => i + 1));
    expect(p.lastSeq).toBe(p.events.length);
    expect((await page(c, p1.lastSeq)).events[0]?.seq).toBe(p1.lastSeq + 1);
    // The same rows sit in the Durable Object's SQLite.
    const stub = env.CONVERSATION.get(env.CONVERSATION.idFromName(c.id));
    const rows = await runInDurableObject(stub, (_i: ConversationDO, state) =>
      state.storage.sql.exec("SELECT seq FROM events ORDER BY seq").toArray(),
    );
    expect(rows.map((r) => r.seq)).toEqual(p.events.map((e) => e.seq));
  });

  it("stores a message sent twice (a retry) once and answers it once", async () => {
    const c = await createConversation();
    const body = { clientId: "retry-00001", text: "what does the family plan cost?" };
    const [a, b] = await Promise.all([post(c, body), post(c, body)]);
    const ra = (await a.json()) as { seq: number; duplicate: boolean };
    const rb = (await b.json()) as { seq: number; duplicate: boolean };
    expect(ra.seq).toBe(rb.seq);
    expect([ra.duplicate, rb.duplicate].sort()).toEqual([false, true]);
    await waitFor(
      () => page(c),
      (p) => p.events.some((e) => e.type === "message" && e.author === "bot"),
    );
    const again = (await (await post(c, body)).json()) as { seq: number; duplicate: boolean };
    expect(again).toEqual({ seq: ra.seq, duplicate: true });
    await new Promise((r) => setTimeout(r, 300));
    const p = await page(c);
    expect(p.events.filter((e) => e.type === "message" && e.author === "customer")).toHaveLength(1);
    expect(p.events.filter((e) => e.type === "message" && e.author === "bot")).toHaveLength(1);
  });

  it("resumes after a drop mid-answer with nothing lost and nothing shown twice", async () => {
    const c = await createConversation();
    const first = await connect(`/v1/conversations/${c.id}/ws?${q(c)}`, wsAs(c));
    await first.until((f) => f.t === "ready");
    first.send({ t: "send", clientId: "midstream-1", text: "How do I export all my photos?" });
    // Drop the connection after a few tokens, before the answer is complete.
    const early = await first.until((f) => f.t === "delta" && f.offset > 10);
    expect(early.some(isBotMessage)).toBe(false);
    first.close();
    let view = early.reduce(applyFrame, emptyTimeline());
    const seen = Object.values(view.drafts)[0]?.text ?? "";
    expect(seen.length).toBeGreaterThan(0);

    const second = await connect(`/v1/conversations/${c.id}/ws?${q(c, view.lastSeq)}`, wsAs(c));
    const replay = await second.until(isBotMessage);
    // The reconnect replays the answer so far in one delta from offset 0 (unless it already finished).
    const firstReplayed = replay[0] as ServerFrame;
    expect(firstReplayed.t === "delta" ? firstReplayed.offset : 0).toBe(0);
    // While streaming, the view only grows and always starts with what was seen before the drop.
    for (const f of replay) {
      view = applyFrame(view, f);
      const text = Object.values(view.drafts)[0]?.text ?? view.messages.at(-1)?.text ?? "";
      expect(text.startsWith(seen)).toBe(true);
    }
    const stored = (await page(c)).events.filter((e): e is MessageEvent => e.type === "message");
    expect(view.messages.map((m) => m.id)).toEqual(stored.map((m) => m.id));
    expect(view.messages.at(-1)?.text).toBe(stored.at(-1)?.text);
    expect(Object.keys(view.drafts)).toHaveLength(0);
    second.close();
  });

  it("replays missed events to an SSE client and to a poller", async () => {
    const c = await createConversation();
    await post(c, { clientId: "sse-000001", text: "which file formats can I upload?" });
    await waitFor(
      () => page(c),
      (p) => p.events.length >= 2,
    );
    const p = await page(c, 1);
    expect(p.events[0]?.seq).toBe(2);
    const sse = await SELF.fetch(`${BASE}/v1/conversations/${c.id}/events?${q(c, 1)}`, {
      headers: asCustomer(c, { accept: "text/event-stream" }),
    });
    expect(sse.headers.get("content-type")).toContain("text/event-stream");
    const reader = sse.body!.getReader();
    let text = "";
    while (!text.includes('"t":"ready"')) text += new TextDecoder().decode((await reader.read()).value);
    await reader.cancel();
    expect(text).toContain('"seq":2');
    expect(text).not.toContain('"seq":1,');
  });

  it("sends and streams one exchange over SSE (the fallback and REST path)", async () => {
    const c = await createConversation();
    const r = await SELF.fetch(`${BASE}/v1/conversations/${c.id}/messages?${q(c)}`, {
      method: "POST",
      headers: asCustomer(c, { "content-type": "application/json", accept: "text/event-stream" }),
      body: JSON.stringify({ clientId: "ssepost-001", text: "how much storage do I get for free?" }),
    });
    const frames = (await r.text())
      .split("\n\n")
      .filter((b) => b.startsWith("data: "))
      .map((b) => JSON.parse(b.slice(6)) as ServerFrame);
    expect(frames[0]).toMatchObject({ t: "ack", clientId: "ssepost-001" });
    expect(frames.some((f) => f.t === "delta")).toBe(true);
    expect(frames.some(isBotMessage)).toBe(true);
  });
});

describe("decisions", () => {
  async function ask(text: string, locale = "en") {
    const c = await createConversation({ locale });
    const sock = await connect(`/v1/conversations/${c.id}/ws?${q(c)}`, wsAs(c));
    sock.send({ t: "send", clientId: `ask-${crypto.randomUUID().slice(0, 8)}`, text });
    const frames = await sock.until(isBotMessage);
    sock.close();
    const bot = (frames.find(isBotMessage) as Extract<ServerFrame, { t: "event" }>).event as MessageEvent;
    return { c, bot, frames };
  }

  it("hands off when the customer asks for a person, in English and Spanish", async () => {
    for (const [text, locale] of [
      ["I want to talk to a person", "en"],
      ["quiero hablar con una persona", "es"],
    ] as const) {
      const { c, bot } = await ask(text, locale);
      expect(bot.action).toBe("handoff");
      const p = await waitFor(
        () => page(c),
        (p) => p.state === "queued",
      );
      expect(p.events.at(-1)).toMatchObject({ type: "state", state: "queued", reason: "asked-for-person" });
    }
  });

  it("hands off when the best article says handoff: always", async () => {
    const { bot } = await ask("someone hacked my account and changed my password");
    expect(bot.action).toBe("handoff");
  });

  it("declines out-of-scope questions and offers a person", async () => {
    const { bot } = await ask("what's a good recipe for lasagna?");
    expect(bot.action).toBe("decline");
    expect(bot.text).toMatch(/person/i);
  });

  it("hands off when confidence stays low after a rephrase", async () => {
    const c = await createConversation();
    const sock = await connect(`/v1/conversations/${c.id}/ws?${q(c)}`, wsAs(c));
    sock.send({ t: "send", clientId: "vague-00001", text: "it does the thing again" });
    await sock.until(isBotMessage);
    const firstBot = sock.frames.filter(isBotMessage);
    expect((firstBot[0] as Extract<ServerFrame, { t: "event" }>).event).toMatchObject({ action: "decline" });
    sock.send({ t: "send", clientId: "vague-00002", text: "the thing, it happened again" });
    await sock.until((f) => f.t === "event" && f.event.type === "state" && f.event.state === "queued");
    sock.close();
  });

  it("declines chit-chat kindly however often it comes, and never escalates it", async () => {
    // Issue #15: "write me a poem" ended with a person after two misses.
    const c = await createConversation();
    const sock = await connect(`/v1/conversations/${c.id}/ws?${q(c)}`, wsAs(c));
    for (let i = 1; i <= 4; i++) {
      sock.send({ t: "send", clientId: `poem-0000${i}`, text: i % 2 ? "write me a poem" : "tell me a joke" });
      await sock.until(() => sock.frames.filter(isBotMessage).length >= i);
    }
    sock.close();
    const bots = sock.frames.filter(isBotMessage).map((f) => (f as Extract<ServerFrame, { t: "event" }>).event);
    expect(bots.map((e) => (e as MessageEvent).action)).toEqual(["decline", "decline", "decline", "decline"]);
    expect(sock.frames.some((f) => f.t === "event" && f.event.type === "state" && f.event.state === "queued")).toBe(
      false,
    );
  });

  it("hands off with a packet that lists only articles retrieval found and states the problem and facts", async () => {
    // Issue #15: "articles the bot tried" listed unrelated ones at 0.13; the summary quoted first and last messages.
    const c = await createConversation();
    const sock = await connect(`/v1/conversations/${c.id}/ws?${q(c)}`, wsAs(c));
    // (Not "…about my iPhone 13": the demo's questions: blocks teach the backup article "my iPhone", and
    // the bot answers from it; docs/quality.md lists that as a weakness.)
    sock.send({ t: "send", clientId: "pkt-0000001", text: "write me a poem about the Galaxy S23" });
    await sock.until(isBotMessage);
    sock.send({ t: "send", clientId: "pkt-0000002", text: "I want to talk to a person" });
    await sock.until((f) => f.t === "event" && f.event.type === "state" && f.event.state === "queued");
    sock.close();
    const d = (await (
      await SELF.fetch(`${BASE}/admin/v1/conversations/${c.id}?workspace=demo`, { headers: ADMIN })
    ).json()) as {
      handoff: { tried: unknown[]; summary: string; locale: string };
    };
    expect(d.handoff.tried).toEqual([]);
    expect(d.handoff.summary).toBe(
      'Problem: "write me a poem about the Galaxy S23"\nFacts: Galaxy S23\nBot so far: could not help; then asked for a person.',
    );
  });

  it("asks the customer for more when none of the options fits, without guessing", async () => {
    const c = await createConversation();
    const sock = await connect(`/v1/conversations/${c.id}/ws?${q(c)}`, wsAs(c));
    // Before the test below, which teaches the bot what "my account" means. ("my album" was the vague
    // question here until the demo's questions: blocks made it a shared-albums answer.)
    sock.send({ t: "send", clientId: "clnone-0001", text: "my account" });
    await sock.until(isBotMessage);
    expect(
      ((sock.frames.find(isBotMessage) as Extract<ServerFrame, { t: "event" }>).event as MessageEvent).action,
    ).toBe("clarify");
    sock.send({ t: "send", clientId: "clnone-0002", text: "None of these", choice: "none" });
    await sock.until(() => sock.frames.filter(isBotMessage).length >= 2);
    sock.close();
    const reply = (sock.frames.filter(isBotMessage)[1] as Extract<ServerFrame, { t: "event" }>).event as MessageEvent;
    expect(reply.action).toBe("decline");
    expect(reply.text).toMatch(/tell me a bit more/);
  });

  it("asks 'Do you mean …?' when articles are close, answers the chosen one, and learns the choice", async () => {
    const c = await createConversation();
    const sock = await connect(`/v1/conversations/${c.id}/ws?${q(c)}`, wsAs(c));
    sock.send({ t: "send", clientId: "clar-000001", text: "my account" });
    await sock.until(isBotMessage);
    const ask = (sock.frames.find(isBotMessage) as Extract<ServerFrame, { t: "event" }>).event as MessageEvent;
    expect(ask.action).toBe("clarify");
    expect(ask.text).toBe("Do you mean one of these?");
    expect(ask.options?.length).toBeGreaterThanOrEqual(2);
    const pick = ask.options?.[0] as { articleId: string; title: string };
    sock.send({ t: "send", clientId: "clar-000002", text: pick.title, choice: pick.articleId });
    await sock.until(() => sock.frames.filter(isBotMessage).length >= 2);
    sock.close();
    const answer = (sock.frames.filter(isBotMessage)[1] as Extract<ServerFrame, { t: "event" }>).event as MessageEvent;
    expect(answer.action).toBe("answer");
    expect(answer.sources?.[0]?.articleId).toBe(pick.articleId);
    // Learnt like a resolved ticket: the question that was asked, with the article the customer chose.
    await waitFor(
      () =>
        env.DB.prepare("SELECT text, article_id FROM resolved_questions WHERE conversation_id = ?")
          .bind(c.id)
          .all<{ text: string; article_id: string }>(),
      (r) => r.results.length === 1,
    );
    const row = await env.DB.prepare("SELECT text, article_id FROM resolved_questions WHERE conversation_id = ?")
      .bind(c.id)
      .first<{ text: string; article_id: string }>();
    expect(row).toEqual({ text: "my account", article_id: pick.articleId });
  });

  it("answers a Spanish question on an English page from the Spanish article, and says so in the event", async () => {
    // Issue #15: the demo page's own suggestion was answered in English with a decline.
    const { bot } = await ask("¿cómo recupero fotos borradas?", "en");
    expect(bot.action).toBe("answer");
    expect(bot.sources?.[0]?.articleId).toBe("es-recover-deleted-photos");
    expect(bot.locale).toBe("es");
  });

  it("answers in Spanish from the Spanish article", async () => {
    const { bot } = await ask("¿Cómo restablezco mi contraseña?", "es");
    expect(bot.action).toBe("answer");
    expect(bot.sources?.[0]?.articleId).toBe("es-reset-password");
  });
});

describe("restart mid-turn", () => {
  it("answers a stored question that a previous instance never answered, from the alarm", async () => {
    const c = await createConversation();
    const stub = env.CONVERSATION.get(env.CONVERSATION.idFromName(c.id));
    // What a crash leaves behind: the customer's message stored and still pending, no reply.
    await runInDurableObject(stub, (_i: ConversationDO, state) => {
      const row = state.storage.sql.exec<{ v: string }>("SELECT v FROM meta WHERE k = 'meta'").one();
      const meta = JSON.parse(row.v) as Record<string, unknown>;
      const text = "How do I reset my password?";
      state.storage.sql.exec(
        "INSERT INTO events (type, client_id, data) VALUES ('message', 'crash-0001', ?)",
        JSON.stringify({
          type: "message",
          id: "m-crash",
          author: "customer",
          text,
          clientId: "crash-0001",
          at: Date.now(),
        }),
      );
      state.storage.sql.exec("UPDATE meta SET v = ? WHERE k = 'meta'", JSON.stringify({ ...meta, pending: [text] }));
    });
    // A fresh instance would schedule this alarm in its constructor; run it the way the runtime does.
    await runInDurableObject(stub, async (instance: ConversationDO) => {
      // Drop the cached meta of this (test) instance so it reads what the crash left, like a new one would.
      (instance as unknown as { store: { metaCache: unknown } }).store.metaCache = null;
      await instance.alarm();
    });
    const p = await page(c);
    const bot = p.events.find((e) => e.type === "message" && e.author === "bot") as MessageEvent | undefined;
    expect(bot?.action).toBe("answer");
    expect(bot?.sources?.[0]?.articleId).toBe("reset-password");
    // Answered, and the old meta-held list moved to the pending table (worker/conversation/store.ts) and emptied.
    const left = await runInDurableObject(stub, (_i: ConversationDO, state) => ({
      meta: JSON.parse(state.storage.sql.exec<{ v: string }>("SELECT v FROM meta WHERE k = 'meta'").one().v) as {
        pending?: string[];
      },
      waiting: state.storage.sql.exec<{ n: number }>("SELECT COUNT(*) AS n FROM pending").one().n,
    }));
    expect(left.meta.pending).toBeUndefined();
    expect(left.waiting).toBe(0);
  });
});
