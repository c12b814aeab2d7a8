// GET /health (worker/ops/health.ts): every binding the deployment needs is checked and named, a
// missing one turns the answer into a 503 that says which, and no value of a secret is ever in it.
import { env, SELF } from "cloudflare:test";
import { afterEach, describe, expect, it } from "vitest";
import type { HealthReport } from "../../shared/ops.ts";
import type { Env } from "../../worker/env.ts";
import { forgetHealth, healthReport, REQUIRED_MIGRATION } from "../../worker/ops/health.ts";
import { BASE } from "./helpers.ts";

afterEach(() => forgetHealth());

const failing = (r: HealthReport) => r.checks.filter((c) => !c.ok).map((c) => c.name);

describe("/health", () => {
  it("answers 200 with each binding it checked, and never a secret's value", async () => {
    const r = await SELF.fetch(`${BASE}/health`);
    expect(r.status).toBe(200);
    const body = (await r.json()) as HealthReport;
    expect(body.ok).toBe(true);
    const names = body.checks.map((c) => c.name);
    for (const n of [
      "DB",
      "KB",
      "CONVERSATION",
      "INBOX",
      "NOTIFIER",
      "KNOWLEDGE",
      "SECRET",
      "ADMIN_TOKEN",
      "ATTACHMENTS",
    ])
      expect(names).toContain(n);
    expect(body.checks.find((c) => c.name === "DB")?.detail).toContain(REQUIRED_MIGRATION);
    const text = JSON.stringify(body);
    expect(text).not.toContain(env.SECRET);
    expect(text).not.toContain(env.ADMIN_TOKEN);
  });

  it("names what is missing and fails only on what is required", async () => {
    const broken = { ...env, KB: undefined, SECRET: "", ATTACHMENTS: undefined } as unknown as Env;
    const r = await healthReport(broken);
    expect(r.ok).toBe(false);
    expect(failing(r)).toEqual(expect.arrayContaining(["KB", "SECRET", "ATTACHMENTS"]));
    expect(r.checks.find((c) => c.name === "SECRET")?.detail).toContain("wrangler secret put SECRET");
    expect(r.checks.find((c) => c.name === "ATTACHMENTS")?.required).toBe(false);
    forgetHealth();
    // Optional bindings alone never fail the deployment.
    const lean = await healthReport({ ...env, ATTACHMENTS: undefined, SEND_EMAIL: undefined } as unknown as Env);
    expect(lean.ok).toBe(true);
  });

  it("asks for the AI bindings only when a mode needs them", async () => {
    const r = await healthReport({
      ...env,
      RETRIEVAL: "hybrid",
      AI: undefined,
      VECTORIZE: undefined,
    } as unknown as Env);
    expect(r.ok).toBe(false);
    expect(failing(r)).toEqual(expect.arrayContaining(["AI", "VECTORIZE"]));
  });

  it("fails when the database lacks the migration this code needs (a previous release's database)", async () => {
    const old = env.UPGRADE_DB;
    const release = env.UPGRADE_SNAPSHOT[0];
    if (!release) throw new Error("no release dump");
    await old.batch(release.queries.map((q) => old.prepare(q)));
    const r = await healthReport({ ...env, DB: old } as unknown as Env);
    expect(r.ok).toBe(false);
    expect(r.checks.find((c) => c.name === "DB")?.detail).toBe(
      `migration ${REQUIRED_MIGRATION} is not applied (latest: 0010_surge.sql): npx wrangler d1 migrations apply edgedesk --remote`,
    );
  });
});
