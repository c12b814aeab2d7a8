// Workers AI text generation with `stream: true` resolves to a ReadableStream of server-sent events:
//   data: {"response":"Hel"}\n\n  data: {"response":"lo"}\n\n … data: {"response":"","usage":{…}}\n\n  data: [DONE]\n\n
// (OpenAI-compatible models send `choices[0].delta.content` instead of `response`.) This turns such
// a stream into its text tokens. Events may be split across chunks at any byte, lines may end in
// CRLF, comment lines start with ":", and an `{"error": …}` event is raised as an error.
import { AiResponseError } from "./embeddings.ts";

export type TokenStream = AsyncIterableIterator<string> & {
  /** Stops reading and cancels the model's stream (a pending `next()` then ends). */
  cancel(): Promise<void>;
};

/** The text of one `data:` payload, or null for events without text; throws on error events. */
export function tokenOf(data: string): string | null {
  let ev: unknown;
  try {
    ev = JSON.parse(data);
  } catch {
    throw new AiResponseError(`malformed stream event: ${data.slice(0, 120)}`);
  }
  if (!ev || typeof ev !== "object") return null;
  const e = ev as {
    response?: unknown;
    error?: unknown;
    errors?: unknown;
    choices?: { delta?: { content?: unknown } }[];
  };
  if (e.error !== undefined || (Array.isArray(e.errors) && e.errors.length)) {
    throw new AiResponseError(`model stream error: ${JSON.stringify(e.error ?? e.errors).slice(0, 200)}`);
  }
  if (typeof e.response === "string") return e.response || null;
  const c = Array.isArray(e.choices) ? e.choices[0]?.delta?.content : undefined;
  return typeof c === "string" && c ? c : null;
}

export function sseTokens(stream: ReadableStream<Uint8Array>): TokenStream {
  const reader = stream.getReader();
  const decoder = new TextDecoder();
  let cancelled = false;

  async function* run(): AsyncGenerator<string> {
    let buf = "";
    let data: string[] = [];
    let done = false;
    // Dispatches a finished event; returns false once [DONE] arrives.
    const dispatch = function* (): Generator<string, boolean> {
      if (!data.length) return true;
      const payload = data.join("\n");
      data = [];
      if (payload.trim() === "[DONE]") return false;
      const t = tokenOf(payload);
      if (t) yield t;
      return true;
    };
    try {
      while (!done) {
        const { value, done: end } = await reader.read();
        if (end) {
          buf += decoder.decode();
          done = true;
        } else buf += decoder.decode(value, { stream: true });
        let nl: number;
        while ((nl = buf.indexOf("\n")) >= 0 || (done && buf.length)) {
          const line = (nl >= 0 ? buf.slice(0, nl) : buf).replace(/\r$/, "");
          buf = nl >= 0 ? buf.slice(nl + 1) : "";
          if (line === "") {
            if (!(yield* dispatch())) return;
          } else if (line.startsWith("data:")) data.push(line.slice(5).replace(/^ /, ""));
          // Other fields (event:, id:, retry:) and comments (":") carry no text.
        }
      }
      yield* dispatch();
    } catch (e) {
      if (!cancelled) throw e;
    } finally {
      if (!cancelled) await reader.cancel().catch(() => undefined);
      reader.releaseLock();
    }
  }

  const it = run();
  return Object.assign(it, {
    async cancel() {
      if (cancelled) return;
      cancelled = true;
      await reader.cancel().catch(() => undefined);
    },
  });
}
