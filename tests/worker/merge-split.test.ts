// Merge and split (worker/conversation/merge.ts, docs/search.md): only one customer's conversations
// merge, the kept transcript holds both with each message's origin, the merged one closes and sends its
// customer on, later customer messages are forwarded; a split moves one message into one new
// conversation of the same customer, however often it is asked or its follower retried.
import { env, runInDurableObject } from "cloudflare:test";
import { beforeAll, describe, expect, it } from "vitest";
import type { ConversationDetail, Contact, EventsPage } from "../../shared/api.ts";
import type { MessageEvent } from "../../shared/protocol.ts";
import type { MergeResult, SplitResult, Successor } from "../../shared/merge.ts";
import type { ConversationDO } from "../../worker/index.ts";
import { BASE, call, createAgent, fetchAsCustomer, ORIGIN, settled, waitFor } from "./helpers.ts";
import {
  chat,
  type Customer,
  customerGet,
  customerPost,
  ids,
  indexed,
  mail,
  otherWorkspace,
  page,
  rest,
  SEARCH_SITE,
  setUpSite,
} from "./search-seed.ts";

const EVA: Customer = { id: "u_eva", email: "eva.merge@example.com", name: "Eva Lind" };
const FRED: Customer = { id: "u_fred", email: "fred.other@example.com", name: "Fred Okafor" };

let agent = "";
let editor = "";
let otherAgent = "";
const touched = new Set<string>();

const detail = async (id: string) => {
  const r = await call<ConversationDetail>(agent, "GET", `/api/conversations/${id}`);
  expect(r.status).toBe(200);
  return r.body;
};
const merge = (who: string, kept: string, other: string) =>
  call<MergeResult & { error?: string; message?: string }>(who, "POST", `/api/conversations/${kept}/merge`, { other });
const split = (who: string, id: string, messageId: string) =>
  call<SplitResult & { error?: string; message?: string }>(who, "POST", `/api/conversations/${id}/split`, {
    messageId,
  });
const messages = (d: ConversationDetail) => d.events.filter((e): e is MessageEvent => e.type === "message");
const customerLine = (d: ConversationDetail, text: string) =>
  messages(d).find((m) => m.author === "customer" && m.text === text);
const stub = (id: string) => env.CONVERSATION.get(env.CONVERSATION.idFromName(id));

/** Runs a conversation's merge follower again from the start of its log, as after a crash before its cursor moved. */
async function replayMergeFollower(id: string): Promise<void> {
  type Parts = { outbox: { skipTo(name: string, cursor: number): void; flush(): Promise<void> } };
  await runInDurableObject(stub(id), async (instance: ConversationDO) => {
    const o = instance as unknown as Parts;
    o.outbox.skipTo("merge", 0);
    await o.outbox.flush();
  });
}

beforeAll(async () => {
  await setUpSite();
  await otherWorkspace("merge-other", "merge_other_site");
  agent = await createAgent("agent.merge@lumen.example", "agent");
  editor = await createAgent("editor.merge@lumen.example", "editor");
  otherAgent = await createAgent("agent@merge-other.example", "agent", "merge-other");
}, 60_000);

