// Which failed deliveries are tried again (docs/webhooks.md "Retries, timeouts and dead letters"): only
// 5xx, 408, 429, a timeout or no connection. Any other answer (4xx, a redirect) says the endpoint will
// not take this delivery however often it is sent: it becomes a dead letter at once, listed for the
// owner to retry after fixing the endpoint. Found by `npm run chaos` (webhooks scenario: an endpoint
// answering 410 was sent every delivery all 8 times).
import { describe, expect, it } from "vitest";
import { conversation, deliveries, policy, received, scenario, waitFor, webhook, workspace } from "./notify-helpers.ts";

describe("what is retried", () => {
  for (const status of [400, 404, 410]) {
    it(`gives up at once on a ${status}: one attempt, then a dead letter`, async () => {
      const name = `no_retry_${status}`;
      const { ws, site } = await workspace(name);
      await webhook(ws, name, ["conversation.created"]);
      await scenario(name, { failFirst: 1000, failWith: status }, "PATCH");
      await conversation(site);
      const [dead] = await waitFor(
        () => deliveries(ws, "dead"),
        (d) => d.length === 1,
      );
      expect(dead?.log.map((a) => a.status)).toEqual([status]);
      expect(dead?.log[0]?.retryInMs).toBeUndefined();
      // Nothing more comes: a wait of the whole schedule's first delays sees the same single request.
      await new Promise((r) => setTimeout(r, policy.baseMs * 4));
      expect((await received(name)).requests).toHaveLength(1);
    });
  }

  for (const status of [408, 429, 503]) {
    it(`tries a ${status} again, on the schedule, until it is taken`, async () => {
      const name = `retry_${status}`;
      const { ws, site } = await workspace(name);
      await webhook(ws, name, ["conversation.created"]);
      await scenario(name, { failFirst: 2, failWith: status }, "PATCH");
      await conversation(site);
      const [done] = await waitFor(
        () => deliveries(ws, "delivered"),
        (d) => d.length === 1,
      );
      expect(done?.log.map((a) => a.status)).toEqual([status, status, 200]);
      expect((await received(name)).processed).toHaveLength(1);
    });
  }
});
