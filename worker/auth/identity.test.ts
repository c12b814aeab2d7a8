// Identity signatures: canonical string, freshness, constant-time check, which fields are signed (split
// from tests/unit/agent-tools.test.ts).
import { createHmac } from "node:crypto";
import { describe, expect, it } from "vitest";
import { canonicalAttributes, identityCanonical, identityCanonicalV2, type IdentifyRequest } from "../../shared/api.ts";
import { describeTrust, isVerifiedField } from "../../shared/protocol.ts";
import { IDENTITY_MAX_AGE_S, toIdentity, verifyIdentity } from "./identity.ts";

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
