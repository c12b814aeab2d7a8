// Worker entry: the Hono app, the email handler (Email Routing → this Worker) and the Durable Object
// classes wrangler binds.
import { app } from "./app.ts";
import { handleEmail } from "./channels/email/inbound.ts";
import type { Env } from "./env.ts";
import { runWeeklyReports } from "./insights/reports/deliver.ts";
import { runRetention } from "./privacy/retention.ts";
import { pruneLocalMetrics } from "./ops/metrics.ts";
import { redactConsole } from "./http/redact.ts";

// Before anything logs: secrets that reach a console call by surprise are redacted (worker/http/redact.ts).
redactConsole();

export { ConversationDO } from "./conversation/do.ts";
export { InboxDO } from "./inbox/do.ts";
export { NotifierDO } from "./insights/notify/do.ts";
export { KnowledgeDO } from "./knowledge/do.ts";

export default {
  fetch: app.fetch,
  async email(message, env) {
    await handleEmail(message, env);
  },
  // Cron triggers (wrangler.jsonc `triggers`): retention (docs/privacy.md), local metrics pruning, the
  // Monday weekly reports (docs/weekly-report.md).
  async scheduled(_controller, env, ctx) {
    ctx.waitUntil(runRetention(env));
    ctx.waitUntil(pruneLocalMetrics(env));
    ctx.waitUntil(runWeeklyReports(env).then(() => undefined));
  },
} satisfies ExportedHandler<Env>;
