// The canned replies page's pure logic (console/src/canned-form.ts) and its route.
import { describe, expect, it } from "vitest";
import type { CannedReply } from "../../../../shared/api.ts";
import {
  canManageCanned,
  cannedFromForm,
  cannedServerErrors,
  cannedToForm,
  emptyCannedForm,
  upsertCanned,
} from "./canned-form.ts";
import { href, parseRoute } from "../../lib/route.ts";

const reply = (id: string, title: string, extra: Partial<CannedReply> = {}): CannedReply => ({
  id,
  title,
  text: `${title} text`,
  updatedAt: 1,
  ...extra,
});

describe("canned replies page", () => {
  it("lets editors and owners manage, agents only read", () => {
    expect(canManageCanned("owner")).toBe(true);
    expect(canManageCanned("editor")).toBe(true);
    expect(canManageCanned("agent")).toBe(false);
  });

  it("validates with the worker's schema and puts each problem at its field", () => {
    const r = cannedFromForm(emptyCannedForm());
    expect(r).toEqual({ ok: false, errors: { title: "title is required", text: "text is required" } });
    const bad = cannedFromForm({ title: "Refunds", shortcut: "no spaces!", text: "Within 14 days." });
    expect(bad.ok ? {} : bad.errors).toEqual({ shortcut: "shortcut is 1-30 letters, digits, - or _" });
  });

  it("normalises what it sends: trimmed, lower-case shortcut without its slash, none when empty", () => {
    expect(cannedFromForm({ title: "  Refunds ", shortcut: " /Refund ", text: " Within 14 days. " })).toEqual({
      ok: true,
      input: { title: "Refunds", shortcut: "refund", text: "Within 14 days." },
    });
    expect(cannedFromForm({ title: "Hi", shortcut: "  ", text: "Hello!" })).toEqual({
      ok: true,
      input: { title: "Hi", text: "Hello!" },
    });
  });

  it("maps refusals to fields: a taken shortcut, 400 issues, anything else on the form", () => {
    expect(cannedServerErrors(409, "shortcut_taken", "another canned reply has this shortcut")).toEqual({
      shortcut: "Another canned reply already uses this shortcut.",
    });
    expect(
      cannedServerErrors(400, "invalid_body", "body: text: too long", [{ path: "text", message: "too long" }]),
    ).toEqual({ text: "too long" });
    expect(cannedServerErrors(403, "forbidden", "You do not have access to this.")).toEqual({
      form: "You do not have access to this.",
    });
  });

  it("round-trips a reply through the form and keeps the list ordered by title after a save", () => {
    const r = reply("c1", "Refunds", { shortcut: "refund" });
    expect(cannedToForm(r)).toEqual({ title: "Refunds", shortcut: "refund", text: "Refunds text" });
    expect(cannedToForm(reply("c2", "Hi"))).toEqual({ title: "Hi", shortcut: "", text: "Hi text" });
    const list = [reply("a", "apple"), reply("c", "Cherry")];
    expect(upsertCanned(list, reply("b", "Banana")).map((c) => c.id)).toEqual(["a", "b", "c"]);
    expect(upsertCanned(list, reply("a", "Zebra")).map((c) => c.title)).toEqual(["Cherry", "Zebra"]);
  });

  it("has its own route, #/canned", () => {
    expect(parseRoute("#/canned")).toEqual({ name: "canned" });
    expect(parseRoute("#/canned/")).toEqual({ name: "canned" });
    expect(href({ name: "canned" })).toBe("#/canned");
  });
});
