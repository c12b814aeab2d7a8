// The conversation's alarm after a burst: a safety wake (timers.ts SAFETY_WAKE_MS) stands while the
// followers of what was stored have not all run, so a runtime that dies meanwhile catches up; once they
// have, the alarm moves to the next real deadline (here the idle auto-resolve, 30 minutes on), instead of
// waking the conversation ten seconds after every burst to find nothing to do (an invocation, and a
// fresh instance when it had been evicted, per conversation: docs/performance.md).
import { env, runInDurableObject } from "cloudflare:test";
import { beforeAll, describe, expect, it } from "vitest";
import type { ConversationDO } from "../../worker/conversation/do.ts";
import { createConversation, publishDemoKb, waitFor } from "./helpers.ts";

beforeAll(publishDemoKb);

const stubOf = (id: string) => env.CONVERSATION.get(env.CONVERSATION.idFromName(id));
const alarmOf = (id: string) => runInDurableObject(stubOf(id), (_i: ConversationDO, s) => s.storage.getAlarm());

describe("the alarm after a burst", () => {
  it("moves from the safety wake to the auto-resolve time once every follower has run", async () => {
    const c = await createConversation();
    const sent = await runInDurableObject(stubOf(c.id), (i: ConversationDO) =>
      i.postCustomer("relax-0001", "How do I reset my password?"),
    );
    expect(sent.ok).toBe(true);
    // Answered and followed: then the alarm stands at the auto-resolve time (AUTO_RESOLVE_MS, 30 min).
    const alarm = await waitFor(
      () => alarmOf(c.id),
      (a) => a !== null && a > Date.now() + 60_000,
      5000,
    );
    expect(alarm).toBeGreaterThan(Date.now() + 29 * 60_000);
    expect(alarm).toBeLessThanOrEqual(Date.now() + 30 * 60_000);
  });

  it("keeps the safety wake while a follower has not run", async () => {
    const c = await createConversation();
    // Followers that never finish: the write is stored, its consequences are not.
    await runInDurableObject(stubOf(c.id), (i: ConversationDO) => {
      const outbox = (i as unknown as { outbox: { flush(): Promise<void>; kick(): void } }).outbox;
      outbox.flush = () => new Promise<void>(() => {});
      outbox.kick = () => undefined;
      i.postCustomer("relax-0002", "How do I reset my password?");
    });
    await new Promise((r) => setTimeout(r, 500));
    const alarm = await alarmOf(c.id);
    expect(alarm).not.toBeNull();
    expect(alarm as number).toBeLessThanOrEqual(Date.now() + 10_000);
  });
});
