// Text → vectors through the native Workers AI binding. bge-*-en-v1.5 take `{ text: string[] }` and
// answer `{ shape: [n, dims], data: number[][] }` (see Ai_Cf_Baai_Bge_Base_En_V1_5_Output in
// @cloudflare/workers-types); a call takes at most 100 texts, so longer lists go in batches.
// Model names are configuration, so `run` is called through its string-model overload and the
// answer is checked at runtime instead of trusted by type.

/** The part of the `Ai` binding this module uses. `env.AI` satisfies it as is. */
export type AiBinding = Pick<Ai, "run">;

export class AiResponseError extends Error {
  override name = "AiResponseError";
}

export function isVectorList(v: unknown): v is number[][] {
  return Array.isArray(v) && v.every((row) => Array.isArray(row) && row.every((x) => typeof x === "number"));
}

export class Embedder {
  constructor(
    private readonly ai: AiBinding,
    readonly model: string,
    private readonly batch = 100,
  ) {}

  /** One vector per text, in order. */
  async embed(texts: string[]): Promise<number[][]> {
    const out: number[][] = [];
    for (let i = 0; i < texts.length; i += this.batch) {
      const part = texts.slice(i, i + this.batch);
      // The model rejects empty strings; a single space embeds as "nothing".
      const res: unknown = await this.ai.run(this.model, { text: part.map((t) => (t.trim() ? t : " ")) });
      const data = res && typeof res === "object" && "data" in res ? res.data : undefined;
      if (!isVectorList(data) || data.length !== part.length) {
        throw new AiResponseError(
          `${this.model}: expected ${part.length} embeddings, got ${JSON.stringify(res).slice(0, 200)}`,
        );
      }
      out.push(...data);
    }
    return out;
  }

  async embedOne(text: string): Promise<number[]> {
    const [v] = await this.embed([text]);
    if (!v) throw new AiResponseError(`${this.model}: no embedding`);
    return v;
  }
}
