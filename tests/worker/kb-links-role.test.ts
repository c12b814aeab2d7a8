// Agents do not write to the knowledge base (docs/security.md, finding 13): training links (a question
// → the article that answered it, which retrains retrieval at the next publish) and the drafts made
// from them are an editor's or owner's job, like every other KB write.
import { env } from "cloudflare:test";
import { beforeAll, describe, expect, it } from "vitest";
import { call, createAgent, handedOff, publishDemoKb } from "./helpers.ts";

let agent = "";
let editor = "";
let owner = "";
let convo = "";
beforeAll(async () => {
  await publishDemoKb();
  agent = await createAgent("agent@links.example");
  editor = await createAgent("editor@links.example", "editor");
  owner = await createAgent("owner@links.example", "owner");
  const { c, customer } = await handedOff(["my photos look washed out", "I want to talk to a person please"]);
  convo = c.id;
  customer.close();
});

const trained = async () =>
  (
    await env.DB.prepare("SELECT COUNT(*) AS n FROM resolved_questions WHERE conversation_id = ?")
      .bind(convo)
      .first<{ n: number }>()
  )?.n ?? 0;

describe("finding 13: KB drafts and training links", () => {
  it("refuses an agent's training link and an agent's draft, and records nothing", async () => {
    const link = await call(agent, "POST", "/api/kb/links", {
      conversationId: convo,
      question: "my photos look washed out",
      article: "storage-full",
    });
    expect(link.status).toBe(403);
    const draft = await call(agent, "POST", "/api/kb/links", {
      conversationId: convo,
      question: "washed out",
      draft: { id: "agent-draft", title: "Written by an agent", body: "Anything at all." },
    });
    expect(draft.status).toBe(403);
    expect(await trained()).toBe(0);
    expect(await env.DB.prepare("SELECT 1 FROM article_drafts WHERE id = 'agent-draft'").first()).toBeNull();
  });

  it("lets editors and owners link", async () => {
    for (const [who, question] of [
      [editor, "my photos look washed out"],
      [owner, "colours are dull"],
    ] as const) {
      const r = await call(who, "POST", "/api/kb/links", { conversationId: convo, question, article: "storage-full" });
      expect(r.status).toBe(201);
    }
    expect(await trained()).toBe(2);
  });
});
