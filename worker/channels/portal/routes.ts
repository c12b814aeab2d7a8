// The help centre: `/hc/:workspace/` (home), `/search`, `/articles/:id` (+ the vote form's POST),
// `/sitemap.xml`; plus `/robots.txt` and the old `/help/:id` links. Every GET page goes through the
// edge cache (cache.ts), keyed by the KB version.
import { Hono, type Context } from "hono";
import { getCookie, setCookie } from "hono/cookie";
import { nanoid } from "nanoid";
import { ARTICLE_ID } from "../../../shared/article.ts";
import type { AppEnv } from "../../env.ts";
import { currentKb, currentVersion, getArticle, listArticles } from "../../knowledge/store.ts";
import { recordPortalVote } from "../../knowledge/signals.ts";
import { cachedPage } from "./cache.ts";
import {
  alternatesOf,
  inLanguage,
  languagesOf,
  normalizeQuery,
  portalInfo,
  relatedOf,
  searchArticles,
} from "./content.ts";
import { articlePage, homePage, notFoundPage, searchPage, sitemap, type PortalInfo } from "./html.ts";

export const portal = new Hono<AppEnv>();

const WORKSPACE = /^[\w-]{1,64}$/;
const HTML = "text/html; charset=utf-8";
const VOTER_COOKIE = "hc_voter";

const articlePath = (ws: string, id: string) => `/hc/${encodeURIComponent(ws)}/articles/${encodeURIComponent(id)}`;

async function load(c: Context<AppEnv>): Promise<{ info: PortalInfo; version: number; config: string } | Response> {
  const ws = c.req.param("ws") ?? "";
  const origin = c.env.PUBLIC_URL ? c.env.PUBLIC_URL.replace(/\/$/, "") : new URL(c.req.url).origin;
  const info = WORKSPACE.test(ws) ? await portalInfo(c.env, ws, origin) : null;
  if (!info) return c.text("No help centre here.", 404);
  const version = (await currentVersion(c.env, ws)) ?? 0;
  return {
    info,
    version,
    config: `${info.name}|${info.siteKey ?? ""}|${origin}|${info.brand.color ?? ""}|${info.brand.logo ?? ""}`,
  };
}

portal.get("/hc/:ws", (c) => c.redirect(`/hc/${encodeURIComponent(c.req.param("ws"))}/`, 301));

portal.get("/hc/:ws/", async (c) => {
  const l = await load(c);
  if (l instanceof Response) return l;
  const hl = (c.req.query("hl") ?? "").slice(0, 5).toLowerCase();
  // Only a language the help centre has makes a distinct page (and cache entry).
  return cachedPage(
    c,
    {
      workspaceId: l.info.workspaceId,
      version: l.version,
      config: l.config,
      page: `/home?hl=${encodeURIComponent(hl)}`,
      contentType: HTML,
    },
    async () => {
      const all = await listArticles(c.env.DB, l.info.workspaceId);
      const langs = languagesOf(all);
      const lang = langs.includes(hl) ? hl : (langs[0] ?? "en");
      return { status: 200, body: homePage(l.info, lang, inLanguage(all, lang), langs) };
    },
  );
});

portal.get("/hc/:ws/search", async (c) => {
  const l = await load(c);
  if (l instanceof Response) return l;
  const q = normalizeQuery(c.req.query("q"));
  const hl = (c.req.query("hl") ?? "").slice(0, 5).toLowerCase();
  const page = `/search?hl=${encodeURIComponent(hl)}&q=${encodeURIComponent(q.toLowerCase())}`;
  return cachedPage(
    c,
    { workspaceId: l.info.workspaceId, version: l.version, config: l.config, page, contentType: HTML },
    async () => {
      const [all, kb] = await Promise.all([
        listArticles(c.env.DB, l.info.workspaceId),
        currentKb(c.env, l.info.workspaceId),
      ]);
      const langs = languagesOf(all);
      const lang = langs.includes(hl) ? hl : (langs[0] ?? "en");
      return { status: 200, body: searchPage(l.info, lang, q, searchArticles(kb?.index ?? null, all, q, lang)) };
    },
  );
});

