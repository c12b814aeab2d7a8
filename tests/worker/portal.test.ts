// The help centre through the real worker: pages, escaping, semantics and meta tags, the edge cache
// and its invalidation by a publish, ETags, search, the sitemap, the no-JS vote form, old links.
import { env, SELF } from "cloudflare:test";
import { bearer } from "../../shared/credentials.ts";
import { beforeAll, describe, expect, it } from "vitest";
import type { ArticleInput } from "../../shared/article.ts";
import type { FiguresReport } from "../../shared/api.ts";
import { ADMIN, BASE, createAgent, demoArticles, publishDemoKb } from "./helpers.ts";

const HC = `${BASE}/hc/demo`;

async function publish(articles: ArticleInput[]): Promise<void> {
  const r = await SELF.fetch(`${BASE}/admin/v1/kb/articles?workspace=demo`, {
    method: "PUT",
    headers: ADMIN,
    body: JSON.stringify({ articles }),
  });
  expect(r.status).toBe(200);
}

beforeAll(async () => {
  await publishDemoKb();
});

describe("help centre pages", () => {
  it("home lists categories with their articles, a search form and the widget with the portal site key", async () => {
    const r = await SELF.fetch(`${HC}/`);
    expect(r.status).toBe(200);
    expect(r.headers.get("content-type")).toContain("text/html");
    const html = await r.text();
    expect(html).toContain('<html lang="en">');
    expect(html).toMatch(/<h2 id="c-account">Account<\/h2>/);
    expect(html).toContain(`href="/hc/demo/articles/reset-password"`);
    expect(html).not.toContain("/hc/demo/articles/es-reset-password"); // Spanish has its own home
    expect(html).toMatch(/<form class="s" role="search" action="\/hc\/demo\/search" method="get">/);
    expect(html).toContain('<script src="/widget.js" data-site="demo_portal" data-locale="en" async></script>');
    expect(html).toContain('hreflang="es"');
    const es = await (await SELF.fetch(`${HC}/?hl=es`)).text();
    expect(es).toContain('<html lang="es">');
    expect(es).toContain("/hc/demo/articles/es-reset-password");
    expect((await SELF.fetch(`${BASE}/hc/demo`, { redirect: "manual" })).headers.get("location")).toBe("/hc/demo/");
    expect((await SELF.fetch(`${BASE}/hc/nope/`)).status).toBe(404);
  });

  it("an article page: semantics, meta description, Open Graph, canonical, hreflang, breadcrumbs, vote form, widget with the article", async () => {
    const r = await SELF.fetch(`${HC}/articles/reset-password`);
    expect(r.status).toBe(200);
    const html = await r.text();
    for (const tag of ["<header", "<main", "<article", '<nav class="crumbs"', "<footer"]) expect(html).toContain(tag);
    expect(html).toMatch(/<h1 id="t">How do I reset my password\?<\/h1>/);
    expect(html).toMatch(/<meta name="description" content="[^"]{20,}">/);
    expect(html).toContain('<link rel="canonical" href="http://localhost:8787/hc/demo/articles/reset-password">');
    expect(html).toContain('<meta property="og:type" content="article">');
    expect(html).toContain('<meta property="og:title" content="How do I reset my password?">');
    expect(html).toContain(
      '<link rel="alternate" hreflang="es" href="http://localhost:8787/hc/demo/articles/es-reset-password">',
    );
    expect(html).toContain(
      '<link rel="alternate" hreflang="en" href="http://localhost:8787/hc/demo/articles/reset-password">',
    );
    expect(html).toContain('<form class="vote" method="post" action="/hc/demo/articles/reset-password/vote">');
    expect(html).toContain('data-article="reset-password"');
    const es = await (await SELF.fetch(`${HC}/articles/es-reset-password`)).text();
    expect(es).toContain('<html lang="es">');
    expect(es).toContain("¿Te resultó útil este artículo?");
    expect(es).toContain('data-locale="es" data-article="es-reset-password"');
    const missing = await SELF.fetch(`${HC}/articles/no-such-article`);
    expect(missing.status).toBe(404);
    expect(await missing.text()).toContain("Article not found");
  });

  it("escapes article text everywhere: title, meta tags, body, search results", async () => {
    const evil = '<script>alert("x")</script> & "quotes"';
    await publish([
      {
        id: "evil-title",
        title: evil,
        category: "x<y",
        body: `Body with <img src=x onerror=alert(1)> and [link](javascript:alert(1)) ${evil}`,
      },
    ]);
    const html = await (await SELF.fetch(`${HC}/articles/evil-title`)).text();
    expect(html).not.toContain("<script>alert");
    expect(html).not.toContain("<img src=x");
    expect(html).not.toContain('href="javascript:');
    expect(html).toContain("&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &quot;quotes&quot;");
    expect(html).toMatch(/<meta property="og:title" content="&lt;script&gt;[^"]*">/);
    const search = await (
      await SELF.fetch(`${HC}/search?q=${encodeURIComponent('"><script>alert(1)</script>')}`)
    ).text();
    expect(search).not.toContain("<script>alert(1)");
    expect(search).toContain("&lt;script&gt;alert(1)&lt;/script&gt;");
  });
});

