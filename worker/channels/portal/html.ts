// The help centre's pages as strings (pure: no bindings, no Request), so they can be tested and
// measured on their own. Readable without any script: the only scripts are the widget loader (async,
// deferred by the browser until after parsing) and a one-line "chat with us" hook.
import type { Article } from "../../../shared/article.ts";
import { COLOR_PATTERN, IMAGE_URL_PATTERN, inkOn } from "../../../shared/color.ts";
import { FAVICON_LINK } from "../../pages/favicon.ts";
import { escapeHtml as esc, renderMarkdown } from "../../pages/markdown.ts";
import { cleanMarkdown } from "../../answer/engine/chunk.ts";

export type PortalInfo = {
  workspaceId: string;
  /** Display name of the workspace, e.g. "Lumen (demo)". */
  name: string;
  /** The portal site key the widget runs with on these pages; null: no widget. */
  siteKey: string | null;
  /** Absolute origin for canonical URLs, Open Graph and the sitemap. */
  origin: string;
  /** The workspace's colour (six-digit hex) and logo (https URL), checked again by `brandCss`/`layout`. */
  brand: { color?: string; logo?: string };
};

export type Alternate = { locale: string; href: string };
export type SearchHit = { id: string; title: string; category: string; excerpt: string };

const languageNames: Record<string, string> = {
  en: "English",
  es: "Español",
  pt: "Português",
  fr: "Français",
  de: "Deutsch",
};
export const languageName = (l: string): string => languageNames[l.slice(0, 2)] ?? l;

/** "account" → "Account", "getting-started" → "Getting started". */
export const categoryLabel = (c: string): string => {
  const t = c.replace(/[-_]+/g, " ").trim();
  return t ? t[0]?.toUpperCase() + t.slice(1) : "General";
};

const strings = {
  en: {
    home: "Help centre",
    search: "Search",
    placeholder: "Search articles",
    results: "Results for",
    none: "No articles match",
    helpful: "Was this article helpful?",
    yes: "Yes",
    no: "No",
    thanks: "Thanks for your feedback!",
    sorry: "Thanks — we'll use your feedback to improve this article.",
    still: "Still need help?",
    chat: "Chat with us",
    updated: "Updated",
    related: "More in",
    other: "Other languages",
    skip: "Skip to content",
    crumbs: "Breadcrumb",
  },
  es: {
    home: "Centro de ayuda",
    search: "Buscar",
    placeholder: "Buscar artículos",
    results: "Resultados para",
    none: "Ningún artículo coincide con",
    helpful: "¿Te resultó útil este artículo?",
    yes: "Sí",
    no: "No",
    thanks: "¡Gracias por tu opinión!",
    sorry: "Gracias: usaremos tu opinión para mejorar este artículo.",
    still: "¿Aún necesitas ayuda?",
    chat: "Escríbenos",
    updated: "Actualizado",
    related: "Más en",
    other: "Otros idiomas",
    skip: "Saltar al contenido",
    crumbs: "Ruta de navegación",
  },
};
type Strings = (typeof strings)["en"];
const t = (lang: string): Strings => (lang.startsWith("es") ? strings.es : strings.en);

