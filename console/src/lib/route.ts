// Hash routes, so the worker serves one index.html for every console page.

export type KbView = "list" | "new" | "article" | "gaps" | "try";
export type SurgeView = "home" | "sweep" | "audit" | "approve";
/** Routes without parameters: name → path. A new page of this kind is one line here and one in pages.tsx. */
const PATHS = {
  inbox: "/inbox",
  integrations: "/settings/integrations",
  apiKeys: "/settings/api-keys",
  sites: "/settings/sites",
  people: "/settings/people",
  security: "/settings/security",
  privacy: "/settings/privacy",
  appearance: "/settings/appearance",
  hours: "/settings/hours",
  files: "/settings/files",
  canned: "/canned",
  analytics: "/analytics",
  quality: "/quality",
  reports: "/reports",
  customers: "/customers",
  ops: "/ops",
  start: "/start",
  workspace: "/settings/workspace",
  forgot: "/forgot",
  kbImport: "/kb/import",
  actions: "/settings/actions",
  approvals: "/approvals",
} as const;
type PlainRoute = { [N in keyof typeof PATHS]: { name: N } }[keyof typeof PATHS];

export type Route =
  | PlainRoute
  | { name: "conversation"; id: string }
  | { name: "kb"; view: KbView; id?: string }
  | { name: "surge"; view: SurgeView; id?: string }
  /** An emailed link: `#/invite/<token>` or `#/reset/<token>` (the fragment never reaches a server). */
  | { name: "link"; kind: "invite" | "reset"; token: string };

const isPlain = (name: string): name is PlainRoute["name"] => Object.hasOwn(PATHS, name);

export function parseRoute(hash: string): Route {
  const path = hash.replace(/^#/, "");
  const plain = path.replace(/\/$/, "");
  for (const name of Object.keys(PATHS) as PlainRoute["name"][]) if (PATHS[name] === plain) return { name };
  const kb = parseKbRoute(path);
  if (kb) return kb;
  const surge = parseSurgeRoute(path);
  if (surge) return surge;
  const link = /^\/(invite|reset)\/([\w-]{40,64})$/.exec(path);
  if (link?.[2]) return { name: "link", kind: link[1] === "reset" ? "reset" : "invite", token: link[2] };
  const m = /^\/c\/([^/?#]+)\/?$/.exec(path);
  if (m?.[1]) {
    try {
      return { name: "conversation", id: decodeURIComponent(m[1]) };
    } catch {
      // A malformed escape is not a conversation id; fall through to the inbox.
    }
  }
  return { name: "inbox" };
}

export function href(route: Route): string {
  if (isPlain(route.name)) return `#${PATHS[route.name]}`;
  if (route.name === "kb") return kbHref(route.view, route.id);
  if (route.name === "surge") return surgeHref(route.view, route.id);
  if (route.name === "link") return `#/${route.kind}/${route.token}`;
  return route.name === "conversation" ? `#/c/${encodeURIComponent(route.id)}` : "#/inbox";
}

// Knowledge area: #/kb, #/kb/new, #/kb/a/:id, #/kb/gaps, #/kb/try.
function parseKbRoute(path: string): Route | null {
  if (!/^\/kb(\/|$)/.test(path)) return null;
  const rest = path.replace(/^\/kb\/?/, "").replace(/\/$/, "");
  const a = /^a\/([a-z0-9][a-z0-9-]{0,79})$/.exec(rest);
  if (a?.[1]) return { name: "kb", view: "article", id: a[1] };
  if (rest === "new" || rest === "gaps" || rest === "try") return { name: "kb", view: rest };
  return { name: "kb", view: "list" };
}

export function kbHref(view: KbView, id?: string): string {
  if (view === "article" && id) return `#/kb/a/${id}`;
  return view === "list" || view === "article" ? "#/kb" : `#/kb/${view}`;
}

// Surge area: #/surge, #/surge/s/:id, #/surge/s/:id/audit, #/surge/approve/:token.
function parseSurgeRoute(path: string): Route | null {
  if (!/^\/surge(\/|$)/.test(path)) return null;
  const rest = path.replace(/^\/surge\/?/, "").replace(/\/$/, "");
  const m = /^(s|approve)\/([\w-]{1,80})(\/audit)?$/.exec(rest);
  if (m?.[1] === "approve" && m[2] && !m[3]) return { name: "surge", view: "approve", id: m[2] };
  if (m?.[1] === "s" && m[2]) return { name: "surge", view: m[3] ? "audit" : "sweep", id: m[2] };
  return { name: "surge", view: "home" };
}

export function surgeHref(view: SurgeView, id?: string): string {
  if (!id || view === "home") return "#/surge";
  if (view === "approve") return `#/surge/approve/${id}`;
  return view === "audit" ? `#/surge/s/${id}/audit` : `#/surge/s/${id}`;
}
