// What a content team adds for a new workspace's bot (issue #15): synonyms once per workspace, and
// "questions this article answers", one click away in the gap report. Through the real worker.
import { SELF } from "cloudflare:test";
import { beforeAll, describe, expect, it } from "vitest";
import type { ArticleDetail, GapsReport, KbJob } from "../../shared/api.ts";
import type { MessageEvent, ServerFrame } from "../../shared/protocol.ts";
import { asCustomer, BASE, createAgent, createConversation, publishDemoKbWithoutQuestions, q } from "./helpers.ts";

let editor = "";
let agent = "";
beforeAll(async () => {
  // Without kb/'s own questions: blocks, which already answer both questions below the way these
  // tests teach the bot to (plans-and-pricing; recover-deleted-photos).
  await publishDemoKbWithoutQuestions();
  editor = await createAgent("content@lumen.example", "editor");
  agent = await createAgent("agent2@lumen.example", "agent");
});

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

async function untilDone(id: string, ms = 30_000): Promise<KbJob> {
  const end = Date.now() + ms;
  for (;;) {
    const j = (await call<KbJob>(editor, "GET", `/api/kb/jobs/${id}`)).body;
    if (j.status === "done" || j.status === "failed") return j;
    if (Date.now() > end) throw new Error(`job did not finish: ${JSON.stringify(j)}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

async function ask(text: string): Promise<MessageEvent> {
  const c = await createConversation();
  const r = await SELF.fetch(`${BASE}/v1/conversations/${c.id}/messages?${q(c as never)}`, {
    method: "POST",
    headers: asCustomer(c, { "content-type": "application/json", accept: "text/event-stream" }),
    body: JSON.stringify({ clientId: `kc-${crypto.randomUUID().slice(0, 12)}`, text }),
  });
  const frames = (await r.text())
    .split("\n\n")
    .filter((l) => l.startsWith("data: "))
    .map((l) => JSON.parse(l.slice(6)) as ServerFrame);
  const bot = frames.find((f) => f.t === "event" && f.event.type === "message" && f.event.author === "bot");
  if (bot?.t !== "event") throw new Error(`no bot reply: ${JSON.stringify(frames).slice(0, 500)}`);
  return bot.event as MessageEvent;
}

describe("synonyms", () => {
  it("are set once for the workspace by an editor and change the answer after the rebuild", async () => {
    const question = "how do I cancel my plan";
    expect((await ask(question)).action).not.toBe("answer");
    const groups = [
      ["cancel my plan", "downgrade", "cancel subscription"],
      ["bin", "trash"],
    ];
    expect((await call(agent, "PUT", "/api/kb/synonyms", { groups })).status).toBe(403);
    const bad = await call<{ issues: { path: string }[] }>(editor, "PUT", "/api/kb/synonyms", { groups: [["alone"]] });
    expect(bad.status).toBe(400);
    const saved = await call<{ groups: string[][]; job: string }>(editor, "PUT", "/api/kb/synonyms", { groups });
    expect(saved.status).toBe(200);
    expect((await untilDone(saved.body.job)).status).toBe("done");
    expect((await call<{ groups: string[][] }>(agent, "GET", "/api/kb/synonyms")).body.groups).toEqual(groups);
    const after = await ask(question);
    expect(after.action).toBe("answer");
    expect(after.sources?.[0]?.articleId).toBe("plans-and-pricing");
  }, 20_000);
});

describe("questions this article answers", () => {
  it("are added from the gap report with one click, as a draft, and answer once published", async () => {
    // A question the KB's words do not reach ("pictures", "holiday", "tidied"): the bot declines it. (Its
    // first wording, "…are gone from the app", is answered from the deleted-photos article since the
    // KB-only ranking uses the KB's own BM25 temperature.)
    const question = "my holiday pictures are gone after I tidied up the app";
    const before = await ask(question);
    expect(before.action).not.toBe("answer");
    const gaps = (await call<GapsReport>(editor, "GET", "/api/kb/gaps?days=1")).body;
    const group = gaps.groups.find((g) => g.examples.includes(question));
    expect(group, JSON.stringify(gaps.groups)).toBeDefined();
    // The gap report names the article the bot came closest to; the click adds the group's questions to it.
    expect(group?.suggestedArticle).toEqual({
      id: "recover-deleted-photos",
      title: "How do I recover photos I deleted?",
    });
    const added = await call<{ added: number; detail: ArticleDetail }>(
      editor,
      "POST",
      `/api/kb/articles/${group?.suggestedArticle?.id}/questions`,
      { questions: [question, question.toUpperCase()] },
    );
    expect(added.status).toBe(201);
    expect(added.body.added).toBe(1);
    expect(added.body.detail.draft?.article.questions).toEqual([question]);
    // Drafts stay private until published.
    expect((await ask(question)).sources?.[0]?.articleId).not.toBe("recover-deleted-photos");
    const pub = await call<KbJob>(editor, "POST", "/api/kb/publish", { ids: ["recover-deleted-photos"] });
    expect((await untilDone(pub.body.id)).status).toBe("done");
    const after = await ask(question);
    expect(after.action).toBe("answer");
    expect(after.sources?.[0]?.articleId).toBe("recover-deleted-photos");
    expect(
      (await call(agent, "POST", "/api/kb/articles/recover-deleted-photos/questions", { questions: ["x"] })).status,
    ).toBe(403);
  }, 20_000);
});
