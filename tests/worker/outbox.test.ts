// The conversation's outbox (worker/conversation/outbox.ts): what follows from a stored event still
// happens, exactly once in effect, when the runtime dies between the event's write and a follower's
// run, and again when it dies after a follower's effect but before its cursor moved.
import { env, runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import type { ConversationDO } from "../../worker/conversation/do.ts";
import type { Store } from "../../worker/conversation/log.ts";
import { conversation, deliveries, waitFor, webhook, workspace } from "./notify-helpers.ts";

const stubOf = (id: string) => env.CONVERSATION.get(env.CONVERSATION.idFromName(id));

/** Kills the object's instance: the next call gets a fresh one, built from storage alone. */
async function kill(id: string): Promise<void> {
  await runInDurableObject(stubOf(id), (_i: ConversationDO, state) => state.abort("killed by the test")).catch(
    () => undefined,
  );
}

/** The first call builds the fresh instance (its constructor sets the alarm); then the alarm runs, unless the runtime ran it already. */
async function catchUp(id: string): Promise<void> {
  const alarm = await runInDurableObject(stubOf(id), (_i: ConversationDO, s) => s.storage.getAlarm());
  if (alarm !== null) await runDurableObjectAlarm(stubOf(id));
}

const count = async (sql: string, ...binds: (string | number)[]) =>
  (
    await env.DB.prepare(sql)
      .bind(...binds)
      .first<{ n: number }>()
  )?.n ?? 0;

describe("the outbox when the runtime dies", () => {
  it("runs every follower of an event written just before a kill, once in effect, and again after a kill mid-follower", async () => {
    const { ws, site } = await workspace("outbox-kill");
    await webhook(ws, "outbox-kill", ["message.created"]);
    const c = await conversation(site);
    // The conversation's own index row exists once the create answered (its followers were awaited).
    expect(await count("SELECT COUNT(*) AS n FROM conversations WHERE id = ?", c.id)).toBe(1);

    // The write: an agent's message stored through the log alone, as a runtime killed right after
    // the write leaves it (no broadcast, no follower ran). Then the kill.
    const seq = await runInDurableObject(stubOf(c.id), (i: ConversationDO) => {
      const store = (i as unknown as { store: Store }).store;
      const { event } = store.append(
        {
          type: "message",
          id: "m-outbox-kill",
          author: "agent",
          name: "Ada",
          text: "Your refund is on its way",
          clientId: "kill-0001",
          at: Date.now(),
        },
        "kill-0001",
      );
      return event.seq;
    });
    await kill(c.id);

    // A fresh instance sees followers behind and wakes itself at once; the alarm (which the runtime
    // fires by itself, or the test does first) catches them up.
    await catchUp(c.id);
    const analytics = "SELECT COUNT(*) AS n FROM analytics_events WHERE conversation_id = ? AND seq = ?";
    await waitFor(
      () => count(analytics, c.id, seq),
      (n) => n > 0,
    );
    expect(await count(analytics, c.id, seq)).toBe(1);
    expect(
      await env.DB.prepare("SELECT preview FROM conversations WHERE id = ?").bind(c.id).first<{ preview: string }>(),
    ).toEqual({ preview: "Your refund is on its way" });
    const delivered = await waitFor(
      () => deliveries(ws),
      (d) => d.some((x) => x.eventId === `${c.id}.${seq}`),
    );
    expect(delivered.filter((x) => x.eventId === `${c.id}.${seq}`)).toHaveLength(1);

    // Killed after the effects but before the cursors moved: the followers run again, and change nothing.
    await runInDurableObject(stubOf(c.id), (_i: ConversationDO, s) => {
      s.storage.sql.exec("UPDATE outbox SET cursor = ? WHERE follower IN ('analytics', 'notify')", seq - 1);
      s.storage.sql.exec("UPDATE outbox SET cursor = 0 WHERE follower = 'index'");
    });
    await kill(c.id);
    await catchUp(c.id);
    await waitFor(
      () =>
        runInDurableObject(
          stubOf(c.id),
          (_i: ConversationDO, s) =>
            s.storage.sql
              .exec<{ n: number }>("SELECT MIN(cursor) AS n FROM outbox WHERE follower IN ('analytics', 'notify')")
              .one().n,
        ),
      (n) => n === seq,
    );
    expect(await count(analytics, c.id, seq)).toBe(1);
    expect(await count("SELECT COUNT(*) AS n FROM conversations WHERE id = ?", c.id)).toBe(1);
    const again = await deliveries(ws);
    expect(again.filter((x) => x.eventId === `${c.id}.${seq}`)).toHaveLength(1);
    const cursors = await runInDurableObject(stubOf(c.id), (_i: ConversationDO, s) =>
      s.storage.sql.exec<{ follower: string; cursor: number }>("SELECT follower, cursor FROM outbox").toArray(),
    );
    expect(cursors.find((r) => r.follower === "analytics")?.cursor).toBe(seq);
    expect(cursors.find((r) => r.follower === "notify")?.cursor).toBe(seq);
  });

  it("retries a follower that failed, with backoff, until it succeeds", async () => {
    const { site } = await workspace("outbox-retry");
    const c = await conversation(site);
    // A follower that cannot write now: the conversation's D1 index row is made unwritable by a trigger.
    await env.DB.exec(
      `CREATE TRIGGER IF NOT EXISTS outbox_test_block BEFORE UPDATE ON conversations WHEN NEW.id = '${c.id}' BEGIN SELECT RAISE(ABORT, 'blocked by the test'); END`,
    );
    try {
      await runInDurableObject(stubOf(c.id), async (i: ConversationDO) => {
        const engine = (i as unknown as { engine: { resolve(by: string): void } }).engine;
        // Resolved: the record changes, the index follower runs and fails.
        engine.resolve("test");
      });
      const failed = await waitFor(
        () =>
          runInDurableObject(stubOf(c.id), (_i: ConversationDO, s) =>
            s.storage.sql
              .exec<{ attempts: number; retry_at: number | null }>(
                "SELECT attempts, retry_at FROM outbox WHERE follower = 'index'",
              )
              .one(),
          ),
        (r) => r.attempts >= 1,
      );
      expect(failed.retry_at).toBeGreaterThan(Date.now());
    } finally {
      await env.DB.exec("DROP TRIGGER IF EXISTS outbox_test_block");
    }
    // The alarm comes back for it: the retry succeeds and clears the failure.
    await runInDurableObject(stubOf(c.id), (_i: ConversationDO, s) =>
      s.storage.sql.exec("UPDATE outbox SET retry_at = ? WHERE follower = 'index'", Date.now() - 1),
    );
    expect(await runDurableObjectAlarm(stubOf(c.id))).toBe(true);
    expect(
      await env.DB.prepare("SELECT state, assigned_agent_id FROM conversations WHERE id = ?").bind(c.id).first(),
    ).toEqual({ state: "resolved", assigned_agent_id: null });
    const row = await runInDurableObject(stubOf(c.id), (_i: ConversationDO, s) =>
      s.storage.sql.exec<{ attempts: number }>("SELECT attempts FROM outbox WHERE follower = 'index'").one(),
    );
    expect(row.attempts).toBe(0);
  });
});
