import { describe, expect, it } from "vitest";
import { checkFile, DEFAULT_FILE_POLICY, fileSize, kindOfMime, MIME, sniff, storedName } from "./files.ts";

const bytes = (...parts: (number[] | string)[]) =>
  new Uint8Array(parts.flatMap((p) => (typeof p === "string" ? Array.from(p, (c) => c.charCodeAt(0)) : p)));

const PNG = bytes([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13]);
const JPEG = bytes([0xff, 0xd8, 0xff, 0xe0, 0, 16], "JFIF");
const GIF = bytes("GIF89a", [1, 0, 1, 0, 0, 0]);
const WEBP = bytes("RIFF", [0x24, 0, 0, 0], "WEBPVP8 ");
const PDF = bytes("%PDF-1.7\n%\xe2\xe3");

describe("sniff", () => {
  it("tells each kind from its signature", () => {
    expect([PNG, JPEG, GIF, WEBP, PDF].map(sniff)).toEqual(["png", "jpeg", "gif", "webp", "pdf"]);
    expect(sniff(bytes("GIF87a"))).toBe("gif");
  });

  it("refuses markup and everything else, whatever it would be called", () => {
    for (const hostile of [
      "<svg xmlns='http://www.w3.org/2000/svg'><script>alert(1)</script></svg>",
      "<?xml version='1.0'?><svg/>",
      "<!doctype html><script>alert(1)</script>",
      "<html>",
      "  %PDF-1.7 (not at byte 0)",
      "PK\u0003\u0004 a zip or an office file",
      "RIFF\u0000\u0000\u0000\u0000WAVEfmt ",
      "#!/bin/sh",
      "",
    ])
      expect(sniff(bytes(hostile)), hostile).toBeNull();
    // Too short to hold the signature.
    expect(sniff(bytes([0x89, 0x50, 0x4e]))).toBeNull();
  });
});

describe("checkFile", () => {
  it("takes an allowed kind within the size, refuses by kind first, then by size", () => {
    expect(checkFile(PNG, 10, DEFAULT_FILE_POLICY)).toEqual({ ok: true, kind: "png" });
    expect(checkFile(bytes("<html>"), 10, DEFAULT_FILE_POLICY)).toEqual({ ok: false, error: "file_type" });
    const max = DEFAULT_FILE_POLICY.maxBytes;
    expect(checkFile(PDF, max, DEFAULT_FILE_POLICY).ok).toBe(true);
    expect(checkFile(PDF, max + 1, DEFAULT_FILE_POLICY)).toEqual({ ok: false, error: "file_too_large" });
    expect(checkFile(PDF, 10, { maxBytes: max, types: ["png"] })).toEqual({ ok: false, error: "file_type" });
    expect(checkFile(PNG, 10, { maxBytes: max, types: [] })).toEqual({ ok: false, error: "file_type" });
  });
});

describe("names and types", () => {
  it("keeps the sniffed kind's extension", () => {
    expect(storedName("photo.jpg", "pdf")).toBe("photo.pdf");
    expect(storedName("scan.PDF", "pdf")).toBe("scan.pdf");
    expect(storedName("holiday.jpeg", "jpeg")).toBe("holiday.jpeg");
    expect(storedName("screenshot", "png")).toBe("screenshot.png");
    expect(storedName("../../etc/passwd\u0000.png", "png")).toBe(".._.._etc_passwd_.png");
    expect(storedName("", "gif")).toBe("file.gif");
    expect(storedName(`${"a".repeat(300)}.webp`, "webp")).toHaveLength(115);
  });

  it("maps served types back to kinds, nothing else", () => {
    expect(kindOfMime(MIME.png)).toBe("png");
    expect(kindOfMime("image/svg+xml")).toBeNull();
    expect(kindOfMime("text/html")).toBeNull();
  });

  it("says sizes for people", () => {
    expect(fileSize(10)).toBe("1 KB");
    expect(fileSize(830 * 1024)).toBe("830 KB");
    expect(fileSize(2.4 * 1024 * 1024)).toBe("2.4 MB");
    expect(fileSize(12 * 1024 * 1024)).toBe("12 MB");
  });
});
