// A conversation's customer side has a budget (worker/conversation/budget.ts): a socket that sends
// hundreds of frames a second gets at most a burst of them stored, each refusal an error frame that
// names the message and when to try again; HTTP and SSE posts get 429 with Retry-After; a resend of a
// message already stored is never refused. And the questions waiting for the bot are stored one row
// each, so a burst costs linear, not quadratic, storage writes.
import { env, runInDurableObject, SELF } from "cloudflare:test";
import { beforeAll, describe, expect, it } from "vitest";
import type { CreatedConversation } from "../../shared/api.ts";
import type { ServerFrame } from "../../shared/protocol.ts";
import type { ConversationDO } from "../../worker/conversation/do.ts";
import type { Engine } from "../../worker/conversation/lifecycle.ts";
import { frameLimits, messageLimits } from "../../worker/conversation/budget.ts";
import { asCustomer, BASE, connect, createConversation, publishDemoKb, q, wsAs } from "./helpers.ts";

const { burst, perSecond } = messageLimits(env);

beforeAll(publishDemoKb);

const stored = async (id: string) =>
  (await env.CONVERSATION.get(env.CONVERSATION.idFromName(id)).detail()).events.filter(
    (e) => e.type === "message" && e.author === "customer",
  ).length;

const post = (c: CreatedConversation, clientId: string, accept = "application/json") =>
  SELF.fetch(`${BASE}/v1/conversations/${c.id}/messages?${q(c)}`, {
    method: "POST",
    headers: asCustomer(c, { "content-type": "application/json", accept }),
    body: JSON.stringify({ clientId, text: `question ${clientId}` }),
  });

