// The worker's environment. Bindings and the vars wrangler.jsonc sets come from `wrangler types`
// (worker-configuration.d.ts, generated: `npm run types`; `npm test` fails when it is stale, see
// scripts/env-types.ts): CONVERSATION, INBOX, NOTIFIER (the webhook and Slack outbox, per workspace) and
// KNOWLEDGE (runs KB publish jobs one at a time, per workspace), DB, KB, ASSETS, SEND_EMAIL, ATTACHMENTS,
// METRICS, LOGIN_LIMITER and the vars, each documented where wrangler.jsonc sets it.
// Declared here is only what the generator cannot see: secrets, vars that are not set in wrangler.jsonc
// (all optional, read with a default), and the bindings that are commented out there.
declare global {
  namespace Cloudflare {
    interface Env {
      /** Signs conversation tokens. A secret: `wrangler secret put SECRET`. */
      SECRET: string;
      /** Bearer token of the admin API (KB publish, agents, sites). A secret. */
      ADMIN_TOKEN: string;
      /** The language agents work in: handoff summaries are written in it, customer messages translated to it (en). */
      AGENT_LOCALE?: string;
      /** Public writes per client IP: "perSecond,burst" (default "2,20"). */
      RATE_LIMIT?: string;
      /** Stored customer messages per conversation: "perSecond,burst" (default "0.5,10"; worker/conversation/budget.ts). */
      CUSTOMER_MESSAGE_BUDGET?: string;
      /** Frames of any kind per customer socket's conversation: "perSecond,burst" (default "5,40"). */
      CUSTOMER_FRAME_BUDGET?: string;
      // ---- Files in the chat (docs/attachments.md) ----
      /** A conversation's customer uploads: "perSecond,burst" (default "0.1,5": five at once, then one every 10 s). */
      CUSTOMER_UPLOAD_BUDGET?: string;
      /** Files a conversation's customer may upload in all (default 20). */
      CONVERSATION_FILE_CAP?: string;
      /** Bytes a conversation's customer may upload in all (default 52428800, 50 MB). */
      CONVERSATION_FILE_BYTES?: string;
      /** Customer uploads per client IP, whatever the conversation: "perSecond,burst" (default "0.2,10"). */
      UPLOAD_RATE_LIMIT?: string;
      /** Customer file reads per client IP (each a Durable Object lookup and an R2 read): "perSecond,burst" (default "5,100"). */
      FILE_READ_RATE_LIMIT?: string;
      /** Bytes of agents' files carried in one follow-up or reply email (default 10485760, 10 MB; more are named, not attached). */
      EMAIL_ATTACH_MAX_BYTES?: string;
      /** REST API (`/rest/v1`) requests per API key: "perSecond,burst" (default "5,60"). */
      REST_RATE_LIMIT?: string;
      /** "off" turns the help centre's edge cache off (debugging, measuring uncached pages); default on. */
      PORTAL_CACHE?: string;
      /** Sign-in attempts per key and window when LOGIN_LIMITER is absent: "limit,periodSeconds" (default "10,60"). */
      LOGIN_ATTEMPTS?: string;
      /** JSON overrides of the decision thresholds (worker/answer/engine/config.ts). */
      DECISION_CONFIG?: string;
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
      /** Business-hours settings requests (`/admin/v1/hours`) per owner: "perSecond,burst" (default "1,20"). */
      SETTINGS_RATE_LIMIT?: string;
      /** Invitation and reset mails per workspace and per client address, and public /api/account calls per address: "perSecond,burst" (default 1 per 6 min, burst 10). */
      PEOPLE_MAIL_LIMIT?: string;
      /** Conversations the scheduled retention job deletes or anonymises per run (default 50; docs/privacy.md). */
      RETENTION_BATCH?: string;

      // ---- The operator's view (docs/operations.md) ----
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
      /** Conversation searches per agent: "perSecond,burst" (default "5,30"; docs/search.md). */
      SEARCH_RATE_LIMIT?: string;
      /** Actions API and action runs per caller: "perSecond,burst" (default "2,30"; docs/actions.md). */
      ACTIONS_RATE_LIMIT?: string;
      /** "on": the demo page signs visitors in as demo customers (`/demo/?as=ana`). `npm run dev` and tests only. */
      DEMO_SIGN_IN?: string;
      /** Lowest level logged: "info" (default), "warn", "error". */
      LOG_LEVEL?: string;

      // ---- Email channel (docs/email.md) ----
      EMAIL_MAX_ATTACHMENTS?: string;
      /** Bot emails per conversation per day before the bot goes quiet (default 5): a loop backstop. */
      EMAIL_BOT_REPLIES_PER_DAY?: string;
      /** Display name on outbound mail (default "Support"). */
      EMAIL_FROM_NAME?: string;
      /** Locale of email conversations' bot sentences (default "en"). */
      EMAIL_LOCALE?: string;

      // ---- Production AI path (optional; docs/production-ai.md). Absent = the embedded engine. ----
      /** Workers AI binding (`"ai": { "binding": "AI" }`, commented out in wrangler.jsonc). */
      AI?: Ai;
      /** Vectorize index of KB passages (`"vectorize": [{ "binding": "VECTORIZE", … }]`, commented out too). */
      VECTORIZE?: Vectorize;
      EMBEDDING_BATCH?: string;
      SEMANTIC_TOP_K?: string;
      SEMANTIC_WEIGHT?: string;
      SEMANTIC_TEMPERATURE?: string;
      SEMANTIC_FLOOR?: string;
      /** e.g. "@cf/baai/bge-reranker-base"; unset = no reranking. */
      RERANK_MODEL?: string;
      LLM_TOTAL_MS?: string;
      LLM_MAX_TOKENS?: string;
      LLM_PASSAGES?: string;
      /** Workers AI model that chooses among actions as tools (COMPOSER=llm; docs/actions.md); default in answer/ai/index.ts. */
      TOOL_MODEL?: string;
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
  }
}

/** The generated bindings and vars with the declarations above: what every importer of `Env` gets. */
export type Env = Cloudflare.Env;

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
  /** The workspace this session acts in (a person may belong to several: docs/setup.md). */
  workspaceId: string;
  /** The person's home workspace, where their account lives; absent for the ADMIN_TOKEN. */
  homeWorkspaceId?: string;
  /** The session's public id; absent for the ADMIN_TOKEN (an operator, not a person). */
  sessionId?: string;
  /** The workspace requires two-factor sign-in and this agent has not turned it on yet. */
  twoFactorMissing?: boolean;
};
