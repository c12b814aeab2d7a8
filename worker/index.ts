// Worker entry: the Hono app and the Durable Object classes wrangler binds.
import { app } from "./app.ts";
import type { Env } from "./env.ts";

export { ConversationDO } from "./conversation/do.ts";
export { InboxDO } from "./inbox/do.ts";
export { NotifierDO } from "./notify/do.ts";
export { KnowledgeDO } from "./knowledge/do.ts";

export default { fetch: app.fetch } satisfies ExportedHandler<Env>;
