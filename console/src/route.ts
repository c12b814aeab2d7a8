// Hash routes, so the worker serves one index.html for every console page.

export type Route = { name: "inbox" } | { name: "conversation"; id: string } | { name: "integrations" };

export function parseRoute(hash: string): Route {
  const path = hash.replace(/^#/, "");
  if (/^\/settings\/integrations\/?$/.test(path)) return { name: "integrations" };
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
  if (route.name === "integrations") return "#/settings/integrations";
  return route.name === "conversation" ? `#/c/${encodeURIComponent(route.id)}` : "#/inbox";
}
