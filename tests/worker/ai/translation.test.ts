// Translation with the AI binding (issue #15), in workerd against the fake Workers AI: a question in
// a language the KB has no articles in is answered from the best article, translated and marked so;
// agents read the customer in their own language and their replies go out in the customer's.
import { env, SELF } from "cloudflare:test";
import { beforeAll, describe, expect, it } from "vitest";
import type { ConversationDetail } from "../../../shared/api.ts";
import type { MessageEvent, ServerFrame } from "../../../shared/protocol.ts";
import type { FakeAiBehaviour } from "../../fakes/ai.ts";
import {
  ADMIN,
  BASE,
  connect,
  createAgent,
  createConversation,
  demoArticles,
  isBotMessage,
  q,
  wsAs,
} from "../helpers.ts";

type FakeControls = { behave(b: Omit<FakeAiBehaviour, "script">): Promise<void> };
const fake = () => env.AI as unknown as FakeControls;

let cookie = "";
beforeAll(async () => {
  const r = await SELF.fetch(`${BASE}/admin/v1/kb/articles?workspace=demo`, {
    method: "PUT",
    headers: ADMIN,
    body: JSON.stringify({ articles: demoArticles, replace: true }),
  });
  expect(r.status).toBe(200);
  cookie = await createAgent("translator-agent@lumen.example", "agent");
});

const FRENCH = "Comment puis-je récupérer mes photos supprimées ?";

describe("translation", () => {
  it("answers a question in a language the KB lacks from the best article, translated and marked", async () => {
    const question = "Comment réinitialiser mon mot de passe ?";
    await fake().behave({ translations: { en: { [question]: "How do I reset my password?" } } });
    const c = await createConversation();
    const sock = await connect(`/v1/conversations/${c.id}/ws?${q(c)}`, wsAs(c));
    sock.send({ t: "send", clientId: "tr-fr-000001", text: question });
    const frames = await sock.until(isBotMessage, 10_000);
    sock.close();
    const msg = (frames.find(isBotMessage) as Extract<ServerFrame, { t: "event" }>).event as MessageEvent;
    expect(msg.action, JSON.stringify(msg)).toBe("answer");
    expect(msg.sources?.[0]?.articleId).toBe("reset-password");
    expect(msg.locale).toBe("fr");
    expect(msg.translatedFrom).toBe("en");
    // Every line went to the model for French, list markers kept; the note says it was translated.
    expect(msg.text).toMatch(/^\[fr\] /);
    expect(msg.text).toMatch(/_\[fr\] Translated automatically from an article in English\._$/);
    await fake().behave({});
  });

  it("says so in the customer's language when translation fails, and offers a person", async () => {
    await fake().behave({ failModel: "m2m100" });
    const c = await createConversation();
    const sock = await connect(`/v1/conversations/${c.id}/ws?${q(c)}`, wsAs(c));
    sock.send({ t: "send", clientId: "tr-fr-000002", text: FRENCH });
    const frames = await sock.until(isBotMessage, 10_000);
    sock.close();
    const msg = (frames.find(isBotMessage) as Extract<ServerFrame, { t: "event" }>).event as MessageEvent;
    expect(msg.action).toBe("decline");
    expect(msg.text).toMatch(/pas encore d'articles en français/);
    await fake().behave({});
  });

  it("gives agents the customer's words in their language and sends their reply in the customer's", {
    timeout: 20_000,
  }, async () => {
    await fake().behave({});
    const c = await createConversation();
    const sock = await connect(`/v1/conversations/${c.id}/ws?${q(c)}`, wsAs(c));
    // German, which the demo KB has no articles in.
    sock.send({ t: "send", clientId: "tr-de-000001", text: "Ich möchte bitte mit einer Person sprechen" });
    await sock.until((f) => f.t === "event" && f.event.type === "state" && f.event.state === "queued", 10_000);
    const detail = async () =>
      (await (
        await SELF.fetch(`${BASE}/api/conversations/${c.id}`, { headers: { cookie } })
      ).json()) as ConversationDetail;
    await expect
      .poll(async () => (await detail()).events.some((e) => e.type === "change" && e.translation), { timeout: 5000 })
      .toBe(true);
    const d = await detail();
    expect(d.handoff?.locale).toBe("de");
    const tr = d.events.find((e) => e.type === "change" && e.translation);
    expect(tr?.type === "change" && tr.translation).toMatchObject({
      text: "[en] Ich möchte bitte mit einer Person sprechen",
      from: "de",
      to: "en",
    });
    // The translation is for agents only: the customer's view never has it.
    expect(sock.frames.some((f) => f.t === "event" && f.event.type === "change")).toBe(false);

    const r = await SELF.fetch(`${BASE}/api/conversations/${c.id}/messages`, {
      method: "POST",
      headers: { cookie, "content-type": "application/json" },
      body: JSON.stringify({ clientId: "tr-agent-0001", text: "Hello, I can help you with that." }),
    });
    expect(r.status).toBe(201);
    await sock.until((f) => f.t === "event" && f.event.type === "message" && f.event.author === "agent", 5000);
    sock.close();
    const reply = sock.frames.find((f) => f.t === "event" && f.event.type === "message" && f.event.author === "agent");
    const m = (reply as Extract<ServerFrame, { t: "event" }>).event as MessageEvent;
    expect(m.text).toBe("[de] Hello, I can help you with that.");
    expect(m.original).toEqual({ text: "Hello, I can help you with that.", locale: "en" });
  });
});
