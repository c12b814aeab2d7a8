// Owners manage their workspace's REST API keys: from the console (`/api/api-keys`, owner session)
// or with the admin token (`/admin/v1/api-keys?workspace=…`). The key is in the create response only.
import { Hono } from "hono";
import { newApiKeySchema } from "../../../shared/rest.ts";
import { audit } from "../../audit/log.ts";
import type { AppEnv } from "../../env.ts";
import { ApiFailure, jsonBody, parseOr400 } from "../../http/errors.ts";
import { requireAdmin } from "../../middleware/auth.ts";
import { createApiKey, listApiKeys, revokeApiKey } from "./keys.ts";

export const apiKeys = new Hono<AppEnv>();
apiKeys.use(requireAdmin({ role: "owner" }));

apiKeys.get("/", async (c) => c.json({ keys: await listApiKeys(c.env, c.get("agent").workspaceId) }));

apiKeys.post("/", async (c) => {
  const { name } = parseOr400(newApiKeySchema, await jsonBody(c), "body");
  const agent = c.get("agent");
  const key = await createApiKey(c.env, agent.workspaceId, name, agent.email);
  await audit(c, {
    action: "api_key.created",
    target: { type: "api_key", id: key.id },
    after: { name, prefix: key.prefix },
  });
  return c.json(key, 201, { "cache-control": "no-store" });
});

apiKeys.delete("/:id", async (c) => {
  if (!(await revokeApiKey(c.env, c.get("agent").workspaceId, c.req.param("id"))))
    throw new ApiFailure(404, "not_found", "no such active key");
  await audit(c, { action: "api_key.revoked", target: { type: "api_key", id: c.req.param("id") } });
  return c.json({ ok: true });
});
