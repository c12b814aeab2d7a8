// @mentions in private notes (worker/inbox/mentions.ts) and an agent's alert settings (/api/me/alerts).
// A note may mention only people of the caller's workspace; each mentioned agent gets one alert frame
// (their consoles alone) and keeps the mention in their list until they have seen it; a replayed note
// alerts nobody twice; a merged copy alerts nobody; the customer never sees any of it.
import { env, runInDurableObject, SELF } from "cloudflare:test";
import { beforeAll, describe, expect, it } from "vitest";
import type { AlertSettings } from "../../shared/alerts.ts";
import type { ConversationDetail, InboxFrame, MentionItem } from "../../shared/api.ts";
import type { ConversationDO } from "../../worker/conversation/do.ts";
import { asCustomer, BASE, call, connect, createAgent, ORIGIN, waitFor, wsAs } from "./helpers.ts";
import { workspace } from "./notify-helpers.ts";

const stubOf = (id: string) => env.CONVERSATION.get(env.CONVERSATION.idFromName(id));
let ws = "";
let site = "";
let ana = "";
let ben = "";
let cy = "";
let outsider = "";
let anaId = "";
let benId = "";
let cyId = "";
let outsiderId = "";
let n = 0;
const clientId = () => `mention-${String(++n).padStart(6, "0")}`;
const idOf = async (cookie: string) =>
  ((await call<{ id: string }>(cookie, "GET", "/api/me")).body as { id: string }).id;

beforeAll(async () => {
  ({ ws, site } = await workspace("mentions"));
  ana = await createAgent("mention-ana@example.test", "agent", ws);
  ben = await createAgent("mention-ben@example.test", "agent", ws);
  cy = await createAgent("mention-cy@example.test", "editor", ws);
  await env.DB.prepare(
    "INSERT OR IGNORE INTO workspaces (id, name, created_at) VALUES ('mentions-other', 'Other', 1)",
  ).run();
  outsider = await createAgent("mention-out@other.test", "owner", "mentions-other");
  [anaId, benId, cyId, outsiderId] = (await Promise.all([ana, ben, cy, outsider].map(idOf))) as [
    string,
    string,
    string,
    string,
  ];
});

/** A conversation with one customer message, handed off; the customer's socket stays open. */
async function conversation() {
  const r = await SELF.fetch(`${BASE}/v1/conversations?site=${site}`, {
    method: "POST",
    headers: { origin: ORIGIN, "content-type": "application/json" },
    body: JSON.stringify({ locale: "en" }),
  });
  const c = (await r.json()) as { id: string; token: string };
  const customer = await connect(`/v1/conversations/${c.id}/ws?site=${site}&after=0`, wsAs(c));
  customer.send({ t: "send", clientId: clientId(), text: "My refund has not arrived" });
  await SELF.fetch(`${BASE}/v1/conversations/${c.id}/handoff?site=${site}`, {
    method: "POST",
    headers: asCustomer(c, { "content-type": "application/json" }),
    body: JSON.stringify({}),
  });
  await customer.until((f) => f.t === "event" && f.event.type === "state" && f.event.state === "queued", 8000);
  return { c, customer };
}

const alertsIn = (s: { frames: unknown[] }) => (s.frames as InboxFrame[]).filter((f) => f.t === "alert");
const mentionsOf = async (cookie: string) =>
  (await call<{ mentions: MentionItem[] }>(cookie, "GET", "/api/inbox/mentions")).body.mentions;

