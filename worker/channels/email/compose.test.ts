import { describe, expect, it } from "vitest";
import { composeReply, type EmailThread } from "./compose.ts";

const thread: EmailThread = {
  customer: "ana@example.com",
  support: "support@lumen.test",
  replyTo: "support+abc@lumen.test",
  subject: "Photos",
  references: [],
};
const ids = { messageId: "m1.conv@lumen.test", at: Date.UTC(2025, 6, 1), fromName: "Support", boundary: "b-1" };
const bytes = new Uint8Array(300).map((_, i) => (i * 7) % 256);

/** The parts of a multipart message by its boundary. */
const parts = (raw: string, b: string) => raw.split(`--${b}`).slice(1, -1);

describe("an agent's files in a reply email", () => {
  it("travel as base64 parts that decode to the very bytes, named in the text too", () => {
    const raw = composeReply(thread, { author: "agent", name: "Sam", text: "" }, ids, [
      { name: "steps.pdf", type: "application/pdf", size: 300, bytes },
    ]);
    expect(raw).toContain('Content-Type: multipart/mixed; boundary="b-1"');
    const [text, file] = parts(raw, "b-1");
    expect(text).toContain("Attached: steps.pdf (1 KB)");
    expect(file).toContain("Content-Type: application/pdf");
    expect(file).toContain(`Content-Disposition: attachment; filename="steps.pdf"; filename*=UTF-8''steps.pdf`);
    const body = (file ?? "").split("\r\n\r\n")[1]?.replace(/\s+/g, "") ?? "";
    expect(Uint8Array.from(atob(body), (c) => c.charCodeAt(0))).toEqual(bytes);
    // Lines of at most 76 characters (RFC 2045).
    const lines = (file ?? "").split("\r\n\r\n")[1]?.split("\r\n") ?? [];
    expect(Math.max(...lines.map((l) => l.length))).toBeLessThanOrEqual(76);
  });

  it("names a file too large to carry without attaching it, and any name survives the headers", () => {
    const raw = composeReply(thread, { author: "agent", text: "Here you go" }, ids, [
      { name: "año\r\nBcc: x@evil.example.png", type: "image/png", size: 300, bytes },
      { name: "huge.pdf", type: "application/pdf", size: 30 * 1024 * 1024, left: true },
    ]);
    // The name is one line wherever it is written: in the part's headers and in the text.
    expect(raw).not.toMatch(/^Bcc:/m);
    expect(raw).toContain("filename*=UTF-8''a%C3%B1o%20Bcc%3A%20x%40evil.example.png");
    expect(raw.replace(/=\r\n/g, "")).toContain("Too large to attach to this email: huge.pdf (30.0 MB)");
    expect(parts(raw, "b-1")).toHaveLength(2);
  });

  it("stays one plain text part without files", () => {
    const raw = composeReply(thread, { author: "agent", text: "Hi" }, ids);
    expect(raw).toContain("Content-Type: text/plain; charset=utf-8");
    expect(raw).not.toContain("multipart");
  });
});
