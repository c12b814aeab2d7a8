// An in-memory Workers AI binding for tests, faithful to what the real one returns:
// - text embeddings (`{ text }`) → `{ shape: [n, dims], data }`; more than 100 texts is an error, as
//   for bge-*-en-v1.5. Vectors are a hashed bag of stemmed words and word bigrams, L2-normalised, so
//   texts that share words are close under cosine similarity and unrelated texts are near 0.
// - the reranker (`{ query, contexts }`) → `{ response: [{ id, score }] }`, best first.
// - text generation with `stream: true` → a ReadableStream of SSE bytes, `data: {"response":"tok"}`
//   events then `data: [DONE]`, split into arbitrary byte chunks; without `stream` → `{ response }`.
//   The default "model" answers from the passage [n] in the system prompt that shares most words
//   with the question, citing it, or replies with the refusal marker when none does.
// - translation (`{ text, target_lang, source_lang? }`, m2m100) → `{ translated_text }`: the phrase
//   from `translations` when the test gave one for this text and target, else the text marked with its
//   target language ("[fr] …"), so a test can see what was translated and into what.
// - function calling (`{ messages, tools }`, not streamed) → `{ response: null, tool_calls: [{ name,
//   arguments }] }` (the traditional shape; OpenAI-like models answer `{ id, type, function }`, which
//   worker/answer/ai/tools.ts reads too), or `{ response: "NONE" }` when no tool fits. The default
//   "model" calls the tool whose name and description share most words (at least two) with the message,
//   with each argument whose description states a format taken from a word of the message that fits it.
// Errors and delays on demand through `behave()`.

export type LlmScript = { tokens: string[] } | { refuse: true };

export type FakeAiBehaviour = {
  /** Throw from `run` for models whose name includes this string. */
  failModel?: string;
  /** Delay before `run` resolves (all models, or only those whose name includes `delayModel`). */
  runDelayMs?: number;
  delayModel?: string;
  /** The model writes exactly this (serialisable, unlike `script`, so it crosses the fakes Worker's RPC). */
  reply?: string;
  /** Delay before the first streamed event, and between events. */
  firstTokenDelayMs?: number;
  tokenDelayMs?: number;
  /** Fail the stream (error the ReadableStream) after this many tokens. */
  streamErrorAfter?: number;
  /** The model replies with the refusal marker whatever it is asked. */
  refuse?: boolean;
  /** Override what the model writes. */
  script?: (system: string, question: string) => LlmScript;
  /** Byte size of the chunks the SSE stream is cut into (default: one event per chunk). */
  chunkBytes?: number;
  /** Translations the fake knows, by target language then source text. */
  translations?: Record<string, Record<string, string>>;
  /** Function calling: the model calls exactly this tool (null: none), whatever it is offered. */
  toolCall?: { name: string; arguments: Record<string, string> } | null;
};

type Tool = {
  name?: string;
  description?: string;
  parameters?: { properties?: Record<string, { description?: string }> };
  function?: Tool;
};

/** The default fake router: the tool sharing most words with the message, its formatted arguments filled. */
export function toolScript(
  tools: Tool[],
  question: string,
): { name: string; arguments: Record<string, string> } | null {
  const q = new Set(fakeWords(question));
  let best: { t: Tool; overlap: number } | null = null;
  for (const raw of tools) {
    const t = raw.function ?? raw;
    const overlap = new Set(
      fakeWords(`${(t.name ?? "").replace(/-/g, " ")} ${t.description ?? ""}`).filter((w) => q.has(w)),
    ).size;
    if (overlap >= 2 && (!best || overlap > best.overlap)) best = { t, overlap };
  }
  if (!best?.t.name) return null;
  const args: Record<string, string> = {};
  for (const [k, p] of Object.entries(best.t.parameters?.properties ?? {})) {
    const format = /\(format: (.*)\)$/.exec(p.description ?? "")?.[1];
    const words = question.split(/[\s,;!?]+/).map((w) => w.replace(/[.)]+$/, ""));
    const hit = format ? words.find((w) => new RegExp(format, "u").test(w)) : undefined;
    if (hit) args[k] = hit;
  }
  return { name: best.t.name, arguments: args };
}

export const FAKE_DIMS = 768;
export const FAKE_REFUSAL = "NOT_IN_SOURCES";

const STOP = new Set(
  "a an the to of in on for and or is are was be it i my me we you your how do does can what why when where with this that at by from not".split(
    " ",
  ),
);

export function fakeWords(text: string): string[] {
  return (
    text
      .toLowerCase()
      .normalize("NFKD")
      .replace(/[\u0300-\u036f]/g, "")
      .match(/[a-z0-9]+/g) ?? []
  )
    .filter((w) => !STOP.has(w))
    .map((w) => (w.length > 4 ? w.replace(/(ing|ed|es|s)$/, "") : w));
}

