// The console's privacy page logic (console/src/privacy.ts) and its route.
import { describe, expect, it } from "vitest";
import { auditText, checkAddress, erasedText, retentionInput, retentionText, sourcesText } from "./privacy.ts";
import { href, parseRoute } from "../../lib/route.ts";

describe("privacy page", () => {
  it("checks the address with the worker's schema", () => {
    expect(checkAddress("  dana@example.com ")).toEqual({ ok: true, email: "dana@example.com" });
    expect(checkAddress("dana")).toEqual({ ok: false, error: "Enter an email address." });
  });

  it("says how a conversation holds the address and what an erasure removed", () => {
    expect(sourcesText(["contact", "identity", "follow-up", "email"])).toBe(
      "contact, identify(), follow-up address, email sender",
    );
    expect(
      erasedText({ conversations: 1, events: 12, attachments: 0, rows: 30, deliveries: 2, trainingLinks: 1 }),
    ).toBe("1 conversation, 12 events, 0 attachments, 2 webhook deliveries, 30 database rows, 1 KB training link");
  });

  it("reads the retention form", () => {
    expect(retentionInput(true, "", "delete")).toEqual({ ok: true, value: { days: null, mode: "delete" } });
    expect(retentionInput(false, "90", "anonymise")).toEqual({ ok: true, value: { days: 90, mode: "anonymise" } });
    expect(retentionInput(false, "0", "delete").ok).toBe(false);
    expect(retentionInput(false, "2.5", "delete").ok).toBe(false);
    expect(retentionText(null, "delete")).toMatch(/kept until/);
    expect(retentionText(1, "delete")).toBe("Conversations quiet for 1 day are deleted.");
    expect(retentionText(30, "anonymise")).toMatch(/anonymised/);
  });

  it("puts audit entries in words, from counts only", () => {
    const e = { seq: 1, actor: "a1", subject: "ct_1", at: 0 };
    expect(
      auditText({
        ...e,
        action: "contact.erased",
        detail: { conversations: 5, events: 40, attachments: 1, remaining: 0 },
      }),
    ).toBe("Erased a contact: 5 conversations, 40 events, 1 attachment");
    expect(auditText({ ...e, action: "contact.erased", detail: { conversations: 25, remaining: 3 } })).toBe(
      "Erased a contact: 25 conversations, 3 left",
    );
    expect(auditText({ ...e, action: "retention.changed", detail: { days: 30, mode: "delete" } })).toBe(
      "Changed retention: 30 days, delete",
    );
    expect(auditText({ ...e, action: "retention.changed", detail: { days: null, mode: "delete" } })).toBe(
      "Changed retention: keep everything",
    );
  });

  it("has its settings route", () => {
    expect(parseRoute("#/settings/privacy")).toEqual({ name: "privacy" });
    expect(href({ name: "privacy" })).toBe("#/settings/privacy");
  });
});
