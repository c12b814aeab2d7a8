// The fakes as a Worker of their own, bound into the worker under test as `AI` and `VECTORIZE`
// through service bindings with RPC (vitest.worker.config.ts, project "worker-ai"). The production
// code calls `env.AI.run(...)` and `env.VECTORIZE.query(...)` exactly as it would on Cloudflare; it
// has no test seam. Bundled by esbuild when the config loads (workerd runs JavaScript only).
import { WorkerEntrypoint } from "cloudflare:workers";
import { FakeAi, type FakeAiBehaviour } from "../../fakes/ai.ts";
import { FakeVectorize } from "../../fakes/vectorize.ts";

let ai = new FakeAi();
let index = new FakeVectorize();

/** A fresh model and index for the next test file (tests/worker/ai/setup.ts): one workerd serves them all. */
function resetFakes(): void {
  ai = new FakeAi();
  index = new FakeVectorize();
}

export class FakeAiBinding extends WorkerEntrypoint {
  run(model: string, inputs: Record<string, unknown>) {
    return ai.run(model, inputs);
  }
  // Test controls, reached from the test through the same binding.
  behave(b: Omit<FakeAiBehaviour, "script">) {
    ai.behave(b);
  }
  reset() {
    resetFakes();
  }
  calls() {
    return ai.calls.map((c) => ({
      model: c.model,
      stream: c.inputs.stream === true,
      texts: Array.isArray(c.inputs.text) ? c.inputs.text.length : 0,
      // Function calling: everything the model was shown of each tool (tests check nothing else leaks).
      tools: Array.isArray(c.inputs.tools) ? JSON.stringify(c.inputs.tools) : "",
    }));
  }
  /** Every chat prompt the "model" was given, as one string per call, for checks on what it was shown. */
  prompts() {
    return ai.calls
      .filter((c) => Array.isArray(c.inputs.messages))
      .map((c) => ({
        model: c.model,
        stream: c.inputs.stream === true,
        text: (c.inputs.messages as { content: string }[]).map((m) => m.content).join("\n"),
      }));
  }
}

export class FakeVectorizeBinding extends WorkerEntrypoint {
  describe() {
    return index.describe();
  }
  query(vector: number[], options?: VectorizeQueryOptions) {
    return index.query(vector, options);
  }
  queryById(id: string, options?: VectorizeQueryOptions) {
    return index.queryById(id, options);
  }
  insert(vectors: VectorizeVector[]) {
    return index.insert(vectors);
  }
  upsert(vectors: VectorizeVector[]) {
    return index.upsert(vectors);
  }
  deleteByIds(ids: string[]) {
    return index.deleteByIds(ids);
  }
  getByIds(ids: string[]) {
    return index.getByIds(ids);
  }
}

export default { fetch: () => new Response("edgedesk test fakes") } satisfies ExportedHandler;