function fnv(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

export function fakeEmbedding(text: string, dims = FAKE_DIMS): number[] {
  const v = new Array<number>(dims).fill(0);
  const w = fakeWords(text);
  const add = (f: string, weight: number) => {
    const h = fnv(f);
    v[h % dims] = (v[h % dims] as number) + (h & 0x80000000 ? -weight : weight);
  };
  w.forEach((x, i) => {
    add(x, 1);
    if (i > 0) add(`${w[i - 1]} ${x}`, 0.5);
  });
  const norm = Math.hypot(...v) || 1;
  return v.map((x) => x / norm);
}

export function cosine(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let d = 0;
  let na = 0;
  let nb = 0;
  for (let i = 0; i < a.length; i++) {
    const x = a[i] as number;
    const y = (b[i] ?? 0) as number;
    d += x * y;
    na += x * x;
    nb += y * y;
  }
  return na && nb ? d / Math.sqrt(na * nb) : 0;
}

const sleep = (ms: number) => (ms > 0 ? new Promise<void>((r) => setTimeout(r, ms)) : Promise.resolve());

/** Passages as the grounded prompt numbers them: "[n] Title\ntext", blank-line separated. */
export function promptPassages(system: string): { n: number; title: string; text: string }[] {
  const out: { n: number; title: string; text: string }[] = [];
  const re = /^\[(\d+)\] (.*)\n([\s\S]*?)(?=\n\n\[\d+\] |\s*$)/gm;
  for (const m of system.matchAll(re)) out.push({ n: Number(m[1]), title: m[2] ?? "", text: (m[3] ?? "").trim() });
  return out;
}

/** The default fake model: the best-overlapping passage's first sentences, cited; else the marker. */
export function groundedScript(system: string, question: string): LlmScript {
  const q = new Set(fakeWords(question));
  let best: { n: number; text: string; overlap: number } | null = null;
  for (const p of promptPassages(system)) {
    const overlap = fakeWords(`${p.title} ${p.text}`).filter((w) => q.has(w)).length;
    if (overlap > 0 && (!best || overlap > best.overlap)) best = { n: p.n, text: p.text, overlap };
  }
  if (!best) return { refuse: true };
  const sentences = best.text.replace(/\n+/g, " ").match(/[^.!?]+[.!?]?/g) ?? [best.text];
  const answer = `${sentences.slice(0, 2).join("").trim()} [${best.n}]`;
  // Word-piece tokens with leading spaces, like a real tokenizer's stream.
  const tokens = answer.match(/\s*\S{1,4}/g) ?? [answer];
  return { tokens };
}

/** The handoff summarizer's prompt (worker/answer/ai/summary.ts), which has no numbered passages. */
const isSummaryPrompt = (system: string): boolean => system.startsWith("You write the handoff note");

/** The default fake summary: the customer's first and last lines of the transcript, nothing else. */
export function summaryScript(_system: string, transcript: string): LlmScript {
  const said = [...transcript.matchAll(/^Customer: (.*)$/gm)].map((m) => (m[1] ?? "").replace(/[.!?]+$/, ""));
  if (!said.length) return { tokens: [] };
  const text =
    said.length === 1
      ? `The customer says: ${said[0]}.`
      : `The customer first said: ${said[0]}. Most recently: ${said[said.length - 1]}.`;
  return { tokens: text.match(/\s*\S{1,4}/g) ?? [text] };
}

export function sseBytes(events: string[], chunkBytes?: number): Uint8Array[] {
  const enc = new TextEncoder();
  const whole = events.map((e) => enc.encode(`data: ${e}\n\n`));
  if (!chunkBytes) return whole;
  const all = new Uint8Array(whole.reduce((n, b) => n + b.length, 0));
  let o = 0;
  for (const b of whole) {
    all.set(b, o);
    o += b.length;
  }
  const out: Uint8Array[] = [];
  for (let i = 0; i < all.length; i += chunkBytes) out.push(all.slice(i, i + chunkBytes));
  return out;
}

type Call = { model: string; inputs: Record<string, unknown> };

export class FakeAi implements Pick<Ai, "run"> {
  readonly calls: Call[] = [];
  private b: FakeAiBehaviour = {};

  behave(b: FakeAiBehaviour): this {
    this.b = b;
    return this;
  }

  /** Typed as the real binding's overloaded `run`; the implementation is the string-model form. */
  readonly run = ((model: string, inputs: Record<string, unknown>) => this.handle(model, inputs)) as Ai["run"];

  private async handle(model: string, inputs: Record<string, unknown>): Promise<unknown> {
    this.calls.push({ model, inputs });
    if (this.b.delayModel === undefined || model.includes(this.b.delayModel)) await sleep(this.b.runDelayMs ?? 0);
    if (this.b.failModel !== undefined && model.includes(this.b.failModel))
      throw new Error(`AiError: ${model}: 3040: Capacity temporarily exceeded`);
    if ("target_lang" in inputs) return this.translate(inputs);
    if ("text" in inputs) return this.embed(inputs.text);
    if ("contexts" in inputs) return this.rerank(inputs);
    if ("messages" in inputs || "prompt" in inputs) return this.generate(inputs);
    throw new Error(`AiError: ${model}: 5006: Error: required properties at '/' are 'text'`);
  }

  private translate(inputs: Record<string, unknown>) {
    const { text, target_lang: to } = inputs;
    if (typeof text !== "string" || typeof to !== "string" || !to)
      throw new Error("AiError: 5006: required properties at '/' are 'text', 'target_lang'");
    return { translated_text: this.b.translations?.[to]?.[text] ?? `[${to}] ${text}` };
  }

  private embed(text: unknown) {
    const list = typeof text === "string" ? [text] : text;
    if (!Array.isArray(list) || !list.every((t): t is string => typeof t === "string"))
      throw new Error("AiError: 5006: /text must be string or array");
    if (list.length > 100) throw new Error("AiError: 5006: /text must NOT have more than 100 items");
    if (list.some((t) => t.length === 0))
      throw new Error("AiError: 5006: /text/0 must NOT have fewer than 1 characters");
    return { shape: [list.length, FAKE_DIMS], data: list.map((t) => fakeEmbedding(t)), pooling: "mean" as const };
  }

  private rerank(inputs: Record<string, unknown>) {
    const query = String(inputs.query ?? "");
    const contexts = (inputs.contexts as { text?: string }[]) ?? [];
    const q = new Set(fakeWords(query));
    const scored = contexts.map((c, id) => {
      const w = fakeWords(c.text ?? "");
      const hit = w.filter((x) => q.has(x)).length;
      return { id, score: 1 / (1 + Math.exp(-(hit - 2))) };
    });
    return { response: scored.sort((a, b) => b.score - a.score) };
  }

  private generate(
    inputs: Record<string, unknown>,
  ):
    | ReadableStream<Uint8Array>
    | { response: string }
    | { response: null; tool_calls: { name: string; arguments: Record<string, string> }[] } {
    const messages = (inputs.messages as { role: string; content: string }[] | undefined) ?? [
      { role: "user", content: String(inputs.prompt) },
    ];
    const system = messages
      .filter((m) => m.role === "system")
      .map((m) => m.content)
      .join("\n");
    const question = messages.filter((m) => m.role === "user").at(-1)?.content ?? "";
    if (Array.isArray(inputs.tools)) {
      const call = this.b.toolCall !== undefined ? this.b.toolCall : toolScript(inputs.tools as Tool[], question);
      return call ? { response: null, tool_calls: [call] } : { response: "NONE" };
    }
    const script: LlmScript = this.b.refuse
      ? { refuse: true }
      : this.b.reply !== undefined
        ? { tokens: this.b.reply ? [this.b.reply] : [] }
        : (this.b.script ?? (isSummaryPrompt(system) ? summaryScript : groundedScript))(system, question);
    const tokens = "refuse" in script ? [FAKE_REFUSAL] : script.tokens;
    if (!inputs.stream) return { response: tokens.join("") };
    const b = this.b;
    const events = [
      ...tokens.map((t) => JSON.stringify({ response: t })),
      JSON.stringify({
        response: "",
        usage: { prompt_tokens: 10, completion_tokens: tokens.length, total_tokens: 10 + tokens.length },
      }),
      "[DONE]",
    ];
    let i = 0;
    let chunks: Uint8Array[] | null = null;
    return new ReadableStream<Uint8Array>({
      async pull(controller) {
        if (b.chunkBytes) {
          // Byte-split mode: no per-token pacing, just arbitrary cuts.
          chunks ??= sseBytes(events, b.chunkBytes);
          const c = chunks.shift();
          if (c) controller.enqueue(c);
          else controller.close();
          return;
        }
        await sleep(i === 0 ? (b.firstTokenDelayMs ?? 0) : (b.tokenDelayMs ?? 0));
        if (b.streamErrorAfter !== undefined && i >= b.streamErrorAfter) {
          controller.error(new Error("AiError: stream interrupted"));
          return;
        }
        const e = events[i++];
        if (e === undefined) controller.close();
        else controller.enqueue(new TextEncoder().encode(`data: ${e}\n\n`));
      },
    });
  }
}
