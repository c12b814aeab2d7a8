// widget.js: the one script a host page embeds. It must cost the host page next to nothing, so it
// only draws the launcher (a facade) in the owner's look (one cached GET /v1/config, look.ts) and
// fetches the real app (widget-app.js) on first open.
import type { App, AppScript, EdgeDeskApi, Host, IdentifyUser, IdentitySignature, Position } from "./contract.ts";
import { launcherLabels, pickLocale } from "./locale.ts";
import { type Look, lookOf, paint } from "./look.ts";

// Captured synchronously: `currentScript` is only set while this script is executing.
// The selector is for loaders that run it some other way (a bundler, a tag manager's eval).
const me = (document.currentScript ??
  document.querySelector("script[data-site][src*='widget.js']")) as HTMLScriptElement | null;

const ICON_CHAT =
  '<svg viewBox="0 0 24 24" aria-hidden="true"><path d="M4 5.5A2.5 2.5 0 0 1 6.5 3h11A2.5 2.5 0 0 1 20 5.5v8a2.5 2.5 0 0 1-2.5 2.5H10l-4.2 3.6c-.5.4-1.3 0-1.3-.6V16A2.5 2.5 0 0 1 4 13.5z"/></svg>';
const ICON_CLOSE =
  '<svg viewBox="0 0 24 24" aria-hidden="true"><path d="M6.7 5.3 12 10.6l5.3-5.3 1.4 1.4-5.3 5.3 5.3 5.3-1.4 1.4-5.3-5.3-5.3 5.3-1.4-1.4 5.3-5.3-5.3-5.3z"/></svg>';

function css(side: Position): string {
  return `.l{position:fixed;${side}:20px;bottom:20px;z-index:2147483000;width:56px;height:56px;border:0;border-radius:50%;padding:0;margin:0;cursor:pointer;background:var(--edb,#1d4ed8);color:var(--edi,#fff);display:flex;align-items:center;justify-content:center;gap:8px;font:600 15px/1 system-ui,sans-serif;box-shadow:0 4px 14px rgba(15,23,42,.28);transition:transform .15s}.l:hover{transform:scale(1.06)}.l:focus-visible{outline:3px solid #93c5fd;outline-offset:3px}.l svg{width:28px;height:28px;fill:currentColor;flex:none}.l[data-text]{width:auto;border-radius:28px;padding:0 20px 0 16px}.l[aria-busy=true]{opacity:.75;cursor:progress}.l[data-unread]::after{content:"";position:absolute;top:1px;right:1px;width:12px;height:12px;border-radius:50%;background:#dc2626;border:2px solid #fff}@media (prefers-reduced-motion:reduce){.l{transition:none}.l:hover{transform:none}}@media print{.l{display:none}}`;
}

/**
 * The owner's look (GET /v1/config): one request per page load, cached by the browser (max-age). An
 * answer that does not match the shared schema, an unknown key or no network leave the defaults.
 */
function fetchLook(api: string, site: string, locale: string): Promise<Look> {
  return fetch(`${api}/v1/config?site=${encodeURIComponent(site)}`, { credentials: "omit" })
    .then((r) => (r.ok ? r.json() : null))
    .then((b: unknown) => lookOf(b, locale))
    .catch(() => ({}));
}

function safeSession<T>(f: (s: Storage) => T): T | undefined {
  // Storage throws in sandboxed iframes and some privacy modes; the widget must still work there.
  try {
    return f(sessionStorage);
  } catch {
    return undefined;
  }
}

