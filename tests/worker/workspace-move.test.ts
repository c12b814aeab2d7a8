// A workspace moves (worker/workspace/): its owner exports it (settings, people without secrets,
// articles with versions and drafts, canned replies, conversations with their rows and attachments,
// in parts), the operator removes it here as the old deployment would, and imports the parts under a
// new id as the new deployment would. Afterwards it works: people sign in once given a password, the
// conversations read as before with the same analytics, the bot answers from the rebuilt KB; secrets
// were never in the archive and the import says what to set again. Re-importing changes nothing.
//
// One deployment plays both: its erased conversations never take data again (that is tested too), so
// the archive the "new deployment" imports has its conversation ids replaced, as if a deployment whose
// ids happened to differ had exported the same workspace.
import { env } from "cloudflare:test";
import { beforeAll, describe, expect, inject, it } from "vitest";
import type { ConversationDetail, CreatedConversation, EventsPage } from "../../shared/api.ts";
import type { PrivacyAuditEntry } from "../../shared/privacy.ts";
import type { ImportResult, RemoveResult, WorkspaceManifest } from "../../shared/workspace.ts";
import { unzip, zip } from "../../worker/privacy/zip.ts";
import { secretFor } from "./notify-helpers.ts";
import { ADMIN, BASE, demoArticles, ORIGIN, settled, signIdentity, waitFor, fetchAsCustomer } from "./helpers.ts";

const SRC = "move_src";
const DST = "move_dst";
const SITE = "move_site";
const SECRET = "move-identity-secret-0123456789ab";
const OWNER = { email: "owner@move.example", name: "Mo Owner", password: "correct horse battery", role: "owner" };
const json = { origin: ORIGIN, "content-type": "application/json" };
const admin = (method: string, path: string, body?: unknown, type = "application/json") =>
  fetchAsCustomer(`${BASE}${path}`, {
    method,
    headers: { authorization: ADMIN.authorization, "content-type": type },
    ...(body === undefined ? {} : { body: body instanceof Uint8Array ? body : JSON.stringify(body) }),
  });
const login = async (email: string, password: string) =>
  fetchAsCustomer(`${BASE}/api/auth/login`, {
    method: "POST",
    headers: json,
    body: JSON.stringify({ email, password }),
  });
const cookieOf = (r: Response) => (r.headers.get("set-cookie") ?? "").split(";")[0] as string;
const as = (cookie: string, method: string, path: string, body?: unknown) =>
  fetchAsCustomer(`${BASE}${path}`, {
    method,
    headers: { cookie, "content-type": "application/json" },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });

let owner = "";
let chat: CreatedConversation;
let mailId = "";
const parts: Uint8Array[] = [];
const before = new Map<string, { detail: ConversationDetail; analytics: unknown }>();

async function email(): Promise<string> {
  const raw =
    'From: "Rae Customer" <rae@customer.example>\r\nTo: support@move.test\r\nSubject: Sync\r\nMessage-ID: <rae-1@customer.example>\r\n' +
    'MIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary="b"\r\n\r\n--b\r\nContent-Type: text/plain\r\n\r\nMy photos do not sync.\r\n' +
    '--b\r\nContent-Type: text/plain; name="log.txt"\r\nContent-Disposition: attachment; filename="log.txt"\r\n\r\nsync log line\r\n--b--\r\n';
  const bytes = new TextEncoder().encode(raw);
  const { default: worker } = await import("../../worker/index.ts");
  await worker.email(
    {
      from: "rae@customer.example",
      to: "support@move.test",
      headers: new Headers(),
      raw: new Response(bytes).body as ReadableStream<Uint8Array>,
      rawSize: bytes.byteLength,
      setReject: (r: string) => {
        throw new Error(r);
      },
      forward: () => Promise.reject(new Error("unused")),
      reply: () => Promise.reject(new Error("unused")),
    } as ForwardableEmailMessage,
    env,
  );
  const row = await env.DB.prepare(
    "SELECT conversation_id FROM email_messages WHERE message_id = 'rae-1@customer.example'",
  ).first<{
    conversation_id: string;
  }>();
  return row?.conversation_id as string;
}

