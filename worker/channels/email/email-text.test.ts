// The email channel's pure parts: MIME decoding details, HTML → text, quote and signature stripping,
// address parsing and the reply token.
import { describe, expect, it } from "vitest";
import { parseMailbox, replyAddress, replyToken, splitPlus, verifyReplyToken } from "./address.ts";
import { checkSender } from "./auth.ts";
import { MalformedMail, parseMail } from "./mime.ts";
import { composeReply, quotedPrintable, withReference } from "./compose.ts";
import { htmlToText, stripQuotedAndSignature } from "./text.ts";

const bytes = (s: string) => new TextEncoder().encode(s);

describe("MIME (postal-mime behind worker/channels/email/mime.ts)", () => {
  it("decodes encoded words, raw UTF-8 headers and RFC 2231 file names", async () => {
    const m = await parseMail(
      bytes(
        "From: =?UTF-8?Q?Jos=C3=A9?= =?UTF-8?Q?_Garc=C3=ADa?= <jose@example.org>\r\nSubject: Säying ¡Hola!\r\nContent-Type: multipart/mixed; boundary=b\r\n\r\n--b\r\nContent-Type: text/plain\r\n\r\nhi\r\n--b\r\nContent-Type: application/pdf\r\nContent-Disposition: attachment; filename*0*=UTF-8''a%C3%B1o; filename*1=\".pdf\"\r\n\r\nx\r\n--b--\r\n",
      ),
    );
    expect(m.from).toEqual({ address: "jose@example.org", name: "José García" });
    expect(m.subject).toBe("Säying ¡Hola!");
    expect(m.attachments.map((a) => a.filename)).toEqual(["año.pdf"]);
  });

  it("takes text from multipart/alternative and keeps every inline part of a mixed message, in order", async () => {
    const alt = await parseMail(
      bytes(
        "From: a@b.c\nContent-Type: multipart/alternative; boundary=x\n\n--x\nContent-Type: text/plain\n\nhi\n--x\nContent-Type: text/html\n\n<p>hi</p>\n--x--\n",
      ),
    );
    expect(alt.text?.trim()).toBe("hi");
    const mixed = await parseMail(
      bytes(
        "From: a@b.c\nContent-Type: multipart/mixed; boundary=x\n\n--x\nContent-Type: text/html\n\n<p>My words</p>\n--x\nContent-Type: text/plain\n\nScanned by a gateway\n--x--\n",
      ),
    );
    expect(mixed.text?.replace(/\s+/g, " ").trim()).toBe("My words Scanned by a gateway");
  });

  it("reads US-ASCII-labelled UTF-8 as UTF-8 and keeps a calendar file's CRLF", async () => {
    const head = "From: a@b.c\r\nContent-Type: text/plain; charset=us-ascii\r\n\r\n";
    const m = await parseMail(new Uint8Array([...bytes(head), ...bytes("café\r\n")]));
    expect(m.text?.trim()).toBe("café");
    const latin = await parseMail(new Uint8Array([...bytes(head), 0x63, 0x61, 0x66, 0xe9, 0x0d, 0x0a]));
    expect(latin.text?.trim()).toBe("café");
    const ics = await parseMail(
      bytes(
        "From: a@b.c\r\nContent-Type: multipart/mixed; boundary=x\r\n\r\n--x\r\nContent-Type: text/plain\r\n\r\nhi\r\n--x\r\nContent-Type: text/calendar; method=REQUEST\r\n\r\nBEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n--x--\r\n",
      ),
    );
    expect(new TextDecoder().decode(ics.attachments[0]?.content)).toBe("BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n");
  });

  it("refuses only past its limits", async () => {
    let deep = "x\n";
    for (let d = 0; d < 10; d++)
      deep = `Content-Type: multipart/mixed; boundary=b${d}\n\n--b${d}\n${deep}\n--b${d}--\n`;
    await expect(parseMail(bytes(`From: a@b.c\n${deep}`))).rejects.toThrow(MalformedMail);
  });
});

