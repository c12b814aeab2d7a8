// The email channel end to end inside workerd: real RFC 5322 messages (tests/fixtures/email/*.eml)
// fed to the worker's `email` export as a ForwardableEmailMessage, then the conversation, its
// events, R2, the Message-ID map, rejections and the mail the desk sent (through the simulated
// send_email binding; each one is also logged with its raw text in D1) are checked.
import { env, SELF } from "cloudflare:test";
import { beforeAll, describe, expect, it } from "vitest";
import type { ConversationDetail } from "../../shared/api.ts";
import type { MessageEvent } from "../../shared/protocol.ts";
import { replyToken } from "../../worker/channels/email/address.ts";
import { deliver } from "../../worker/channels/email/outbound.ts";
import worker from "../../worker/index.ts";
import { BASE, createAgent, publishDemoKb } from "./helpers.ts";

const fixtures = import.meta.glob("../fixtures/email/*.eml", {
  query: "?raw",
  import: "default",
  eager: true,
}) as Record<string, string>;
const eml = (name: string): string => {
  const text = fixtures[`../fixtures/email/${name}.eml`];
  if (text === undefined) throw new Error(`no fixture ${name}`);
  return text;
};

const SUPPORT = "support@lumen.test";

/** Feeds one raw message to the worker's email handler the way Email Routing does. */
async function receive(raw: string, envelope: { from?: string; to?: string; rawSize?: number } = {}) {
  const bytes = new TextEncoder().encode(raw);
  const rejected: string[] = [];
  const message: ForwardableEmailMessage = {
    from: envelope.from ?? /^From:.*<([^>]+)>/im.exec(raw)?.[1] ?? /^From:\s*(\S+@\S+)/im.exec(raw)?.[1] ?? "",
    to: envelope.to ?? SUPPORT,
    headers: new Headers(),
    raw: new Response(bytes).body as ReadableStream<Uint8Array>,
    rawSize: envelope.rawSize ?? bytes.byteLength,
    setReject: (reason: string) => void rejected.push(reason),
    forward: () => Promise.reject(new Error("forward is not used")),
    reply: () => Promise.reject(new Error("reply is not used")),
  };
  await worker.email(message, env);
  return { rejected };
}

type MessageRow = {
  message_id: string;
  conversation_id: string;
  direction: string;
  author: string;
  status: string;
  detail: string | null;
  raw: string | null;
};

const inboundRow = (messageId: string) =>
  env.DB.prepare("SELECT * FROM email_messages WHERE message_id = ?").bind(messageId).first<MessageRow>();
const outbound = async (conversationId: string) =>
  (
    await env.DB.prepare(
      "SELECT * FROM email_messages WHERE conversation_id = ? AND direction = 'out' AND status != 'alias' ORDER BY created_at, rowid",
    )
      .bind(conversationId)
      .all<MessageRow>()
  ).results;
const detail = (id: string): Promise<ConversationDetail> =>
  env.CONVERSATION.get(env.CONVERSATION.idFromName(id)).detail();
const messages = async (id: string, author?: MessageEvent["author"]) =>
  (await detail(id)).events.filter((e): e is MessageEvent => e.type === "message" && (!author || e.author === author));

async function until<T>(what: string, probe: () => Promise<T | null | undefined | false>, ms = 6000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const v = await probe();
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 40));
  }
}

/** Stores a fixture and returns its conversation id. */
async function conversationOf(messageId: string): Promise<string> {
  const row = await inboundRow(messageId);
  if (!row) throw new Error(`${messageId} was not stored`);
  return row.conversation_id;
}

const header = (raw: string, name: string) =>
  new RegExp(`^${name}: (.*(?:\\r\\n [^\\r\\n]*)*)`, "im").exec(raw)?.[1]?.replace(/\r\n /g, " ");
const withId = (raw: string, id: string) => raw.replace(/^Message-ID: .*$/m, `Message-ID: <${id}>`);

let cookie = "";
beforeAll(async () => {
  await publishDemoKb();
  cookie = await createAgent("mail-agent@lumen.example");
});

