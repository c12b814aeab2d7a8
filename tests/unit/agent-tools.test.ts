// Pure logic behind the agent tools: the canned-reply picker and change text. (The timeline part is in
// shared/timeline.test.ts, identity signatures in worker/auth/identity.test.ts.)
import { describe, expect, it } from "vitest";
import type { CannedReply } from "../../shared/api.ts";
import type { ChangeEvent } from "../../shared/protocol.ts";
import { filterCanned, insertAt, parseLabels } from "../../console/src/features/canned/canned.ts";
import { describeChange } from "../../console/src/features/conversation/Transcript.tsx";

describe("canned replies and labels", () => {
  const items: CannedReply[] = [
    { id: "1", title: "Refund policy", shortcut: "refund", text: "Refunds within 14 days.", updatedAt: 0 },
    {
      id: "2",
      title: "Greeting",
      shortcut: "hi",
      text: "Hi! How can I help with your refund or anything else?",
      updatedAt: 0,
    },
    { id: "3", title: "Password reset", text: "Use the reset link.", updatedAt: 0 },
  ];
  it("ranks shortcut matches, then titles, then any text", () => {
    expect(filterCanned(items, "/refund").map((c) => c.id)).toEqual(["1", "2"]);
    expect(filterCanned(items, "pass").map((c) => c.id)).toEqual(["3"]);
    expect(filterCanned(items, "reset link").map((c) => c.id)).toEqual(["3"]);
    expect(filterCanned(items, "").map((c) => c.id)).toEqual(["1", "2", "3"]);
    expect(filterCanned(items, "nothing-like-this")).toEqual([]);
  });
  it("inserts at the caret, replacing a selection", () => {
    expect(insertAt("Hello . Bye", 6, 6, "there")).toEqual({ text: "Hello there. Bye", caret: 11 });
    expect(insertAt("Hello XXX", 6, 9, "you")).toEqual({ text: "Hello you", caret: 9 });
    expect(insertAt("", 5, 9, "x")).toEqual({ text: "x", caret: 1 });
  });
  it("parses comma-separated labels", () => {
    expect(parseLabels(" Billing, vip,,billing ")).toEqual(["billing", "vip"]);
  });
  it("says who changed what", () => {
    const base = { seq: 1, at: 1, type: "change", audience: "agents", by: "alex" } as const;
    expect(describeChange({ ...base, priority: "high", labels: ["a", "b"] } satisfies ChangeEvent)).toBe(
      "alex set priority to high, labels to a, b",
    );
    expect(describeChange({ ...base, labels: [] })).toBe("alex set no labels");
    expect(describeChange({ ...base, handoffNeeded: false })).toBe("alex marked the handoff as not needed");
    expect(
      describeChange({ ...base, by: "customer", identity: { id: "u1", email: "a@b", verified: false, at: 1 } }),
    ).toBe("Customer identified as a@b (unverified)");
    const f = { ...base, by: "customer" };
    expect(describeChange({ ...f, followUp: { email: "a@b", verified: false, confirmed: false } })).toBe(
      "Customer asked for replies by email at a@b (unverified, awaiting the customer's code) when away from the chat",
    );
    expect(describeChange({ ...f, followUp: { email: "a@b", verified: false, confirmed: true } })).toBe(
      "Customer confirmed a@b for replies by email (unverified, confirmed)",
    );
    expect(describeChange({ ...f, followUp: { email: "a@b", verified: true, confirmed: true } })).toBe(
      "Customer asked for replies by email at a@b (verified) when away from the chat",
    );
  });
});
