// Other mail libraries' public test messages (postal-mime, nodemailer/mailparser, Ruby's mail:
// tests/fixtures/email/<source>/ with their licences) through the worker's real `email()` handler.
// Every message: no crash, no refusal unless its expectation says so. Where the library's own tests
// state what a message holds (tests/fixtures/email/expected.json, each entry naming the test it comes
// from), the conversation's subject, sender, text and files must say the same. Text is compared after
// the desk's own quote and signature cutting is applied to the expected text too, whitespace folded.
import { env } from "cloudflare:test";
import { afterAll, describe, expect, it } from "vitest";
import type { ConversationDetail } from "../../shared/api.ts";
import type { MessageEvent } from "../../shared/protocol.ts";
import { attachmentKey } from "../../worker/attachments/store.ts";
import { messageIds } from "../../worker/channels/email/inbound.ts";
import { parseMail } from "../../worker/channels/email/mime.ts";
import { htmlToText, stripQuotedAndSignature } from "../../worker/channels/email/text.ts";
import worker from "../../worker/index.ts";
import expectations from "../fixtures/email/expected.json";
import { settled } from "./helpers.ts";

type Expected = {
  source: string;
  outcome?: "stored" | "dropped" | "rejected";
  subject?: string;
  from?: string;
  fromName?: string;
  customer?: string;
  text?: string;
  html?: string;
  textStartsWith?: string;
  nonEmptyText?: boolean;
  references?: string[];
  inReplyTo?: string;
  attachments?: string[];
  attachmentCount?: number;
  attachmentSizes?: number[];
  attachmentSha256?: Record<string, string>;
  attachmentMd5?: Record<string, string>;
  sameContent?: number[];
  /** Where the desk deliberately reads a message otherwise than the fixture's test (see `disagrees`). */
  desk?: Partial<Expected>;
  disagrees?: string;
};
const expected = expectations as Record<string, Expected>;

const files = import.meta.glob("../fixtures/email/{postal-mime,mailparser,ruby-mail}/**/*.eml", {
  query: "?base64",
  import: "default",
  eager: true,
}) as Record<string, string>;
const fixtures = Object.entries(files)
  .map(
    ([path, b64]) =>
      [path.replace("../fixtures/email/", ""), Uint8Array.from(atob(b64), (c) => c.charCodeAt(0))] as const,
  )
  .sort(([a], [b]) => a.localeCompare(b));

const fold = (s: string) => s.replace(/\s+/g, " ").trim();
const hex = async (algo: string, bytes: ArrayBuffer) =>
  [...new Uint8Array(await crypto.subtle.digest(algo, bytes))].map((b) => b.toString(16).padStart(2, "0")).join("");

/** Inline test messages often have no From: the desk cannot answer those, so one is added in front. */
function withSender(bytes: Uint8Array): Uint8Array {
  const head = new TextDecoder("latin1").decode(bytes.subarray(0, 16384)).split(/\r?\n\r?\n/)[0] ?? "";
  if (/^from\s*:/im.test(head)) return bytes;
  const from = new TextEncoder().encode("From: Fixture Sender <sender@fixtures.test>\r\n");
  const out = new Uint8Array(from.length + bytes.length);
  out.set(from);
  out.set(bytes, from.length);
  return out;
}

type Log = { channel?: string; outcome?: string; reason?: string; conversation?: string; messageId?: string };

/** The message through `worker.email`, as Email Routing hands it over; returns the handler's log line. */
async function receive(bytes: Uint8Array): Promise<{ log: Log; rejected: string[] }> {
  const rejected: string[] = [];
  const message: ForwardableEmailMessage = {
    from: "sender@fixtures.test",
    to: "support@lumen.test",
    headers: new Headers(),
    raw: new Response(bytes).body as ReadableStream<Uint8Array>,
    rawSize: bytes.byteLength,
    setReject: (reason: string) => void rejected.push(reason),
    forward: () => Promise.reject(new Error("forward is not used")),
    reply: () => Promise.reject(new Error("reply is not used")),
  };
  const lines: Log[] = [];
  const { log, warn } = console;
  // The handler's outcome line: info for stored and dropped mail, warn for a refusal (worker/ops/log.ts).
  const capture =
    (pass: (...args: unknown[]) => void) =>
    (...args: unknown[]) => {
      try {
        const x = JSON.parse(String(args[0])) as Log;
        if (x.channel === "email" && ["stored", "rejected", "dropped"].includes(x.outcome ?? "")) lines.push(x);
      } catch {
        pass(...args);
      }
    };
  console.log = capture(log);
  console.warn = capture(warn);
  try {
    // The fixture sets include messages over a megabyte: the production default limit, not the tests' 64 KiB.
    await worker.email(message, { ...env, EMAIL_MAX_BYTES: String(10 * 1024 * 1024), LOG_LEVEL: "info" });
  } finally {
    console.log = log;
    console.warn = warn;
  }
  const [line] = lines;
  if (!line) throw new Error("the handler wrote no outcome line");
  return { log: line, rejected };
}