portal.get("/hc/:ws/articles/:id", async (c) => {
  const l = await load(c);
  if (l instanceof Response) return l;
  const id = c.req.param("id");
  const v = c.req.query("voted");
  const voted = v === "yes" || v === "no" ? v : undefined;
  const page = `/articles/${id}${voted ? `?voted=${voted}` : ""}`;
  return cachedPage(
    c,
    { workspaceId: l.info.workspaceId, version: l.version, config: l.config, page, contentType: HTML },
    async () => {
      if (!ARTICLE_ID.test(id)) return { status: 404, body: notFoundPage(l.info) };
      const all = await listArticles(c.env.DB, l.info.workspaceId);
      const article = all.find((a) => a.id === id);
      if (!article) return { status: 404, body: notFoundPage(l.info) };
      const ws = l.info.workspaceId;
      return {
        status: 200,
        body: articlePage(l.info, {
          article,
          alternates: alternatesOf(article, all, (x) => articlePath(ws, x)),
          related: relatedOf(article, all),
          ...(voted ? { voted } : {}),
        }),
      };
    },
  );
});

/** "Was this helpful?" without JavaScript: a form POST, then a redirect to the thank-you state. */
portal.post("/hc/:ws/articles/:id/vote", async (c) => {
  const ws = c.req.param("ws");
  const id = c.req.param("id");
  // Browsers send Origin on form POSTs: a vote from another site's page is not a reader's vote.
  const origin = c.req.header("origin");
  if (origin && origin !== new URL(c.req.url).origin && origin !== "null")
    return c.text("Votes come from the help centre's own pages.", 403);
  if (!WORKSPACE.test(ws) || !ARTICLE_ID.test(id) || !(await getArticle(c.env.DB, ws, id)))
    return c.text("No such article.", 404);
  const form = await c.req.parseBody();
  const helpful = form.helpful === "yes" ? true : form.helpful === "no" ? false : null;
  if (helpful === null) return c.text('helpful must be "yes" or "no".', 400);
  // One vote per reader and article (a second one replaces the first), like one per answer in the widget.
  let voter = getCookie(c, VOTER_COOKIE) ?? "";
  if (!/^[\w-]{16,40}$/.test(voter)) {
    voter = nanoid(21);
    setCookie(c, VOTER_COOKIE, voter, {
      path: "/hc/",
      httpOnly: true,
      sameSite: "Lax",
      maxAge: 365 * 86400,
      secure: c.req.url.startsWith("https:"),
    });
  }
  await recordPortalVote(c.env.DB, ws, voter, id, helpful);
  return c.redirect(`${articlePath(ws, id)}?voted=${helpful ? "yes" : "no"}#helpful`, 303);
});

portal.get("/hc/:ws/sitemap.xml", async (c) => {
  const l = await load(c);
  if (l instanceof Response) return l;
  return cachedPage(
    c,
    {
      workspaceId: l.info.workspaceId,
      version: l.version,
      config: l.config,
      page: "/sitemap.xml",
      contentType: "application/xml; charset=utf-8",
    },
    async () => {
      const all = await listArticles(c.env.DB, l.info.workspaceId);
      return { status: 200, body: sitemap(l.info, all, languagesOf(all)) };
    },
  );
});

/** Help centres are for search engines; the APIs, the console and the demo are not. */
portal.get("/robots.txt", async (c) => {
  const origin = c.env.PUBLIC_URL ? c.env.PUBLIC_URL.replace(/\/$/, "") : new URL(c.req.url).origin;
  const rows = await c.env.DB.prepare(
    "SELECT DISTINCT workspace_id FROM articles ORDER BY workspace_id LIMIT 1000",
  ).all<{ workspace_id: string }>();
  const maps = rows.results
    .map((r) => `Sitemap: ${origin}/hc/${encodeURIComponent(r.workspace_id)}/sitemap.xml`)
    .join("\n");
  const body = `User-agent: *\nAllow: /hc/\nDisallow: /v1/\nDisallow: /api/\nDisallow: /admin/\nDisallow: /rest/\nDisallow: /console/\nDisallow: /demo/\nDisallow: /hc/*/search\n${maps ? `\n${maps}\n` : ""}`;
  return c.text(body, 200, { "cache-control": "public, max-age=3600" });
});

/** Links from before the portal (bot answers, bookmarks): the article's help-centre page. */
portal.get("/help/:id", (c) => {
  const ws = c.req.query("workspace") ?? "demo";
  if (!WORKSPACE.test(ws)) return c.text("No help centre here.", 404);
  return c.redirect(articlePath(ws, c.req.param("id")), 301);
});
