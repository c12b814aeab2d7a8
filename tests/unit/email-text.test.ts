// The email channel's pure parts: MIME decoding details, HTML → text, quote and signature stripping,
// address parsing and the reply token.
import { describe, expect, it } from "vitest";
import { parseMailbox, replyAddress, replyToken, splitPlus, verifyReplyToken } from "../../worker/email/address.ts";
import { decodeWords, MalformedMail, parseMail, parseParams } from "../../worker/email/mime.ts";
import { composeReply, quotedPrintable, withReference } from "../../worker/email/compose.ts";
import { htmlToText, stripQuotedAndSignature } from "../../worker/email/text.ts";

const bytes = (s: string) => new TextEncoder().encode(s);

describe("MIME", () => {
  it("decodes encoded words, joining adjacent ones, and RFC 2231 parameters", () => {
    expect(decodeWords("=?UTF-8?Q?Jos=C3=A9?= =?UTF-8?Q?_Garc=C3=ADa?=")).toBe("José García");
    expect(decodeWords("=?iso-8859-1?B?Y2Fm6Q==?= ok")).toBe("café ok");
    expect(parseParams(`attachment; filename*0*=UTF-8''a%C3%B1o; filename*1=".pdf"`).params.filename).toBe("año.pdf");
    expect(parseParams('text/plain; charset="utf-8"; format=flowed')).toEqual({
      value: "text/plain",
      params: { charset: "utf-8", format: "flowed" },
    });
  });

  it("takes text from multipart/alternative and refuses broken base64", () => {
    const ok = parseMail(
      bytes(
        "From: a@b.c\nContent-Type: multipart/alternative; boundary=x\n\n--x\nContent-Type: text/plain\n\nhi\n--x\nContent-Type: text/html\n\n<p>hi</p>\n--x--\n",
      ),
    );
    expect([ok.text, ok.html]).toEqual(["hi", "<p>hi</p>"]);
    expect(() => parseMail(bytes("From: a@b.c\nContent-Transfer-Encoding: base64\n\n***not base64***\n"))).toThrow(
      MalformedMail,
    );
  });
});

describe("text", () => {
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

  it("composes a reply that the MIME reader reads back", () => {
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
    const back = parseMail(bytes(raw));
    expect(back.text?.trimEnd()).toBe("Olá — see the article.");
    expect(back.headers.find((h) => h.name === "subject")?.value).toBe("Re: Hola");
  });
});
