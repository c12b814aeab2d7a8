// The current hash route as a signal; pages re-render on hashchange without a router library.
import { signal } from "@preact/signals";
import { href, parseRoute, type Route } from "./route.ts";

export const route = signal<Route>(parseRoute(location.hash));

addEventListener("hashchange", () => {
  route.value = parseRoute(location.hash);
});

export function navigate(to: Route): void {
  const h = href(to);
  if (location.hash !== h) location.hash = h;
  else route.value = to;
}
