// The public surface of the answer engine, for the Conversation Durable Object and the publisher.
export {
  buildSnapshot,
  buildSnapshotSteps,
  loadIndex,
  GAP_CLASS,
  type KbSnapshot,
  type KbIndex,
  type BuildInput,
  type BuildProgress,
  type HistoryItem,
} from "./snapshot.ts";
export { retrieve, type Retrieval, type Candidate, type RetrieveOptions } from "./retrieve.ts";
export {
  decide,
  clarifyOptions,
  asksForPerson,
  negativeSentiment,
  type Decision,
  type DecisionReason,
  type Turn,
} from "./decide.ts";
export { composeAnswer } from "./compose.ts";
export { chunkArticle, cleanMarkdown, type Passage } from "./chunk.ts";
export * from "./config.ts";

/** A published KB as a conversation reads it: its version and the loaded index. */
export type LoadedKb = { version: number; index: import("./snapshot.ts").KbIndex };