describe("merge", () => {
  let kept = "";
  let other = "";

  beforeAll(async () => {
    kept = (await chat("My order #B-2001 is late", EVA)).id;
    other = await rest("Please also change my address to 12 Elm Street", EVA);
    for (const id of [kept, other]) touched.add(id);
    await indexed(agent, { q: "Elm" }, other);
  }, 60_000);

  it("refuses conversations of different customers, and changes nothing", async () => {
    const fred = (await chat("My order #C-3001 is late too", FRED)).id;
    touched.add(fred);
    const before = [(await detail(kept)).lastSeq, (await detail(fred)).lastSeq];
    const r = await merge(agent, kept, fred);
    expect(r.status).toBe(409);
    expect(r.body.error).toBe("different_customer");
    expect(r.body.message).toMatch(/different customers/);
    const back = await merge(agent, fred, kept);
    expect(back.body.error).toBe("different_customer");
    expect([(await detail(kept)).lastSeq, (await detail(fred)).lastSeq]).toEqual(before);
    expect((await detail(fred)).mergedInto).toBeUndefined();
  });

  it("refuses a conversation whose customer is not known (no verified address)", async () => {
    const anon = (await chat("My order #B-2001 again, from another device")).id;
    const claimed = (await chat("It is me, Eva", EVA, { verified: false })).id;
    for (const id of [anon, claimed]) {
      touched.add(id);
      const r = await merge(agent, kept, id);
      expect(r.status).toBe(409);
      expect(r.body.error).toBe("no_customer");
    }
    expect((await merge(agent, kept, kept)).body.error).toBe("same_conversation");
  });

  it("keeps both transcripts in the kept conversation, each message marked with where it came from", async () => {
    const r = await merge(agent, kept, other);
    expect(r.status).toBe(201);
    expect(r.body).toEqual({ kept, merged: other, duplicate: false });
    const a = await detail(kept);
    const fromLine = messages(a).find((m) => m.link?.kind === "merged-from");
    expect(fromLine).toMatchObject({ author: "system", link: { conversationId: other } });
    const copied = messages(a).filter((m) => m.origin);
    expect(copied.length).toBeGreaterThanOrEqual(2);
    for (const m of copied) expect(m.origin).toMatchObject({ kind: "merged", conversationId: other, channel: "api" });
    const elm = customerLine(a, "Please also change my address to 12 Elm Street");
    expect(elm?.origin?.messageId).toBeTruthy();
    expect(elm?.seq).toBeGreaterThan(fromLine?.seq ?? Infinity);
    // Its own messages stay unmarked: they came from here.
    expect(customerLine(a, "My order #B-2001 is late")?.origin).toBeUndefined();
    // The original time stays with each copy.
    const original = messages(await detail(other)).find((m) => m.text === elm?.text);
    expect(elm?.at).toBe(original?.at);
  });

  it("closes the other conversation, pointing to the kept one", async () => {
    const b = await detail(other);
    expect(b.state).toBe("resolved");
    expect(b.mergedInto).toBe(kept);
    expect(messages(b).find((m) => m.link?.kind === "merged-into")?.link?.conversationId).toBe(kept);
    // Agents reply in the kept conversation, not here.
    const reply = await call<{ error: string }>(agent, "POST", `/api/conversations/${other}/messages`, {
      clientId: "reply-after-merge-1",
      text: "Hello?",
    });
    expect(reply.status).toBe(409);
    expect(reply.body.error).toBe("merged");
  });

  it("searches the kept conversation for both, and marks the merged one's hit", async () => {
    await indexed(agent, { q: "Elm" }, kept);
    const r = await call<{ items: { id: string; mergedInto?: string }[] }>(agent, "GET", "/api/search?q=Elm");
    expect(r.body.items.find((i) => i.id === other)?.mergedInto).toBe(kept);
    const b2001 = await ids(agent, { q: "B-2001" });
    expect(b2001).toContain(kept);
    expect(b2001).not.toContain(other);
  });

  it("is idempotent: asked again, or its follower run again after a crash, nothing is copied twice", async () => {
    const before = await detail(kept);
    const again = await merge(editor, kept, other);
    expect(again.status).toBe(200);
    expect(again.body.duplicate).toBe(true);
    await replayMergeFollower(other);
    const after = await detail(kept);
    expect(after.lastSeq).toBe(before.lastSeq);
    expect(messages(after).filter((m) => m.link?.kind === "merged-from").length).toBe(1);
    expect((await detail(other)).events.filter((e) => e.type === "state" && e.reason === "merged").length).toBe(1);
  });

  it("refuses to merge into a conversation that was merged away, or the merged one elsewhere", async () => {
    const third = (await chat("One more thing about #B-2001", EVA)).id;
    touched.add(third);
    expect((await merge(agent, other, third)).body.error).toBe("already_merged");
    expect((await merge(agent, third, other)).body.error).toBe("already_merged");
  });

  it("reaches only the caller's workspace: another workspace's agent finds neither", async () => {
    expect((await merge(otherAgent, kept, other)).status).toBe(404);
    const theirs = (await chat("Order #B-2001 in the other workspace", EVA, { site: "merge_other_site" })).id;
    touched.add(theirs);
    // A conversation of another workspace named as the other one is missing too, for either side.
    expect((await merge(agent, kept, theirs)).status).toBe(404);
    expect((await merge(otherAgent, theirs, kept)).status).toBe(404);
    expect((await call(agent, "POST", `/api/conversations/${kept}/merge`, { other: "../x" })).status).toBe(400);
  });
});

