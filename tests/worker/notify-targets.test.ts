// Webhooks and Slack may not target this machine or a private network (worker/insights/notify/target.ts),
// checked inside workerd with the deployment's default (no NOTIFY_ALLOW_PRIVATE_URLS): the owner API
// refuses such URLs, the Notifier refuses a stored one at send time without sending anything, and a
// receiver's redirect is never followed. The suite itself allows private targets (its receiver is on
// 127.0.0.1), so the strict cases run the app and the Notifier with that one variable removed.
import { createExecutionContext, env, runInDurableObject } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import type { Delivery } from "../../shared/api.ts";
import { app } from "../../worker/app.ts";
import type { Env } from "../../worker/env.ts";
import { NotifierDO } from "../../worker/insights/notify/do.ts";
import { notifierOf } from "../../worker/insights/notify/index.ts";
import { ADMIN, BASE } from "./helpers.ts";
import {
  conversation,
  deliveries,
  RECEIVER,
  received,
  scenario,
  waitFor,
  webhook,
  workspace,
} from "./notify-helpers.ts";

const strictEnv: Env = { ...env, NOTIFY_ALLOW_PRIVATE_URLS: undefined };

/** The owner API as a deployment with the default configuration answers it. */
async function strictCall(method: string, path: string, ws: string, body: unknown) {
  const r = await app.request(
    `${BASE}/admin/v1/notifications${path}?workspace=${ws}`,
    { method, headers: ADMIN, body: JSON.stringify(body) },
    strictEnv,
    createExecutionContext(),
  );
  return { status: r.status, body: (await r.json()) as { error?: string; id?: string; issues?: { path: string }[] } };
}

const privateUrls = [
  `${RECEIVER}/hook/strict`, // the real receiver, on 127.0.0.1
  "http://2130706433/h",
  "http://0x7f.1/h",
  "http://0177.0.0.1/h",
  "http://[::ffff:127.0.0.1]/h",
  "http://[::1]/h",
  "http://localhost/h",
  "http://169.254.169.254/latest/meta-data",
  "http://10.0.0.1/h",
  "http://192.168.0.10/h",
  "http://[fd12:3456::1]/h",
];

describe("webhook and Slack targets", () => {
  it("refuses loopback, link-local and private URLs in the owner API, in every spelling", async () => {
    const { ws } = await workspace("strict_api");
    for (const url of privateUrls) {
      const created = await strictCall("POST", "/webhooks", ws, { url, events: ["conversation.created"] });
      expect(created.status, url).toBe(400);
      expect(created.body.error).toBe("target_not_allowed");
      expect(created.body.issues?.map((i) => i.path)).toEqual(["url"]);
      expect((await strictCall("PUT", "/slack", ws, { url })).status, url).toBe(400);
    }
    // A public URL is fine; moving it to a private one afterwards is refused too.
    const ok = await strictCall("POST", "/webhooks", ws, {
      url: "https://example.com/hooks/edgedesk",
      events: ["conversation.created"],
    });
    expect(ok.status).toBe(201);
    expect((await strictCall("PATCH", `/webhooks/${ok.body.id}`, ws, { url: "http://[::1]:8080/h" })).status).toBe(400);
    expect((await strictCall("PUT", "/slack", ws, { url: "https://hooks.slack.com/services/T/B/c" })).status).toBe(200);
  });

  it("refuses a private target at send time, sends nothing and records no answer", async () => {
    const { ws } = await workspace("strict_send");
    // Stored before the check existed (or under a permissive setting): the receiver's real address.
    const hook = await webhook(ws, "strict_send", ["conversation.created"]);
    await scenario("strict_slack", {});
    await env.DB.prepare(
      "INSERT INTO notification_settings (workspace_id, slack_url, updated_at) VALUES (?, ?, 0) ON CONFLICT (workspace_id) DO UPDATE SET slack_url = excluded.slack_url",
    )
      .bind(ws, `${RECEIVER}/slack/strict_slack`)
      .run();
    const stub = notifierOf(env, ws);
    const rows = await runInDurableObject(stub, async (_live: NotifierDO, state) => {
      // A Notifier of a deployment with the default configuration, on this workspace's storage.
      const strict = new NotifierDO(state, strictEnv);
      const now = Date.now();
      state.storage.sql.exec("INSERT INTO kv (k, v) VALUES ('workspace', ?) ON CONFLICT (k) DO NOTHING", ws);
      for (const [kind, target] of [
        ["webhook", hook.id],
        ["slack", "slack"],
      ] as const)
        state.storage.sql.exec(
          `INSERT INTO deliveries (id, kind, target, event_id, event_type, body, status, attempts, next_at, url, created_at, updated_at)
           VALUES (?, ?, ?, 'evt_strict', 'conversation.created', '{}', 'pending', 0, ?, '', ?, ?)`,
          `dlv_strict_${kind}`,
          kind,
          target,
          now,
          now,
          now,
        );
      await strict.alarm();
      return strict.list(undefined, 10);
    });
    expect(rows.map((d: Delivery) => [d.kind, d.status])).toEqual(
      expect.arrayContaining([
        ["webhook", "dead"],
        ["slack", "dead"],
      ]),
    );
    for (const d of rows) {
      expect(d.log).toEqual([expect.objectContaining({ n: 1, error: expect.stringMatching(/^refused: private/) })]);
      expect(d.log[0]?.status).toBeUndefined();
      expect(d.log[0]?.response).toBeUndefined();
    }
    expect((await received("strict_send")).requests).toEqual([]);
    expect((await received("strict_slack")).requests).toEqual([]);
  });

  it("never follows a receiver's redirect (to a private address or anywhere else)", async () => {
    const { ws, site } = await workspace("redirect");
    await webhook(ws, "redirect", ["conversation.created"]);
    await scenario("redirect_target", {});
    await scenario("redirect", { redirectTo: `${RECEIVER}/hook/redirect_target` }, "PATCH");
    await conversation(site);
    const [dead] = await waitFor(
      () => deliveries(ws, "dead"),
      (d) => d.length === 1,
    );
    // A redirect is not worth retrying (docs/webhooks.md): one attempt, then a dead letter.
    expect(dead?.log.map((a) => a.status)).toEqual([302]);
    expect((await received("redirect")).requests).toHaveLength(1);
    expect((await received("redirect_target")).requests).toEqual([]);
  });
});