describe("edge cache", () => {
  it("caches pages by KB version (a publish invalidates them) and answers If-None-Match with 304", async () => {
    const url = `${HC}/articles/storage-full`;
    const first = await SELF.fetch(url);
    await first.text();
    expect(first.headers.get("cache-control")).toBe("public, max-age=60, s-maxage=86400");
    const etag = first.headers.get("etag") ?? "";
    expect(etag).toMatch(/^"hc-\d+-[0-9a-f]{8}"$/);
    // The put happens after the response (waitUntil): poll until the edge has it.
    let cached = "";
    for (let i = 0; i < 50 && cached !== "hit"; i++) {
      const r = await SELF.fetch(url);
      await r.text();
      cached = r.headers.get("x-edgedesk-cache") ?? "";
    }
    expect(cached).toBe("hit");
    const revalidated = await SELF.fetch(url, { headers: { "if-none-match": etag } });
    expect(revalidated.status).toBe(304);

    const article = demoArticles.find((a) => a.id === "storage-full");
    if (!article) throw new Error("fixture");
    await publish([{ ...article, title: "Storage full? Here is what to do" }]);
    const after = await SELF.fetch(url, { headers: { "if-none-match": etag } });
    expect(after.status).toBe(200);
    expect(after.headers.get("x-edgedesk-cache")).toBe("miss");
    expect(after.headers.get("etag")).not.toBe(etag);
    expect(await after.text()).toContain("Storage full? Here is what to do");
    // Junk query parameters share the page's cache entry instead of making new ones.
    const junk = await SELF.fetch(`${url}?utm_source=x&cachebust=${Date.now()}`);
    await junk.text();
    expect(junk.headers.get("etag")).toBe(after.headers.get("etag"));
  });
});

describe("search", () => {
  it("finds articles by title and by what the bot's retrieval engine would answer with", async () => {
    const html = await (await SELF.fetch(`${HC}/search?q=${encodeURIComponent("forgot my password")}`)).text();
    expect(html).toContain('<meta name="robots" content="noindex">');
    // One search form: the results page's own, filled with the query; no second one in the header.
    expect(html.match(/role="search"/g)).toHaveLength(1);
    expect(html).toContain('value="forgot my password"');
    const links = [...html.matchAll(/<li><a href="\/hc\/demo\/articles\/([\w-]+)"/g)].map((m) => m[1]);
    expect(links[0]).toBe("reset-password");
    const byTitle = await (await SELF.fetch(`${HC}/search?q=invoic`)).text();
    expect(byTitle).toContain("/hc/demo/articles/invoices-and-receipts");
    const es = await (await SELF.fetch(`${HC}/search?q=${encodeURIComponent("olvidé mi contraseña")}&hl=es`)).text();
    expect(es).toContain("/hc/demo/articles/es-reset-password");
    const none = await (await SELF.fetch(`${HC}/search?q=zzzqqq`)).text();
    expect(none).toContain("No articles match");
  });
});

describe("sitemap and robots", () => {
  it("lists every published article and each language's home; robots.txt points at it", async () => {
    const r = await SELF.fetch(`${HC}/sitemap.xml`);
    expect(r.headers.get("content-type")).toContain("application/xml");
    const xml = await r.text();
    expect(xml).toContain('<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">');
    const locs = [...xml.matchAll(/<loc>([^<]+)<\/loc>/g)].map((m) => m[1]);
    for (const a of demoArticles) expect(locs).toContain(`http://localhost:8787/hc/demo/articles/${a.id}`);
    expect(locs).toContain("http://localhost:8787/hc/demo/?hl=es");
    expect(xml).toMatch(/<lastmod>\d{4}-\d{2}-\d{2}<\/lastmod>/);
    const robots = await (await SELF.fetch(`${BASE}/robots.txt`)).text();
    expect(robots).toContain("Sitemap: http://localhost:8787/hc/demo/sitemap.xml");
    expect(robots).toContain("Disallow: /api/");
  });
});