describe("the merged conversation's customer", () => {
  let kept = "";
  let merged: { id: string; token: string };

  beforeAll(async () => {
    kept = (await chat("Hello, my parcel #D-4001 is missing", EVA)).id;
    merged = await chat("Also the invoice for #D-4001 is wrong", EVA);
    for (const id of [kept, merged.id]) touched.add(id);
    expect((await merge(agent, kept, merged.id)).status).toBe(201);
  }, 60_000);

  it("sees where the conversation went, and gets a way into it from this widget", async () => {
    const p = await page(merged);
    const line = p.events.find((e) => e.type === "message" && e.link?.kind === "merged-into");
    expect(line?.type === "message" && line.text).toMatch(/continues there/);
    const r = await customerGet(merged, "successor");
    expect(r.status).toBe(200);
    const to = (await r.json()) as Successor;
    expect(to).toMatchObject({ id: kept, state: "bot" });
    // The token opens the kept conversation, whose transcript holds this one's messages.
    const keptPage = await fetchAsCustomer(`${BASE}/v1/conversations/${kept}/events?site=${SEARCH_SITE}`, {
      headers: { origin: ORIGIN, authorization: `Bearer ${to.token}` },
    });
    expect(keptPage.status).toBe(200);
    const events = ((await keptPage.json()) as EventsPage).events;
    expect(events.some((e) => e.type === "message" && e.text === "Also the invoice for #D-4001 is wrong")).toBe(true);
    // Notes stay agents-only in the kept conversation too.
    expect(events.some((e) => e.type === "note")).toBe(false);
  });

  it("is told nothing of a conversation that was not merged, or with a wrong token", async () => {
    const plain = await chat("Not merged at all", EVA);
    touched.add(plain.id);
    expect((await customerGet(plain, "successor")).status).toBe(404);
    expect((await customerGet({ ...merged, token: plain.token }, "successor")).status).toBe(403);
  });

  it("gets no token for a kept conversation this widget cannot open (another channel)", async () => {
    const keptRest = await rest("Question about #E-5001 by API", EVA);
    const chatted = await chat("And the same #E-5001 in the widget", EVA);
    for (const id of [keptRest, chatted.id]) touched.add(id);
    expect((await merge(agent, keptRest, chatted.id)).status).toBe(201);
    const r = await customerGet(chatted, "successor");
    expect(r.status).toBe(404);
    expect(((await r.json()) as { error: string; message: string }).message).toContain(keptRest);
  });

  it("writing again, is forwarded to the kept conversation; the merged one stays closed", async () => {
    const r = await customerPost(merged, "messages", { clientId: "late-msg-000001", text: "Any news on #D-4001?" });
    expect(r.status).toBe(202);
    const a = await waitFor(
      () => detail(kept),
      (d) => !!customerLine(d, "Any news on #D-4001?"),
      10_000,
    );
    expect(customerLine(a, "Any news on #D-4001?")?.origin).toMatchObject({
      kind: "forwarded",
      conversationId: merged.id,
    });
    const b = await detail(merged.id);
    expect(b.state).toBe("resolved");
    // No bot answer in the closed conversation.
    const after = b.events.filter((e) => e.seq > (customerLine(b, "Any news on #D-4001?")?.seq ?? 0));
    expect(after.filter((e) => e.type === "message")).toEqual([]);
    // Forwarded once, however often the follower runs.
    await replayMergeFollower(merged.id);
    const again = await detail(kept);
    expect(messages(again).filter((m) => m.text === "Any news on #D-4001?").length).toBe(1);
  });
});

describe("merging across channels", () => {
  it("keeps an email conversation's messages with their channel", async () => {
    const kept = (await chat("Photos do not sync, see my email", EVA)).id;
    const emailed = await mail(EVA, "narwhal3310", "eva-merge-1@example.com");
    for (const id of [kept, emailed]) touched.add(id);
    await waitFor(
      () => detail(emailed),
      (d) => d.contactId !== undefined,
      10_000,
    );
    expect((await merge(agent, kept, emailed)).status).toBe(201);
    const a = await detail(kept);
    const fromMail = messages(a).find((m) => m.text.includes("narwhal3310"));
    expect(fromMail?.origin).toMatchObject({ kind: "merged", conversationId: emailed, channel: "email" });
    await indexed(agent, { q: "narwhal3310", channel: "chat" }, kept);
  });
});

