// The owner's side of actions (worker/actions/, docs/actions.md), each gate against the real demo
// account API over the network: who may define and read, secrets never answered or logged, the
// address rules (no loopback or metadata without the deployment's flag, never a redirect), timeouts,
// retries for reads only, the idempotency key on writes, the response cap and escaping of data.
import { createExecutionContext, env, waitOnExecutionContext } from "cloudflare:test";
import { afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import type { ActionList, ActionView, CallLogEntry, TryResult } from "../../shared/actions.ts";
import { renderMarkdown } from "../../shared/markdown.ts";
import { app } from "../../worker/app.ts";
import type { Env } from "../../worker/env.ts";
import {
  ACCOUNTS,
  ACCOUNTS_KEY,
  accountScenario,
  api,
  cancelAction,
  define,
  planAction,
  seenBy,
  type Team,
  team,
} from "./actions-helpers.ts";
import { ADMIN, BASE } from "./helpers.ts";

const ANA = { id: "u_ana", email: "ana@lumen.example" };

let t: Team;
let other: Team;
beforeAll(async () => {
  t = await team("owner_api");
  other = await team("owner_api_other");
});

describe("defining actions", () => {
  it("lets owners define, editors read, and refuses agents and other workspaces", async () => {
    const d = planAction(ACCOUNTS);
    expect((await api(t.agent, "PUT", "/api/actions/plan", d)).status).toBe(403);
    expect((await api(t.editor, "PUT", "/api/actions/plan", d)).status).toBe(403);
    const created = await api<ActionView>(t.owner, "PUT", "/api/actions/plan", d);
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ name: "plan", kind: "read", missingSecrets: ["LUMEN_KEY"] });
    expect((await api(t.owner, "PUT", "/api/actions/plan", d)).status).toBe(200);

    expect((await api<ActionList>(t.editor, "GET", "/api/actions")).body.actions.map((a) => a.name)).toEqual(["plan"]);
    expect((await api(t.agent, "GET", "/api/actions")).status).toBe(403);
    expect((await api(t.agent, "GET", "/api/actions/plan")).status).toBe(403);
    // Another workspace's owner sees nothing of it, and cannot try or delete it.
    expect((await api<ActionList>(other.owner, "GET", "/api/actions")).body.actions).toEqual([]);
    expect((await api(other.owner, "GET", "/api/actions/plan")).status).toBe(404);
    expect((await api(other.owner, "POST", "/api/actions/plan/try", {})).status).toBe(404);
    expect((await api(other.owner, "DELETE", "/api/actions/plan")).status).toBe(404);
    // The operator's API says the same with the ADMIN_TOKEN naming the workspace.
    const byToken = await api<ActionView>(ADMIN, "GET", `/admin/v1/actions/plan?workspace=${t.ws}`);
    expect(byToken.body.name).toBe("plan");
    const audit = await env.DB.prepare(
      "SELECT action FROM audit_log WHERE workspace_id = ? AND target_type = 'action' ORDER BY seq",
    )
      .bind(t.ws)
      .all<{ action: string }>();
    expect(audit.results.map((r) => r.action)).toEqual(["action.created", "action.updated"]);
  });

  it("refuses definitions that name nothing, put a placeholder in the host or a secret in the answer", async () => {
    const bad = [
      planAction(ACCOUNTS, { url: "https://{{email}}.lumen.example/x" }),
      planAction(ACCOUNTS, { answer: "Key: {{secret.LUMEN_KEY}}" }),
      planAction(ACCOUNTS, { answer: "{{nothing}}" }),
      cancelAction(ACCOUNTS, { confirm: undefined }),
      cancelAction(ACCOUNTS, { retries: 1 }),
    ];
    for (const d of bad) {
      const r = await api<{ error: string }>(t.owner, "PUT", `/api/actions/${d.name}`, d);
      expect(r.status, JSON.stringify(d)).toBe(400);
      expect(r.body.error).toBe("invalid_body");
    }
    expect((await api(t.owner, "PUT", "/api/actions/other-name", planAction(ACCOUNTS))).status).toBe(400);
  });
});

