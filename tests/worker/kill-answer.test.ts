// A runtime killed after the bot's answer was stored but before the object had finished with the
// question (its followers still running: D1 rows, webhooks) must not answer that question again when a
// fresh instance comes up. Found by `npm run chaos` (the kill scenario: one question answered twice,
// "low-confidence-after-rephrase" the second time, since the bot took its own first answer for a miss).
import { env, runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { beforeAll, describe, expect, it } from "vitest";
import type { ConversationDO } from "../../worker/conversation/do.ts";
import type { Outbox } from "../../worker/conversation/outbox.ts";
import { createConversation, publishDemoKb, waitFor } from "./helpers.ts";

beforeAll(publishDemoKb);

const stubOf = (id: string) => env.CONVERSATION.get(env.CONVERSATION.idFromName(id));

/** The bot's messages as the object stored them. */
const botMessages = (id: string) =>
  runInDurableObject(stubOf(id), (_i: ConversationDO, state) =>
    state.storage.sql
      .exec<{ data: string }>("SELECT data FROM events WHERE type = 'message' ORDER BY seq")
      .toArray()
      .map((r) => JSON.parse(r.data) as { author: string; action?: string })
      .filter((m) => m.author === "bot"),
  );

describe("a kill after the answer was stored", () => {
  it("answers the question once: a fresh instance does not take it for unanswered", async () => {
    const c = await createConversation();
    // Followers that never finish: the turn is left exactly where a kill during them leaves it (the
    // answer stored and sent, the object still settling the question's consequences).
    await runInDurableObject(stubOf(c.id), (i: ConversationDO) => {
      const outbox = (i as unknown as { outbox: Outbox }).outbox;
      outbox.flush = () => new Promise<void>(() => {});
    });
    const sent = await runInDurableObject(stubOf(c.id), (i: ConversationDO) =>
      i.postCustomer("kill-answer-0001", "How do I reset my password?"),
    );
    expect(sent.ok).toBe(true);
    await waitFor(
      () => botMessages(c.id),
      (m) => m.length === 1,
      10_000,
    );

    // The kill; the next call builds a fresh instance from storage, which wakes itself for anything it
    // finds unanswered; its alarm runs (the test runs it, as the runtime would).
    await runInDurableObject(stubOf(c.id), (_i: ConversationDO, state) => state.abort("killed by the test")).catch(
      () => undefined,
    );
    const alarm = await runInDurableObject(stubOf(c.id), (_i: ConversationDO, s) => s.storage.getAlarm());
    if (alarm !== null) await runDurableObjectAlarm(stubOf(c.id));

    // Whatever the fresh instance does with the question, it is done once nothing waits any more.
    const pending = () =>
      runInDurableObject(
        stubOf(c.id),
        (_i: ConversationDO, s) => s.storage.sql.exec<{ n: number }>("SELECT COUNT(*) AS n FROM pending").one().n,
      );
    await waitFor(pending, (n) => n === 0, 10_000);
    const answers = await botMessages(c.id);
    expect(answers.map((m) => m.action)).toEqual(["answer"]);
  });
});