describe("sender authentication (Email Routing's results)", () => {
  const arc = (v: string) => [{ name: "arc-authentication-results", value: v }];
  it("trusts an aligned DMARC, DKIM or SPF pass recorded by mx.cloudflare.net", () => {
    expect(
      checkSender(arc("i=1; mx.cloudflare.net; dmarc=pass header.from=example.com"), "ana@example.com").verified,
    ).toBe(true);
    expect(
      checkSender(arc("i=1; mx.cloudflare.net; dkim=pass header.d=mail.example.com; dmarc=none"), "ana@example.com")
        .verified,
    ).toBe(true);
    expect(
      checkSender(
        arc(
          "i=1; mx.cloudflare.net; spf=pass (mx.cloudflare.net: domain of x designates 1.2.3.4) smtp.mailfrom=bounce@em.example.com",
        ),
        "ana@example.com",
      ).verified,
    ).toBe(true);
  });
  it("does not trust another authority, an unaligned pass, a DMARC failure or a field below the top", () => {
    expect(checkSender(arc("i=1; mx.google.com; dmarc=pass header.from=example.com"), "ana@example.com").verified).toBe(
      false,
    );
    expect(
      checkSender(arc("i=1; mx.cloudflare.net; dkim=pass header.d=evil.example"), "ana@example.com").verified,
    ).toBe(false);
    expect(
      checkSender(
        arc("i=1; mx.cloudflare.net; dkim=pass header.d=example.com; dmarc=fail header.from=example.com"),
        "ana@example.com",
      ).verified,
    ).toBe(false);
    expect(checkSender(arc("i=1; mx.cloudflare.net; dkim=pass header.d=com"), "ana@example.com").verified).toBe(false);
    const two = [
      { name: "arc-authentication-results", value: "i=2; mx.cloudflare.net; dmarc=fail header.from=example.com" },
      { name: "arc-authentication-results", value: "i=1; mx.cloudflare.net; dmarc=pass header.from=example.com" },
    ];
    expect(checkSender(two, "ana@example.com").verified).toBe(false);
    expect(checkSender([], "ana@example.com")).toEqual({
      verified: false,
      why: "no authentication results from Email Routing",
    });
  });
});

describe("text", () => {
  it("turns hostile HTML into text in linear time: 10 MB of unclosed comments, tags or attributes in well under a second each", () => {
    const size = 10 * 1024 * 1024;
    for (const unit of ["<!--", "<a", "<a href=x ", "<", "<p>x", "<div class='gmail_quote'", "&aaaa", "<blockquote>"]) {
      const html = unit.repeat(Math.ceil(size / unit.length));
      // CPU time, not wall time: the suite shares its cores, and a busy neighbour must not fail this.
      const t0 = process.cpuUsage();
      htmlToText(html);
      const used = process.cpuUsage(t0);
      expect((used.user + used.system) / 1000, unit).toBeLessThan(500);
    }
  });

  it("turns HTML into text without markup, scripts or quoted blocks' words unmarked", () => {
    const t = htmlToText(
      "<p>Hi&nbsp;there &lt;3</p><script>x()</script><ul><li>one</li><li>two</li></ul><blockquote>old</blockquote>",
    );
    expect(t).toBe("Hi there <3\n\n- one\n- two\n\n> old");
  });

  it("cuts quoted history and signatures in the common shapes", () => {
    expect(stripQuotedAndSignature("New words\n\nOn Tue, 3 Nov 2026 at 10:00, Support <s@x.y> wrote:\n> old")).toBe(
      "New words",
    );
    expect(stripQuotedAndSignature("Nuevo\n\nEl mar, 3 nov 2026 a las 10:00, Soporte escribió:\n> viejo")).toBe(
      "Nuevo",
    );
    expect(
      stripQuotedAndSignature("New\n\n________________________________\nFrom: Support <s@x.y>\nSent: Tuesday\nold"),
    ).toBe("New");
    expect(stripQuotedAndSignature("New\n-----Original Message-----\nold")).toBe("New");
    expect(stripQuotedAndSignature("New\n\nSent from my iPhone")).toBe("New");
    expect(stripQuotedAndSignature("New\n-- \nAna\nPhone 123")).toBe("New");
    expect(stripQuotedAndSignature("> quoted only\n> more")).toBe("");
  });
});