describe("public fixture sets through email()", () => {
  // Every stored message starts a bot turn and an emailed reply in the background.
  const started = new Set<string>();
  afterAll(() => settled(started), 60_000);

  it("every expectation names a vendored file", () => {
    const names = new Set(fixtures.map(([n]) => n));
    expect(Object.keys(expected).filter((n) => !names.has(n))).toEqual([]);
    expect(fixtures.length).toBeGreaterThan(150);
  });

  for (const [name, raw] of fixtures) {
    const listed = expected[name];
    const want: Expected | undefined = listed && { ...listed, ...listed.desk };
    it(name, async () => {
      const bytes = withSender(raw);
      const { log, rejected } = await receive(bytes);
      if (log.conversation) started.add(log.conversation);
      // Several sets share messages (and Message-IDs): each file is received as new.
      if (log.messageId)
        await env.DB.prepare("DELETE FROM email_messages WHERE message_id = ? AND direction = 'in'")
          .bind(log.messageId)
          .run();
      const outcome = want?.outcome ?? (want ? "stored" : undefined);
      if (outcome) expect(log.outcome, `${log.reason}`).toBe(outcome);
      else expect(log.outcome, `refused: ${log.reason}`).not.toBe("rejected");
      expect(rejected.length > 0).toBe(log.outcome === "rejected");
      if (!want) return;

      // What the adapter read (the same call the handler makes), for what the handler does not show.
      const parsed = await parseMail(bytes);
      if (want.from !== undefined) expect(parsed.from?.address).toBe(want.from);
      if (want.fromName !== undefined) expect(parsed.from?.name).toBe(want.fromName);
      if (want.references)
        expect(messageIds(parsed.references)).toEqual(want.references.map((r) => r.replace(/^<|>$/g, "")));
      if (want.inReplyTo !== undefined)
        expect(messageIds(parsed.inReplyTo)).toEqual(expect.arrayContaining(messageIds(want.inReplyTo)));
      const read = parsed.text?.trim() ? parsed.text : parsed.html ? htmlToText(parsed.html) : "";
      if (log.outcome !== "stored") {
        // Dropped by classification (lists, no-reply, bounces): the text is still checked as read.
        if (want.textStartsWith) expect(read.startsWith(want.textStartsWith)).toBe(true);
        if (want.nonEmptyText) expect(fold(read).length).toBeGreaterThan(0);
        return;
      }

      const id = log.conversation as string;
      const stub = env.CONVERSATION.get(env.CONVERSATION.idFromName(id));
      const detail: ConversationDetail = await stub.detail();
      const message = detail.events.find(
        (e): e is MessageEvent => e.type === "message" && e.author === "customer",
      ) as MessageEvent;

      if (want.subject !== undefined) expect(detail.email?.subject).toBe(fold(want.subject) || "Your question");
      const customer = want.customer ?? (want.from !== undefined ? (parsed.replyTo?.address ?? want.from) : undefined);
      if (customer !== undefined) expect(detail.email?.customer).toBe(customer);

      const source = want.text ?? (want.html !== undefined ? htmlToText(want.html) : undefined);
      if (source !== undefined) {
        const kept = fold(stripQuotedAndSignature(source));
        if (kept) expect(fold(message.text)).toContain(kept);
      }
      if (want.textStartsWith) expect(message.text.startsWith(want.textStartsWith)).toBe(true);
      if (want.nonEmptyText) expect(fold(message.text).length).toBeGreaterThan(0);

      const files = message.attachments ?? [];
      if (want.attachments) expect(files.map((f) => f.name)).toEqual(want.attachments);
      if (want.attachmentCount !== undefined) expect(files.length).toBe(want.attachmentCount);
      if (want.attachmentSizes) expect(files.map((f) => f.size)).toEqual(want.attachmentSizes);
      const body = async (n: number) => {
        const file = files[n];
        const obj = file && (await env.ATTACHMENTS?.get(attachmentKey(id, file.id)));
        if (!obj) throw new Error(`attachment ${n} is not in R2`);
        return obj.arrayBuffer();
      };
      for (const [n, sum] of Object.entries(want.attachmentSha256 ?? {}))
        expect(await hex("SHA-256", await body(Number(n)))).toBe(sum);
      for (const [n, sum] of Object.entries(want.attachmentMd5 ?? {}))
        expect(await hex("MD5", await body(Number(n)))).toBe(sum);
      if (want.sameContent) {
        const [a, b] = await Promise.all(want.sameContent.map(body));
        expect(new Uint8Array(a as ArrayBuffer)).toEqual(new Uint8Array(b as ArrayBuffer));
      }
    });
  }
});
