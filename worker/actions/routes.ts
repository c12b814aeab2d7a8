// The owner's actions API, `/api/actions` (console) and `/admin/v1/actions` (the ADMIN_TOKEN naming
// `?workspace=`): definitions, write-only secrets, "try it" and the call log, always of the caller's
// own workspace. Editors read the definitions (they name actions in articles); owners define, set
// secrets, try and read the log. Every change is audited without secret values. Budget:
// ACTIONS_RATE_LIMIT per caller (default 2 a second, bursts of 30), since "try it" calls out.
import { Hono } from "hono";
import { nanoid } from "nanoid";
import {
  type ActionDefinition,
  type ActionList,
  actionDefinitionSchema,
  actionNameSchema,
  callLogQuerySchema,
  putSecretSchema,
  secretNameSchema,
  type TryResult,
  tryActionSchema,
} from "../../shared/actions.ts";
import * as z from "zod/mini";
import { audit } from "../audit/log.ts";
import type { AppEnv } from "../env.ts";
import { ApiFailure, jsonBody, parseOr400 } from "../http/errors.ts";
import { requireAdmin, requireAgent } from "../middleware/auth.ts";
import { parseLimits, rateLimit } from "../middleware/rate-limit.ts";
import { execPorts } from "./ports.ts";
import { execute } from "./execute.ts";
import { resolveInputs } from "./inputs.ts";
import {
  callInsert,
  deleteAction,
  deleteSecret,
  getAction,
  getActionView,
  listActions,
  listSecrets,
  putSecret,
  readCalls,
  redact,
  saveAction,
  secretsOf,
  unsealSecrets,
} from "./store.ts";

export const actionsAdmin = new Hono<AppEnv>();
actionsAdmin.use(requireAdmin({ role: "editor" }));
actionsAdmin.use(
  rateLimit({
    limits: (c) => parseLimits(c.env.ACTIONS_RATE_LIMIT, { perSecond: 2, burst: 30 }),
    key: (c) => `actions:${c.get("agent").workspaceId}:${c.get("agent").id}`,
  }),
);

const owner = requireAgent({ role: "owner" });
const noStore = { "cache-control": "no-store" };
const nameOf = (raw: string) => parseOr400(z.object({ name: actionNameSchema }), { name: raw }, "path").name;

/** What the audit log keeps of a definition: its shape, which references secrets by name only. */
const digest = (d: ActionDefinition | null) =>
  d && {
    kind: d.kind,
    method: d.method,
    url: d.url,
    inputs: d.inputs.map((i) => i.name),
    secrets: secretsOf(d),
    requiresApproval: d.requiresApproval,
    customerCard: d.customerCard,
    enabled: d.enabled,
  };

actionsAdmin.get("/", async (c) => {
  const ws = c.get("agent").workspaceId;
  const [actions, secrets] = await Promise.all([listActions(c.env.DB, ws), listSecrets(c.env.DB, ws)]);
  const body: ActionList = { actions, secrets };
  return c.json(body, 200, noStore);
});

actionsAdmin.get("/:name", async (c) => {
  const view = await getActionView(c.env.DB, c.get("agent").workspaceId, nameOf(c.req.param("name")));
  if (!view) throw new ApiFailure(404, "not_found", "no such action");
  return c.json(view, 200, noStore);
});

/** Creates or replaces the definition named in the path. */
actionsAdmin.put("/:name", owner, async (c) => {
  const ws = c.get("agent").workspaceId;
  const name = nameOf(c.req.param("name"));
  const d = parseOr400(actionDefinitionSchema, await jsonBody(c), "body");
  if (d.name !== name) throw new ApiFailure(400, "invalid_body", "body: name: must be the name in the path");
  const before = await getAction(c.env.DB, ws, name);
  await saveAction(c.env.DB, ws, d, c.get("agent").email);
  await audit(c, {
    action: before ? "action.updated" : "action.created",
    target: { type: "action", id: name },
    before: digest(before),
    after: digest(d),
  });
  const view = await getActionView(c.env.DB, ws, name);
  return c.json(view, before ? 200 : 201, noStore);
});

actionsAdmin.delete("/:name", owner, async (c) => {
  const ws = c.get("agent").workspaceId;
  const name = nameOf(c.req.param("name"));
  const before = await getAction(c.env.DB, ws, name);
  if (!(await deleteAction(c.env.DB, ws, name))) throw new ApiFailure(404, "not_found", "no such action");
  await audit(c, { action: "action.deleted", target: { type: "action", id: name }, before: digest(before) });
  return c.json({ ok: true });
});