describe("was this helpful?", () => {
  it("records a form POST into the helpful-vote store (one per reader, replaceable) and redirects to a thank-you state", async () => {
    const vote = (helpful: string, cookie = "") =>
      SELF.fetch(`${HC}/articles/backup-videos/vote`, {
        method: "POST",
        redirect: "manual",
        headers: {
          "content-type": "application/x-www-form-urlencoded",
          origin: "http://localhost:8787",
          ...(cookie ? { cookie } : {}),
        },
        body: `helpful=${helpful}`,
      });
    const r = await vote("yes");
    expect(r.status).toBe(303);
    expect(r.headers.get("location")).toBe("/hc/demo/articles/backup-videos?voted=yes#helpful");
    const cookie = (r.headers.get("set-cookie") ?? "").split(";")[0] as string;
    expect(cookie).toMatch(/^hc_voter=[\w-]{21}$/);
    const rows = () =>
      env.DB.prepare("SELECT helpful, conversation_id FROM answer_votes WHERE article_id = 'backup-videos'").all<{
        helpful: number;
        conversation_id: string;
      }>();
    expect((await rows()).results).toEqual([{ helpful: 1, conversation_id: `portal:${cookie.split("=")[1]}` }]);
    // The same reader changes their mind: still one vote.
    expect((await vote("no", cookie)).status).toBe(303);
    expect((await rows()).results.map((x) => x.helpful)).toEqual([0]);
    const thanks = await (await SELF.fetch(`${HC}/articles/backup-videos?voted=no`)).text();
    expect(thanks).toContain('data-testid="vote-thanks"');
    expect(thanks).not.toContain('<form class="vote"');
    // Figures count it like a widget thumb.
    const editor = await createAgent("hc-editor@lumen.example", "editor");
    const figures = (await (
      await SELF.fetch(`${BASE}/api/kb/figures`, { headers: { cookie: editor } })
    ).json()) as FiguresReport;
    expect(figures.articles.find((a) => a.id === "backup-videos")).toMatchObject({ helpful: 0, notHelpful: 1 });

    expect((await vote("maybe")).status).toBe(400);
    const foreign = await SELF.fetch(`${HC}/articles/backup-videos/vote`, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded", origin: "https://evil.example" },
      body: "helpful=no",
    });
    expect(foreign.status).toBe(403);
    const missing = await SELF.fetch(`${HC}/articles/nope/vote`, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: "helpful=yes",
    });
    expect(missing.status).toBe(404);
  });
});

describe("links and the portal site", () => {
  it("redirects old /help/:id links to the help centre", async () => {
    const r = await SELF.fetch(`${BASE}/help/reset-password`, { redirect: "manual" });
    expect(r.status).toBe(301);
    expect(r.headers.get("location")).toBe("/hc/demo/articles/reset-password");
  });

  it("the portal site key works from the worker's own origin and nowhere else; the article travels into the handoff packet", async () => {
    const create = (origin: string) =>
      SELF.fetch(`${BASE}/v1/conversations?site=demo_portal`, {
        method: "POST",
        headers: { origin, "content-type": "application/json" },
        body: JSON.stringify({
          locale: "en",
          channel: "portal",
          article: "reset-password",
          pageUrl: `${HC}/articles/reset-password`,
        }),
      });
    expect((await create("https://elsewhere.example")).status).toBe(403);
    const r = await create("http://localhost:8787");
    expect(r.status).toBe(201);
    const conv = (await r.json()) as { id: string; token: string };
    const h = await SELF.fetch(`${BASE}/v1/conversations/${conv.id}/handoff?site=demo_portal`, {
      method: "POST",
      headers: { origin: "http://localhost:8787", "content-type": "application/json", ...bearer(conv.token) },
      body: "{}",
    });
    expect(h.status).toBe(202);
    const stub = env.CONVERSATION.get(env.CONVERSATION.idFromName(conv.id));
    const detail = await stub.detail();
    expect(detail.handoff?.contextArticle).toBe("reset-password");
  });
});