beforeAll(async () => {
  await env.DB.prepare("INSERT INTO workspaces (id, name, created_at) VALUES (?, 'Moving Co', 0)").bind(SRC).run();
  await env.DB.prepare(
    "INSERT INTO email_addresses (address, workspace_id, created_at) VALUES ('support@move.test', ?, 0)",
  )
    .bind(SRC)
    .run();
  expect(
    (
      await admin("PUT", `/admin/v1/sites/${SITE}?workspace=${SRC}`, {
        name: SITE,
        allowedOrigins: [ORIGIN],
        identitySecret: SECRET,
      })
    ).status,
  ).toBe(200);
  expect(
    (await admin("PUT", `/admin/v1/kb/articles?workspace=${SRC}`, { articles: demoArticles, replace: true })).status,
  ).toBe(200);
  const draft = { ...(demoArticles[0] as (typeof demoArticles)[number]), title: "A draft title, not published" };
  expect((await admin("PUT", `/admin/v1/kb/drafts?workspace=${SRC}`, { articles: [draft] })).status).toBe(200);
  expect((await admin("POST", `/admin/v1/agents?workspace=${SRC}`, OWNER)).status).toBe(201);
  owner = cookieOf(await login(OWNER.email, OWNER.password));
  expect(
    (await as(owner, "POST", "/api/canned", { title: "Sync tip", shortcut: "sync", text: "Sign out and in." })).status,
  ).toBe(201);
  expect((await as(owner, "PUT", "/api/privacy/retention", { days: 365, mode: "anonymise" })).status).toBe(200);
  expect(
    (
      await admin("POST", `/admin/v1/notifications/webhooks?workspace=${SRC}`, {
        url: `${inject("receiverUrl")}/hook/move`,
        events: ["conversation.handed_off"],
        secret: secretFor("move"),
      })
    ).status,
  ).toBe(201);

  // A verified widget chat, answered, handed off, replied to, resolved, rated; an email with a file.
  const r = await fetchAsCustomer(`${BASE}/v1/conversations?site=${SITE}`, {
    method: "POST",
    headers: json,
    body: "{}",
  });
  chat = (await r.json()) as CreatedConversation;
  const q = `site=${SITE}&token=${encodeURIComponent(chat.token)}`;
  const ts = Math.floor(Date.now() / 1000);
  await fetchAsCustomer(`${BASE}/v1/conversations/${chat.id}/identify?${q}`, {
    method: "POST",
    headers: json,
    body: JSON.stringify({
      user: { id: "u_rae", email: "rae@customer.example" },
      hmac: await signIdentity(SECRET, ts, "u_rae", "rae@customer.example"),
      ts,
    }),
  });
  await fetchAsCustomer(`${BASE}/v1/conversations/${chat.id}/messages?${q}`, {
    method: "POST",
    headers: json,
    body: JSON.stringify({ clientId: "move-msg-0001", text: "How do I reset my password?" }),
  });
  await waitFor(
    async () =>
      (await (
        await fetchAsCustomer(`${BASE}/v1/conversations/${chat.id}/events?${q}`, { headers: { origin: ORIGIN } })
      ).json()) as EventsPage,
    (p) => p.events.some((e) => e.type === "message" && e.author === "bot"),
    10_000,
  );
  await fetchAsCustomer(`${BASE}/v1/conversations/${chat.id}/handoff?${q}`, {
    method: "POST",
    headers: json,
    body: "{}",
  });
  await waitFor(
    () => as(owner, "POST", `/api/conversations/${chat.id}/claim`).then((x) => x.status),
    (s) => s === 200,
    5000,
  );
  await as(owner, "POST", `/api/conversations/${chat.id}/messages`, {
    clientId: "move-agent-01",
    text: "Here is how.",
  });
  await as(owner, "POST", `/api/conversations/${chat.id}/resolve`);
  await fetchAsCustomer(`${BASE}/v1/conversations/${chat.id}/csat?${q}`, {
    method: "POST",
    headers: json,
    body: JSON.stringify({ score: 5 }),
  });
  mailId = await email();
  // The email's bot turn runs in the background: the "before" picture is taken once it has ended (under
  // load it could end after the picture and before the export, which then held more than "before").
  await settled([chat.id, mailId]);
  for (const id of [chat.id, mailId]) {
    await waitFor(
      () => env.DB.prepare("SELECT 1 AS x FROM analytics_conversations WHERE conversation_id = ?").bind(id).first(),
      (x) => x !== null,
      5000,
    );
    const detail = (await (await as(owner, "GET", `/api/conversations/${id}`)).json()) as ConversationDetail;
    const analytics = await env.DB.prepare("SELECT * FROM analytics_conversations WHERE conversation_id = ?")
      .bind(id)
      .first();
    before.set(id, { detail, analytics });
  }
}, 90_000);

