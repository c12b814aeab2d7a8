// The demo host page: embeds the widget the way a customer's website would. (The help centre, where
// bot answers link to, is worker/channels/portal/.)
import { Hono } from "hono";
import { identityCanonicalV2, type IdentifyRequest } from "../../shared/api.ts";
import { hmacSha256 } from "../auth/crypto.ts";
import type { AppEnv, Env } from "../env.ts";
import { FAVICON_LINK, FAVICON_SVG } from "./favicon.ts";
import { escapeHtml } from "./markdown.ts";

export const pages = new Hono<AppEnv>();

const icon = () =>
  new Response(FAVICON_SVG, {
    headers: { "content-type": "image/svg+xml", "cache-control": "public, max-age=86400" },
  });
pages.get("/favicon.svg", icon);
pages.get("/favicon.ico", icon);

const shell = (title: string, description: string, body: string, lang = "en") => `<!doctype html>
<html lang="${escapeHtml(lang)}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title>
<meta name="description" content="${escapeHtml(description)}">${FAVICON_LINK}
<style>
body{font:16px/1.6 system-ui,-apple-system,Segoe UI,Roboto,sans-serif;margin:0;color:#1d2430;background:#f6f7fb}
header{background:#1f3b73;color:#fff;padding:14px 24px}header a{color:#fff;text-decoration:none;font-weight:600}
main{max-width:760px;margin:24px auto;padding:0 20px 80px}article{background:#fff;border-radius:12px;padding:28px 32px;box-shadow:0 1px 3px #0001}
.who{background:#fff;border-radius:8px;padding:8px 14px;margin:0 0 16px;font-size:.95rem}
h1{font-size:1.7rem;line-height:1.25;margin:0 0 8px}.meta{color:#5b6475;font-size:.9rem;margin-bottom:20px}code{background:#eef1f6;padding:1px 4px;border-radius:4px}
</style></head><body><header><a href="/demo/">Lumen Help Centre</a></header><main>${body}</main>
<script src="/widget.js" data-site="demo_site" data-locale="${escapeHtml(lang)}" async></script></body></html>`;

/** The demo's customers, as the demo account API knows them (scripts/lib/account-api.ts). */
const DEMO_PEOPLE: Record<string, IdentifyRequest["user"]> = {
  ana: { id: "u_ana", email: "ana@lumen.example", name: "Ana García" },
  sam: { id: "u_sam", email: "sam@lumen.example", name: "Sam Lee" },
};

/**
 * `?as=ana`: the page signs the visitor in as a demo customer, the way a customer's own server signs
 * identify() (docs/identity.md), with the demo site's identity secret. Only where `npm run dev` (or a
 * test) turned DEMO_SIGN_IN on, and only for the demo site: anywhere else it would hand out verified
 * identities to whoever asks.
 */
async function demoSignIn(env: Env, site: string, as: string | undefined): Promise<{ bar: string; script: string }> {
  if (env.DEMO_SIGN_IN !== "on" || site !== "demo_site") return { bar: "", script: "" };
  const who = as ? DEMO_PEOPLE[as] : undefined;
  const row = await env.DB.prepare("SELECT identity_secret FROM sites WHERE key = ?")
    .bind(site)
    .first<{ identity_secret: string | null }>();
  const links = Object.entries(DEMO_PEOPLE)
    .map(
      ([k, p]) => `<a href="/demo/?as=${k}" data-testid="demo-sign-in-${k}">Sign in as ${escapeHtml(p.name ?? k)}</a>`,
    )
    .join(" · ");
  if (!who || !row?.identity_secret)
    return {
      bar: `<p class="who">Browsing as a visitor (demo). ${links}: the bot can then look at that account.</p>`,
      script: "",
    };
  const ts = Math.floor(Date.now() / 1000);
  const mac = await hmacSha256(row.identity_secret, identityCanonicalV2(ts, who));
  const hmac = [...mac].map((b) => b.toString(16).padStart(2, "0")).join("");
  const call = JSON.stringify(["identify", who, { hmac, ts }]).replace(/</g, "\\u003c");
  return {
    bar: `<p class="who" data-testid="demo-signed-in">Signed in as <strong>${escapeHtml(who.name ?? who.id)}</strong> (${escapeHtml(who.email ?? "")}, demo). <a href="/demo/">Sign out</a></p>`,
    script: `<script>window.EdgeDesk=window.EdgeDesk||{q:[]};window.EdgeDesk.q.push(${call});</script>`,
  };
}

pages.get("/demo/", async (c) => {
  const site = c.req.query("site") ?? "demo_site";
  const locale = c.req.query("locale");
  const demo = await demoSignIn(c.env, site, c.req.query("as"));
  const body = `${demo.bar}<article><h1>Lumen: your photos, safe and shared</h1>
<p>This page stands in for a customer's website. The chat button in the corner is the EdgeDesk widget,
embedded with one tag:</p>
<p><code>&lt;script src="/widget.js" data-site="${escapeHtml(site)}" async&gt;&lt;/script&gt;</code></p>
<p>Ask it things like <em>"how do I reset my password?"</em>, <em>"my backup stopped working"</em>,
<em>"¿cómo recupero fotos borradas?"</em>, or <em>"I want to talk to a person"</em>.${
    demo.bar
      ? ` Signed in, ask <em>"what plan am I on?"</em>, <em>"show me my invoices"</em>, <em>"where is my order?"</em> (LM-4821) or <em>"cancel my subscription"</em>: the bot runs the company's own actions for you.`
      : ""
  }</p></article>`;
  const page = shell(
    "Lumen: demo host page",
    "A stand-in for a customer's website with the EdgeDesk support widget embedded by one script tag: ask it about Lumen, or ask for a person.",
    body,
  ).replace(
    /<script src="\/widget.js"[^>]*><\/script>/,
    `${demo.script}<script src="/widget.js" data-site="${escapeHtml(site)}"${locale ? ` data-locale="${escapeHtml(locale)}"` : ""} async></script>`,
  );
  return c.html(page);
});
pages.get("/demo", (c) => c.redirect("/demo/"));