// ---- secrets: set or replace a value, delete; listed by name only (GET /) -------------------------------

const secretOf = (raw: string) => parseOr400(z.object({ secret: secretNameSchema }), { secret: raw }, "path").secret;

actionsAdmin.put("/secrets/:secret", owner, async (c) => {
  const ws = c.get("agent").workspaceId;
  const name = secretOf(c.req.param("secret"));
  const { value } = parseOr400(putSecretSchema, await jsonBody(c), "body");
  const r = await putSecret(c.env, ws, name, value, c.get("agent").email);
  await audit(c, { action: `action.secret.${r}`, target: { type: "action_secret", id: name }, after: "set" });
  return c.json({ name, status: r }, r === "set" ? 201 : 200);
});

actionsAdmin.delete("/secrets/:secret", owner, async (c) => {
  const ws = c.get("agent").workspaceId;
  const name = secretOf(c.req.param("secret"));
  if (!(await deleteSecret(c.env.DB, ws, name))) throw new ApiFailure(404, "not_found", "no such secret");
  await audit(c, { action: "action.secret.deleted", target: { type: "action_secret", id: name }, before: "set" });
  return c.json({ ok: true });
});

// ---- try it, the call log ---------------------------------------------------------------------------------

const tryBody = z.object({ ...tryActionSchema.shape, definition: z.optional(actionDefinitionSchema) });

/**
 * Runs the action (the saved one, or a draft sent along under the same name) with sample values, as
 * a verified customer with the given identity would: request with secrets masked, response cut
 * short, the rendered answer. Logged in the call log as a try.
 */
actionsAdmin.post("/:name/try", owner, async (c) => {
  const ws = c.get("agent").workspaceId;
  const name = nameOf(c.req.param("name"));
  const b = parseOr400(tryBody, await jsonBody(c), "body");
  if (b.definition && b.definition.name !== name)
    throw new ApiFailure(400, "invalid_body", "body: definition.name: must be the name in the path");
  const d = b.definition ?? (await getAction(c.env.DB, ws, name));
  if (!d) throw new ApiFailure(404, "not_found", "no such action");
  const now = Date.now();
  const identity = b.identity?.id
    ? {
        ...b.identity,
        id: b.identity.id,
        verified: true,
        verifiedFields: ["id", "email", "name", "attributes"] as ("id" | "email" | "name" | "attributes")[],
        at: now,
      }
    : undefined;
  const resolved = resolveInputs(d, {
    identity,
    locale: b.locale ?? "en",
    page: b.page,
    conversationId: "try",
    given: b.inputs,
  });
  const callId = `try_${nanoid(12)}`;
  let result: TryResult;
  if (!resolved.ok) {
    const error =
      "unverified" in resolved
        ? `no identity value for ${resolved.unverified.join(", ")}: give a sample identity`
        : `no valid value for input ${resolved.ask.name}`;
    result = {
      status: "refused",
      error,
      durationMs: 0,
      attempts: 0,
      request: { method: d.method, url: "", headers: {} },
      values: {},
    };
  } else {
    const secrets = await unsealSecrets(c.env, ws, secretsOf(d));
    result = await execute(d, { inputs: resolved.inputs, secrets, callId }, execPorts(c.env));
  }
  const a = c.get("agent");
  await callInsert(c.env.DB, {
    id: callId,
    workspaceId: ws,
    action: name,
    at: now,
    conversationId: null,
    seq: null,
    by: `try · ${a.name}`,
    status: result.status,
    httpStatus: result.response?.status ?? null,
    durationMs: result.durationMs,
    inputs: Object.fromEntries(
      Object.entries(resolved.ok ? resolved.inputs : b.inputs).map(([k, v]) => [k, redact(v)]),
    ),
    error: result.error ?? null,
  }).run();
  return c.json(result, 200, noStore);
});

actionsAdmin.get("/:name/calls", owner, async (c) => {
  const q = parseOr400(callLogQuerySchema, c.req.query(), "query");
  const calls = await readCalls(c.env.DB, c.get("agent").workspaceId, nameOf(c.req.param("name")), q);
  return c.json({ calls }, 200, noStore);
});