describe("export", () => {
  it("comes in parts: settings, people, articles and canned replies first, then the conversations", async () => {
    let after = "";
    for (;;) {
      const r = await as(owner, "GET", `/api/workspace/export?limit=1${after ? `&after=${after}` : ""}`);
      expect(r.status).toBe(200);
      expect(r.headers.get("content-type")).toBe("application/zip");
      parts.push(new Uint8Array(await r.arrayBuffer()));
      after = r.headers.get("x-next-after") ?? "";
      if (!after) break;
    }
    expect(parts).toHaveLength(2);
    const first = unzip(parts[0] as Uint8Array);
    const text = (f: Map<string, Uint8Array>, n: string) => new TextDecoder().decode(f.get(n));
    const manifest = JSON.parse(text(first, "manifest.json")) as WorkspaceManifest;
    expect(manifest).toMatchObject({ format: "edgedesk.workspace-export/1", workspace: { id: SRC }, settings: true });
    for (const f of ["settings.json", "people.json", "articles.json", "canned.json"])
      expect(first.has(f), f).toBe(true);
    const all = [...parts].flatMap((p) => [...unzip(p).keys()]);
    for (const id of [chat.id, mailId]) {
      expect(all).toContain(`conversations/${id}/conversation.json`);
      expect(all).toContain(`conversations/${id}/records.json`);
    }
    expect(all.some((n) => n.startsWith(`conversations/${mailId}/attachments/`) && n.endsWith("-log.txt"))).toBe(true);
    const articles = JSON.parse(text(first, "articles.json")) as Record<string, unknown[]>;
    expect(articles.articles).toHaveLength(demoArticles.length);
    expect(articles.article_drafts).toHaveLength(1);
    expect(articles.article_versions?.length).toBeGreaterThanOrEqual(demoArticles.length);
    expect(JSON.parse(text(unzip(parts[1] as Uint8Array), "manifest.json"))).toMatchObject({ settings: false });
  });

  it("holds no secret", () => {
    const everything = parts.flatMap((p) => [...unzip(p).values()].map((b) => new TextDecoder().decode(b))).join("\n");
    for (const secret of [SECRET, "move-webhook-secret-0123", "pbkdf2-sha256", OWNER.password])
      expect(everything).not.toContain(secret);
    expect(everything).not.toContain("password_hash");
    expect(everything).not.toContain('identity_secret"');
  });
});

describe("removal from the old deployment", () => {
  it("needs the workspace id repeated (an owner removes their own: tests/worker/setup-first-run.test.ts)", async () => {
    expect((await as(owner, "DELETE", `/api/workspace?confirm=not-${SRC}`)).status).toBe(400);
    expect((await admin("DELETE", `/admin/v1/workspace?workspace=${SRC}`)).status).toBe(400);
  });

  it("erases its conversations and every row of it", async () => {
    const r = await admin("DELETE", `/admin/v1/workspace?workspace=${SRC}&confirm=${SRC}`);
    expect(r.status).toBe(200);
    expect((await r.json()) as RemoveResult).toMatchObject({ done: true, conversations: 2 });
    for (const id of [chat.id, mailId])
      expect(await env.CONVERSATION.get(env.CONVERSATION.idFromName(id)).exists()).toBe(false);
    const tables = await env.DB.prepare(
      "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name NOT LIKE '_cf_%' AND name NOT IN ('privacy_audit', 'surge_audit', 'audit_log')",
    ).all<{ name: string }>();
    for (const { name } of tables.results) {
      const rows = await env.DB.prepare(`SELECT * FROM "${name}"`).all();
      expect(JSON.stringify(rows.results).includes(`"${SRC}"`), name).toBe(false);
    }
    expect((await env.ATTACHMENTS?.list({ prefix: `conversations/${mailId}/` }))?.objects).toEqual([]);
    expect((await login(OWNER.email, OWNER.password)).status).toBe(401);
  });
});