describe("a customer socket has a budget", { timeout: 30_000 }, () => {
  it("stores at most a burst of 400 send frames sent in one go, and refuses the rest by name with a retry time", async () => {
    const c = await createConversation();
    const sock = await connect(`/v1/conversations/${c.id}/ws?${q(c)}`, wsAs(c));
    await sock.until((f) => f.t === "ready");
    const sent = Array.from({ length: 400 }, (_, i) => `flood-${String(i).padStart(5, "0")}`);
    const started = Date.now();
    for (const clientId of sent) sock.send({ t: "send", clientId, text: `spam ${clientId}` });
    // Every frame the server read is answered (ack or refusal); frames past the frame budget are
    // dropped unread, with one notice a second. Wait until the answers stop coming.
    let seen = -1;
    while (sock.frames.length !== seen) {
      seen = sock.frames.length;
      await new Promise((r) => setTimeout(r, 400));
    }
    const elapsed = (Date.now() - started) / 1000;
    const acks = sock.frames.filter((f): f is Extract<ServerFrame, { t: "ack" }> => f.t === "ack");
    const refusals = sock.frames.filter((f): f is Extract<ServerFrame, { t: "error" }> => f.t === "error");
    // What the buckets allow in that time, however slow this machine is.
    expect(acks.length).toBeGreaterThanOrEqual(burst);
    expect(acks.length).toBeLessThanOrEqual(burst + Math.ceil(elapsed * perSecond));
    expect(await stored(c.id)).toBe(acks.length);
    expect(refusals.length).toBeGreaterThan(0);
    for (const r of refusals) {
      expect(r.code).toBe("rate_limited");
      expect(r.retryAfterMs).toBeGreaterThan(0);
    }
    // Far fewer answers than frames: a flood is not answered frame for frame.
    const frames = frameLimits(env);
    expect(acks.length + refusals.length).toBeLessThanOrEqual(
      frames.burst + Math.ceil(elapsed * frames.perSecond) + Math.ceil(elapsed) + 1,
    );
    expect(acks.length + refusals.length).toBeLessThan(sent.length / 2);
    // Refusals of a read send frame name it; the flood notice has no clientId.
    const named = refusals.filter((r) => r.clientId);
    expect(named.length).toBeGreaterThan(0);
    expect(
      named.every((r) => sent.includes(r.clientId as string) && !acks.some((a) => a.clientId === r.clientId)),
    ).toBe(true);
    sock.close();
  });

  it("never refuses a resend of a stored message, and takes new ones again once the budget refills", async () => {
    const c = await createConversation();
    const sock = await connect(`/v1/conversations/${c.id}/ws?${q(c)}`, wsAs(c));
    await sock.until((f) => f.t === "ready");
    for (let i = 0; i <= burst; i++)
      sock.send({ t: "send", clientId: `refill-${String(i).padStart(4, "0")}`, text: `q ${i}` });
    const refused = await sock.until(
      (f) => f.t === "error" && f.clientId === `refill-${String(burst).padStart(4, "0")}`,
    );
    const wait = (refused.find((f) => f.t === "error") as { retryAfterMs: number }).retryAfterMs;
    // The first message again (a reconnect's resend): acked as a duplicate, budget or not.
    sock.send({ t: "send", clientId: "refill-0000", text: "q 0" });
    await sock.until((f) => f.t === "ack" && f.clientId === "refill-0000" && f.duplicate);
    await new Promise((r) => setTimeout(r, wait + 50));
    sock.send({ t: "send", clientId: `refill-${String(burst).padStart(4, "0")}`, text: `q ${burst}` });
    await sock.until((f) => f.t === "ack" && f.clientId === `refill-${String(burst).padStart(4, "0")}` && !f.duplicate);
    expect(await stored(c.id)).toBe(burst + 1);
    sock.close();
  });

  it("answers HTTP and SSE posts over the budget with 429 and Retry-After, and stores nothing for them", async () => {
    const c = await createConversation();
    const statuses: number[] = [];
    const started = Date.now();
    for (let i = 0; i < burst + 5; i++) {
      const r = await post(c, `http-${String(i).padStart(5, "0")}`);
      statuses.push(r.status);
      if (r.status === 429) {
        expect(Number(r.headers.get("retry-after"))).toBeGreaterThanOrEqual(1);
        expect(r.headers.get("access-control-expose-headers")).toContain("retry-after");
        expect(((await r.json()) as { error: string }).error).toBe("rate_limited");
      } else await r.body?.cancel();
    }
    // The bucket refills while the posts go out (slowly, on a loaded machine): at most a burst and what
    // refilled meanwhile is taken, the rest refused.
    const refilled = Math.ceil(((Date.now() - started) / 1000) * perSecond);
    expect(statuses.filter((s) => s === 202).length).toBeLessThanOrEqual(burst + refilled);
    expect(statuses.filter((s) => s === 429).length).toBeGreaterThanOrEqual(5 - refilled);
    expect(refilled).toBeLessThan(5);
    const sse = await post(c, "http-sse-00001", "text/event-stream");
    expect(sse.status).toBe(429);
    expect(sse.headers.get("retry-after")).toMatch(/^\d+$/);
    expect(await stored(c.id)).toBe(statuses.filter((s) => s === 202).length);
  });
});

describe("questions waiting for the bot", () => {
  it("are stored a row each: the conversation's meta does not grow with them", async () => {
    const c = await createConversation();
    const stub = env.CONVERSATION.get(env.CONVERSATION.idFromName(c.id));
    const sizes = await runInDurableObject(stub, (instance: ConversationDO, state) => {
      const engine = (instance as unknown as { engine: Engine }).engine;
      const metaBytes = () => state.storage.sql.exec<{ n: number }>("SELECT length(v) AS n FROM meta").one().n;
      const out: number[] = [];
      // Synchronously, so the bot answers none of them yet: all 60 wait at once.
      for (let i = 0; i < 60; i++) {
        engine.customerMessage(`wait-${String(i).padStart(5, "0")}`, `${"a long question ".repeat(120)} ${i}`);
        out.push(metaBytes());
      }
      return out;
    });
    // Every message used to rewrite every waiting question with the meta: 60 × 2 KB by the end.
    expect(Math.max(...sizes)).toBeLessThan(4000);
    expect(sizes[59]).toBe(sizes[0]);
  });
});