describe("secrets", () => {
  const VALUE = ACCOUNTS_KEY;
  const logged: string[] = [];
  afterEach(() => vi.restoreAllMocks());

  it("are write-only, sealed at rest, masked in try-it, and never in an answer or a log line", async () => {
    for (const m of ["log", "info", "warn", "error", "debug"] as const)
      vi.spyOn(console, m).mockImplementation((...a: unknown[]) => void logged.push(a.map(String).join(" ")));
    const s = await team("secrets");
    const seen: string[] = [];
    const record = async <T>(p: Promise<{ status: number; body: T }>) => {
      const r = await p;
      seen.push(JSON.stringify(r.body));
      return r;
    };
    expect((await record(api(s.agent, "PUT", "/api/actions/secrets/LUMEN_KEY", { value: VALUE }))).status).toBe(403);
    expect((await record(api(s.owner, "PUT", "/api/actions/secrets/LUMEN_KEY", { value: VALUE }))).status).toBe(201);
    expect((await record(api(s.owner, "PUT", "/api/actions/secrets/LUMEN_KEY", { value: VALUE }))).status).toBe(200);
    await record(api(s.owner, "PUT", "/api/actions/plan", planAction(ACCOUNTS)));
    const list = await record(api<ActionList>(s.owner, "GET", "/api/actions"));
    expect(list.body.secrets.map((x) => x.name)).toEqual(["LUMEN_KEY"]);
    expect(list.body.actions[0]?.missingSecrets).toEqual([]);
    await record(api(s.owner, "GET", "/api/actions/plan"));
    const tried = await record(api<TryResult>(s.owner, "POST", "/api/actions/plan/try", { identity: ANA }));
    expect(tried.body.status).toBe("ok");
    expect(tried.body.request.headers.authorization).toBe("Bearer ••••");
    expect(tried.body.answer).toBe("You're on **Lumen Plus**, using 61.4 GB of 200 GB. It renews on 2026-08-01.");
    await record(api(s.owner, "GET", "/api/actions/plan/calls"));
    await record(api(ADMIN, "GET", `/admin/v1/actions?workspace=${s.ws}`));
    await record(api(ADMIN, "GET", `/admin/v1/audit?workspace=${s.ws}`));

    // The worker sent the real value to the API (that is what it is for)…
    const row = await env.DB.prepare("SELECT sealed FROM action_secrets WHERE workspace_id = ?")
      .bind(s.ws)
      .first<{ sealed: string }>();
    expect(row?.sealed).toMatch(/^v1\./);
    // …and it is nowhere else: not in D1 in the clear, not in any answer, not in any log line.
    for (const text of [...seen, ...logged, row?.sealed ?? ""]) expect(text).not.toContain(VALUE);
    const calls = await env.DB.prepare("SELECT * FROM action_calls WHERE workspace_id = ?").bind(s.ws).all();
    expect(JSON.stringify(calls.results)).not.toContain(VALUE);
    // A sealed value opens only under the workspace and name it was sealed for (the purpose is bound in).
    await env.DB.prepare("UPDATE action_secrets SET name = 'OTHER' WHERE workspace_id = ?").bind(s.ws).run();
    await api(
      s.owner,
      "PUT",
      "/api/actions/plan",
      planAction(ACCOUNTS, { headers: { authorization: "Bearer {{secret.OTHER}}" } }),
    );
    const wrong = await api<TryResult>(s.owner, "POST", "/api/actions/plan/try", { identity: ANA });
    expect(wrong.body).toMatchObject({ status: "refused", error: "secret OTHER is not set" });
  });
});

/** The app as a deployment with the default configuration runs it: no private or plain-http targets. */
async function strict(ws: string, path: string, body: unknown): Promise<{ status: number; body: TryResult }> {
  const strictEnv: Env = { ...env, NOTIFY_ALLOW_PRIVATE_URLS: undefined };
  const ctx = createExecutionContext();
  const r = await app.request(
    `${BASE}/admin/v1/actions${path}?workspace=${ws}`,
    { method: "POST", headers: ADMIN, body: JSON.stringify(body) },
    strictEnv,
    ctx,
  );
  await waitOnExecutionContext(ctx);
  return { status: r.status, body: (await r.json()) as TryResult };
}

describe("where calls may go", () => {
  it("refuses loopback, metadata, private and plain-http targets without the deployment's flag", async () => {
    const s = await team("ssrf");
    const loop = await accountScenario("ssrf");
    await define(s, planAction(loop));
    const targets = [
      `${loop}/accounts/{{email}}`,
      "http://169.254.169.254/latest/meta-data/{{email}}",
      "http://[::ffff:127.0.0.1]/x/{{email}}",
      "http://2130706433/{{email}}",
      "https://localhost/{{email}}",
      "https://10.0.0.8/{{email}}",
      "http://api.lumen.example/{{email}}",
    ];
    for (const url of targets) {
      const r = await strict(s.ws, "/plan/try", { identity: ANA, definition: planAction(loop, { url }) });
      expect(r.body.status, url).toBe("refused");
      expect(r.body.error).toMatch(/target not allowed|only https/);
    }
    expect(await seenBy("ssrf")).toEqual([]);
    // The tests' deployment allows them (as `npm run dev` does), so the same call goes through.
    const allowed = await api<TryResult>(s.owner, "POST", "/api/actions/plan/try", { identity: ANA });
    expect(allowed.body.status).toBe("ok");
    expect(await seenBy("ssrf")).toHaveLength(1);
  });

  it("never follows a redirect", async () => {
    const s = await team("redirect");
    const target = await accountScenario("redirect-target");
    const bouncing = await accountScenario("redirect", { redirectTo: `${target}/accounts/ana@lumen.example` });
    await define(s, planAction(bouncing));
    const r = await api<TryResult>(s.owner, "POST", "/api/actions/plan/try", { identity: ANA });
    expect(r.body).toMatchObject({ status: "failed", error: "redirect (302) not followed" });
    expect(await seenBy("redirect-target")).toEqual([]);
  });
});

