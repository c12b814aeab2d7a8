// Runs after ../setup.ts before every file of the "worker-ai" project: the fakes Worker lives as long
// as the project's workerd, so each file gets a fresh model (no behaviour or calls of another file)
// and an empty Vectorize index, as it had when every file started its own workerd.
import { env } from "cloudflare:test";

await (env.AI as unknown as { reset(): Promise<void> }).reset();
