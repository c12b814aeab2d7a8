import { describe, expect, it } from "vitest";
import { DEFAULT_FILE_POLICY } from "../../../../shared/files.ts";
import { fromForm, toForm } from "./files-form.ts";

describe("Settings → Files form", () => {
  it("round-trips the defaults", () => {
    const f = toForm(DEFAULT_FILE_POLICY);
    expect(f.mb).toBe("10");
    expect(fromForm(f)).toEqual({ ok: true, policy: DEFAULT_FILE_POLICY });
  });

  it("takes MB with a comma, keeps the kinds ticked, and none turns attaching off", () => {
    const f = { mb: "2,5", types: { png: true, jpeg: false, gif: false, webp: false, pdf: true } };
    expect(fromForm(f)).toEqual({ ok: true, policy: { maxBytes: 2_621_440, types: ["png", "pdf"] } });
    const off = { ...f, types: { png: false, jpeg: false, gif: false, webp: false, pdf: false } };
    expect(fromForm(off)).toEqual({ ok: true, policy: { maxBytes: 2_621_440, types: [] } });
  });

  it("refuses sizes outside what the worker holds", () => {
    const types = toForm(DEFAULT_FILE_POLICY).types;
    for (const mb of ["", "0", "0.05", "26", "lots"]) expect(fromForm({ mb, types }).ok, mb).toBe(false);
    expect(fromForm({ mb: "25", types }).ok).toBe(true);
    expect(fromForm({ mb: "0.1", types }).ok).toBe(true);
  });
});
