// Brute force on sign-in (docs/security.md, finding 11): failures lock the account whatever network they
// come from, and lock a network (an IPv4 address, an IPv6 /64) whatever accounts it tries. The counts
// live in D1, so every isolate and every location sees the same ones.
import { env } from "cloudflare:test";
import { beforeAll, describe, expect, it } from "vitest";
import { ACCOUNT_LOCK, NETWORK_LOCK, loginGate, networkOf } from "../../worker/auth/throttle.ts";
import { createAgent, login, PASSWORD } from "./helpers.ts";

beforeAll(async () => {
  await createAgent("target@throttle.example");
  await createAgent("bystander@throttle.example");
});

describe("finding 11: sign-in throttling", () => {
  it("locks an account after repeated failures from many networks; the right password then waits too", async () => {
    for (let i = 0; i < ACCOUNT_LOCK.failures; i++)
      expect((await login("target@throttle.example", `wrong guess ${i}`, `203.0.113.${i + 1}`)).status).toBe(401);
    const locked = await login("target@throttle.example", PASSWORD, "192.0.2.200");
    expect(locked.status).toBe(429);
    expect(Number(locked.headers.get("retry-after"))).toBeGreaterThan(60);
    expect(locked.headers.get("set-cookie")).toBeNull();
    // Someone else on the same networks is not locked out with them.
    expect((await login("bystander@throttle.example", PASSWORD, "203.0.113.1")).status).toBe(200);
    // When the lock runs out, the owner of the account signs in.
    await env.DB.prepare("UPDATE login_throttle SET locked_until = 0, count = 0 WHERE key = ?")
      .bind("fail:acct:target@throttle.example")
      .run();
    expect((await login("target@throttle.example", PASSWORD, "192.0.2.200")).status).toBe(200);
  });

  it("answers for an unknown email exactly as for a locked real one", async () => {
    for (let i = 0; i < ACCOUNT_LOCK.failures; i++)
      expect((await login("nobody@throttle.example", "guess", `198.51.100.${i + 1}`)).status).toBe(401);
    const r = await login("nobody@throttle.example", "guess", "198.51.100.99");
    expect(r.status).toBe(429);
    expect(((await r.json()) as { error: string }).error).toBe("too_many_attempts");
  });

  it("locks a network: IPv6 addresses in one /64 count together, the next /64 does not", async () => {
    expect(networkOf("2001:db8:1:2::1")).toBe(networkOf("2001:db8:1:2:ffff:ffff:ffff:fffe"));
    expect(networkOf("2001:db8:1:2::1")).not.toBe(networkOf("2001:db8:1:3::1"));
    expect(networkOf("2001:0db8:0001:0002:0000:0000:0000:0001")).toBe(networkOf("2001:db8:1:2::1"));
    expect(networkOf("203.0.113.9")).not.toBe(networkOf("203.0.113.10"));
    for (let i = 0; i < NETWORK_LOCK.failures; i++) {
      const r = await login(`spray${i}@throttle.example`, "Winter2024!", `2001:db8:1:2::${(i + 1).toString(16)}`);
      expect(r.status).toBe(401);
    }
    expect((await login("bystander@throttle.example", PASSWORD, "2001:db8:1:2:abcd::1")).status).toBe(429);
    expect((await login("bystander@throttle.example", PASSWORD, "2001:db8:1:3::1")).status).toBe(200);
  });

  it("counts attempts per network and account in D1 when the rate-limit binding is absent", async () => {
    // The production path is Cloudflare's rate-limiting binding (wrangler.jsonc `ratelimits`); without
    // it the same limit is a D1 counter, so a deployment without the binding is not unthrottled.
    const bare = { DB: env.DB, LOGIN_ATTEMPTS: "3,60" } as unknown as typeof env;
    for (let i = 0; i < 3; i++) expect((await loginGate(bare, "d1@throttle.example", "192.0.2.50")).ok).toBe(true);
    const refused = await loginGate(bare, "d1@throttle.example", "192.0.2.51");
    expect(refused.ok).toBe(false);
    // Another account from another network is still allowed.
    expect((await loginGate(bare, "d1-other@throttle.example", "192.0.2.52")).ok).toBe(true);
  });
});
