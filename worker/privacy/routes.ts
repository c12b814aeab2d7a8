// The owner's privacy API: `/api/privacy` (owner session) and `/admin/v1/privacy?workspace=…` (the
// ADMIN_TOKEN). Addresses travel in POST bodies, never in URLs. Exports and erasures are heavy (a
// Durable Object call per conversation): 1 request a second per caller, bursts of 10.
import { Hono } from "hono";
import { contactQuerySchema, eraseContactSchema, retentionSchema } from "../../shared/privacy.ts";
import { audit, auditTrail } from "../audit/privacy.ts";
import { normaliseEmail } from "../channels/email/address.ts";
import type { AppEnv } from "../env.ts";
import { ApiFailure, jsonBody, parseOr400 } from "../http/errors.ts";
import { requireAdmin } from "../middleware/auth.ts";
import { parseLimits, rateLimit } from "../middleware/rate-limit.ts";
import { eraseContact, ExportTooLarge, exportContact, findContact } from "./contact.ts";
import { getRetention, setRetention } from "./retention.ts";

export const privacy = new Hono<AppEnv>();
privacy.use(requireAdmin({ role: "owner" }));
privacy.use(
  rateLimit({
    limits: (c) => parseLimits(c.env.PRIVACY_RATE_LIMIT, { perSecond: 1, burst: 10 }),
    key: (c) => `privacy:${c.get("agent").workspaceId}:${c.get("agent").id}`,
  }),
);

const ws = (c: { get(k: "agent"): { workspaceId: string } }) => c.get("agent").workspaceId;
const noStore = { "cache-control": "no-store" };

privacy.post("/contacts/find", async (c) => {
  const { email } = parseOr400(contactQuerySchema, await jsonBody(c), "body");
  return c.json(await findContact(c.env.DB, ws(c), email), 200, noStore);
});

privacy.post("/contacts/export", async (c) => {
  const { email } = parseOr400(contactQuerySchema, await jsonBody(c), "body");
  const record = await findContact(c.env.DB, ws(c), email);
  if (!record.contact && !record.conversations.length)
    throw new ApiFailure(404, "not_found", "nothing is held about this address");
  let out: Awaited<ReturnType<typeof exportContact>>;
  try {
    out = await exportContact(c.env, ws(c), record);
  } catch (e) {
    if (e instanceof ExportTooLarge) throw new ApiFailure(413, "export_too_large", e.message);
    throw e;
  }
  await audit(c.env.DB, {
    workspaceId: ws(c),
    actor: c.get("agent").id,
    action: "contact.exported",
    subject: record.contact?.id ?? null,
    detail: { conversations: record.conversations.length, files: out.files.length, bytes: out.archive.length },
  });
  const day = new Date().toISOString().slice(0, 10);
  return new Response(out.archive, {
    headers: {
      "content-type": "application/zip",
      "content-disposition": `attachment; filename="contact-export-${day}.zip"`,
      "content-length": String(out.archive.length),
      "x-content-type-options": "nosniff",
      ...noStore,
    },
  });
});

privacy.post("/contacts/erase", async (c) => {
  const { email, confirm } = parseOr400(eraseContactSchema, await jsonBody(c), "body");
  if (normaliseEmail(confirm) !== normaliseEmail(email))
    throw new ApiFailure(400, "invalid_body", "type the address again in confirm to erase it", [
      { path: "confirm", message: "does not match the address" },
    ]);
  const record = await findContact(c.env.DB, ws(c), email);
  if (!record.contact && !record.conversations.length)
    throw new ApiFailure(404, "not_found", "nothing is held about this address");
  const r = await eraseContact(c.env, ws(c), email, c.get("agent").id);
  return c.json(r, r.done ? 200 : 202, noStore);
});

privacy.get("/retention", async (c) => c.json(await getRetention(c.env.DB, ws(c)), 200, noStore));

privacy.put("/retention", async (c) => {
  const body = parseOr400(retentionSchema, await jsonBody(c), "body");
  const saved = await setRetention(c.env.DB, ws(c), body, c.get("agent").id);
  return c.json(saved, 200, noStore);
});

privacy.get("/audit", async (c) => c.json({ entries: await auditTrail(c.env.DB, ws(c)) }, 200, noStore));