function init(): void {
  if (!me?.src) return;
  const d = me.dataset;
  const site = d.site;
  const early = window.EdgeDesk;
  // Embedded twice (CMS templates do that): one launcher is enough.
  if (!site || (early && "open" in early)) return;
  const src = new URL(me.src, location.href);
  const locale = pickLocale([d.locale, ...(navigator.languages ?? []), navigator.language]);
  const labels = launcherLabels[locale];
  // The embed tag's data-position wins over the owner's setting: the page knows its own layout.
  const tagSide: Position | undefined = d.position === "left" || d.position === "right" ? d.position : undefined;
  let side: Position = tagSide ?? "right";
  const openKey = `edgedesk:open:${site}`;

  const hostEl = document.createElement("edgedesk-widget");
  // Inline + important: host-page rules (even `* {…}` or `!important` ones) cannot restyle the host,
  // and nothing inherits into the shadow tree except these initial values.
  hostEl.style.setProperty("all", "initial", "important");
  const root = hostEl.attachShadow({ mode: "open" });
  const style = document.createElement("style");
  style.textContent = css(side);
  const launcher = document.createElement("button");
  launcher.type = "button";
  launcher.className = "l";
  launcher.setAttribute("part", "launcher");
  root.append(style, launcher);

  let label: string | undefined;
  const setOpen = (open: boolean): void => {
    launcher.setAttribute("aria-expanded", String(open));
    launcher.setAttribute("aria-label", open ? labels[1] : (label ?? labels[0]));
    launcher.innerHTML = open ? ICON_CLOSE : ICON_CHAT;
    // The owner's label, visible next to the icon while closed: text, never HTML.
    launcher.toggleAttribute("data-text", !open && !!label);
    if (!open && label) launcher.append(Object.assign(document.createElement("span"), { textContent: label }));
    safeSession((s) => (open ? s.setItem(openKey, "1") : s.removeItem(openKey)));
  };
  // Read before setOpen(false) below clears it.
  const wasOpen = safeSession((s) => s.getItem(openKey));
  setOpen(false);

  let app: App | undefined;
  let loading = false;
  // Only the last wish counts: open-then-close before the app arrives means stay closed.
  let wanted: "open" | "close" | undefined;
  // The latest identify() before the app arrived; the app sends it once a conversation exists.
  let who: [IdentifyUser, IdentitySignature?] | undefined;

  const config: Host["config"] = {
    site,
    api: d.api || src.origin,
    locale,
    position: side,
    ...(d.article ? { article: d.article } : {}),
    look: {},
  };
  const host: Host = { config, root, launcher, setOpen };
  // The app loads after the look is known, so it opens with the owner's colour and words.
  const looked = fetchLook(config.api, site, locale).then((look) => {
    config.look = look;
    config.position = side = tagSide ?? look.position ?? "right";
    style.textContent = css(side);
    paint(hostEl, look);
    label = look.launcher;
    setOpen(launcher.getAttribute("aria-expanded") === "true");
  });
  // No flash of the default launcher before the owner's: shown with its look, or after 1.5 s without.
  launcher.style.visibility = "hidden";
  void Promise.race([looked, new Promise((r) => setTimeout(r, 1500))]).then(() =>
    launcher.style.removeProperty("visibility"),
  );

  const load = (): void => {
    if (loading) return;
    loading = true;
    launcher.setAttribute("aria-busy", "true");
    const s: AppScript = document.createElement("script");
    // A classic script from our own origin: no CORS, no module loader, runs whenever it arrives.
    s.src = new URL("widget-app.js", src).href;
    s.async = true;
    s.edgedesk = (factory) => {
      launcher.removeAttribute("aria-busy");
      app = factory(host);
      if (who) app.identify(...who);
      if (wanted === "open") app.open();
      wanted = undefined;
    };
    s.onerror = () => {
      // Let the next click retry (a flaky network should not leave a dead button).
      loading = false;
      launcher.removeAttribute("aria-busy");
      s.remove();
    };
    void looked.then(() => document.head.append(s));
  };

  const api: EdgeDeskApi = {
    open() {
      if (app) app.open();
      else {
        wanted = "open";
        load();
      }
    },
    close() {
      if (app) app.close();
      else wanted = "close";
    },
    identify(user, sig) {
      if (app) app.identify(user, sig);
      else who = [user, sig];
    },
  };

  launcher.addEventListener("click", () =>
    launcher.getAttribute("aria-expanded") === "true" ? api.close() : api.open(),
  );

  window.EdgeDesk = api;
  document.body.append(hostEl);

  // Calls made through a stub the host page declared before this async script arrived.
  const q = early && "q" in early && Array.isArray(early.q) ? early.q : [];
  for (const [name, user, sig] of q) {
    if (name === "open" || name === "close") api[name]();
    else if (name === "identify") api.identify(user as IdentifyUser, sig as IdentitySignature | undefined);
  }
  // A reload while the panel was open brings it back.
  if (wasOpen) api.open();
}

if (document.body) init();
else document.addEventListener("DOMContentLoaded", init, { once: true });