/** The same archive with every conversation id replaced (names and contents), and the map used. */
const renamed = new Map<string, string>();
function fromAnotherDeployment(part: Uint8Array): Uint8Array {
  const files = unzip(part);
  const swap = (s: string) => [...renamed].reduce((t, [a, b]) => t.replaceAll(a, b), s);
  const entries = [...files].map(([name, bytes]) => ({
    name: swap(name),
    data: name.endsWith(".json") ? swap(new TextDecoder().decode(bytes)) : bytes,
  }));
  return zip(entries);
}
const moved = (id: string) => renamed.get(id) as string;

describe("import into the new deployment", () => {
  let result: ImportResult;
  const imported: Uint8Array[] = [];

  it("refuses to bring erased conversations back, before writing anything", async () => {
    const r = await admin("POST", `/admin/v1/workspace/import?workspace=${DST}`, parts[0], "application/zip");
    expect(r.status).toBe(409);
    expect(await r.text()).toContain("erased here");
    expect(await env.DB.prepare("SELECT COUNT(*) AS n FROM sites WHERE workspace_id = ?").bind(DST).first()).toEqual({
      n: 0,
    });
    for (const id of [chat.id, mailId]) renamed.set(id, `mv${crypto.randomUUID().replace(/-/g, "").slice(0, 19)}`);
    for (const p of parts) imported.push(fromAnotherDeployment(p));
  });

  it("is the operator's", async () => {
    const r = await fetchAsCustomer(`${BASE}/api/workspace/import`, {
      method: "POST",
      headers: { cookie: owner, "content-type": "application/zip" },
      body: parts[0],
    });
    expect(r.status).toBe(401);
    expect((await admin("POST", "/admin/v1/workspace/import", parts[0], "application/zip")).status).toBe(400);
    expect(
      (await admin("POST", `/admin/v1/workspace/import?workspace=${DST}`, new Uint8Array([1, 2, 3]), "application/zip"))
        .status,
    ).toBe(400);
  });

  it("takes the first part, then the rest, and says what to set again", async () => {
    const r = await admin("POST", `/admin/v1/workspace/import?workspace=${DST}`, imported[0], "application/zip");
    expect(r.status).toBe(200);
    result = (await r.json()) as ImportResult;
    expect(result).toMatchObject({ workspaceId: DST, settings: true, kbRebuild: expect.any(String) });
    expect(result.imported.tables).toMatchObject({
      sites: 1,
      agents: 1,
      canned_replies: 1,
      articles: demoArticles.length,
      article_drafts: 1,
    });
    expect(result.todo.join("\n")).toContain(`set a password for ${OWNER.email}`);
    expect(result.todo.join("\n")).toContain(`identity secret of site ${SITE}`);
    expect(result.todo.join("\n")).toContain("/hook/move is imported switched off");
    const second = await admin("POST", `/admin/v1/workspace/import?workspace=${DST}`, imported[1], "application/zip");
    expect(second.status).toBe(200);
    expect(((await second.json()) as ImportResult).imported.conversations).toBe(1);
  });

  it("lets people in once the operator sets their password", async () => {
    expect((await login(OWNER.email, OWNER.password)).status).toBe(401);
    // The imported account exists without a usable password; the operator sets one (creating it again is a 409).
    const people = (await (await admin("GET", `/admin/v1/agents?workspace=${DST}`)).json()) as {
      agents: { id: string; email: string }[];
    };
    const id = people.agents.find((a) => a.email === OWNER.email)?.id;
    expect(id).toBeTruthy();
    expect((await admin("PATCH", `/admin/v1/agents/${id}?workspace=${DST}`, { password: OWNER.password })).status).toBe(
      200,
    );
    const r = await login(OWNER.email, OWNER.password);
    expect(r.status).toBe(200);
    owner = cookieOf(r);
  });

  it("reads every conversation as before, with the same analytics and attachments", async () => {
    for (const [id, was] of before) {
      const r = await as(owner, "GET", `/api/conversations/${moved(id)}`);
      expect(r.status).toBe(200);
      const now = (await r.json()) as ConversationDetail;
      const expected = JSON.parse(JSON.stringify(was.detail.events).replaceAll(id, moved(id)));
      expect(now.events).toEqual(expected);
      expect(now.state).toBe(was.detail.state);
      const analytics = await env.DB.prepare("SELECT * FROM analytics_conversations WHERE conversation_id = ?")
        .bind(moved(id))
        .first();
      expect(analytics).toEqual({ ...(was.analytics as object), workspace_id: DST, conversation_id: moved(id) });
    }
    const files = await env.ATTACHMENTS?.list({ prefix: `conversations/${moved(mailId)}/` });
    expect(files?.objects).toHaveLength(1);
    expect(await (await env.ATTACHMENTS?.get(files?.objects[0]?.key as string))?.text()).toContain("sync log line");
    const contact = await as(owner, "POST", "/api/privacy/contacts/find", { email: "rae@customer.example" });
    expect(((await contact.json()) as { conversations: unknown[] }).conversations).toHaveLength(2);
    // Searchable in the new workspace (docs/search.md): its index rows came with it, and its search
    // follower reads the imported log as well.
    const found = await waitFor(
      async () =>
        ((await (await as(owner, "GET", "/api/search?q=photos%20sync")).json()) as { items: { id: string }[] }).items,
      (items) => items.some((i) => i.id === moved(mailId)),
      10_000,
    );
    expect(found.map((i) => i.id)).toContain(moved(mailId));
  });

  it("keeps settings without their secrets, and the bot answers from the rebuilt KB", { timeout: 40_000 }, async () => {
    const site = await env.DB.prepare("SELECT workspace_id, identity_secret FROM sites WHERE key = ?")
      .bind(SITE)
      .first();
    expect(site).toEqual({ workspace_id: DST, identity_secret: null });
    const hook = await env.DB.prepare("SELECT enabled, secret FROM webhooks WHERE workspace_id = ?")
      .bind(DST)
      .first<{ enabled: number; secret: string }>();
    expect(hook?.enabled).toBe(0);
    expect(hook?.secret).not.toBe("move-webhook-secret-0123");
    expect(await (await as(owner, "GET", "/api/privacy/retention")).json()).toMatchObject({
      days: 365,
      mode: "anonymise",
    });
    await waitFor(
      () => env.DB.prepare("SELECT version FROM kb_versions WHERE workspace_id = ? AND current = 1").bind(DST).first(),
      (v) => v !== null,
      20_000,
    );
    const r = await fetchAsCustomer(`${BASE}/v1/conversations?site=${SITE}`, {
      method: "POST",
      headers: json,
      body: "{}",
    });
    const c = (await r.json()) as CreatedConversation;
    const q = `site=${SITE}&token=${encodeURIComponent(c.token)}`;
    await fetchAsCustomer(`${BASE}/v1/conversations/${c.id}/messages?${q}`, {
      method: "POST",
      headers: json,
      body: JSON.stringify({ clientId: "move-after-0001", text: "How do I reset my password?" }),
    });
    const page = await waitFor(
      async () =>
        (await (
          await fetchAsCustomer(`${BASE}/v1/conversations/${c.id}/events?${q}`, { headers: { origin: ORIGIN } })
        ).json()) as EventsPage,
      (p) => p.events.some((e) => e.type === "message" && e.author === "bot"),
      10_000,
    );
    const bot = page.events.find((e) => e.type === "message" && e.author === "bot");
    // The same answer as before the move (the site now leads to the imported workspace).
    expect(bot?.type === "message" && bot.sources?.map((x) => x.articleId)).toEqual(["reset-password"]);
  });

  it("is idempotent: importing the same parts again writes nothing", async () => {
    for (const p of imported) {
      const r = await admin("POST", `/admin/v1/workspace/import?workspace=${DST}`, p, "application/zip");
      expect(r.status).toBe(200);
      const again = (await r.json()) as ImportResult;
      expect(Object.values(again.imported.tables).every((n) => n === 0)).toBe(true);
      expect(again.imported.conversations).toBe(0);
    }
  });

  it("refuses to take over another workspace's keys", async () => {
    const r = await admin("POST", "/admin/v1/workspace/import?workspace=move_other", imported[0], "application/zip");
    expect(r.status).toBe(409);
    expect(await r.text()).toContain(`site ${SITE}`);
  });

  it("is audited on both sides", async () => {
    const trail = (ws: string) =>
      env.DB.prepare("SELECT action FROM privacy_audit WHERE workspace_id = ? ORDER BY seq")
        .bind(ws)
        .all<Pick<PrivacyAuditEntry, "action">>();
    expect((await trail(SRC)).results.map((r) => r.action)).toEqual(
      expect.arrayContaining(["workspace.exported", "workspace.removed"]),
    );
    expect((await trail(DST)).results.map((r) => r.action)).toContain("workspace.imported");
  });
});
