// Two-factor sign-in (docs/security.md): TOTP enrolment with a confirming code, the code step after the
// password, one-time codes and recovery codes, the workspace requirement, an owner's reset, and
// throttling of the code step like the password step.
import { env, SELF } from "cloudflare:test";
import { beforeAll, describe, expect, it } from "vitest";
import type { RecoveryCodes, SecurityStatus, TwoFactorSetup } from "../../shared/security.ts";
import { base32Decode, hotp, stepAt } from "../../worker/auth/totp.ts";
import { ADMIN, BASE, call, cookieOf, createAgent, login, PASSWORD } from "./helpers.ts";

type Step = { twoFactor?: string; ticket: string; email?: string };

/** The code an authenticator app shows `offset` steps from now. */
const codeFor = (secret: string, offset = 0) =>
  hotp(base32Decode(secret) as Uint8Array, stepAt(Date.now() / 1000) + offset);

async function enrol(cookie: string): Promise<{ secret: string; recovery: string[] }> {
  const setup = await call<TwoFactorSetup>(cookie, "POST", "/api/me/two-factor/setup");
  expect(setup.status).toBe(200);
  expect(setup.body.uri).toMatch(/^otpauth:\/\/totp\/EdgeDesk:.+\?secret=[A-Z2-7]+&issuer=EdgeDesk/);
  expect(setup.headers.get("cache-control")).toBe("no-store");
  const on = await call<RecoveryCodes>(cookie, "POST", "/api/me/two-factor/enable", {
    code: await codeFor(setup.body.secret),
  });
  expect(on.status).toBe(200);
  return { secret: setup.body.secret, recovery: on.body.recoveryCodes };
}

const secondStep = (ticket: string, code: string, ip?: string) =>
  SELF.fetch(`${BASE}/api/auth/login/two-factor`, {
    method: "POST",
    headers: { "content-type": "application/json", ...(ip ? { "cf-connecting-ip": ip } : {}) },
    body: JSON.stringify({ ticket, code }),
  });

async function passwordStep(email: string, ip?: string): Promise<Step> {
  const r = await login(email, PASSWORD, ip);
  expect(r.status).toBe(200);
  expect(r.headers.get("set-cookie")).toBeNull();
  return (await r.json()) as Step;
}

beforeAll(async () => {
  await env.DB.prepare("INSERT OR IGNORE INTO workspaces (id, name, created_at) VALUES ('mfa', 'MFA', 1)").run();
});

