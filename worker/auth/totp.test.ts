// TOTP against the test vectors of RFC 6238 (Appendix B) and HOTP against RFC 4226 (Appendix D), with
// the worker's own WebCrypto implementation (worker/auth/totp.ts).
import { describe, expect, it } from "vitest";
import { base32Decode, base32Encode, hotp, matchStep, otpauthUri, stepAt, totp } from "./totp.ts";

const ascii = (s: string) => new TextEncoder().encode(s);
// RFC 6238's seeds: the 20-, 32- and 64-byte repetitions of "1234567890".
const SHA1 = ascii("12345678901234567890");
const SHA256 = ascii("12345678901234567890123456789012");
const SHA512 = ascii("1234567890123456789012345678901234567890123456789012345678901234");

const VECTORS: [number, string, string, string][] = [
  [59, "94287082", "46119246", "90693936"],
  [1111111109, "07081804", "68084774", "25091201"],
  [1111111111, "14050471", "67062674", "99943326"],
  [1234567890, "89005924", "91819424", "93441116"],
  [2000000000, "69279037", "90698825", "38618901"],
  [20000000000, "65353130", "77737706", "47863826"],
];

describe("TOTP (RFC 6238)", () => {
  it("matches every test vector of Appendix B for SHA-1, SHA-256 and SHA-512", async () => {
    for (const [t, sha1, sha256, sha512] of VECTORS) {
      expect(await totp(SHA1, t, 8, "SHA-1"), `SHA-1 T=${t}`).toBe(sha1);
      expect(await totp(SHA256, t, 8, "SHA-256"), `SHA-256 T=${t}`).toBe(sha256);
      expect(await totp(SHA512, t, 8, "SHA-512"), `SHA-512 T=${t}`).toBe(sha512);
    }
  });

  it("matches HOTP's RFC 4226 values (6 digits, counters 0-9)", async () => {
    const want = ["755224", "287082", "359152", "969429", "338314", "254676", "287922", "162583", "399871", "520489"];
    for (const [i, code] of want.entries()) expect(await hotp(SHA1, i)).toBe(code);
  });

  it("accepts the current step and one either side, once, and nothing further away", async () => {
    const now = 1_700_000_000;
    const step = stepAt(now);
    const at = (s: number) => hotp(SHA1, s);
    expect(await matchStep(SHA1, await at(step), now, 0)).toBe(step);
    expect(await matchStep(SHA1, await at(step - 1), now, 0)).toBe(step - 1);
    expect(await matchStep(SHA1, await at(step + 1), now, 0)).toBe(step + 1);
    expect(await matchStep(SHA1, await at(step - 2), now, 0)).toBeNull();
    expect(await matchStep(SHA1, await at(step + 2), now, 0)).toBeNull();
    // A code already used (its step is not after the last accepted one) is refused.
    expect(await matchStep(SHA1, await at(step), now, step)).toBeNull();
    expect(await matchStep(SHA1, await at(step - 1), now, step - 1)).toBeNull();
  });

  it("round-trips base32 secrets and builds the otpauth URI apps scan", () => {
    expect(base32Encode(SHA1)).toBe("GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ");
    expect(base32Decode("gezd gnbv gy3t qojq gezd gnbv gy3t qojq")).toEqual(SHA1);
    expect(base32Decode("not base32!")).toBeNull();
    expect(otpauthUri("EdgeDesk", "a@b.example", "ABC")).toBe(
      "otpauth://totp/EdgeDesk:a%40b.example?secret=ABC&issuer=EdgeDesk&algorithm=SHA1&digits=6&period=30",
    );
  });
});
