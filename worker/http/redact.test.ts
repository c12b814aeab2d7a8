// The net under the worker's logs (worker/http/redact.ts): whatever reaches a console call by surprise
// (an error message with a URL, a reply address, a header) comes out without the secret in it.
import { describe, expect, it } from "vitest";
import { redact, redactConsole } from "./redact.ts";

describe("redact", () => {
  it("removes tokens from query strings, bearer tokens, reply tokens, API keys and Slack webhook URLs", () => {
    expect(redact("GET https://x.example/v1/conversations/abc/ws?site=s&token=eyJabc-_123&after=0")).toBe(
      "GET https://x.example/v1/conversations/abc/ws?site=s&token=[redacted]&after=0",
    );
    expect(redact("fetch https://h.example/cb?code=123456&key=k1")).toBe(
      "fetch https://h.example/cb?code=[redacted]&key=[redacted]",
    );
    expect(redact("authorization: Bearer ek_abcdefghijklmnopqrstuvwxyz012345")).toBe(
      "authorization: Bearer [redacted]",
    );
    expect(redact("key ek_abcdefghijklmnopqrstuvwxyz012345 revoked")).toBe("key ek_[redacted] revoked");
    expect(redact('{"to":"support+cmzifmvtfjrhue2jqmrfteylrirlhq53fku.pc6zd6flmlh4pz2w@lumen.test"}')).toBe(
      '{"to":"support+[redacted]@lumen.test"}',
    );
    expect(redact("to support+a1b2c3d4e5f6g7h8i9j0-abcdefghijklmnop@lumen.test")).toBe(
      "to support+[redacted]@lumen.test",
    );
    expect(redact("POST https://hooks.slack.com/services/T000/B000/XXXXSECRET failed")).toBe(
      "POST https://hooks.slack.com/services/[redacted] failed",
    );
    // Ordinary text and addresses pass untouched.
    for (const plain of ["ana+news@mail.example.com wrote", "seq 12 after=3", "token count 5"])
      expect(redact(plain)).toBe(plain);
  });

  it("wraps every console level, once, redacting strings, errors and objects", () => {
    const seen: unknown[][] = [];
    const sink = (...a: unknown[]) => void seen.push(a);
    const fake = { log: sink, info: sink, warn: sink, error: sink, debug: sink };
    redactConsole(fake);
    redactConsole(fake);
    fake.error("failed", new Error("GET /v1/me/conversations?token=abc.def.ghi 500"), { url: "/x?token=zzz", n: 1 }, 7);
    fake.log("to support+cmzifmvtfjrhue2jqmrfteylrirlhq53fku.pc6zd6flmlh4pz2w@lumen.test");
    expect(seen).toHaveLength(2);
    const [msg, err, obj, n] = seen[0] as [string, string, { url: string; n: number }, number];
    expect(msg).toBe("failed");
    expect(err).toContain("token=[redacted] 500");
    expect(err).not.toContain("abc.def.ghi");
    expect(obj).toEqual({ url: "/x?token=[redacted]", n: 1 });
    expect(n).toBe(7);
    expect(seen[1]).toEqual(["to support+[redacted]@lumen.test"]);
  });
});