describe("split", () => {
  let source: { id: string; token: string };
  let moved: MessageEvent;

  beforeAll(async () => {
    source = await chat("My order #F-6001 is late", EVA);
    await customerPost(source, "messages", { clientId: "split-msg-000001", text: "Also: how do I delete my account?" });
    const d = await waitFor(
      () => detail(source.id),
      (x) => !!customerLine(x, "Also: how do I delete my account?"),
      10_000,
    );
    moved = customerLine(d, "Also: how do I delete my account?") as MessageEvent;
    touched.add(source.id);
  }, 60_000);

  it("moves the message into one new conversation of the same customer, once however often it is asked", async () => {
    const before = await env.DB.prepare("SELECT COUNT(*) AS n FROM conversations").first<{ n: number }>();
    const tries = await Promise.all([1, 2, 3].map(() => split(agent, source.id, moved.id)));
    const created = tries.filter((t) => t.status === 201);
    expect(created.length).toBe(1);
    expect(tries.filter((t) => t.status === 200).length).toBe(2);
    const to = created[0]?.body.conversationId as string;
    touched.add(to);
    for (const t of tries) expect(t.body.conversationId).toBe(to);
    // Retried later, and its follower run again from the start: still the one conversation, the message once.
    expect((await split(editor, source.id, moved.id)).body).toEqual({ conversationId: to, duplicate: true });
    await replayMergeFollower(source.id);
    await waitFor(
      () => env.DB.prepare("SELECT COUNT(*) AS n FROM conversations").first<{ n: number }>(),
      (r) => (r?.n ?? 0) >= (before?.n ?? 0) + 1,
      10_000,
    );
    const after = await env.DB.prepare("SELECT COUNT(*) AS n FROM conversations").first<{ n: number }>();
    expect(after?.n).toBe((before?.n ?? 0) + 1);
    const n = await detail(to);
    expect(messages(n).filter((m) => m.text === moved.text).length).toBe(1);
    expect(messages(n).filter((m) => m.link?.kind === "split-from").length).toBe(1);
  });

  it("leaves a line in both, and the message only in the new one", async () => {
    const s = await detail(source.id);
    const gone = s.events.find((e) => e.type === "retract" && e.messageId === moved.id);
    expect(gone?.type === "retract" && gone.reason).toBe("moved");
    const n = messages(s).find((m) => m.link?.kind === "split-to")?.link?.conversationId as string;
    expect(n).toBeTruthy();
    // The customer's replay of the source leaves the moved message out.
    const customerView = await page(source);
    expect(customerView.events.some((e) => e.type === "message" && e.id === moved.id)).toBe(false);
    expect(customerView.events.some((e) => e.type === "message" && e.link?.kind === "split-to")).toBe(true);
    const d = await detail(n);
    expect(d.splitFrom).toBe(source.id);
    expect(d.contactId).toBe(s.contactId);
    expect(d.identity?.email).toBe(EVA.email);
    expect(d.state).toBe("agent");
    expect(d.assignee?.name).toBe("agent.merge");
    const copy = customerLine(d, moved.text);
    expect(copy?.origin).toEqual({ kind: "moved", conversationId: source.id, channel: "chat", messageId: moved.id });
    expect(copy?.at).toBe(moved.at);
    expect(messages(d).find((m) => m.link?.kind === "split-from")?.link?.conversationId).toBe(source.id);
    // The customer's contact lists it; search finds the words there, not in the source any more.
    const contact = await call<Contact>(agent, "GET", `/api/contacts/${s.contactId}`);
    expect(contact.body.conversations.map((x) => x.id)).toContain(n);
    await indexed(agent, { q: "delete my account" }, n);
    expect(await ids(agent, { q: "delete my account" })).toEqual([n]);
  });

  it("moves only a customer's or an agent's message still in the transcript", async () => {
    const s = await detail(source.id);
    const bot = messages(s).find((m) => m.author === "bot");
    expect((await split(agent, source.id, bot?.id as string)).body.error).toBe("not_movable");
    expect((await split(agent, source.id, "no-such-message")).status).toBe(404);
    expect((await split(otherAgent, source.id, moved.id)).status).toBe(404);
    expect((await call(agent, "POST", `/api/conversations/${source.id}/split`, {})).status).toBe(400);
  });
});

describe("afterwards", () => {
  it("leaves no bot turn or follower running", async () => {
    await settled(touched);
  });
});
