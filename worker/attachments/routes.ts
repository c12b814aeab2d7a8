// The routes of files in the chat (docs/attachments.md).
//
// `/v1/attachments` (the widget; the site key and its origins, then the conversation token per route):
//   GET  /policy          the workspace's limits, for the widget to refuse a file before it travels
//   POST /:id             the customer uploads one file to their conversation (raw body, `x-file-name`,
//                         `x-client-id`); budgets: per client IP (UPLOAD_RATE_LIMIT) here, per
//                         conversation in its Durable Object (a bucket, and caps on files and bytes)
//   GET  /:id/:file       the customer reads a file their conversation shows (FILE_READ_RATE_LIMIT per IP)
// `/api/files` (the console): every agent reads the workspace's policy, owners set it (audited).
// Agents upload and read at `/api/conversations/:id/attachments[/:file]` (conversation/agent-routes.ts),
// through `upload` and `agentFile` here.
import { Hono, type Context } from "hono";
import { type FileSettings, filePolicySchema } from "../../shared/attachments.ts";
import type { FilePolicy } from "../../shared/files.ts";
import { audit } from "../audit/log.ts";
import { customerConversation } from "../conversation/customer-access.ts";
import type { AppEnv } from "../env.ts";
import { ApiFailure, jsonBody, parseOr400 } from "../http/errors.ts";
import { requireAgent } from "../middleware/auth.ts";
import { clientIp, parseLimits, rateLimit } from "../middleware/rate-limit.ts";
import { loadFileSettings, saveFilePolicy } from "./policy.ts";
import { attachmentKey, keyOfRef, serveFile } from "./store.ts";
import { upload } from "./upload.ts";

const ID = /^[\w-]{10,40}$/;
const FILE_ID = /^[\w-]{1,64}$/;
const missing = () => new ApiFailure(404, "not_found", "no such file");

/** Seconds a browser keeps the policy: an owner's change reaches visitors within this. */
const POLICY_MAX_AGE = 60;

export const customerFiles = new Hono<AppEnv>();

const perIp = (name: "UPLOAD_RATE_LIMIT" | "FILE_READ_RATE_LIMIT", fallback: { perSecond: number; burst: number }) =>
  rateLimit({
    limits: (c) => parseLimits(c.env[name], fallback),
    key: (c) => `${name}:${clientIp(c)}`,
  });
const uploads = perIp("UPLOAD_RATE_LIMIT", { perSecond: 0.2, burst: 10 });
const reads = perIp("FILE_READ_RATE_LIMIT", { perSecond: 5, burst: 100 });

customerFiles.get("/policy", async (c) => {
  const { policy } = await loadFileSettings(c.env.DB, c.get("site").workspaceId);
  return c.json(policy satisfies FilePolicy, 200, { "cache-control": `public, max-age=${POLICY_MAX_AGE}` });
});

customerFiles.post("/:id", uploads, async (c) => {
  const { id, stub } = await customerConversation(c);
  return upload(c, { id, workspaceId: c.get("site").workspaceId, stub }, { author: "customer" });
});

/** Only a file a message of this conversation shows its customer: not another conversation's, not one taken back. */
customerFiles.get("/:id/:file", reads, async (c) => {
  const { id, stub } = await customerConversation(c);
  const file = c.req.param("file");
  if (!FILE_ID.test(file) || !c.env.ATTACHMENTS) throw missing();
  const ref = await stub.findFile(file, "customer");
  const obj = ref && (await c.env.ATTACHMENTS.get(keyOfRef(ref, id)));
  if (!obj) throw missing();
  return serveFile(obj);
});

/**
 * A file of a conversation of the agent's workspace, on the console's origin (a guarded route calls
 * this). Another workspace's files are missing, not forbidden: ids do not leak.
 */
export async function agentFile(c: Context<AppEnv>, id: string, file: string): Promise<Response> {
  if (!ID.test(id) || !FILE_ID.test(file)) throw missing();
  const row = await c.env.DB.prepare("SELECT workspace_id FROM conversations WHERE id = ?")
    .bind(id)
    .first<{ workspace_id: string }>();
  if (!row || row.workspace_id !== c.get("agent").workspaceId || !c.env.ATTACHMENTS) throw missing();
  const obj = await c.env.ATTACHMENTS.get(attachmentKey(id, file));
  if (!obj) throw missing();
  return serveFile(obj, { sameOriginOnly: true });
}

export const filesApi = new Hono<AppEnv>();
filesApi.use(requireAgent());

filesApi.get("/", async (c) =>
  c.json(await loadFileSettings(c.env.DB, c.get("agent").workspaceId), 200, { "cache-control": "no-store" }),
);

/** Owners only: what every customer and agent of the workspace may attach. */
filesApi.put("/", requireAgent({ role: "owner" }), async (c) => {
  const policy = parseOr400(filePolicySchema, await jsonBody(c), "body");
  const agent = c.get("agent");
  const before = await loadFileSettings(c.env.DB, agent.workspaceId);
  const now = Date.now();
  await saveFilePolicy(c.env.DB, agent.workspaceId, { ...policy, types: [...new Set(policy.types)] }, agent.id, now);
  await audit(c, {
    action: "files.updated",
    target: { type: "workspace", id: agent.workspaceId },
    before: before.policy,
    after: policy,
  });
  const after: FileSettings = await loadFileSettings(c.env.DB, agent.workspaceId);
  return c.json(after, 200, { "cache-control": "no-store" });
});
