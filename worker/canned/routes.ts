// Canned replies, `/api/canned`: every agent of the workspace reads them; editors and owners write
// them. Only the caller's workspace. No budget of their own: a signed-in person, one D1 statement each.
import { Hono } from "hono";
import { nanoid } from "nanoid";
import { cannedReplySchema, type CannedReply } from "../../shared/api.ts";
import type { AppEnv } from "../env.ts";
import { ApiFailure, jsonBody, parseOr400 } from "../http/errors.ts";
import { requireAgent } from "../middleware/auth.ts";

export const cannedApi = new Hono<AppEnv>();
cannedApi.use(requireAgent());

type CannedRow = { id: string; title: string; shortcut: string | null; body: string; updated_at: number };
const toCanned = (r: CannedRow): CannedReply => ({
  id: r.id,
  title: r.title,
  text: r.body,
  updatedAt: r.updated_at,
  ...(r.shortcut ? { shortcut: r.shortcut } : {}),
});

cannedApi.get("/", async (c) => {
  const rows = await c.env.DB.prepare(
    "SELECT id, title, shortcut, body, updated_at FROM canned_replies WHERE workspace_id = ? ORDER BY title COLLATE NOCASE",
  )
    .bind(c.get("agent").workspaceId)
    .all<CannedRow>();
  return c.json({ items: rows.results.map(toCanned) });
});

const editors = requireAgent({ role: "editor" });

/** D1 reports a taken shortcut as a UNIQUE failure; that is the client's 409, not our 500. */
async function saveCanned(work: () => Promise<D1Result>): Promise<D1Result> {
  try {
    return await work();
  } catch (e) {
    if (String(e).includes("UNIQUE"))
      throw new ApiFailure(409, "shortcut_taken", "another canned reply has this shortcut");
    throw e;
  }
}

cannedApi.post("/", editors, async (c) => {
  const b = parseOr400(cannedReplySchema, await jsonBody(c), "body");
  const a = c.get("agent");
  const now = Date.now();
  const id = nanoid(16);
  await saveCanned(() =>
    c.env.DB.prepare(
      "INSERT INTO canned_replies (id, workspace_id, title, shortcut, body, created_by, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
    )
      .bind(id, a.workspaceId, b.title, b.shortcut ?? null, b.text, a.id, now, now)
      .run(),
  );
  return c.json(toCanned({ id, title: b.title, shortcut: b.shortcut ?? null, body: b.text, updated_at: now }), 201);
});

cannedApi.put("/:cid", editors, async (c) => {
  const b = parseOr400(cannedReplySchema, await jsonBody(c), "body");
  const id = c.req.param("cid");
  const now = Date.now();
  const r = await saveCanned(() =>
    c.env.DB.prepare(
      "UPDATE canned_replies SET title = ?, shortcut = ?, body = ?, updated_at = ? WHERE id = ? AND workspace_id = ?",
    )
      .bind(b.title, b.shortcut ?? null, b.text, now, id, c.get("agent").workspaceId)
      .run(),
  );
  if (!r.meta.changes) throw new ApiFailure(404, "not_found", "no such canned reply");
  return c.json(toCanned({ id, title: b.title, shortcut: b.shortcut ?? null, body: b.text, updated_at: now }));
});

cannedApi.delete("/:cid", editors, async (c) => {
  const r = await c.env.DB.prepare("DELETE FROM canned_replies WHERE id = ? AND workspace_id = ?")
    .bind(c.req.param("cid"), c.get("agent").workspaceId)
    .run();
  if (!r.meta.changes) throw new ApiFailure(404, "not_found", "no such canned reply");
  return c.json({ ok: true });
});
