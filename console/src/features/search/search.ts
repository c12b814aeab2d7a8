// The search form's state and the query it sends (pure; search.test.ts). The worker parses the same
// query with shared/search.ts, so what this builds is what it checks.
import type { SearchQuery, SearchStatus } from "../../../../shared/search.ts";

export type SearchForm = {
  q: string;
  customer: string;
  email: string;
  label: string;
  status: "" | SearchStatus;
  channel: "" | "chat" | "portal" | "email" | "api";
  from: string;
  to: string;
};

export const emptyForm = (): SearchForm => ({
  q: "",
  customer: "",
  email: "",
  label: "",
  status: "",
  channel: "",
  from: "",
  to: "",
});

/** Filled fields only: an empty field is no filter. */
export function queryOf(f: SearchForm, cursor?: string): SearchQuery {
  const q: SearchQuery = {};
  for (const k of ["q", "customer", "email", "label", "from", "to"] as const) {
    const v = f[k].trim();
    if (v) q[k] = v;
  }
  if (f.status) q.status = f.status;
  if (f.channel) q.channel = f.channel;
  if (cursor) q.cursor = cursor;
  return q;
}

export const hasCriteria = (f: SearchForm): boolean => Object.keys(queryOf(f)).length > 0;

/** `/api/search?…` for the form. */
export function searchPath(f: SearchForm, cursor?: string): string {
  const params = new URLSearchParams(Object.entries(queryOf(f, cursor)) as [string, string][]);
  return `/api/search?${params}`;
}

/** How many filters besides the text are set (shown on the Filters button). */
export const filterCount = (f: SearchForm): number => Object.keys(queryOf({ ...f, q: "" })).length;

export const channelLabels: Record<string, string> = {
  chat: "Chat",
  portal: "Help centre",
  email: "Email",
  api: "REST API",
};
