// Parsing the SSE stream Workers AI returns for `stream: true`.
import { describe, expect, it } from "vitest";
import { sseTokens, tokenOf } from "./sse.ts";
import { FakeAi, sseBytes } from "../../../tests/fakes/ai.ts";
import { collect, streamOf } from "./test-helpers.ts";

describe("sseTokens", () => {
  it("yields the response tokens of a Workers AI stream and stops at [DONE]", async () => {
    const s = streamOf([
      `data: {"response":"Hel"}\n\n`,
      `data: {"response":"lo"}\n\ndata: {"response":"","usage":{"total_tokens":3}}\n\n`,
      "data: [DONE]\n\n",
    ]);
    expect(await collect(sseTokens(s))).toEqual(["Hel", "lo"]);
  });
  it("survives events cut at any byte, including inside a multi-byte character", async () => {
    const events = ["Ça", " coûte", " 5 €", " [1]"].map((t) => JSON.stringify({ response: t }));
    for (const size of [1, 2, 3, 5, 7, 64]) {
      const chunks = sseBytes([...events, "[DONE]"], size);
      expect((await collect(sseTokens(streamOf(chunks)))).join("")).toBe("Ça coûte 5 € [1]");
    }
  });
  it("accepts CRLF line ends, comments, other fields, and a last event without a blank line", async () => {
    const s = streamOf([
      ': keep-alive\r\n\r\nevent: message\r\nid: 1\r\ndata: {"response":"a"}\r\n\r\n',
      'data: {"response":"b"}',
    ]);
    expect(await collect(sseTokens(s))).toEqual(["a", "b"]);
  });
  it("reads OpenAI-style chunks too", () => {
    expect(tokenOf('{"choices":[{"index":0,"delta":{"content":"Hi"}}]}')).toBe("Hi");
    expect(tokenOf('{"choices":[{"index":0,"delta":{},"finish_reason":"stop"}]}')).toBeNull();
  });
  it("ignores anything after [DONE] and raises error events", async () => {
    expect(
      await collect(sseTokens(streamOf(['data: {"response":"x"}\n\ndata: [DONE]\n\ndata: {"response":"late"}\n\n']))),
    ).toEqual(["x"]);
    await expect(
      collect(sseTokens(streamOf(['data: {"response":"x"}\n\n', 'data: {"error":"model overloaded"}\n\n']))),
    ).rejects.toThrow(/overloaded/);
  });
  it("cancel() ends a pending read and cancels the model's stream", async () => {
    let cancelled = false;
    const s = new ReadableStream<Uint8Array>({
      start(c) {
        c.enqueue(new TextEncoder().encode('data: {"response":"a"}\n\n'));
      },
      cancel() {
        cancelled = true;
      },
    });
    const t = sseTokens(s);
    expect(await t.next()).toEqual({ value: "a", done: false });
    const pending = t.next();
    await t.cancel();
    expect(await pending).toEqual({ value: undefined, done: true });
    expect(cancelled).toBe(true);
  });
  it("parses exactly what the fake binding streams", async () => {
    const ai = new FakeAi().behave({ script: () => ({ tokens: ["One", " two", " [1]"] }) });
    const res = await ai.run("@cf/meta/llama-3.1-8b-instruct", {
      messages: [{ role: "user", content: "q" }],
      stream: true,
    });
    expect(res).toBeInstanceOf(ReadableStream);
    if (!(res instanceof ReadableStream)) throw new Error("expected a stream");
    expect(await collect(sseTokens(res))).toEqual(["One", " two", " [1]"]);
  });
});
