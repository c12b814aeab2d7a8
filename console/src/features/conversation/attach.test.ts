import { describe, expect, it } from "vitest";
import { DEFAULT_FILE_POLICY } from "../../../../shared/files.ts";
import { refusal } from "./attach.ts";

const PDF = new TextEncoder().encode("%PDF-1.7\n%abc");
const SVG = new TextEncoder().encode("<svg xmlns='http://www.w3.org/2000/svg'>");

describe("an agent's file before it travels", () => {
  it("passes an allowed kind within the size, by its bytes", () => {
    expect(refusal(PDF, 1000, DEFAULT_FILE_POLICY)).toBeNull();
  });
  it("says why it would be refused", () => {
    expect(refusal(SVG, 100, DEFAULT_FILE_POLICY)).toMatch(/^Only PNG, JPEG, GIF, WEBP, PDF files/);
    expect(refusal(PDF, 11 * 1024 * 1024, DEFAULT_FILE_POLICY)).toBe("Larger than this workspace takes (10 MB).");
    expect(refusal(PDF, 10, { maxBytes: 1024 * 1024, types: ["png"] })).toMatch(/^Only PNG files/);
    expect(refusal(PDF, 10, { maxBytes: 1024 * 1024, types: [] })).toMatch(/does not take files/);
  });
});