describe("two-factor sign-in", () => {
  it("enrols with a confirming code, then asks for a code after the password", async () => {
    const cookie = await createAgent("totp@mfa.example");
    const laptop = cookieOf(await login("totp@mfa.example", PASSWORD));
    // A wrong confirming code leaves it off.
    await call(cookie, "POST", "/api/me/two-factor/setup");
    expect((await call(cookie, "POST", "/api/me/two-factor/enable", { code: "000000" })).status).toBe(400);
    expect((await call<SecurityStatus>(cookie, "GET", "/api/me/security")).body.twoFactor).toBe(false);

    const { secret, recovery } = await enrol(cookie);
    expect(recovery).toHaveLength(10);
    expect(new Set(recovery).size).toBe(10);
    // The secret is sealed in D1, not stored as the app has it; recovery codes are hashes.
    const row = await env.DB.prepare("SELECT totp_secret FROM agents WHERE email = 'totp@mfa.example'").first<{
      totp_secret: string;
    }>();
    expect(row?.totp_secret).toMatch(/^v1\./);
    expect(row?.totp_secret).not.toContain(secret);
    const codes = await env.DB.prepare(
      "SELECT code_hash FROM recovery_codes r JOIN agents a ON a.id = r.agent_id WHERE a.email = 'totp@mfa.example'",
    ).all<{ code_hash: string }>();
    expect(codes.results.some((c) => recovery.includes(c.code_hash))).toBe(false);
    // Turning it on ends the sessions opened with the password alone, except this one.
    expect((await call(laptop, "GET", "/api/me")).status).toBe(401);
    expect((await call<SecurityStatus>(cookie, "GET", "/api/me/security")).body).toMatchObject({
      twoFactor: true,
      recoveryCodesLeft: 10,
    });

    const step = await passwordStep("totp@mfa.example");
    expect(step.twoFactor).toBe("required");
    expect(step.email).toBeUndefined();
    expect((await secondStep(step.ticket, "123456")).status).toBe(401);
    const code = await codeFor(secret, 1);
    const ok = await secondStep(step.ticket, code);
    expect(ok.status).toBe(200);
    expect((await call(cookieOf(ok), "GET", "/api/me")).status).toBe(200);
    // The same code is good once.
    expect((await secondStep((await passwordStep("totp@mfa.example")).ticket, code)).status).toBe(401);
  });

  it("takes each recovery code once", async () => {
    const cookie = await createAgent("recovery@mfa.example");
    const { recovery } = await enrol(cookie);
    const first = recovery[0] as string;
    const ok = await secondStep((await passwordStep("recovery@mfa.example")).ticket, first.toUpperCase());
    expect(ok.status).toBe(200);
    expect((await secondStep((await passwordStep("recovery@mfa.example")).ticket, first)).status).toBe(401);
    expect((await call<SecurityStatus>(cookie, "GET", "/api/me/security")).body.recoveryCodesLeft).toBe(9);
  });

  it("refuses a forged or stale ticket, and one from before a password change", async () => {
    const cookie = await createAgent("ticket@mfa.example");
    const { secret } = await enrol(cookie);
    const { ticket } = await passwordStep("ticket@mfa.example");
    const [body, mac] = ticket.split(".") as [string, string];
    const forged = `${body.slice(0, -2)}AA.${mac}`;
    expect((await secondStep(forged, await codeFor(secret))).status).toBe(401);
    expect((await secondStep(`${body}.${mac.slice(0, -2)}AA`, await codeFor(secret))).status).toBe(401);
    const changed = await call(cookie, "PUT", "/api/me/password", { current: PASSWORD, password: "a newer password" });
    expect(changed.status).toBe(200);
    const r = await secondStep(ticket, await codeFor(secret));
    expect(r.status).toBe(401);
    expect(((await r.json()) as { error: string }).error).toBe("bad_ticket");
  });

  it("throttles wrong codes like wrong passwords", async () => {
    const cookie = await createAgent("guess@mfa.example");
    const { secret } = await enrol(cookie);
    const { ticket } = await passwordStep("guess@mfa.example", "192.0.2.77");
    for (let i = 0; i < 5; i++) expect((await secondStep(ticket, `00000${i}`, `192.0.2.${80 + i}`)).status).toBe(401);
    expect((await secondStep(ticket, await codeFor(secret), "192.0.2.99")).status).toBe(429);
  });

  it("lets an owner require it: until then an agent can only enrol", async () => {
    const owner = await createAgent("owner@mfa.example", "owner", "mfa");
    const editor = await createAgent("editor@mfa.example", "editor", "mfa");
    const agent = await createAgent("agent@mfa.example", "agent", "mfa");
    expect((await call(editor, "PUT", "/admin/v1/workspace/security", { requireTwoFactor: true })).status).toBe(403);
    // An owner turns it on for themselves first, so requiring it cannot lock them out.
    const early = await call<{ error: string }>(owner, "PUT", "/admin/v1/workspace/security", {
      requireTwoFactor: true,
    });
    expect(early.body.error).toBe("two_factor_first");
    await enrol(owner);
    const on = await call(owner, "PUT", "/admin/v1/workspace/security", { requireTwoFactor: true });
    expect(on.status).toBe(200);

    const blocked = await call<{ error: string }>(agent, "GET", "/api/inbox");
    expect(blocked.status).toBe(403);
    expect(blocked.body.error).toBe("two_factor_required");
    const sock = await SELF.fetch(`${BASE}/api/inbox/ws`, { headers: { cookie: agent, upgrade: "websocket" } });
    expect(sock.status).toBe(403);
    expect((await call(agent, "GET", "/api/me")).status).toBe(200);
    expect((await call<SecurityStatus>(agent, "GET", "/api/me/security")).body).toMatchObject({
      twoFactor: false,
      required: true,
    });
    // Editors too: the rule is for everyone.
    expect((await call(editor, "GET", "/api/kb/gaps")).status).toBe(403);
    expect((await call(owner, "GET", "/admin/v1/agents")).status).toBe(200);

    await enrol(agent);
    expect((await call(agent, "GET", "/api/inbox")).status).toBe(200);
    // While it is required it cannot be turned off.
    const off = await call<{ error: string }>(agent, "DELETE", "/api/me/two-factor", { password: PASSWORD });
    expect(off.status).toBe(409);
  });

  it("lets an owner reset a lost second factor; the person signs in with the password and enrols again", async () => {
    await env.DB.prepare("INSERT OR IGNORE INTO workspaces (id, name, created_at) VALUES ('mfa2', 'MFA 2', 1)").run();
    const owner = await createAgent("owner@mfa2.example", "owner", "mfa2");
    const lost = await createAgent("lost@mfa2.example", "agent", "mfa2");
    await enrol(lost);
    const id = (await env.DB.prepare("SELECT id FROM agents WHERE email = 'lost@mfa2.example'").first<{ id: string }>())
      ?.id;
    const agentTries = await call(lost, "DELETE", `/admin/v1/agents/${id}/two-factor`);
    expect(agentTries.status).toBe(403);
    expect((await call(owner, "DELETE", `/admin/v1/agents/${id}/two-factor`)).status).toBe(200);
    expect((await call(lost, "GET", "/api/me")).status).toBe(401);
    const r = await login("lost@mfa2.example", PASSWORD);
    expect(r.status).toBe(200);
    expect(((await r.json()) as { email: string }).email).toBe("lost@mfa2.example");
    // And the operator can do it with the token.
    const again = await call(ADMIN, "DELETE", `/admin/v1/agents/${id}/two-factor?workspace=mfa2`);
    expect(again.status).toBe(200);
  });

  it("turns off with the password when the workspace does not require it", async () => {
    const cookie = await createAgent("off@mfa.example");
    await enrol(cookie);
    expect((await call(cookie, "DELETE", "/api/me/two-factor", { password: "wrong password!" })).status).toBe(403);
    expect((await call(cookie, "DELETE", "/api/me/two-factor", { password: PASSWORD })).status).toBe(200);
    const r = await login("off@mfa.example", PASSWORD);
    expect(((await r.json()) as { email: string }).email).toBe("off@mfa.example");
  });
});
