import { afterEach, describe, expect, it, vi } from "vitest";
import { inboxItemSchema, meSchema } from "../../../shared/api.ts";
import { api, apiVoid, HttpError } from "./api.ts";

function answer(status: number, body: unknown): void {
  vi.stubGlobal(
    "fetch",
    vi.fn(async () => new Response(JSON.stringify(body), { status, headers: { "content-type": "application/json" } })),
  );
}

afterEach(() => {
  vi.unstubAllGlobals();
  vi.restoreAllMocks();
});

const me = { id: "a1", email: "sam@example.com", name: "Sam", role: "agent", workspaceId: "w1" };

describe("api: answers are parsed, not asserted", () => {
  it("gives the parsed answer when it fits its schema", async () => {
    answer(200, { ...me, extra: "dropped" });
    await expect(api("/api/me", meSchema)).resolves.toEqual(me);
  });

  it("turns an answer that does not fit into an HttpError the page shows, not a later crash", async () => {
    vi.spyOn(console, "error").mockImplementation(() => {});
    answer(200, { ...me, role: "superuser" });
    const e = await api("/api/me", meSchema).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(HttpError);
    expect(e).toMatchObject({ status: 200, code: "unexpected_answer" });
    expect((e as HttpError).message).toMatch(/does not understand/);
  });

  it("refuses a list item with a missing field", async () => {
    vi.spyOn(console, "error").mockImplementation(() => {});
    answer(200, { id: "c1", state: "queued", channel: "chat", updatedAt: 1, createdAt: 1 });
    await expect(api("/api/inbox/x", inboxItemSchema)).rejects.toMatchObject({ code: "unexpected_answer" });
  });

  it("keeps error answers as they were: code, message and issues from the body", async () => {
    answer(400, {
      error: "invalid_body",
      message: "name is required",
      issues: [{ path: "name", message: "required" }],
    });
    await expect(api("/api/me", meSchema)).rejects.toMatchObject({
      status: 400,
      code: "invalid_body",
      message: "name is required",
      issues: [{ path: "name", message: "required" }],
    });
  });

  it("reads an error body only when it is the API's error shape", async () => {
    answer(502, { oops: 1 });
    await expect(api("/api/me", meSchema)).rejects.toMatchObject({
      status: 502,
      code: "http_502",
      message: "EdgeDesk had a problem. Please try again.",
    });
  });

  it("apiVoid does not read the answer", async () => {
    answer(200, { anything: true });
    await expect(apiVoid("/api/x", { method: "POST", body: {} })).resolves.toBeUndefined();
  });
});
