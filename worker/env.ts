import type { ConversationDO } from "./conversation/do.ts";
import type { InboxDO } from "./inbox/do.ts";
import type { NotifierDO } from "./insights/notify/do.ts";
import type { KnowledgeDO } from "./knowledge/do.ts";

export interface Env {
  ASSETS: Fetcher;
  CONVERSATION: DurableObjectNamespace<ConversationDO>;
  INBOX: DurableObjectNamespace<InboxDO>;
  /** Webhook and Slack outbox, one per workspace (worker/insights/notify). */
  NOTIFIER: DurableObjectNamespace<NotifierDO>;
  /** Per workspace: runs KB publish jobs one at a time. */
  KNOWLEDGE: DurableObjectNamespace<KnowledgeDO>;
  DB: D1Database;
  KB: KVNamespace;
  /** Signs conversation tokens. A secret: `wrangler secret put SECRET`. */
  SECRET: string;
  /** Bearer token of the admin API (KB publish, agents, sites). A secret. */
  ADMIN_TOKEN: string;
  PUBLIC_URL?: string;
  STREAM_DELAY_MS?: string;
  /** The language agents work in: handoff summaries are written in it, customer messages translated to it (en). */
  AGENT_LOCALE?: string;
  /** A conversation left with the bot is resolved after this long without a new event (ms; default 30 min, "0": never). */
  AUTO_RESOLVE_MS?: string;
  /** Public writes per client IP: "perSecond,burst" (default "2,20"). */
  RATE_LIMIT?: string;
  /** Stored customer messages per conversation: "perSecond,burst" (default "0.5,10"; worker/conversation/budget.ts). */
  CUSTOMER_MESSAGE_BUDGET?: string;
  /** Frames of any kind per customer socket's conversation: "perSecond,burst" (default "5,40"). */
  CUSTOMER_FRAME_BUDGET?: string;
  /** REST API (`/rest/v1`) requests per API key: "perSecond,burst" (default "5,60"). */
  REST_RATE_LIMIT?: string;
  /** "off" turns the help centre's edge cache off (debugging, measuring uncached pages); default on. */
  PORTAL_CACHE?: string;
  /**
   * Sign-in attempts per network and per account (worker/auth/throttle.ts): Cloudflare's rate-limiting
   * binding (wrangler.jsonc `ratelimits`). Absent, a D1 counter applies `LOGIN_ATTEMPTS` instead.
   */
  LOGIN_LIMITER?: RateLimit;
  /** Attempts per key and window when LOGIN_LIMITER is absent: "limit,periodSeconds" (default "10,60"). */
  LOGIN_ATTEMPTS?: string;
  /** JSON overrides of the decision thresholds (worker/answer/engine/config.ts). */
  DECISION_CONFIG?: string;
  /** Webhook/Slack delivery (worker/insights/notify/backoff.ts): attempts in all, first retry delay, cap, per-attempt timeout. */
  NOTIFY_MAX_ATTEMPTS?: string;
  NOTIFY_RETRY_BASE_MS?: string;
  NOTIFY_RETRY_MAX_MS?: string;
  NOTIFY_TIMEOUT_MS?: string;
  /**
   * "true" lets webhooks and Slack target loopback, link-local and private addresses
   * (worker/insights/notify/target.ts). For local testing only; the test suites set it for their receiver.
   */
  NOTIFY_ALLOW_PRIVATE_URLS?: string;
  /** JSON overrides of surge triage's levels, thresholds and undo window (worker/insights/surge/config.ts). */
  SURGE_CONFIG?: string;
  /** JSON overrides of the escalation matrix (worker/inbox/routing/matrix.ts, docs/routing.md). */
  ROUTING_MATRIX?: string;
  /** Privacy API requests (exports, erasures) per owner: "perSecond,burst" (default "1,10"). */
  PRIVACY_RATE_LIMIT?: string;
  /** Conversations the scheduled retention job deletes or anonymises per run (default 50; docs/privacy.md). */
  RETENTION_BATCH?: string;

  // ---- The operator's view (docs/operations.md) ----
  /** Workers Analytics Engine dataset the metrics go to (`analytics_engine_datasets`). */
  METRICS?: AnalyticsEngineDataset;
  /** "on": metrics are also kept in D1 `ops_metrics` (set by `npm run dev` and the tests; never in production). */
  METRICS_D1?: string;
  /** The dataset's name, for the operator page's SQL API queries (default "edgedesk_metrics"). */
  METRICS_DATASET?: string;
  /** Account id and an API token with "Account Analytics: Read", for the operator page in production. */
  CF_ACCOUNT_ID?: string;
  CF_API_TOKEN?: string;
  /** "on" logs customer text and addresses in the structured logs (debugging only; default off). */
  LOG_CUSTOMER_DATA?: string;
  /** Operations page requests per caller: "perSecond,burst" (default "1,10"). */
  OPS_RATE_LIMIT?: string;
  /** Lowest level logged: "info" (default), "warn", "error". */
  LOG_LEVEL?: string;

