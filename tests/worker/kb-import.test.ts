// Knowledge import through the real worker (/api/kb-import): who may call it, what it refuses (wrong
// files, oversized uploads, zip bombs, path traversal), the preview's classes, publishing and drafting
// through the job pipeline, replace, the stale-preview check, and isolation between workspaces.
import { env, SELF } from "cloudflare:test";
import { beforeAll, describe, expect, it } from "vitest";
import type { ArticleDetail, KbJob, Library } from "../../shared/api.ts";
import type { ImportPreview, ImportResult } from "../../shared/kb-import.ts";
import { crc32, zip } from "../../worker/privacy/zip.ts";
import chatwoot from "../fixtures/kb-import/chatwoot-articles.json";
import intercom from "../fixtures/kb-import/intercom-articles.json";
import zendesk from "../fixtures/kb-import/zendesk-articles.json";
import { BASE, createAgent } from "./helpers.ts";

const A = "kb-import-a";
const B = "kb-import-b";
let editorA = "";
let ownerA = "";
let agentA = "";
let editorB = "";

beforeAll(async () => {
  await env.DB.batch(
    [A, B].map((id) =>
      env.DB.prepare("INSERT OR IGNORE INTO workspaces (id, name, created_at) VALUES (?, 'Import', 1)").bind(id),
    ),
  );
  editorA = await createAgent("editor@kb-import-a.example", "editor", A);
  ownerA = await createAgent("owner@kb-import-a.example", "owner", A);
  agentA = await createAgent("agent@kb-import-a.example", "agent", A);
  editorB = await createAgent("editor@kb-import-b.example", "editor", B);
});

type Sent = { status: number; body: Record<string, unknown> };

async function post(cookie: string, path: string, body: BodyInit | null, type = "application/json"): Promise<Sent> {
  const r = await SELF.fetch(`${BASE}/api/kb-import${path}`, {
    method: "POST",
    headers: { cookie, ...(type ? { "content-type": type } : {}) },
    body,
  });
  return { status: r.status, body: (await r.json()) as Record<string, unknown> };
}

const json = (x: unknown) => JSON.stringify(x);