describe("calling", () => {
  it("gives up after the timeout", async () => {
    const s = await team("timeout");
    await define(s, planAction(await accountScenario("timeout", { delayMs: 3000 }), { timeoutMs: 300 }));
    const r = await api<TryResult>(s.owner, "POST", "/api/actions/plan/try", { identity: ANA });
    expect(r.body).toMatchObject({ status: "timeout", error: "no answer within 300 ms", attempts: 1 });
    expect(r.body.durationMs).toBeLessThan(2000);
  });

  it("retries reads on 5xx, 408 and 429 only, and never retries a write", async () => {
    const s = await team("retries");
    await define(
      s,
      planAction(await accountScenario("retry-503", { failFirst: 2, status: 503 }), { name: "plan-503", retries: 2 }),
      planAction(await accountScenario("retry-429", { failFirst: 1, status: 429 }), { name: "plan-429", retries: 1 }),
      planAction(await accountScenario("retry-404", { failFirst: 1, status: 404 }), { name: "plan-404", retries: 2 }),
      cancelAction(await accountScenario("retry-write", { failFirst: 1, status: 503 })),
    );
    const tryIt = async (name: string) =>
      (await api<TryResult>(s.owner, "POST", `/api/actions/${name}/try`, { identity: ANA })).body;
    expect(await tryIt("plan-503")).toMatchObject({ status: "ok", attempts: 3 });
    expect(await tryIt("plan-429")).toMatchObject({ status: "ok", attempts: 2 });
    expect(await tryIt("plan-404")).toMatchObject({ status: "failed", error: "HTTP 404", attempts: 1 });
    expect(await tryIt("cancel-subscription")).toMatchObject({ status: "failed", error: "HTTP 503", attempts: 1 });
    expect(await seenBy("retry-503")).toHaveLength(3);
    expect(await seenBy("retry-404")).toHaveLength(1);
    expect(await seenBy("retry-write")).toHaveLength(1);
  });

  it("sends a write's idempotency key, and none on reads", async () => {
    const s = await team("idempotency");
    const base = await accountScenario("idem");
    await define(s, planAction(base), cancelAction(base, { idempotencyHeader: "Idempotency-Key" }));
    await api(s.owner, "POST", "/api/actions/plan/try", { identity: ANA });
    const w = await api<TryResult>(s.owner, "POST", "/api/actions/cancel-subscription/try", { identity: ANA });
    expect(w.body.status).toBe("ok");
    const [read, write] = await seenBy("idem");
    expect(read?.idempotencyKey).toBeNull();
    expect(write?.idempotencyKey).toMatch(/^try_/);
    expect(w.body.request.headers["idempotency-key"]).toBe(write?.idempotencyKey);
  });

  it("refuses an answer over the size cap", async () => {
    const s = await team("big");
    await define(s, planAction(await accountScenario("big", { bodyBytes: 70 * 1024 })));
    const r = await api<TryResult>(s.owner, "POST", "/api/actions/plan/try", { identity: ANA });
    expect(r.body).toMatchObject({ status: "failed", error: "the answer is larger than 64 KB" });
  });

  it("escapes hostile data from the API in the answer: no link, no HTML, no mark", async () => {
    const s = await team("escaping");
    const base = await accountScenario("escaping");
    await define(
      s,
      planAction(base, {
        name: "echo",
        url: `${base}/echo?value={{value}}`,
        inputs: [{ name: "value", from: "customer", label: "Value" }],
        response: { note: "/value" },
        answer: "Your order note: {{note}}. See [your account](https://lumen.example/account).",
      }),
    );
    const hostile = [
      "[Reset your password](https://evil.example/login)",
      "https://evil.example/login",
      "<img src=x onerror=alert(1)>",
      "](https://evil.example) [",
      "**now** _or_ `never`",
    ];
    for (const value of hostile) {
      const r = await api<TryResult>(s.owner, "POST", "/api/actions/echo/try", { inputs: { value } });
      expect(r.body.status).toBe("ok");
      expect(r.body.values.note).toBe(value);
      const html = renderMarkdown(r.body.answer ?? "");
      expect(html.match(/<[a-z]+/g), value).toEqual(["<p", "<a"]);
      expect(html).toContain('<a href="https://lumen.example/account">your account</a>');
      expect(html).not.toContain('evil.example/login"');
    }
  });

  it("keeps a call log with inputs redacted", async () => {
    const s = await team("calllog");
    await define(s, planAction(ACCOUNTS));
    await api(s.owner, "POST", "/api/actions/plan/try", { identity: ANA });
    expect((await api(s.agent, "GET", "/api/actions/plan/calls")).status).toBe(403);
    const log = await api<{ calls: CallLogEntry[] }>(s.owner, "GET", "/api/actions/plan/calls");
    expect(log.body.calls).toHaveLength(1);
    expect(log.body.calls[0]).toMatchObject({
      status: "ok",
      httpStatus: 200,
      conversationId: null,
      inputs: { email: "an••••" },
    });
    expect(JSON.stringify(log.body)).not.toContain("ana@lumen.example");
  });
});