  // ---- Email channel (docs/email.md) ----
  /** Outbound replies (`"send_email": [{ "name": "SEND_EMAIL" }]`). Absent: replies are logged as failed. */
  SEND_EMAIL?: SendEmail;
  /** R2 bucket for inbound attachments. Absent: attachments are not kept (logged). */
  ATTACHMENTS?: R2Bucket;
  /** Largest inbound message accepted, in bytes (default 10 MiB); larger ones are rejected. */
  EMAIL_MAX_BYTES?: string;
  EMAIL_MAX_ATTACHMENTS?: string;
  /** Bot emails per conversation per day before the bot goes quiet (default 5): a loop backstop. */
  EMAIL_BOT_REPLIES_PER_DAY?: string;
  /** Display name on outbound mail (default "Support"). */
  EMAIL_FROM_NAME?: string;
  /** Locale of email conversations' bot sentences (default "en"). */
  EMAIL_LOCALE?: string;

  // ---- Production AI path (optional; see docs/production-ai.md). Absent = the embedded engine. ----
  /** Workers AI binding (`"ai": { "binding": "AI" }`). */
  AI?: Ai;
  /** Vectorize index of KB passages (`"vectorize": [{ "binding": "VECTORIZE", … }]`). */
  VECTORIZE?: Vectorize;
  /** "embedded" (default) or "hybrid": embedded ranking fused with Vectorize (needs AI + VECTORIZE). */
  RETRIEVAL?: string;
  /** "extractive" (default) or "llm": a grounded, cited, streamed answer (needs AI). */
  COMPOSER?: string;
  EMBEDDING_MODEL?: string;
  EMBEDDING_BATCH?: string;
  SEMANTIC_TOP_K?: string;
  SEMANTIC_WEIGHT?: string;
  SEMANTIC_TEMPERATURE?: string;
  SEMANTIC_FLOOR?: string;
  /** e.g. "@cf/baai/bge-reranker-base"; unset = no reranking. */
  RERANK_MODEL?: string;
  LLM_MODEL?: string;
  LLM_FIRST_TOKEN_MS?: string;
  LLM_TOTAL_MS?: string;
  LLM_MAX_TOKENS?: string;
  LLM_PASSAGES?: string;
  /** Handoff summaries: "extractive" or "llm" (needs AI); unset follows COMPOSER (docs/handoff.md). */
  SUMMARY?: string;
  /** Model for handoff summaries; unset = LLM_MODEL. */
  SUMMARY_MODEL?: string;
  /** "off" turns machine translation off; otherwise on whenever the AI binding is present. */
  TRANSLATION?: string;
  /** Workers AI translation model (default @cf/meta/m2m100-1.2b). */
  TRANSLATION_MODEL?: string;
  /** Hard cap on the summary call (ms); after it the extractive summary stands. */
  SUMMARY_TIMEOUT_MS?: string;
  /** How long a handoff may wait for the summary before moving on with the extractive one (ms). */
  SUMMARY_WAIT_MS?: string;
}

export type AppEnv = {
  Bindings: Env;
  /** rid: the request id (worker/ops/request.ts), passed on to Durable Objects and logged everywhere. */
  Variables: { site: Site; agent: SessionAgent; apiKey: ApiKeyOwner; rid: string };
};
/** The workspace and key of a REST API request (worker/channels/rest/). */
export type ApiKeyOwner = { keyId: string; workspaceId: string };

export type Site = {
  key: string;
  workspaceId: string;
  allowedOrigins: string[];
  identitySecret: string | null;
  /** The help centre's own site key: also allowed on the worker's origin (migration 0008). */
  portal?: boolean;
};
export type SessionAgent = {
  id: string;
  email: string;
  name: string;
  role: "agent" | "editor" | "owner";
  workspaceId: string;
  /** The session's public id; absent for the ADMIN_TOKEN (an operator, not a person). */
  sessionId?: string;
  /** The workspace requires two-factor sign-in and this agent has not turned it on yet. */
  twoFactorMissing?: boolean;
};
