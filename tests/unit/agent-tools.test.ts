// Pure logic behind the agent tools: the shared reducer with agents-only events and ratings, identity
// signatures (canonical string, freshness, constant-time check), the canned-reply picker, change text.
import { createHmac } from "node:crypto";
import { describe, expect, it } from "vitest";
import {
  canonicalAttributes,
  identityCanonical,
  identityCanonicalV2,
  type CannedReply,
  type IdentifyRequest,
} from "../../shared/api.ts";
import {
  describeTrust,
  forCustomer,
  isVerifiedField,
  type ChangeEvent,
  type ConversationEvent,
} from "../../shared/protocol.ts";
import { applyFrame, emptyTimeline } from "../../shared/timeline.ts";
import { filterCanned, insertAt, parseLabels } from "../../console/src/features/canned/canned.ts";
import { describeChange } from "../../console/src/features/conversation/Transcript.tsx";
import { IDENTITY_MAX_AGE_S, toIdentity, verifyIdentity } from "../../worker/auth/identity.ts";

const fold = (events: ConversationEvent[]) =>
  events.reduce((t, event) => applyFrame(t, { t: "event", event }), emptyTimeline());

describe("timeline with notes, changes and ratings", () => {
  const events: ConversationEvent[] = [
    { seq: 1, at: 1, type: "message", id: "m1", author: "customer", text: "hi" },
    { seq: 2, at: 2, type: "note", audience: "agents", id: "n1", name: "alex", text: "secret" },
    { seq: 3, at: 3, type: "change", audience: "agents", by: "alex", priority: "high" },
    { seq: 4, at: 4, type: "state", state: "resolved" },
    { seq: 5, at: 5, type: "csat", score: 4, comment: "ok" },
  ];
  it("advances lastSeq past them without turning them into chat lines", () => {
    const t = fold(events);
    expect(t.lastSeq).toBe(5);
    expect(t.messages.map((m) => m.id)).toEqual(["m1"]);
    expect(t.csat).toEqual({ score: 4, comment: "ok" });
  });
  it("applies a rating once, even when replayed", () => {
    const t = fold(events);
    expect(applyFrame(t, { t: "event", event: { seq: 5, at: 9, type: "csat", score: 1 } })).toBe(t);
  });
  it("marks which events a customer may see", () => {
    expect(events.filter(forCustomer).map((e) => e.seq)).toEqual([1, 4, 5]);
  });
});

describe("identity signatures", () => {
  const secret = "0123456789abcdef-secret";
  const now = 1_750_000_000_000;
  const ts = now / 1000;
  const user = { id: "u1", email: "a@b.example" };
  const sig = (t: number, id = user.id, email: string | undefined = user.email) =>
    createHmac("sha256", secret)
      .update(identityCanonical(t, id, email))
      .digest("hex");
  const req = (over: Partial<IdentifyRequest>): IdentifyRequest => ({ user, hmac: sig(ts), ts, ...over });
  const verdict = async (...a: Parameters<typeof verifyIdentity>) => (await verifyIdentity(...a)).verdict;

  it("signs a documented canonical string, one field per line", () => {
    expect(identityCanonical(1700000000, "u1", "a@b.example")).toBe(
      "edgedesk-identity-v1\n1700000000\nu1\na@b.example",
    );
    expect(identityCanonical(1700000000, "u1", undefined)).toBe("edgedesk-identity-v1\n1700000000\nu1\n");
  });
  it("verifies a fresh signature made by any HMAC-SHA256 implementation, upper- or lower-case hex", async () => {
    expect(await verdict(secret, req({}), now)).toBe("verified");
    expect(await verdict(secret, req({ hmac: sig(ts).toUpperCase() }), now)).toBe("verified");
    expect(await verdict(secret, req({ user: { id: "u1" }, hmac: sig(ts, "u1", "") }), now)).toBe("verified");
  });
  it("refuses other users, other keys, stale and future timestamps", async () => {
    expect(await verdict(secret, req({ user: { ...user, id: "u2" } }), now)).toBe("bad_signature");
    expect(await verdict("another-secret-value", req({}), now)).toBe("bad_signature");
    const old = ts - IDENTITY_MAX_AGE_S - 1;
    expect(await verdict(secret, req({ ts: old, hmac: sig(old) }), now)).toBe("stale");
    expect(await verdict(secret, req({ ts: ts - IDENTITY_MAX_AGE_S, hmac: sig(ts - IDENTITY_MAX_AGE_S) }), now)).toBe(
      "verified",
    );
    expect(await verdict(secret, req({ ts: ts + 120, hmac: sig(ts + 120) }), now)).toBe("stale");
  });
  it("tells unsigned claims and sites without a secret apart", async () => {
    expect(await verdict(secret, { user }, now)).toBe("unsigned");
    expect(await verdict(null, req({}), now)).toBe("no_secret");
  });
  it("keeps only what was given, flagged", () => {
    expect(toIdentity({ user: { id: "u1", attributes: {} } }, { verdict: "unsigned", fields: [] }, 5)).toEqual({
      id: "u1",
      verified: false,
      at: 5,
    });
  });
  it("signs every field with v2, attributes as sorted compact JSON, integer-like keys in string order", () => {
    expect(
      identityCanonicalV2(1700000000, {
        id: "u1",
        email: "a@b.example",
        name: "Ana",
        attributes: { vip: true, "10": 1, "9": "x\ny", plan: "pro" },
      }),
    ).toBe('edgedesk-identity-v2\n1700000000\nu1\na@b.example\nAna\n{"10":1,"9":"x\\ny","plan":"pro","vip":true}');
    expect(identityCanonicalV2(1700000000, { id: "u1" })).toBe("edgedesk-identity-v2\n1700000000\nu1\n\n\n{}");
    expect(canonicalAttributes({})).toBe("{}");
  });
  it("verifies a v2 signature for every field and a v1 signature for id and email only", async () => {
    const full = { ...user, name: "Ana", attributes: { vip: true } };
    const v2 = createHmac("sha256", secret).update(identityCanonicalV2(ts, full)).digest("hex");
    expect(await verifyIdentity(secret, { user: full, hmac: v2, ts }, now)).toEqual({
      verdict: "verified",
      fields: ["id", "email", "name", "attributes"],
    });
    expect(await verifyIdentity(secret, { user: full, hmac: sig(ts), ts }, now)).toEqual({
      verdict: "verified",
      fields: ["id", "email"],
    });
    // A v2 signature is no v1 signature for the same person, and the other way round.
    expect(await verdict(secret, { user: { ...full, name: "Bo" }, hmac: v2, ts }, now)).toBe("bad_signature");
  });
  it("tells agents which fields are signed", () => {
    const base = { id: "u1", email: "a@b.example", name: "Ana", attributes: { vip: true }, at: 0 };
    expect(describeTrust({ ...base, verified: true, verifiedFields: ["id", "email", "name", "attributes"] })).toBe(
      "verified",
    );
    expect(describeTrust({ ...base, verified: true })).toBe("id, email verified; name, attributes unverified");
    expect(describeTrust({ ...base, verified: false })).toBe("unverified");
    expect(isVerifiedField({ ...base, verified: true }, "attributes")).toBe(false);
    expect(isVerifiedField({ ...base, verified: false, verifiedFields: ["attributes"] }, "attributes")).toBe(false);
  });
});

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
