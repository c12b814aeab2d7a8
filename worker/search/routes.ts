// `GET /api/search`: an agent's search over their workspace's conversations (docs/search.md). Any role
// may search (every agent sees every conversation of their workspace, as in the inbox); the workspace
// is the session's, never a parameter. A search costs a few D1 queries over the FTS5 index: 5 a second
// per agent, bursts of 30 (SEARCH_RATE_LIMIT), enough for search-as-you-type.
import { Hono } from "hono";
import { searchQuerySchema } from "../../shared/search.ts";
import type { AppEnv } from "../env.ts";
import { parseOr400 } from "../http/errors.ts";
import { requireAgent } from "../middleware/auth.ts";
import { parseLimits, rateLimit } from "../middleware/rate-limit.ts";
import { searchConversations } from "./query.ts";

export const searchApi = new Hono<AppEnv>();
searchApi.use(requireAgent());
searchApi.use(
  rateLimit({
    limits: (c) => parseLimits(c.env.SEARCH_RATE_LIMIT, { perSecond: 5, burst: 30 }),
    key: (c) => `search:${c.get("agent").workspaceId}:${c.get("agent").id}`,
  }),
);

searchApi.get("/", async (c) => {
  const q = parseOr400(searchQuerySchema, c.req.query(), "query");
  const result = await searchConversations(c.env.DB, c.get("agent").workspaceId, q);
  return c.json(result, 200, { "cache-control": "no-store" });
});
