// Knowledge management through the real worker: drafts stay private until published, every publish is
// a version with history and rollback, the index switches atomically while questions keep being
// answered, sync with the CLI's endpoints, try-a-question, gaps, per-article figures, agent links,
// and the fences (roles, workspaces).
import { env, SELF } from "cloudflare:test";
import { beforeAll, describe, expect, it } from "vitest";
import type {
  ArticleDetail,
  FiguresReport,
  GapsReport,
  KbJob,
  Library,
  PublishResult,
  TryResult,
} from "../../shared/api.ts";
import type { ArticleInput } from "../../shared/article.ts";
import type { MessageEvent, ServerFrame } from "../../shared/protocol.ts";
import { ADMIN, asCustomer, BASE, createAgent, createConversation, demoArticles, publishDemoKb, q } from "./helpers.ts";

let editor = "";
let agent = "";
let outsider = "";
beforeAll(async () => {
  await publishDemoKb();
  editor = await createAgent("ed@lumen.example", "editor");
  agent = await createAgent("ag@lumen.example", "agent");
  await env.DB.prepare("INSERT OR IGNORE INTO workspaces (id, name, created_at) VALUES ('other', 'Other', 0)").run();
  outsider = await createAgent("ed@other.example", "editor", "other");
});

const LENS: ArticleInput = {
  id: "clean-camera-lens",
  title: "How do I clean my camera lens?",
  category: "devices",
  tags: ["lens", "cleaning", "microfiber"],
  body: "Wipe the camera lens gently with a dry microfiber cloth in small circles. Never use window cleaner or paper towels on the lens coating.",
};