async function untilDone(cookie: string, id: string): Promise<KbJob> {
  const end = Date.now() + 30_000;
  for (;;) {
    const r = await SELF.fetch(`${BASE}/api/kb/jobs/${id}`, { headers: { cookie } });
    const j = (await r.json()) as KbJob;
    if (j.status === "done" || j.status === "failed") return j;
    if (Date.now() > end) throw new Error(`job did not finish: ${JSON.stringify(j)}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

async function library(cookie: string): Promise<Library> {
  return (await (await SELF.fetch(`${BASE}/api/kb/articles?status=all`, { headers: { cookie } })).json()) as Library;
}

/** A deflate zip built with the platform's CompressionStream; `declare` lies about an entry's size. */
async function deflateZip(entries: { name: string; data: Uint8Array; declare?: number }[]): Promise<Uint8Array> {
  const parts: Uint8Array[] = [];
  const central: Uint8Array[] = [];
  let offset = 0;
  for (const e of entries) {
    const name = new TextEncoder().encode(e.name);
    const body = new Uint8Array(
      await new Response(new Blob([e.data]).stream().pipeThrough(new CompressionStream("deflate-raw"))).arrayBuffer(),
    );
    const head = (size: number, central: boolean) => {
      const h = new Uint8Array((central ? 46 : 30) + name.length);
      const v = new DataView(h.buffer);
      const o = central ? 2 : 0;
      v.setUint32(0, central ? 0x02014b50 : 0x04034b50, true);
      v.setUint16(8 + o, 8, true);
      v.setUint32(14 + o, crc32(e.data), true);
      v.setUint32(18 + o, body.length, true);
      v.setUint32(22 + o, size, true);
      v.setUint16(26 + o, name.length, true);
      if (central) v.setUint32(42, offset, true);
      h.set(name, central ? 46 : 30);
      return h;
    };
    const size = e.declare ?? e.data.length;
    central.push(head(size, true));
    const local = head(size, false);
    parts.push(local, body);
    offset += local.length + body.length;
  }
  const cd = central.reduce((n, x) => n + x.length, 0);
  const end = new Uint8Array(22);
  const v = new DataView(end.buffer);
  v.setUint32(0, 0x06054b50, true);
  v.setUint16(8, entries.length, true);
  v.setUint16(10, entries.length, true);
  v.setUint32(12, cd, true);
  v.setUint32(16, offset, true);
  return new Uint8Array(await new Blob([...parts, ...central, end]).arrayBuffer());
}

const md = (id: string, title: string, body: string) =>
  `---\nid: ${id}\ntitle: ${title}\ncategory: apps\ntags: [tv]\nlocale: en\nupdated: 2026-11-01\n---\n${body}\n`;

describe("knowledge import: who may call it", () => {
  it("lets editors and owners preview, and refuses agents and callers without a session", async () => {
    for (const [cookie, want] of [
      [editorA, 200],
      [ownerA, 200],
      [agentA, 403],
      ["", 401],
    ] as const)
      expect((await post(cookie, "/preview?source=zendesk", json(zendesk))).status, cookie || "none").toBe(want);
    expect((await post(agentA, "/apply?source=zendesk&version=0", json(zendesk))).status).toBe(403);
  });
});

describe("knowledge import: what it refuses", () => {
  it("answers a 4xx naming the problem, and changes nothing", async () => {
    const cases: [string, BodyInit | null, string, number, string][] = [
      ["/preview?source=freshdesk", json(zendesk), "application/json", 400, "invalid_query"],
      ["/preview?source=zendesk", json(zendesk), "text/plain", 415, "unsupported_media_type"],
      ["/preview?source=markdown-zip", json(zendesk), "application/json", 415, "unsupported_media_type"],
      ["/preview?source=zendesk", "{not json", "application/json", 400, "invalid_export"],
      ["/preview?source=zendesk", json(intercom), "application/json", 400, "invalid_export"],
      ["/preview?source=chatwoot", json(zendesk), "application/json", 400, "invalid_export"],
      ["/preview?source=markdown-zip", "PK but not a zip", "application/zip", 400, "invalid_zip"],
      ["/preview?source=zendesk", "", "application/json", 400, "invalid_body"],
    ];
    for (const [path, body, type, status, error] of cases) {
      const r = await post(editorA, path, body, type);
      expect([r.status, r.body.error], `${path} ${type}`).toEqual([status, error]);
    }
    expect((await library(editorA)).items).toEqual([]);
  });

  it("refuses an upload over 5 MB whatever its content-length says", async () => {
    const big = new Uint8Array(5 * 1024 * 1024 + 1).fill(32);
    const r = await post(editorA, "/preview?source=zendesk", big);
    expect([r.status, r.body.error]).toEqual([413, "too_large"]);
    // Streamed without a length: counted as it arrives.
    const stream = new Blob([big]).stream();
    const s = await SELF.fetch(`${BASE}/api/kb-import/preview?source=zendesk`, {
      method: "POST",
      headers: { cookie: editorA, "content-type": "application/json" },
      body: stream,
      duplex: "half",
    } as RequestInit);
    expect(s.status).toBe(413);
  });

  it("stops a zip bomb at its declared size and refuses names that climb out of the archive", async () => {
    const bomb = await deflateZip([
      { name: "ok.md", data: new TextEncoder().encode(md("ok", "Fine", "Fine.")) },
      { name: "bomb.md", data: new Uint8Array(8 * 1024 * 1024), declare: 200 },
    ]);
    expect(bomb.length).toBeLessThan(20_000);
    const r = await post(editorA, "/preview?source=markdown-zip", bomb, "application/zip");
    expect([r.status, r.body.error]).toEqual([400, "invalid_zip"]);
    expect(String(r.body.message)).toMatch(/inflates to more than it declares/);

    const traversal = zip([
      { name: "../../worker/evil.md", data: md("evil", "Evil", "x") },
      { name: "kb/good.md", data: md("good", "Good", "Good.") },
    ]);
    const t = await post(editorA, "/preview?source=markdown-zip", traversal, "application/zip");
    expect(t.status).toBe(200);
    const p = t.body as unknown as ImportPreview;
    expect(p.items.map((i) => i.id)).toEqual(["good"]);
    expect(p.warnings).toEqual(["../../worker/evil.md: name climbs out of the archive (..): refused"]);
  });
});

describe("knowledge import: preview, publish, replace", () => {
  it("previews a Zendesk export, publishes what Zendesk published and drafts the rest, without scripts", async () => {
    const pre = await post(editorA, "/preview?source=zendesk", json(zendesk));
    expect(pre.status).toBe(200);
    const p = pre.body as unknown as ImportPreview;
    expect(p.counts).toEqual({ new: 3, changed: 0, unchanged: 0, removed: 0, skipped: 2 });
    expect(p.items.find((i) => i.id === "zendesk-360001234502")?.warnings).toContain("scripts were removed");
    // A preview changes nothing.
    expect((await library(editorA)).items).toEqual([]);

    // Applying against another version than the preview's is refused: preview again.
    expect(
      (await post(editorA, `/apply?source=zendesk&as=publish&version=${p.kbVersion + 1}`, json(zendesk))).status,
    ).toBe(409);
    const applied = await post(editorA, `/apply?source=zendesk&as=publish&version=${p.kbVersion}`, json(zendesk));
    expect(applied.status).toBe(202);
    const result = applied.body as unknown as ImportResult;
    expect([result.published, result.drafts, result.removed]).toEqual([2, 1, 0]);
    const job = await untilDone(editorA, result.job?.id as string);
    expect(job.status).toBe("done");

    const lib = await library(editorA);
    expect(lib.items.map((i) => `${i.id}:${i.status}`).sort()).toEqual([
      "es-zendesk-360001234503:published",
      "zendesk-360001234501:published",
      "zendesk-360001234502:draft",
    ]);
    const d = (await (
      await SELF.fetch(`${BASE}/api/kb/articles/zendesk-360001234502`, { headers: { cookie: editorA } })
    ).json()) as ArticleDetail;
    expect(d.draft?.article.body).not.toMatch(/script|javascript|iframe|evil/i);
    const audit = await env.DB.prepare(
      "SELECT COUNT(*) AS n FROM audit_log WHERE workspace_id = ? AND action = 'kb.imported'",
    )
      .bind(A)
      .first<{ n: number }>();
    expect(audit?.n).toBe(1);

    // The same file again: what was published is unchanged; the source's draft is still new here.
    const again = (await post(editorA, "/preview?source=zendesk", json(zendesk))).body as unknown as ImportPreview;
    expect(again.counts).toMatchObject({ new: 1, changed: 0, unchanged: 2, removed: 0 });
    expect(again.kbVersion).toBe(job.version);
  });

  it("replace unpublishes what the new export does not hold, only when publishing", async () => {
    const p = (await post(editorA, "/preview?source=chatwoot&mode=replace", json(chatwoot)))
      .body as unknown as ImportPreview;
    expect(
      p.items
        .filter((i) => i.change === "removed")
        .map((i) => i.id)
        .sort(),
    ).toEqual(["es-zendesk-360001234503", "zendesk-360001234501"]);
    const asDrafts = await post(
      editorA,
      `/apply?source=chatwoot&mode=replace&as=draft&version=${p.kbVersion}`,
      json(chatwoot),
    );
    expect(asDrafts.status).toBe(200);
    expect(asDrafts.body).toMatchObject({ drafts: 2, published: 0, removed: 0 });
    expect((await library(editorA)).items.filter((i) => i.status === "published").length).toBe(2);

    const r = await post(
      editorA,
      `/apply?source=chatwoot&mode=replace&as=publish&version=${p.kbVersion}`,
      json(chatwoot),
    );
    expect(r.status).toBe(202);
    expect(r.body).toMatchObject({ published: 1, drafts: 1, removed: 2 });
    expect((await untilDone(editorA, (r.body as unknown as ImportResult).job?.id as string)).status).toBe("done");
    const live = (await library(editorA)).items.filter((i) => i.status === "published").map((i) => i.id);
    expect(live).toEqual(["chatwoot-101"]);
  });

  it("keeps each workspace's import to itself", async () => {
    const p = (await post(editorB, "/preview?source=intercom", json(intercom))).body as unknown as ImportPreview;
    expect(p.kbVersion).toBe(0);
    expect(p.counts).toMatchObject({ new: 3, changed: 0, unchanged: 0, removed: 0, skipped: 1 });
    const replace = (await post(editorB, "/preview?source=intercom&mode=replace", json(intercom)))
      .body as unknown as ImportPreview;
    expect(replace.counts.removed).toBe(0);
    const r = await post(editorB, "/apply?source=intercom&as=publish&version=0", json(intercom));
    expect((await untilDone(editorB, (r.body as unknown as ImportResult).job?.id as string)).status).toBe("done");
    expect((await library(editorB)).items.map((i) => i.id).sort()).toEqual([
      "es-intercom-6871119",
      "intercom-6871119",
      "intercom-6871120",
    ]);
    // Workspace A still has only its own articles; B's job was not A's to read.
    expect((await library(editorA)).items.some((i) => i.id.includes("intercom"))).toBe(false);
    const j = await SELF.fetch(`${BASE}/api/kb/jobs/${(r.body as unknown as ImportResult).job?.id}`, {
      headers: { cookie: editorA },
    });
    expect(j.status).toBe(404);
  });
});