describe("addresses and the reply token", () => {
  it("parses mailboxes and plus tags", () => {
    expect(parseMailbox('"Lima, Ana" <ana@example.com>')).toEqual({ address: "ana@example.com", name: "Lima, Ana" });
    expect(parseMailbox("ana@example.com")).toEqual({ address: "ana@example.com" });
    expect(splitPlus("Support+abc@Lumen.Test")).toEqual({ base: "support@lumen.test", tag: "abc" });
  });

  it("signs a case-proof token that verifies only for its conversation", async () => {
    const t = await replyToken("secret-secret-secret-secret-1234", "abcdefghijklmnopqrstuvwx");
    expect(t).toMatch(/^[a-z0-9-]+$/);
    expect(await verifyReplyToken("secret-secret-secret-secret-1234", t.toUpperCase())).toBe(
      "abcdefghijklmnopqrstuvwx",
    );
    expect(await verifyReplyToken("another-secret-another-secret-12", t)).toBeNull();
    expect(await verifyReplyToken("secret-secret-secret-secret-1234", t.replace(/^a/, "b"))).toBeNull();
    expect(replyAddress("support@lumen.test", t)).toBe(`support+${t}@lumen.test`);
  });

  it("carries a mixed-case chat conversation id (follow-ups) in a case-proof token that fits a local part", async () => {
    const secret = "secret-secret-secret-secret-1234";
    for (const id of ["zZPEQDmwDdIg7Nuj4O6Em", "a-b_C9xyzQ", "Q".repeat(40)]) {
      const t = await replyToken(secret, id);
      expect(t).toMatch(/^c[a-z2-7]+\.[a-z2-7]{16}$/);
      expect(await verifyReplyToken(secret, t)).toBe(id);
      expect(await verifyReplyToken(secret, t.toUpperCase())).toBe(id);
      expect(await verifyReplyToken("another-secret-another-secret-12", t)).toBeNull();
    }
    // A 21-character chat id still leaves room for "support+" within the 64-character local part.
    expect(`support+${await replyToken(secret, "zZPEQDmwDdIg7Nuj4O6Em")}`.length).toBeLessThanOrEqual(64);
    // The id part is what the MAC covers: another chat's id with this MAC does not verify.
    const forged = (await replyToken(secret, "zZPEQDmwDdIg7Nuj4O6Em")).replace(
      /^c[a-z2-7]+/,
      (await replyToken(secret, "yZPEQDmwDdIg7Nuj4O6Em")).split(".")[0] as string,
    );
    expect(await verifyReplyToken(secret, forged)).toBeNull();
  });
});

describe("outbound", () => {
  it("writes quoted-printable lines of at most 76 characters and keeps the References root", () => {
    const qp = quotedPrintable("é".repeat(60));
    expect(qp.split("\r\n").every((l) => l.length <= 76)).toBe(true);
    const refs = Array.from({ length: 15 }, (_, i) => `m${i}@x`).reduce(withReference, [] as string[]);
    expect(refs.length).toBe(10);
    expect(refs[0]).toBe("m0@x");
    expect(refs.at(-1)).toBe("m14@x");
  });

  it("composes a reply that the MIME reader reads back", async () => {
    const raw = composeReply(
      {
        customer: "ana@example.com",
        customerName: "Ana",
        support: "support@lumen.test",
        replyTo: "support+t@lumen.test",
        subject: "Hola",
        lastInbound: "a@x",
        references: ["a@x"],
      },
      { author: "bot", text: "Olá — see the article." },
      { messageId: "m1@lumen.test", at: 0, fromName: "Support" },
    );
    const back = await parseMail(bytes(raw));
    expect(back.text?.trimEnd()).toBe("Olá — see the article.");
    expect(back.subject).toBe("Re: Hola");
  });
});