/** First plain-text sentence(s) of the body, for the meta description and search excerpts. */
export function plainExcerpt(md: string, max = 160): string {
  // The bot's own Markdown cleaner, so "Settings > Backup" reads the same in answers and excerpts.
  const text = cleanMarkdown(md.replace(/^#{1,6}\s+.*$/gm, " "))
    .replace(/^\s*(?:-|\d+[.)])\s+/gm, "")
    .replace(/\s+/g, " ")
    .trim();
  if (text.length <= max) return text;
  const cut = text.slice(0, max - 1);
  return `${cut.slice(0, Math.max(cut.lastIndexOf(" "), max / 2)).trimEnd()}…`;
}

// Inline and tiny (~1.5 KB): a stylesheet request would cost a round trip before first paint.
const CSS = `:root{--b:#1f3b73;--a:#1d4ed8;--i:#fff}*{box-sizing:border-box}body{font:16px/1.6 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:0;color:#1d2430;background:#f6f7fb}
a{color:#1d4ed8}.skip{position:absolute;left:-999px}.skip:focus{left:8px;top:8px;background:#fff;padding:6px 10px;z-index:9}
.top{background:var(--b);color:var(--i)}.top .in{display:flex;gap:16px;align-items:center;justify-content:space-between;flex-wrap:wrap}
.in{max-width:860px;margin:0 auto;padding:12px 20px}.brand{color:var(--i);text-decoration:none;font-weight:650;font-size:1.1rem;display:inline-flex;align-items:center;gap:10px}.brand img{height:32px;width:auto;max-width:160px;border-radius:6px;background:#fff}
.top nav a{color:var(--i);margin-left:14px;font-size:.9rem}form.s{display:flex;gap:8px;margin:0}
.s input{flex:1;min-width:0;font:inherit;padding:9px 12px;border:1px solid #c5cbd8;border-radius:8px}
.s button,.vote button,.ask{font:inherit;padding:8px 14px;border-radius:8px;border:1px solid var(--a);background:var(--a);color:var(--i);cursor:pointer}
.hero{background:var(--b);color:var(--i);padding:8px 0 28px}.hero .s button{border-color:var(--i)}.hero h1{margin:8px 0 14px;font-size:1.7rem}
.page{max-width:860px;margin:0 auto;padding:20px 20px 90px}.card{background:#fff;border-radius:12px;padding:24px 28px;box-shadow:0 1px 3px #0001;margin-bottom:18px}
.cats{display:grid;grid-template-columns:repeat(auto-fill,minmax(250px,1fr));gap:16px;margin-bottom:18px}.cats section{background:#fff;border-radius:12px;padding:16px 20px;box-shadow:0 1px 3px #0001}
.cats h2{font-size:1.05rem;margin:0 0 6px}ul.l{list-style:none;padding:0;margin:0}ul.l li{padding:4px 0}
h1{line-height:1.25}article h1{font-size:1.7rem;margin:0 0 6px}.meta{color:#5b6475;font-size:.9rem;margin:0 0 18px}
code{background:#eef1f6;padding:1px 4px;border-radius:4px}.crumbs ol{list-style:none;padding:0;margin:0 0 12px;display:flex;flex-wrap:wrap;gap:6px;font-size:.9rem}
.crumbs li+li::before{content:"›";margin-right:6px;color:#8a93a5}.vote{display:flex;gap:10px;align-items:center;flex-wrap:wrap}
.vote p{margin:0;font-weight:600}.vote button.no{background:#fff;color:#1d4ed8;border-color:#1d4ed8}.hits li{padding:10px 0;border-bottom:1px solid #eceff5}
.hits p{margin:2px 0 0;color:#4a5364;font-size:.93rem}.muted{color:#5b6475}footer{color:#5b6475;font-size:.85rem;text-align:center;padding:20px}
@media (max-width:600px){.card{padding:18px}.hero h1{font-size:1.4rem}}`;

type Layout = {
  info: PortalInfo;
  title: string;
  description: string;
  lang: string;
  /** Path of this page (canonical URL = origin + path). */
  path: string;
  ogType?: "website" | "article";
  alternates?: Alternate[];
  /** Article id: the widget starts new conversations with it as context. */
  article?: string;
  /** Keep this URL out of search engines (search results, thank-you states). */
  noindex?: boolean;
  hero?: string;
  /** The page has its own search form (the results page), so the header's would be a second one. */
  ownSearch?: boolean;
  body: string;
};

/**
 * The workspace's colour as the page's custom properties; nothing unless it is a six-digit hex colour
 * (stored values were checked on the way in; this is the line a stylesheet must not cross twice).
 */
export function brandCss(brand: PortalInfo["brand"]): string {
  const c = brand.color;
  return c && COLOR_PATTERN.test(c) ? `:root{--b:${c};--a:${c};--i:${inkOn(c)}}` : "";
}

const logoImg = (brand: PortalInfo["brand"]): string =>
  brand.logo && IMAGE_URL_PATTERN.test(brand.logo)
    ? `<img src="${esc(brand.logo)}" alt="" referrerpolicy="no-referrer">`
    : "";

const base = (info: PortalInfo) => `/hc/${encodeURIComponent(info.workspaceId)}`;

/**
 * The one inline script: shows the "chat with us" section and opens the widget from its button. The
 * pages' Content-Security-Policy allows exactly this text by its hash (worker/middleware/headers.ts),
 * so keep it free of interpolation.
 */
export const ASK_SCRIPT =
  'for(const b of document.querySelectorAll("[data-edgedesk-open]")){b.hidden=false;b.querySelector("button").addEventListener("click",()=>{const e=window.EdgeDesk=window.EdgeDesk||{q:[]};e.open?e.open():e.q.push(["open"])})}';

function searchForm(info: PortalInfo, lang: string, q = ""): string {
  const s = t(lang);
  return `<form class="s" role="search" action="${base(info)}/search" method="get"><label class="skip" for="q">${s.search}</label><input id="q" type="search" name="q" value="${esc(q)}" placeholder="${s.placeholder}" maxlength="200" autocomplete="off"><input type="hidden" name="hl" value="${esc(lang)}"><button type="submit">${s.search}</button></form>`;
}

export function layout(p: Layout): string {
  const s = t(p.lang);
  const canonical = p.info.origin + p.path;
  const alt = (p.alternates ?? [])
    .map((a) => `<link rel="alternate" hreflang="${esc(a.locale)}" href="${esc(p.info.origin + a.href)}">`)
    .join("");
  const fullTitle = `${p.title} · ${p.info.name}`;
  const widget = p.info.siteKey
    ? `<script src="/widget.js" data-site="${esc(p.info.siteKey)}" data-locale="${esc(p.lang.slice(0, 2))}"${p.article ? ` data-article="${esc(p.article)}"` : ""} async></script>`
    : "";
  return `<!doctype html>
<html lang="${esc(p.lang)}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${esc(fullTitle)}</title>
<meta name="description" content="${esc(p.description)}">${FAVICON_LINK}
<link rel="canonical" href="${esc(canonical)}">${alt}${p.noindex ? '<meta name="robots" content="noindex">' : ""}
<meta property="og:type" content="${p.ogType ?? "website"}"><meta property="og:title" content="${esc(p.title)}"><meta property="og:description" content="${esc(p.description)}"><meta property="og:url" content="${esc(canonical)}"><meta property="og:site_name" content="${esc(p.info.name)}"><meta property="og:locale" content="${esc(p.lang.replace("-", "_"))}"><meta name="twitter:card" content="summary">
<style>${CSS}${brandCss(p.info.brand)}</style></head><body><a class="skip" href="#main">${s.skip}</a>
<header class="top"><div class="in"><a class="brand" href="${base(p.info)}/${p.lang.startsWith("en") ? "" : `?hl=${esc(p.lang)}`}">${logoImg(p.info.brand)}<span>${esc(p.info.name)} · ${s.home}</span></a>${p.hero || p.ownSearch ? "" : searchForm(p.info, p.lang)}</div></header>
<main id="main">${p.hero ?? ""}<div class="page">${p.body}</div></main>
<footer>${esc(p.info.name)}</footer>
${widget}</body></html>`;
}

export function homePage(info: PortalInfo, lang: string, articles: Article[], languages: string[]): string {
  const s = t(lang);
  const byCat = new Map<string, Article[]>();
  for (const a of articles) byCat.set(a.category, [...(byCat.get(a.category) ?? []), a]);
  const cats = [...byCat.entries()]
    .sort(([a], [b]) => (a < b ? -1 : 1))
    .map(
      ([cat, list]) =>
        `<section aria-labelledby="c-${esc(cat)}"><h2 id="c-${esc(cat)}">${esc(categoryLabel(cat))}</h2><ul class="l">${list
          .sort((a, b) => a.title.localeCompare(b.title, lang))
          .map((a) => `<li><a href="${base(info)}/articles/${encodeURIComponent(a.id)}">${esc(a.title)}</a></li>`)
          .join("")}</ul></section>`,
    )
    .join("");
  const others = languages.filter((l) => l !== lang);
  const langNav = others.length
    ? `<nav aria-label="${s.other}" class="card"><span class="muted">${s.other}:</span> ${others
        .map(
          (l) =>
            `<a href="${base(info)}/?hl=${encodeURIComponent(l)}" hreflang="${esc(l)}" lang="${esc(l)}">${esc(languageName(l))}</a>`,
        )
        .join(" · ")}</nav>`
    : "";
  const hero = `<div class="hero"><div class="in"><h1>${esc(info.name)}: ${s.home}</h1>${searchForm(info, lang)}</div></div>`;
  return layout({
    info,
    title: s.home,
    description: `${s.home}: ${articles.length} articles about ${[...byCat.keys()].map(categoryLabel).join(", ")}.`,
    lang,
    path: `${base(info)}/${lang.startsWith("en") ? "" : `?hl=${encodeURIComponent(lang)}`}`,
    alternates: languages.map((l) => ({
      locale: l,
      href: `${base(info)}/${l.startsWith("en") ? "" : `?hl=${encodeURIComponent(l)}`}`,
    })),
    hero,
    body: `<div class="cats">${cats}</div>${langNav}`,
  });
}

export type ArticleView = {
  article: Article;
  alternates: Alternate[];
  related: Article[];
  /** After a vote: the thank-you state instead of the form. */
  voted?: "yes" | "no";
};

export function articlePage(info: PortalInfo, v: ArticleView): string {
  const a = v.article;
  const s = t(a.locale);
  const url = `${base(info)}/articles/${encodeURIComponent(a.id)}`;
  const home = `${base(info)}/${a.locale.startsWith("en") ? "" : `?hl=${encodeURIComponent(a.locale)}`}`;
  const crumbs = `<nav class="crumbs" aria-label="${s.crumbs}"><ol><li><a href="${home}">${s.home}</a></li><li><a href="${home}#c-${esc(a.category)}">${esc(categoryLabel(a.category))}</a></li><li><span aria-current="page">${esc(a.title)}</span></li></ol></nav>`;
  const vote = v.voted
    ? `<p role="status" data-testid="vote-thanks">${v.voted === "yes" ? s.thanks : s.sorry}</p>`
    : `<form class="vote" method="post" action="${url}/vote"><p id="vote-q">${s.helpful}</p><button type="submit" name="helpful" value="yes" aria-describedby="vote-q">${s.yes}</button><button class="no" type="submit" name="helpful" value="no" aria-describedby="vote-q">${s.no}</button></form>`;
  const related = v.related.length
    ? `<nav class="card" aria-labelledby="rel"><h2 id="rel" style="font-size:1.05rem;margin:0 0 6px">${s.related} ${esc(categoryLabel(a.category))}</h2><ul class="l">${v.related
        .map((r) => `<li><a href="${base(info)}/articles/${encodeURIComponent(r.id)}">${esc(r.title)}</a></li>`)
        .join("")}</ul></nav>`
    : "";
  const langs = v.alternates.filter((x) => x.locale !== a.locale);
  const other = langs.length
    ? `<p class="muted">${s.other}: ${langs.map((x) => `<a href="${esc(x.href)}" hreflang="${esc(x.locale)}" lang="${esc(x.locale)}">${esc(languageName(x.locale))}</a>`).join(" · ")}</p>`
    : "";
  // The button needs scripts, so the section stays hidden until they run.
  const ask = info.siteKey
    ? `<section class="card" aria-labelledby="still" data-edgedesk-open hidden><h2 id="still" style="font-size:1.05rem;margin:0 0 8px">${s.still}</h2><button class="ask" type="button">${s.chat}</button></section><script>${ASK_SCRIPT}</script>`
    : "";
  const body = `${crumbs}<article class="card" aria-labelledby="t"><h1 id="t">${esc(a.title)}</h1>${
    a.updated ? `<p class="meta">${s.updated} <time datetime="${esc(a.updated)}">${esc(a.updated)}</time></p>` : ""
  }${renderMarkdown(a.body)}${other}</article><section class="card" id="helpful" aria-label="${s.helpful}">${vote}</section>${ask}${related}`;
  return layout({
    info,
    title: a.title,
    description: plainExcerpt(a.body),
    lang: a.locale,
    path: url,
    ogType: "article",
    alternates: v.alternates,
    article: a.id,
    ...(v.voted ? { noindex: true } : {}),
    body,
  });
}

export function searchPage(info: PortalInfo, lang: string, q: string, hits: SearchHit[]): string {
  const s = t(lang);
  const list = hits.length
    ? `<ol class="l hits">${hits
        .map(
          (h) =>
            `<li><a href="${base(info)}/articles/${encodeURIComponent(h.id)}">${esc(h.title)}</a> <span class="muted">· ${esc(categoryLabel(h.category))}</span><p>${esc(h.excerpt)}</p></li>`,
        )
        .join("")}</ol>`
    : `<p>${s.none} “${esc(q)}”.</p>`;
  return layout({
    info,
    title: q ? `${s.results} “${q}”` : s.search,
    description: `${s.search}: ${info.name}`,
    lang,
    path: `${base(info)}/search`,
    noindex: true,
    ownSearch: true,
    body: `<section class="card" aria-labelledby="rh"><h1 id="rh" style="font-size:1.3rem;margin:0 0 12px">${q ? `${s.results} “${esc(q)}”` : s.search}</h1>${searchForm(info, lang, q)}${q ? list : ""}</section>`,
  });
}

export function notFoundPage(info: PortalInfo, lang = "en"): string {
  return layout({
    info,
    title: "Article not found",
    description: "This article may have been moved or unpublished.",
    lang,
    path: `${base(info)}/`,
    noindex: true,
    body: `<article class="card"><h1>Article not found</h1><p>It may have been moved or unpublished. <a href="${base(info)}/">Browse the help centre</a>.</p></article>`,
  });
}

export function sitemap(info: PortalInfo, articles: Article[], languages: string[]): string {
  const home = (l: string) => `${info.origin}${base(info)}/${l.startsWith("en") ? "" : `?hl=${encodeURIComponent(l)}`}`;
  const urls = [
    ...languages.map((l) => `<url><loc>${esc(home(l))}</loc></url>`),
    ...articles.map(
      (a) =>
        `<url><loc>${esc(`${info.origin}${base(info)}/articles/${encodeURIComponent(a.id)}`)}</loc>${/^\d{4}-\d{2}-\d{2}$/.test(a.updated) ? `<lastmod>${a.updated}</lastmod>` : ""}</url>`,
    ),
  ];
  return `<?xml version="1.0" encoding="UTF-8"?>\n<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n${urls.join("\n")}\n</urlset>\n`;
}