async function call<T>(
  cookie: string,
  method: string,
  path: string,
  body?: unknown,
): Promise<{ status: number; body: T }> {
  const r = await SELF.fetch(`${BASE}${path}`, {
    method,
    headers: { cookie, ...(body === undefined ? {} : { "content-type": "application/json" }) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  return { status: r.status, body: (await r.json()) as T };
}

async function untilDone(cookie: string, job: KbJob, ms = 30_000): Promise<KbJob> {
  const end = Date.now() + ms;
  for (;;) {
    const j = (await call<KbJob>(cookie, "GET", `/api/kb/jobs/${job.id}`)).body;
    if (j.status === "done" || j.status === "failed") return j;
    if (Date.now() > end) throw new Error(`job did not finish: ${JSON.stringify(j)}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

/** One customer exchange over the REST+SSE channel: the bot's reply message. */
async function ask(text: string, conv?: { id: string; token: string }): Promise<MessageEvent> {
  const c = conv ?? (await createConversation());
  const r = await SELF.fetch(`${BASE}/v1/conversations/${c.id}/messages?${q(c as never)}`, {
    method: "POST",
    headers: asCustomer(c, { "content-type": "application/json", accept: "text/event-stream" }),
    body: JSON.stringify({ clientId: `k-${crypto.randomUUID().slice(0, 12)}`, text }),
  });
  const frames = (await r.text())
    .split("\n\n")
    .filter((l) => l.startsWith("data: "))
    .map((l) => JSON.parse(l.slice(6)) as ServerFrame);
  const bot = frames.find((f) => f.t === "event" && f.event.type === "message" && f.event.author === "bot");
  if (bot?.t !== "event") throw new Error(`no bot reply: ${JSON.stringify(frames).slice(0, 500)}`);
  return bot.event as MessageEvent;
}

const currentVersion = async () =>
  (
    await env.DB.prepare("SELECT version FROM kb_versions WHERE workspace_id = 'demo' AND current = 1").first<{
      version: number;
    }>()
  )?.version ?? 0;

describe("drafts and publishing", () => {
  it("keeps a draft away from customers until it is published, then the answer changes", async () => {
    const question = "How should I clean the camera lens, can I use a microfiber cloth?";
    const before = await ask(question);
    expect(before.sources?.[0]?.articleId).not.toBe("clean-camera-lens");

    const created = await call<ArticleDetail>(editor, "POST", "/api/kb/drafts", { article: LENS });
    expect(created.status).toBe(201);
    expect(created.body.draft?.article.title).toBe(LENS.title);
    expect(created.body.published).toBeUndefined();
    const lib = (await call<Library>(editor, "GET", "/api/kb/articles?q=microfiber")).body;
    expect(lib.items.map((i) => [i.id, i.status])).toEqual([["clean-camera-lens", "draft"]]);
    // Not in the published set, not answerable.
    expect((await ask(question)).sources?.[0]?.articleId).not.toBe("clean-camera-lens");
    const pub = await SELF.fetch(`${BASE}/admin/v1/kb/articles?workspace=demo`, { headers: ADMIN });
    expect(
      ((await pub.json()) as { articles: { id: string }[] }).articles.some((a) => a.id === "clean-camera-lens"),
    ).toBe(false);

    const v0 = await currentVersion();
    const queued = await call<KbJob>(editor, "POST", "/api/kb/publish", { ids: ["clean-camera-lens"] });
    expect(queued.status).toBe(202);
    const job = await untilDone(editor, queued.body);
    expect(job).toMatchObject({ status: "done", progress: 1, version: v0 + 1 });
    expect(await currentVersion()).toBe(v0 + 1);

    const after = await ask(question);
    expect(after.action).toBe("answer");
    expect(after.sources?.[0]?.articleId).toBe("clean-camera-lens");
    expect(after.text).toMatch(/microfiber/);
    // The draft is gone; the article is published with one version.
    const detail = (await call<ArticleDetail>(editor, "GET", "/api/kb/articles/clean-camera-lens")).body;
    expect(detail.draft).toBeUndefined();
    expect(detail.published?.version).toBe(v0 + 1);
    expect(detail.versions.map((v) => v.version)).toEqual([v0 + 1]);
  });

  it("rejects bad input at the field and saves nothing", async () => {
    const noTitle = await call<{ error: string; issues: { path: string; message: string }[] }>(
      editor,
      "POST",
      "/api/kb/drafts",
      { article: { ...LENS, id: "no-title", title: "  " } },
    );
    expect(noTitle.status).toBe(400);
    expect(noTitle.body.issues).toContainEqual({ path: "article.title", message: "title is required" });
    const badId = await call<{ issues: { path: string }[] }>(editor, "POST", "/api/kb/drafts", {
      article: { ...LENS, id: "Bad Id" },
    });
    expect(badId.body.issues[0]?.path).toBe("article.id");
    // An id that is published already: a clear 409 at the id, and the published article untouched.
    const dup = await call<{ error: string; issues: { path: string }[] }>(editor, "POST", "/api/kb/drafts", {
      article: { ...LENS, id: "reset-password" },
    });
    expect(dup.status).toBe(409);
    expect(dup.body).toMatchObject({ error: "duplicate_id", issues: [{ path: "article.id" }] });
    const drafts = await env.DB.prepare("SELECT COUNT(*) AS n FROM article_drafts WHERE workspace_id = 'demo'").first<{
      n: number;
    }>();
    expect(drafts?.n).toBe(0);
    // Renaming through save is refused at the id too.
    const rename = await call<{ issues: { path: string }[] }>(editor, "PUT", "/api/kb/drafts/reset-password", {
      article: { ...LENS, id: "other-id" },
    });
    expect(rename.status).toBe(400);
    expect(rename.body.issues[0]?.path).toBe("article.id");
    // A publish with a duplicate id in the payload writes no job and no article.
    const jobsBefore = await env.DB.prepare("SELECT COUNT(*) AS n FROM kb_jobs").first<{ n: number }>();
    const r = await SELF.fetch(`${BASE}/admin/v1/kb/articles?workspace=demo`, {
      method: "PUT",
      headers: ADMIN,
      body: JSON.stringify({ articles: [LENS, LENS] }),
    });
    expect(r.status).toBe(400);
    expect(((await r.json()) as { issues: { path: string }[] }).issues[0]?.path).toBe("articles.1.id");
    expect((await env.DB.prepare("SELECT COUNT(*) AS n FROM kb_jobs").first<{ n: number }>())?.n).toBe(jobsBefore?.n);
  });

  it("records every publish as a version with history, and rolls an article back in one call", async () => {
    const id = "reset-password";
    const original = demoArticles.find((a) => a.id === id);
    const v0 = await currentVersion();
    const edit = async (body: string) => {
      const saved = await call<ArticleDetail>(editor, "PUT", `/api/kb/drafts/${id}`, {
        article: { ...original, body },
      });
      expect(saved.status).toBe(200);
      expect(saved.body.draft?.baseVersion).toBeGreaterThan(0);
      return untilDone(editor, (await call<KbJob>(editor, "POST", "/api/kb/publish", {})).body);
    };
    expect((await edit("First rewrite: open Settings, then Password, then follow the emailed link.")).version).toBe(
      v0 + 1,
    );
    expect((await edit("Second rewrite: tap Forgot password on the sign-in screen.")).version).toBe(v0 + 2);
    const detail = (await call<ArticleDetail>(editor, "GET", `/api/kb/articles/${id}`)).body;
    const history = detail.versions.map((v) => v.version);
    expect(history.slice(0, 2)).toEqual([v0 + 2, v0 + 1]);
    expect(detail.versions[0]?.article?.body).toMatch(/^Second rewrite/);
    expect(detail.versions[1]?.article?.body).toMatch(/^First rewrite/);

    const back = await untilDone(
      editor,
      (await call<KbJob>(editor, "POST", `/api/kb/articles/${id}/rollback`, { version: v0 + 1 })).body,
    );
    expect(back).toMatchObject({ status: "done", version: v0 + 3 });
    const after = (await call<ArticleDetail>(editor, "GET", `/api/kb/articles/${id}`)).body;
    expect(after.published?.body).toMatch(/^First rewrite/);
    expect(after.versions[0]?.version).toBe(v0 + 3);
    // Other articles did not get a version row for a publish that did not change them.
    const others = await env.DB.prepare(
      "SELECT COUNT(*) AS n FROM article_versions WHERE workspace_id = 'demo' AND kb_version > ? AND id != ?",
    )
      .bind(v0, id)
      .first<{ n: number }>();
    expect(others?.n).toBe(0);
    const missing = await call<{ issues: { path: string }[] }>(editor, "POST", `/api/kb/articles/${id}/rollback`, {
      version: 9999,
    });
    expect(missing.status).toBe(404);
  });

  it("unpublishes with a tombstone in the history, and a rollback brings the article back", async () => {
    const v0 = await currentVersion();
    const gone = await untilDone(editor, (await call<KbJob>(editor, "DELETE", "/api/kb/articles/offline-mode")).body);
    expect(gone.version).toBe(v0 + 1);
    const d = (await call<ArticleDetail>(editor, "GET", "/api/kb/articles/offline-mode")).body;
    expect(d.published).toBeUndefined();
    expect(d.versions[0]).toMatchObject({ version: v0 + 1, deleted: true });
    const prior = d.versions.find((v) => !v.deleted);
    expect(prior).toBeDefined();
    await untilDone(
      editor,
      (await call<KbJob>(editor, "POST", "/api/kb/articles/offline-mode/rollback", { version: prior?.version })).body,
    );
    expect(
      (await call<ArticleDetail>(editor, "GET", "/api/kb/articles/offline-mode")).body.published?.title,
    ).toBeTruthy();
  });
});

describe("switching versions", () => {
  it("answers every question during a publish from a complete version, and switches only when the new one is current", async () => {
    const question = "Will window cleaner damage the anti-reflective coating?";
    const old = await currentVersion();
    const coating = {
      ...LENS,
      id: "lens-coating-care",
      title: "Will window cleaner damage the anti-reflective lens coating?",
      tags: ["coating", "anti-reflective", "window-cleaner"],
      body: "Yes: window cleaner, alcohol and ammonia strip the anti-reflective coating of the lens. Breathe on the glass and polish it dry instead.",
    };
    const queued = await call<KbJob>(editor, "POST", "/api/kb/drafts", { article: coating });
    expect(queued.status).toBe(201);
    const job = (await call<KbJob>(editor, "POST", "/api/kb/publish", {})).body;
    // Questions in flight throughout the publish; every one gets a reply, and `current` only ever
    // names a version whose snapshot is already in KV.
    const seenVersions = new Set<number>();
    const answers: Promise<MessageEvent>[] = [];
    let status = job.status;
    while (status !== "done" && status !== "failed") {
      answers.push(ask(question));
      const row = await env.DB.prepare(
        "SELECT version, snapshot_key FROM kb_versions WHERE workspace_id = 'demo' AND current = 1",
      ).first<{ version: number; snapshot_key: string }>();
      if (row) {
        seenVersions.add(row.version);
        expect(await env.KB.get(row.snapshot_key)).not.toBeNull();
      }
      status = (await call<KbJob>(editor, "GET", `/api/kb/jobs/${job.id}`)).body.status;
    }
    answers.push(...Array.from({ length: 5 }, () => ask(question)));
    const replies = await Promise.all(answers);
    expect(replies.length).toBeGreaterThan(5);
    for (const r of replies) expect(["answer", "decline", "handoff"]).toContain(r.action);
    expect([...seenVersions].every((v) => v === old || v === old + 1)).toBe(true);
    expect(await currentVersion()).toBe(old + 1);
    const fresh = await ask(question);
    expect(fresh.sources?.[0]?.articleId).toBe("lens-coating-care");
  });

  it("runs publishes one at a time per workspace, in order, each a new version", async () => {
    const v0 = await currentVersion();
    const a = demoArticles.find((x) => x.id === "storage-full");
    const one = SELF.fetch(`${BASE}/admin/v1/kb/articles?wait=0&workspace=demo`, {
      method: "PUT",
      headers: ADMIN,
      body: JSON.stringify({ articles: [{ ...a, title: "Storage full (1)" }] }),
    });
    const two = SELF.fetch(`${BASE}/admin/v1/kb/articles?wait=0&workspace=demo`, {
      method: "PUT",
      headers: ADMIN,
      body: JSON.stringify({ articles: [{ ...a, title: "Storage full (2)" }] }),
    });
    const jobs = (await Promise.all([(await one).json(), (await two).json()])) as KbJob[];
    const done = await Promise.all(jobs.map((j) => untilDone(editor, j)));
    expect(done.map((j) => j.status)).toEqual(["done", "done"]);
    expect(new Set(done.map((j) => j.version))).toEqual(new Set([v0 + 1, v0 + 2]));
    expect(await currentVersion()).toBe(v0 + 2);
  });
});

describe("sync (kb CLI endpoints)", () => {
  it("push publishes and replaces, an unchanged push builds nothing, --draft stages drafts, pull lists the published set", async () => {
    const push = async (articles: unknown[]) => {
      const r = await SELF.fetch(`${BASE}/admin/v1/kb/articles?workspace=demo`, {
        method: "PUT",
        headers: ADMIN,
        body: JSON.stringify({ articles, replace: true }),
      });
      expect(r.status).toBe(200);
      return (await r.json()) as PublishResult;
    };
    await push(demoArticles);
    const v0 = await currentVersion();
    const same = await push(demoArticles);
    expect(same).toMatchObject({ unchanged: true, version: v0 });
    const fewer = await push(demoArticles.filter((a) => a.id !== "offline-mode"));
    expect(fewer).toMatchObject({ version: v0 + 1, articles: demoArticles.length - 1 });
    const pulled = (await (
      await SELF.fetch(`${BASE}/admin/v1/kb/articles?workspace=demo`, { headers: ADMIN })
    ).json()) as {
      articles: { id: string }[];
    };
    expect(pulled.articles).toHaveLength(demoArticles.length - 1);

    const draft = await SELF.fetch(`${BASE}/admin/v1/kb/drafts?workspace=demo`, {
      method: "PUT",
      headers: ADMIN,
      body: JSON.stringify({ articles: [LENS] }),
    });
    expect(draft.status).toBe(200);
    expect(await currentVersion()).toBe(v0 + 1);
    const lib = (await call<Library>(editor, "GET", "/api/kb/articles?status=unpublished")).body;
    expect(lib.items.map((i) => i.id)).toEqual(["clean-camera-lens"]);
  });
});

describe("try a question", () => {
  it("shows ranking, decision and answer against the published KB or the drafts", async () => {
    await call(editor, "POST", "/api/kb/drafts", { article: LENS });
    const text = "how do I clean the lens with a microfiber cloth";
    const published = (await call<TryResult>(editor, "POST", "/api/kb/try", { text, target: "published" })).body;
    const draft = (await call<TryResult>(editor, "POST", "/api/kb/try", { text, target: "draft" })).body;
    expect(published.ranking[0]?.articleId).not.toBe("clean-camera-lens");
    expect(draft).toMatchObject({ target: "draft", action: "answer", article: "clean-camera-lens" });
    expect(draft.ranking[0]).toMatchObject({ articleId: "clean-camera-lens" });
    expect(draft.ranking[0]?.score).toBeGreaterThan(draft.ranking[1]?.score ?? 0);
    expect(draft.answer).toMatch(/microfiber/);
    const invoices = (
      await call<TryResult>(editor, "POST", "/api/kb/try", { text: "Where can I download my invoices?" })
    ).body;
    expect(invoices).toMatchObject({ action: "answer", article: "invoices-and-receipts" });
    const empty = await call<{ issues: { path: string }[] }>(editor, "POST", "/api/kb/try", { text: " " });
    expect(empty.body.issues[0]?.path).toBe("text");
  });
});

describe("signals: gaps, votes, figures, agent links", () => {
  it("groups failed questions by similarity, counts votes and handoffs per article", async () => {
    let unanswered = 0;
    for (const t of [
      "Can I pay with bitcoin?",
      "Do you accept bitcoin payments",
      "is paying in bitcoin possible?",
      "What is the weather in Paris tomorrow?",
    ]) {
      if ((await ask(t)).action !== "answer" && /bitcoin/.test(t)) unanswered++;
    }
    expect(unanswered).toBeGreaterThanOrEqual(2);
    const c = await createConversation();
    const answer = await ask("Where can I download my invoices?", c);
    expect(answer.action).toBe("answer");
    const vote = (helpful: boolean, messageId = answer.id) =>
      SELF.fetch(`${BASE}/v1/conversations/${c.id}/feedback?${q(c as never)}`, {
        method: "POST",
        headers: asCustomer(c, { "content-type": "application/json" }),
        body: JSON.stringify({ messageId, helpful }),
      });
    expect((await vote(true)).status).toBe(200);
    expect((await vote(false)).status).toBe(200); // a change of mind replaces the vote
    expect((await vote(false, "not-a-message")).status).toBe(404);
    await ask("I want to talk to a person", c);

    const gaps = (await call<GapsReport>(editor, "GET", "/api/kb/gaps")).body;
    const bitcoin = gaps.groups.find((g) => g.examples.some((e) => /bitcoin/i.test(e)));
    expect(bitcoin?.count).toBe(unanswered);
    expect(bitcoin?.examples.every((e) => /bitcoin/i.test(e))).toBe(true);
    // The thumbs-down answer is a gap signal too.
    expect(gaps.groups.some((g) => g.reasons["not-helpful"] === 1 && g.examples.some((e) => /invoices/.test(e)))).toBe(
      true,
    );

    const figures = (await call<FiguresReport>(editor, "GET", "/api/kb/figures")).body;
    const inv = figures.articles.find((a) => a.id === "invoices-and-receipts");
    expect(inv).toMatchObject({ answered: 1, helpful: 0, notHelpful: 1, handoffsAfter: 1 });
    // Reports are editor-only and per workspace.
    expect((await call(agent, "GET", "/api/kb/gaps")).status).toBe(403);
    expect((await call<GapsReport>(outsider, "GET", "/api/kb/gaps")).body.questions).toBe(0);
  });

  it("lets an editor link the article that answered a handed-off conversation, which becomes retrieval history", async () => {
    const c = await createConversation();
    await ask("my photos look washed out after the update", c);
    await ask("I want to talk to a person", c);
    const link = (cookie: string, body: unknown) =>
      call<{ article: string; recorded: number; job?: string; issues?: { path: string }[] }>(
        cookie,
        "POST",
        "/api/kb/links",
        body,
      );
    const r = await link(editor, {
      conversationId: c.id,
      question: "my photos look washed out after the update",
      article: "storage-full",
    });
    expect(r.status).toBe(201);
    expect(r.body).toMatchObject({ article: "storage-full", recorded: 1 });
    const row = await env.DB.prepare(
      "SELECT text, article_id, conversation_id FROM resolved_questions WHERE conversation_id = ?",
    )
      .bind(c.id)
      .first();
    expect(row).toMatchObject({ text: "my photos look washed out after the update", article_id: "storage-full" });
    // The history job retrains: a new version that counts the question.
    const job = await untilDone(editor, { id: r.body.job as string } as KbJob);
    expect(job.status).toBe("done");
    // Linking twice records once; drafting from a reply creates a draft (published later, by an editor).
    expect(
      (
        await link(editor, {
          conversationId: c.id,
          question: "my photos look washed out after the update",
          article: "storage-full",
        })
      ).body.recorded,
    ).toBe(0);
    const drafted = await link(editor, {
      conversationId: c.id,
      question: "washed out colours",
      draft: { id: "washed-out-colours", title: "Colours look washed out", body: "Turn off HDR preview in Settings." },
    });
    expect(drafted.status).toBe(201);
    expect(
      (await call<ArticleDetail>(agent, "GET", "/api/kb/articles/washed-out-colours")).body.draft?.article.title,
    ).toBe("Colours look washed out");
    expect((await call(agent, "POST", "/api/kb/publish", {})).status).toBe(403);
    // Fences: unknown article at the field, another workspace's conversation is missing.
    const unknown = await link(editor, { conversationId: c.id, question: "x", article: "no-such-article" });
    expect(unknown.body.issues?.[0]?.path).toBe("article");
    expect((await link(outsider, { conversationId: c.id, question: "x", article: "storage-full" })).status).toBe(404);
  });

  it("keeps drafts and history per workspace and by role", async () => {
    await call(editor, "POST", "/api/kb/drafts", { article: LENS });
    expect((await call(outsider, "GET", "/api/kb/articles/clean-camera-lens")).status).toBe(404);
    expect((await call<Library>(outsider, "GET", "/api/kb/articles")).body.items).toHaveLength(0);
    expect((await call(outsider, "PUT", "/api/kb/drafts/clean-camera-lens", { article: LENS })).status).toBe(404);
    expect((await call(agent, "POST", "/api/kb/drafts", { article: { ...LENS, id: "agent-draft" } })).status).toBe(403);
    expect((await call(agent, "GET", "/api/kb/articles/clean-camera-lens")).status).toBe(200);
    expect((await SELF.fetch(`${BASE}/api/kb/articles`)).status).toBe(401);
  });
});