describe("email channel", () => {
  let plainId = "";
  let firstReply: MessageRow;

  it("plain: a new message opens an email conversation and the bot answers by email, threaded and marked automatic", async () => {
    const { rejected } = await receive(eml("plain"));
    expect(rejected).toEqual([]);
    plainId = await conversationOf("CAF7qk1-plain-0001@mail.example.com");
    const d = await detail(plainId);
    expect(d.channel).toBe("email");
    expect(d.email).toEqual({ customer: "ana@example.com", subject: "Password" });
    expect(d.contactId).toMatch(/^ct_/);
    const [customer] = await messages(plainId, "customer");
    // The "-- " signature is gone before retrieval sees the text.
    expect(customer?.text).toBe("How do I reset my password?");

    const [sent] = await until(
      "the bot's email",
      async () => (await outbound(plainId)).length > 0 && outbound(plainId),
    );
    firstReply = sent as MessageRow;
    const bot = (await messages(plainId, "bot"))[0];
    expect(bot?.action).toBe("answer");
    expect(firstReply).toMatchObject({ author: "bot", status: "sent" });
    const raw = firstReply.raw ?? "";
    const token = await replyToken(env.SECRET, plainId);
    expect(header(raw, "From")).toBe(`"Support" <${SUPPORT}>`);
    expect(header(raw, "To")).toBe('"Ana Lima" <ana@example.com>');
    expect(header(raw, "Reply-To")).toBe(`<support+${token}@lumen.test>`);
    expect(header(raw, "Subject")).toBe("Re: Password");
    expect(header(raw, "Message-ID")).toBe(`<${firstReply.message_id}>`);
    expect(header(raw, "In-Reply-To")).toBe("<CAF7qk1-plain-0001@mail.example.com>");
    expect(header(raw, "References")).toBe("<CAF7qk1-plain-0001@mail.example.com>");
    expect(header(raw, "Auto-Submitted")).toBe("auto-replied");
    expect(raw).toMatch(/\r\n\r\n[\s\S]*password/i);
  });

  it("reply in thread: In-Reply-To/References thread it; quoted history and signature are stripped; the bot's next email carries the chain", async () => {
    const raw = eml("reply")
      .replace("{{IN_REPLY_TO}}", firstReply.message_id)
      .replace("{{REFERENCES}}", `<CAF7qk1-plain-0001@mail.example.com> <${firstReply.message_id}>`);
    expect((await receive(raw)).rejected).toEqual([]);
    expect(await conversationOf("CAF7qk1-reply-0006@mail.example.com")).toBe(plainId);
    const customer = await messages(plainId, "customer");
    expect(customer.map((m) => m.text)).toEqual([
      "How do I reset my password?",
      "Thanks, that worked. One more thing: how much storage do I get for free?\n\nAna",
    ]);
    const sent = await until("the second bot email", async () => {
      const rows = await outbound(plainId);
      return rows.length > 1 && rows;
    });
    const second = sent[1]?.raw ?? "";
    expect(header(second, "In-Reply-To")).toBe("<CAF7qk1-reply-0006@mail.example.com>");
    expect(header(second, "References")).toBe(
      `<CAF7qk1-plain-0001@mail.example.com> <${firstReply.message_id}> <CAF7qk1-reply-0006@mail.example.com>`,
    );
  });

  it("reply token: the signed plus-address alone threads a reply; a forged token, another sender's thread headers or the same subject never do", async () => {
    const token = await replyToken(env.SECRET, plainId);
    const bare = eml("plain").replace(/^In-Reply-To:.*\r?\n|^References:.*\r?\n/gm, "");
    await receive(withId(bare, "token-only-1@mail.example.com"), { to: `support+${token}@lumen.test` });
    expect(await conversationOf("token-only-1@mail.example.com")).toBe(plainId);
    // Some servers fold the local part's case: the token survives it.
    await receive(withId(bare, "token-upper-1@mail.example.com"), { to: `SUPPORT+${token.toUpperCase()}@lumen.test` });
    expect(await conversationOf("token-upper-1@mail.example.com")).toBe(plainId);

    const forged = `${plainId}-${"a".repeat(16)}`;
    await receive(withId(bare, "forged-1@mail.example.com"), { to: `support+${forged}@lumen.test` });
    expect(await conversationOf("forged-1@mail.example.com")).not.toBe(plainId);

    const mallory = eml("reply")
      .replace("{{IN_REPLY_TO}}", firstReply.message_id)
      .replace("{{REFERENCES}}", `<${firstReply.message_id}>`)
      .replace(/^From: .*$/m, "From: Mallory <mallory@example.com>")
      .replace(/^Message-ID: .*$/m, "Message-ID: <mallory-1@example.com>");
    await receive(mallory);
    expect(await conversationOf("mallory-1@example.com")).not.toBe(plainId);

    await receive(withId(bare.replace(/^Subject: .*$/m, "Subject: Re: Password"), "same-subject-1@mail.example.com"));
    expect(await conversationOf("same-subject-1@mail.example.com")).not.toBe(plainId);
  });

  it("HTML-only mail becomes plain text: no markup, no script, no quoted newsletter; encoded headers decoded", async () => {
    expect((await receive(eml("html-only"))).rejected).toEqual([]);
    const id = await conversationOf("html-only-0002@example.org");
    const [m] = await messages(id, "customer");
    expect(m?.text).toBe("Hello,\n\nHow do I export all my photos? I need them on my laptop & my external drive.");
    expect((await detail(id)).email).toEqual({ customer: "jose@example.org", subject: "Exportar mis fotos" });
    const sent = await until("the reply to José", async () => (await outbound(id))[0]);
    expect(header(sent.raw ?? "", "To")).toBe("=?UTF-8?B?Sm9zw6kgR2FyY8OtYQ==?= <jose@example.org>");
  });

  it("multipart with attachments: files go to R2 under the conversation, the message lists them, agents download them", async () => {
    expect((await receive(eml("attachment"))).rejected).toEqual([]);
    const id = await conversationOf("attach-0003@example.net");
    const [m] = await messages(id, "customer");
    expect(m?.text).toBe("My backup stopped working on android. Screenshot and receipt attached - café.");
    expect(m?.attachments?.map((a) => [a.name, a.type])).toEqual([
      ["screen.png", "image/png"],
      ["recibo año.pdf", "application/pdf"],
    ]);
    const listed = await env.ATTACHMENTS?.list({ prefix: `conversations/${id}/` });
    expect(listed?.objects.length).toBe(2);
    const png = m?.attachments?.[0];
    expect(png?.size).toBe(70);
    expect(png?.url).toBe(`/api/conversations/${id}/attachments/${png?.id}`);

    const dl = await SELF.fetch(`${BASE}${png?.url}`, { headers: { cookie } });
    expect(dl.status).toBe(200);
    // A raster image (by its bytes) is shown inline; anything else is a download (docs/attachments.md).
    expect(dl.headers.get("content-disposition")).toMatch(/^inline; filename="screen.png"/);
    expect(dl.headers.get("content-type")).toBe("image/png");
    expect(dl.headers.get("x-content-type-options")).toBe("nosniff");
    expect(dl.headers.get("content-security-policy")).toBe("default-src 'none'; sandbox");
    const receipt = m?.attachments?.[1];
    const pdf = await SELF.fetch(`${BASE}${receipt?.url}`, { headers: { cookie } });
    expect(pdf.headers.get("content-disposition")).toMatch(/^attachment; filename="recibo a_o.pdf"/);
    await pdf.arrayBuffer();
    expect(new Uint8Array(await dl.arrayBuffer()).slice(1, 4)).toEqual(new TextEncoder().encode("PNG"));
    expect((await SELF.fetch(`${BASE}${png?.url}`)).status).toBe(401);
    expect(
      (await SELF.fetch(`${BASE}/api/conversations/${id}/attachments/nonexistent-file-id`, { headers: { cookie } }))
        .status,
    ).toBe(404);
  });

  it("auto-reply and bounce: dropped with a log line, never answered and never rejected (no mail loop)", async () => {
    for (const name of ["auto-reply", "bounce"])
      expect((await receive(eml(name), name === "bounce" ? { from: "" } : {})).rejected).toEqual([]);
    expect(await inboundRow("ooo-0004@mail.example.com")).toBeNull();
    expect(await inboundRow("bounce-0005@mx.example.com")).toBeNull();
    // Each marker alone is enough.
    const plain = eml("plain");
    const variants = [
      ["Precedence: bulk", "m1"],
      ["X-Autoreply: yes", "m2"],
      ["Return-Path: <>", "m3"],
      ["List-Id: <news.example.com>", "m4"],
    ] as const;
    for (const [line, id] of variants) {
      await receive(
        withId(plain.replace(/^Return-Path: .*\r?\n/m, ""), `${id}@x.example`).replace(
          /^Subject:/m,
          `${line}\r\nSubject:`,
        ),
      );
      expect(await inboundRow(`${id}@x.example`)).toBeNull();
    }
    await receive(withId(plain, "daemon@x.example").replace(/^From: .*$/m, "From: MAILER-DAEMON@mx.example.com"));
    expect(await inboundRow("daemon@x.example")).toBeNull();
    await new Promise((r) => setTimeout(r, 200));
    const answered = await env.DB.prepare(
      "SELECT COUNT(*) AS n FROM email_messages WHERE direction = 'out' AND (raw LIKE '%ooo-0004%' OR raw LIKE '%bounce-0005%' OR raw LIKE '%@x.example>%')",
    ).first<{ n: number }>();
    expect(answered?.n).toBe(0);
  });

  it("malformed, oversized or misaddressed mail is rejected with its reason and nothing is stored", async () => {
    // Inbound rows: a refused mail stores none (earlier tests' replies may still be leaving as outbound rows).
    const count = async () =>
      (await env.DB.prepare("SELECT COUNT(*) AS n FROM email_messages WHERE direction = 'in'").first<{ n: number }>())
        ?.n;
    const objects = async () => (await env.ATTACHMENTS?.list())?.objects.length;
    const [n0, o0] = [await count(), await objects()];

    // Nested deeper than 8 multiparts, or more than 200 parts: refused before anything is read into a conversation.
    let deep = "Deep and wide\r\n";
    for (let d = 9; d >= 0; d--)
      deep = `Content-Type: multipart/mixed; boundary="b${d}"\r\n\r\n--b${d}\r\n${deep}\r\n--b${d}--\r\n`;
    const head = "From: Someone <someone@example.com>\r\nMessage-ID: <deep-1@example.com>\r\n";
    expect((await receive(head + deep)).rejected).toEqual(["malformed message: multiparts nested too deeply"]);
    const wide = Array.from({ length: 201 }, (_, n) => `--w\r\nContent-Type: text/plain\r\n\r\npart ${n}\r\n`).join("");
    expect(
      (await receive(`${head}Content-Type: multipart/mixed; boundary=w\r\n\r\n${wide}--w--\r\n`)).rejected,
    ).toEqual(["malformed message: too many MIME parts"]);
    expect((await receive("no headers at all, just words", { from: "someone@example.com" })).rejected).toEqual([
      "malformed message: no valid From address",
    ]);
    expect(
      (await receive(withId(eml("plain"), "nofrom@x").replace(/^From: .*\r?\n/m, ""), { from: "ana@example.com" }))
        .rejected,
    ).toEqual(["malformed message: no valid From address"]);

    const big = eml("oversized");
    expect((await receive(big)).rejected).toEqual([
      `message too large: ${new TextEncoder().encode(big).byteLength} bytes, the limit is 65536`,
    ]);
    // rawSize is the sender's claim: the stream is still cut at the limit.
    expect((await receive(big, { rawSize: 100 })).rejected).toEqual(["message too large: message exceeds 65536 bytes"]);

    expect((await receive(withId(eml("plain"), "elsewhere@x"), { to: "help@unknown.example" })).rejected).toEqual([
      "no support address help@unknown.example here",
    ]);
    expect([await count(), await objects()]).toEqual([n0, o0]);
  });

  it("a redelivered message (same Message-ID) is stored once", async () => {
    const raw = withId(eml("plain"), "again-1@mail.example.com").replace(
      "How do I reset my password?",
      "What does the family plan cost?",
    );
    await receive(raw);
    await receive(raw);
    const id = await conversationOf("again-1@mail.example.com");
    expect((await messages(id, "customer")).length).toBe(1);
  });

  it("out of scope by email: the bot hands off to a person instead of declining, and says so by email", async () => {
    const raw = withId(eml("plain"), "scope-1@mail.example.com").replace(
      "How do I reset my password?",
      "Who won the football match last night?",
    );
    await receive(raw);
    const id = await conversationOf("scope-1@mail.example.com");
    const d = await until("the handoff", async () => {
      const x = await detail(id);
      return x.state === "queued" && x;
    });
    expect(d.handoff?.reason).toBeTruthy();
    const [mail] = await until("the handoff email", async () => (await outbound(id)).length > 0 && outbound(id));
    expect(mail).toMatchObject({ author: "bot", status: "sent" });
  });

  it("an agent's reply from the console is emailed in the thread, as a person (no Auto-Submitted)", async () => {
    const id = await conversationOf("scope-1@mail.example.com");
    const before = (await outbound(id)).length;
    const r = await SELF.fetch(`${BASE}/api/conversations/${id}/messages`, {
      method: "POST",
      headers: { cookie, "content-type": "application/json" },
      body: JSON.stringify({ clientId: "agent-mail-0001", text: "Hi Ana, I can't say, but Olá! — Alex" }),
    });
    expect(r.status).toBe(201);
    const rows = await until("the agent's email", async () => {
      const all = await outbound(id);
      return all.length > before && all;
    });
    const mail = rows[rows.length - 1] as MessageRow;
    expect(mail).toMatchObject({ author: "agent", status: "sent" });
    const raw = mail.raw ?? "";
    expect(header(raw, "Auto-Submitted")).toBeUndefined();
    expect(header(raw, "From")).toBe(`"mail-agent (Support)" <${SUPPORT}>`);
    expect(header(raw, "In-Reply-To")).toBe("<scope-1@mail.example.com>");
    // Non-ASCII text travels as quoted-printable UTF-8.
    expect(raw).toContain("Ol=C3=A1! =E2=80=94 Alex");
  });

  it("contacts: the same address is one contact across conversations, listed for agents of the workspace", async () => {
    const a = await detail(plainId);
    const b = await detail(await conversationOf("scope-1@mail.example.com"));
    expect(b.contactId).toBe(a.contactId);
    const r = await SELF.fetch(`${BASE}/api/contacts/${a.contactId}`, { headers: { cookie } });
    expect(r.status).toBe(200);
    const view = (await r.json()) as { email: string; conversations: { id: string; channel: string }[] };
    expect(view.email).toBe("ana@example.com");
    expect(view.conversations.map((c) => c.id)).toEqual(expect.arrayContaining([plainId, b.id]));
    expect((await SELF.fetch(`${BASE}/api/contacts/${a.contactId}`)).status).toBe(401);
  });

  it("a spoofed From (no passing result from Email Routing) opens an unverified conversation, outside the contact, its history and its thread", async () => {
    const ana = await detail(plainId);
    // Email Routing's verdict is the topmost ARC-Authentication-Results; everything below it is the sender's.
    const cloudflare = (verdicts: string) => `ARC-Authentication-Results: i=2; mx.cloudflare.net; ${verdicts}\r\n`;
    const forged = "ARC-Authentication-Results: i=1; mx.cloudflare.net; dmarc=pass header.from=example.com\r\n";
    const reply = eml("reply")
      .replace(/^ARC-Authentication-Results:.*\r?\n(?:[ \t].*\r?\n)*/m, "")
      .replace("{{IN_REPLY_TO}}", firstReply.message_id)
      .replace("{{REFERENCES}}", `<${firstReply.message_id}>`);
    const variants: [string, string][] = [
      ["spoof-none@x.example", reply],
      [
        "spoof-forged@x.example",
        cloudflare("dmarc=fail header.from=example.com; spf=fail smtp.mailfrom=mallory@evil.example") +
          reply.replace(/^Return-Path:/m, `${forged}Return-Path:`),
      ],
      [
        "spoof-other@x.example",
        `ARC-Authentication-Results: i=1; mx.google.com; dmarc=pass header.from=example.com\r\n${reply}`,
      ],
      [
        "spoof-unaligned@x.example",
        cloudflare("dkim=pass header.d=evil.example; spf=pass smtp.mailfrom=mallory@evil.example") + reply,
      ],
    ];
    for (const [id, raw] of variants) {
      expect((await receive(withId(raw, id), { from: "mallory@evil.example" })).rejected).toEqual([]);
      const conversation = await conversationOf(id);
      expect(conversation, id).not.toBe(plainId);
      const d = await detail(conversation);
      expect(d.email, id).toEqual({ customer: "ana@example.com", subject: "Re: Password", unverified: true });
      expect(d.contactId, id).toBeUndefined();
      const [m] = await messages(conversation, "customer");
      expect(m?.text).toContain("how much storage");
    }
    const r = await SELF.fetch(`${BASE}/api/contacts/${ana.contactId}`, { headers: { cookie } });
    const view = (await r.json()) as { conversations: { id: string }[] };
    const unverified = await Promise.all(variants.map(([id]) => conversationOf(id)));
    expect(view.conversations.map((c) => c.id).filter((c) => unverified.includes(c))).toEqual([]);
  });

  it("a bot that already sent its daily emails in a conversation goes quiet, and the agent sees why", async () => {
    const d = await detail(plainId);
    const thread = { customer: "ana@example.com", support: SUPPORT, replyTo: SUPPORT, subject: "x", references: [] };
    const event: MessageEvent = { type: "message", seq: 1, at: 0, id: "x", author: "bot", text: "again" };
    const r = await deliver(
      { ...env, EMAIL_BOT_REPLIES_PER_DAY: "1" },
      { conversationId: d.id, workspaceId: "demo", thread },
      event,
      Date.now(),
    );
    expect(r.status).toBe("suppressed");
  });
});
