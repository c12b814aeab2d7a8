// The demo account API (scripts/lib/account-api.ts) that the actions tests share across test files: a
// scenario is a world of its own, so a test that cancels Ana's subscription in its scenario does not
// change what another file's scenario answers (a cancel elsewhere made a parallel file's "Done: … until
// 2026-08-01" read "until already cancelled").
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type AccountApi, startAccountApi } from "../../scripts/lib/account-api.ts";

let api: AccountApi;
beforeAll(async () => {
  api = await startAccountApi({ key: "unit-account-api-key-0123" });
});
afterAll(() => api?.close());

const call = async (path: string, method = "GET") =>
  (await fetch(`${api.url}${path}`, { method, headers: { authorization: `Bearer ${api.key}` } })).json() as Promise<
    Record<string, unknown>
  >;
const scenario = (name: string) => fetch(`${api.url}/_scenarios/${name}`, { method: "PUT", body: "{}" });

describe("the demo account API", () => {
  it("keeps each scenario's accounts apart, and the plain API's too", async () => {
    await scenario("one");
    await scenario("two");
    expect(await call("/s/one/accounts/ana@lumen.example/cancel", "POST")).toMatchObject({
      status: "cancelled",
      effectiveAt: "2026-08-01",
    });
    expect(await call("/s/one/accounts/ana@lumen.example")).toMatchObject({ status: "cancelled" });
    expect(await call("/s/two/accounts/ana@lumen.example")).toMatchObject({ status: "active" });
    expect(await call("/s/two/accounts/ana@lumen.example/cancel", "POST")).toMatchObject({
      effectiveAt: "2026-08-01",
    });
    expect(await call("/accounts/ana@lumen.example")).toMatchObject({ status: "active" });
  });
});