describe("a note that @mentions teammates", () => {
  it("alerts each mentioned teammate once, lists it for them alone, and never reaches the customer", async () => {
    const { c, customer } = await conversation();
    const benInbox = await connect("/api/inbox/ws", { cookie: ben, origin: ORIGIN });
    const cyInbox = await connect("/api/inbox/ws", { cookie: cy, origin: ORIGIN });
    const anaInbox = await connect("/api/inbox/ws", { cookie: ana, origin: ORIGIN });
    const text = "@Ben @Cy can one of you check the refund batch?";
    const posted = await call(ana, "POST", `/api/conversations/${c.id}/notes`, {
      clientId: clientId(),
      text,
      // Ana's own id is dropped (no alert to oneself); Ben twice is one mention.
      mentions: [benId, cyId, benId, anaId],
    });
    expect(posted.status).toBe(201);

    await benInbox.until((f) => (f as unknown as InboxFrame).t === "alert", 8000);
    await cyInbox.until((f) => (f as unknown as InboxFrame).t === "alert", 8000);
    const d = await stubOf(c.id).detail();
    const note = d.events.find((e) => e.type === "note");
    expect(note).toMatchObject({ type: "note", text, agentId: anaId });
    expect(note?.type === "note" && note.mentions?.map((m) => m.id)).toEqual([benId, cyId]);
    const expected = (agentId: string) => ({
      t: "alert",
      alert: {
        kind: "mention",
        mention: {
          id: `${note?.id}:${agentId}`,
          conversationId: c.id,
          noteId: note?.id,
          by: { id: anaId, name: expect.any(String) },
          excerpt: text,
          at: expect.any(Number),
        },
      },
    });
    expect(alertsIn(benInbox)).toEqual([expected(benId)]);
    expect(alertsIn(cyInbox)).toEqual([expected(cyId)]);
    expect(alertsIn(anaInbox)).toEqual([]);
    expect((await mentionsOf(ben)).map((m) => m.conversationId)).toEqual([c.id]);
    expect(await mentionsOf(ana)).toEqual([]);
    expect(await mentionsOf(outsider)).toEqual([]);
    // The per-agent list frame came to Ben's console too.
    expect(
      (benInbox.frames as unknown as InboxFrame[]).some(
        (f) => f.t === "mentions" && f.mentions.some((m) => m.conversationId === c.id),
      ),
    ).toBe(true);

    // The follower runs again (a restart before its cursor moved): no second alert.
    await runInDurableObject(stubOf(c.id), async (_i: ConversationDO, s) => {
      s.storage.sql.exec("UPDATE outbox SET cursor = 0 WHERE follower = 'mentions'");
    });
    await runInDurableObject(stubOf(c.id), (i: ConversationDO) => i.alarm());
    await waitFor(
      () =>
        runInDurableObject(stubOf(c.id), (_i: ConversationDO, s) =>
          s.storage.sql.exec<{ cursor: number }>("SELECT cursor FROM outbox WHERE follower = 'mentions'").one(),
        ),
      (x) => x.cursor > 0,
      8000,
    );
    await new Promise((res) => setTimeout(res, 200));
    expect(alertsIn(benInbox)).toHaveLength(1);

    // The customer's transcript has no note and no name from it.
    expect(JSON.stringify(customer.frames)).not.toContain("refund batch");

    // Seen by its agent only; then off the list.
    const mid = `${note?.id}:${benId}`;
    expect((await call(cy, "POST", `/api/inbox/mentions/${encodeURIComponent(mid)}/seen`, {})).status).toBe(404);
    expect((await call(outsider, "POST", `/api/inbox/mentions/${encodeURIComponent(mid)}/seen`, {})).status).toBe(404);
    expect((await call(ben, "POST", `/api/inbox/mentions/${encodeURIComponent(mid)}/seen`, {})).status).toBe(200);
    expect((await call(ben, "POST", `/api/inbox/mentions/${encodeURIComponent(mid)}/seen`, {})).status).toBe(404);
    expect(await mentionsOf(ben)).toEqual([]);
    expect((await mentionsOf(cy)).length).toBe(1);
    for (const s of [benInbox, cyInbox, anaInbox, customer]) s.close();
  });

  it("refuses a mention of anyone outside the workspace, and stores nothing", async () => {
    const { c, customer } = await conversation();
    for (const mentions of [[outsiderId], [benId, "no-such-agent"], Array.from({ length: 11 }, (_, i) => `a${i}`)]) {
      const r = await call<{ error: string }>(ana, "POST", `/api/conversations/${c.id}/notes`, {
        clientId: clientId(),
        text: "@someone look",
        mentions,
      });
      expect([r.status, r.body.error]).toEqual([400, "invalid_body"]);
    }
    const d: ConversationDetail = await stubOf(c.id).detail();
    expect(d.events.some((e) => e.type === "note")).toBe(false);
    expect(await mentionsOf(outsider)).toEqual([]);
    // Another workspace's agent cannot write a note here at all.
    expect(
      (
        await call(outsider, "POST", `/api/conversations/${c.id}/notes`, {
          clientId: clientId(),
          text: "x",
          mentions: [anaId],
        })
      ).status,
    ).toBe(404);
    customer.close();
  });

  it("are erased with their conversation", async () => {
    const { c, customer } = await conversation();
    expect(
      (
        await call(ana, "POST", `/api/conversations/${c.id}/notes`, {
          clientId: clientId(),
          text: "@Cy fyi",
          mentions: [cyId],
        })
      ).status,
    ).toBe(201);
    await waitFor(
      () => mentionsOf(cy),
      (l) => l.some((m) => m.conversationId === c.id),
      8000,
    );
    await env.INBOX.get(env.INBOX.idFromName(ws)).forget(c.id);
    expect((await mentionsOf(cy)).some((m) => m.conversationId === c.id)).toBe(false);
    customer.close();
  });
});

describe("alert settings", () => {
  it("are the defaults until saved, then follow the account; bad bodies refused; one's own only", async () => {
    const first = await call<AlertSettings>(ben, "GET", "/api/me/alerts");
    expect(first.status).toBe(200);
    expect(first.body).toEqual({
      desktop: false,
      sound: false,
      kinds: { handoff: true, assigned: true, reply: true, reminder: true, mention: true },
    });
    const mine = {
      desktop: true,
      sound: true,
      kinds: { handoff: false, assigned: true, reply: true, reminder: true, mention: true },
    };
    expect((await call(ben, "PUT", "/api/me/alerts", mine)).status).toBe(200);
    expect((await call<AlertSettings>(ben, "GET", "/api/me/alerts")).body).toEqual(mine);
    // Someone else's stay theirs.
    expect((await call<AlertSettings>(cy, "GET", "/api/me/alerts")).body.desktop).toBe(false);
    const bad = await call<{ error: string }>(ben, "PUT", "/api/me/alerts", { desktop: "yes" });
    expect([bad.status, bad.body.error]).toEqual([400, "invalid_body"]);
    expect((await call<AlertSettings>(ben, "GET", "/api/me/alerts")).body).toEqual(mine);
    expect((await call({}, "GET", "/api/me/alerts")).status).toBe(401);
    expect((await call({}, "PUT", "/api/me/alerts", mine)).status).toBe(401);
  });
});
