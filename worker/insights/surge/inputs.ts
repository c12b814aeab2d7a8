// What the planner reads, gathered from the live desk: the workspace inbox (queued and claimed
// conversations), each conversation's own record (customer words, handoff packet, identity), and KB
// the bot's draft over the customer's words. The bot's deterministic mode (worker/answer/draft.ts:
// embedded retriever, extractive composer) is used on purpose even when the bot runs hybrid/LLM, so a
// replay decides the same.
import type { InboxItem } from "../../../shared/api.ts";
import { isVerifiedField } from "../../../shared/protocol.ts";
import type { SurgeFilters } from "../../../shared/surge.ts";
import { draft } from "../../answer/draft.ts";
import type { Env } from "../../env.ts";
import { currentKb, listArticles } from "../../knowledge/store.ts";
import type { KbHit, PlanInput } from "./propose.ts";
import { inScope } from "./scope.ts";

const isVip = (v: unknown): boolean => v === true || v === "true" || v === 1 || v === "yes";

export async function publishedIds(env: Env, workspaceId: string): Promise<Set<string>> {
  return new Set((await listArticles(env.DB, workspaceId)).map((a) => a.id));
}

export async function gatherInputs(
  env: Env,
  workspaceId: string,
  filters: SurgeFilters,
  baseUrl: string,
  now: number,
): Promise<PlanInput[]> {
  const inbox = env.INBOX.get(env.INBOX.idFromName(workspaceId));
  const items: InboxItem[] = (await inbox.list()).filter((i) => i.state === "queued" || i.state === "agent");
  const kb = await currentKb(env, workspaceId);
  const published = await publishedIds(env, workspaceId);
  const out: PlanInput[] = [];
  for (const item of items) {
    const d = await env.CONVERSATION.get(env.CONVERSATION.idFromName(item.id)).detail();
    const text = d.events
      .filter((e) => e.type === "message" && e.author === "customer")
      .map((e) => (e.type === "message" ? e.text : ""))
      .join("\n");
    // Signed attributes only (a v2 signature or an API key): a v1 signature leaves them the page's claims.
    const verifiedVip = isVerifiedField(d.identity, "attributes") && isVip(d.identity?.attributes?.vip);
    const priority = d.priority ?? d.handoff?.priority;
    let hit: KbHit | undefined;
    if (kb && text.trim()) {
      const found = await draft(kb, text, { workspaceId, baseUrl, locale: d.handoff?.locale ?? "en" });
      if (found) {
        const top = found.article;
        hit = {
          articleId: top.articleId,
          title: top.title,
          url: found.source.url,
          score: Math.round(top.score * 1000) / 1000,
          handoff: top.handoff,
          team: top.team,
          category: top.article.category,
          answer: found.text,
          published: published.has(top.articleId),
        };
      }
    }
    const category = d.handoff?.category ?? hit?.category;
    const input: PlanInput = {
      id: item.id,
      text,
      createdAt: item.createdAt,
      ...(item.slaDueAt !== undefined ? { slaDueAt: item.slaDueAt } : {}),
      ...(priority ? { priority } : {}),
      ...(category ? { category } : {}),
      channel: d.channel,
      ...(d.followUp ? { mailsReplies: true } : {}),
      vip: verifiedVip,
      ...((d.handoff?.team ?? item.team) ? { team: d.handoff?.team ?? item.team } : {}),
      ...(hit ? { hit } : {}),
    };
    if (
      inScope(
        {
          id: input.id,
          text,
          createdAt: input.createdAt,
          channel: input.channel,
          vip: input.vip,
          ...(priority ? { priority } : {}),
          ...(category ? { category } : {}),
        },
        filters,
        now,
      )
    )
      out.push(input);
  }
  return out.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}
