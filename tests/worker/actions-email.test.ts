// Email conversations never run actions (docs/actions.md "How the bot chooses"): by email there is no
// button to confirm with and no form to give a value in, so an article that names an action is quoted
// instead. The same action, tried by the owner, does call the API: the email path is what keeps it off.
import { env, SELF } from "cloudflare:test";
import { beforeAll, describe, expect, it } from "vitest";
import type { ConversationDetail } from "../../shared/api.ts";
import type { MessageEvent } from "../../shared/protocol.ts";
import worker from "../../worker/index.ts";
import plain from "../fixtures/email/plain.eml?raw";
import { accountScenario, publishArticles, seenBy } from "./actions-helpers.ts";
import { ADMIN, BASE } from "./helpers.ts";

/** Feeds one raw message to the worker's email handler the way Email Routing does (as email.test.ts). */
async function receive(raw: string): Promise<void> {
  const bytes = new TextEncoder().encode(raw);
  const message: ForwardableEmailMessage = {
    from: "ana@example.com",
    to: "support@lumen.test",
    headers: new Headers(),
    raw: new Response(bytes).body as ReadableStream<Uint8Array>,
    rawSize: bytes.byteLength,
    setReject: (reason: string) => {
      throw new Error(`rejected: ${reason}`);
    },
    forward: () => Promise.reject(new Error("forward is not used")),
    reply: () => Promise.reject(new Error("reply is not used")),
  };
  await worker.email(message, env);
}

const detail = (id: string): Promise<ConversationDetail> =>
  env.CONVERSATION.get(env.CONVERSATION.idFromName(id)).detail();

let base = "";
beforeAll(async () => {
  base = await accountScenario("email-status");
  const r = await SELF.fetch(`${BASE}/admin/v1/actions/service-status?workspace=demo`, {
    method: "PUT",
    headers: ADMIN,
    body: JSON.stringify({
      name: "service-status",
      description: "Whether the service is up",
      kind: "read",
      method: "GET",
      url: `${base}/status`,
      inputs: [],
      response: {},
      answer: "Everything is working.",
    }),
  });
  expect(r.status, await r.clone().text()).toBeLessThan(300);
  await publishArticles("demo", [
    {
      id: "service-status",
      title: "Is Lumen down?",
      category: "account",
      questions: ["is lumen down", "is the service down", "service status"],
      action: "service-status",
      body: "See **status.lumen.example** for the service's status.",
    },
  ]);
});

describe("an email conversation", () => {
  it("quotes the article that names an action and never calls the action's API", async () => {
    // The action itself works: the owner's try calls the API once.
    const tried = await SELF.fetch(`${BASE}/admin/v1/actions/service-status/try?workspace=demo`, {
      method: "POST",
      headers: ADMIN,
      body: "{}",
    });
    expect(tried.status).toBe(200);
    expect(await seenBy("email-status")).toHaveLength(1);

    const raw = plain
      .replace(/^Subject: .*$/m, "Subject: Is Lumen down?")
      .replace(/^Message-ID: .*$/m, "Message-ID: <actions-email-0001@mail.example.com>")
      .replace("How do I reset my password?", "Is the service down?");
    await receive(raw);
    const row = await env.DB.prepare("SELECT conversation_id FROM email_messages WHERE message_id = ?")
      .bind("actions-email-0001@mail.example.com")
      .first<{ conversation_id: string }>();
    const id = row?.conversation_id ?? "";
    expect(id).not.toBe("");
    let bot: MessageEvent | undefined;
    for (let i = 0; i < 150 && !bot; i++) {
      bot = (await detail(id)).events.find((e): e is MessageEvent => e.type === "message" && e.author === "bot");
      if (!bot) await new Promise((r) => setTimeout(r, 40));
    }
    expect(bot?.text).toContain("status.lumen.example");
    expect((await detail(id)).events.filter((e) => e.type === "action")).toEqual([]);
    expect(await seenBy("email-status")).toHaveLength(1);
  });
});
