// The upload chunk's decisions without a browser: the same verdict on a file's first bytes as the
// server's, and what each answer of the server does to a file waiting in the tray.
import { describe, expect, it } from "vitest";
import { DEFAULT_FILE_POLICY } from "../../shared/files.ts";
import { type Item, judge, outcome, pending, reasons } from "./queue.ts";
import { words } from "./words.ts";

const file = (size: number, type = "image/png") => ({ size, type, name: "x" }) as File;
const item = (f: File): Item => ({ id: "1", clientId: "f-1", file: f, state: "checking", progress: 0 });
const PNG = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 0]);
const HTML = new TextEncoder().encode("<html><script>");

describe("before a file travels", () => {
  it("is ready when its bytes are an allowed kind within the size, whatever the browser calls it", () => {
    expect(judge(item(file(100, "application/pdf")), PNG, DEFAULT_FILE_POLICY)).toMatchObject({
      state: "ready",
      kind: "png",
    });
  });

  it("is refused with the policy's figures: wrong kind, too large, attaching off", () => {
    const policy = { maxBytes: 1024 * 1024, types: ["png", "pdf"] as const };
    const types = { ...policy, types: [...policy.types] };
    expect(judge(item(file(100)), HTML, types)).toMatchObject({
      state: "refused",
      error: "file_type",
      params: { types: "PNG, PDF", max: "1.0 MB" },
    });
    expect(judge(item(file(1024 * 1024 + 1)), PNG, types)).toMatchObject({ state: "refused", error: "file_too_large" });
    expect(judge(item(file(10)), PNG, { maxBytes: 100, types: [] })).toMatchObject({ error: "files_off" });
    const t = words("es-MX");
    expect(t("file_too_large", reasons(types))).toBe(
      "Demasiado grande: aquí se pueden enviar archivos de hasta 1.0 MB.",
    );
    expect(words("en")("file_type", reasons(types))).toBe("Only PNG, PDF files can be sent here.");
  });
});

describe("the server's answer", () => {
  it("done, wait and send again, refused for good, or failed (the customer may try again)", () => {
    expect(outcome(201, undefined, null)).toEqual({ k: "done" });
    expect(outcome(200, undefined, null)).toEqual({ k: "done" });
    expect(outcome(429, "rate_limited", "7")).toEqual({ k: "wait", ms: 7000 });
    expect(outcome(429, "rate_limited", null)).toEqual({ k: "wait", ms: 5000 });
    expect(outcome(415, "file_type", null)).toEqual({ k: "refused", error: "file_type" });
    expect(outcome(413, "file_too_large", null)).toEqual({ k: "refused", error: "file_too_large" });
    expect(outcome(409, "too_many_files", null)).toEqual({ k: "refused", error: "too_many_files" });
    expect(outcome(403, "bad_token", null)).toEqual({ k: "failed" });
    expect(outcome(0, undefined, null)).toEqual({ k: "failed" });
  });

  it("counts what still goes out on Send", () => {
    const states: Item["state"][] = ["checking", "ready", "sending", "waiting", "refused", "failed"];
    expect(pending(states.map((state) => ({ ...item(file(1)), state })))).toBe(3);
  });
});
