// How often the operator's and the privacy routes may be called (their budgets: PRIVACY_RATE_LIMIT and
// OPS_RATE_LIMIT, default 1 a second with bursts of 10, per caller). The app runs with a tight budget
// through app.request, as the worker would with that configuration.
import { createExecutionContext, env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { app } from "../../worker/app.ts";
import { ADMIN } from "./helpers.ts";

const tight = { ...env, PRIVACY_RATE_LIMIT: "0.001,2", OPS_RATE_LIMIT: "0.001,2" };
const call = (method: string, path: string, body?: unknown) =>
  app.request(
    `http://x${path}${path.includes("?") ? "&" : "?"}workspace=demo`,
    { method, headers: ADMIN, ...(body === undefined ? {} : { body: JSON.stringify(body) }) },
    tight,
    createExecutionContext(),
  );

describe("budgets", () => {
  for (const [name, method, path, body] of [
    ["privacy", "POST", "/admin/v1/privacy/contacts/find", { email: "nobody@example.com" }],
    ["operations", "GET", "/admin/v1/ops/metrics", undefined],
  ] as const) {
    it(`${name}: a burst of 2, then 429 with retry-after`, async () => {
      const statuses: number[] = [];
      let last: Response | null = null;
      for (let i = 0; i < 3; i++) {
        last = await call(method, path, body);
        statuses.push(last.status);
      }
      expect(statuses).toEqual([200, 200, 429]);
      expect(Number(last?.headers.get("retry-after"))).toBeGreaterThan(0);
    });
  }

  it("workspace moves share the privacy budget's setting, per caller", async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 3; i++) statuses.push((await call("GET", "/admin/v1/workspace/export?limit=1")).status);
    expect(statuses).toEqual([200, 200, 429]);
  });
});
