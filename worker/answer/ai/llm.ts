// The LLM composer: a grounded, cited answer streamed token by token from Workers AI. The reply's
// opening is read before the turn is returned, so (a) a model that is down or slow to its first token
// falls back to the extractive answer within `llmFirstTokenMs`, and (b) a refusal marker never
// reaches the customer: the brain turns it into a decline or handoff.
import { composeAnswer } from "../engine/compose.ts";
import type { Candidate } from "../engine/retrieve.ts";
import { extractiveComposer, type Composed, type ComposeInput, type Composer } from "../parts.ts";
import type { AiSettings } from "./config.ts";
import { AiResponseError, type AiBinding } from "./embeddings.ts";
import { CitationRewriter, groundedMessages, refusalState } from "./prompt.ts";
import { sseTokens, type TokenStream } from "./sse.ts";

export type LlmOptions = Pick<
  AiSettings,
  "llmModel" | "llmFirstTokenMs" | "llmTotalMs" | "llmMaxTokens" | "llmPassages"
>;

export class TimeoutError extends Error {
  override name = "TimeoutError";
}

/** Resolves like `p`, or rejects with TimeoutError after `ms`. */
export function within<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const t = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new TimeoutError(`${what}: no result within ${Math.round(ms)} ms`)),
      Math.max(0, ms),
    );
  });
  return Promise.race([p, t]).finally(() => {
    if (timer !== undefined) clearTimeout(timer);
  });
}

/** The decision's article first, then other answerable candidates close enough to be relevant. */
export function pickPassages(input: Pick<ComposeInput, "article" | "retrieval">, max: number): Candidate[] {
  const picked = [input.article];
  for (const c of input.retrieval.candidates) {
    if (picked.length >= max) break;
    if (c.articleId === input.article.articleId || c.handoff === "always") continue;
    if (c.score < 0.2 * input.article.score) continue;
    picked.push(c);
  }
  return picked;
}

export class LlmComposer implements Composer {
  constructor(
    private readonly ai: AiBinding,
    private readonly o: LlmOptions,
    private readonly fallback: Composer = extractiveComposer,
  ) {}

  async compose(input: ComposeInput): Promise<Composed> {
    const picked = pickPassages(input, this.o.llmPassages);
    const messages = groundedMessages(
      input.text,
      picked.map((c) => ({ title: c.title, text: composeAnswer(input.text, c) })),
      input.locale,
    );
    const started = Date.now();
    const elapsed = () => Date.now() - started;
    let tokens: TokenStream | null = null;
    try {
      const run = this.ai.run(this.o.llmModel, {
        messages,
        stream: true,
        max_tokens: this.o.llmMaxTokens,
        temperature: 0.2,
      });
      const res: unknown = await within(run, this.o.llmFirstTokenMs, this.o.llmModel).catch((e: unknown) => {
        // A stream that turns up after we gave up is cancelled, not left running.
        void run.then((s: unknown) => (s instanceof ReadableStream ? s.cancel() : undefined)).catch(() => undefined);
        throw e;
      });
      if (!(res instanceof ReadableStream))
        throw new AiResponseError(`${this.o.llmModel}: expected a stream, got ${JSON.stringify(res).slice(0, 200)}`);
      tokens = sseTokens(res as ReadableStream<Uint8Array>);
      let head = "";
      let ended = false;
      while (refusalState(head) === "maybe") {
        const budget = head.trim() ? this.o.llmTotalMs - elapsed() : this.o.llmFirstTokenMs - elapsed();
        const n = await within(tokens.next(), budget, `${this.o.llmModel} first tokens`);
        if (n.done) {
          ended = true;
          break;
        }
        head += n.value;
      }
      if (refusalState(head) === "refused") {
        await tokens.cancel();
        return { kind: "refused", composer: "llm" };
      }
      if (!head.trim()) throw new AiResponseError(`${this.o.llmModel}: empty answer`);
      const rewriter = new CitationRewriter(picked.length);
      const source = input.source;
      return {
        kind: "answer",
        text: this.rest(head.trimStart(), ended ? null : tokens, rewriter, elapsed),
        sources: [source(input.article)],
        citedSources: () =>
          rewriter.cited.length ? rewriter.cited.map((i) => source(picked[i] as Candidate)) : [source(input.article)],
        composer: "llm",
      };
    } catch (e) {
      await tokens?.cancel();
      console.warn(`[edgedesk] LLM composer fell back to the extractive answer: ${String(e)}`);
      const f = await this.fallback.compose(input);
      return { ...f, composer: `${f.composer}-fallback` };
    }
  }

  /** The head already read, then the rest of the stream; ends cleanly on errors or the time cap. */
  private async *rest(
    head: string,
    tokens: TokenStream | null,
    rw: CitationRewriter,
    elapsed: () => number,
  ): AsyncGenerator<string> {
    const first = rw.push(head);
    if (first) yield first;
    if (tokens) {
      try {
        for (;;) {
          const left = this.o.llmTotalMs - elapsed();
          if (left <= 0) break;
          const n = await within(tokens.next(), left, `${this.o.llmModel} stream`);
          if (n.done) break;
          const out = rw.push(n.value);
          if (out) yield out;
        }
      } catch (e) {
        console.warn(`[edgedesk] LLM stream ended early: ${String(e)}`);
      } finally {
        await tokens.cancel();
      }
    }
    const tail = rw.flush();
    if (tail) yield tail;
  }
}
