// One search over a workspace's conversations: the filters narrow the `conversations` index rows (the
// workspace first, always), the FTS5 index narrows them to those whose text matches, newest activity
// first, a page at a time (keyset: `updated_at`, then id). Snippets are read for the page only.
import type { ParsedSearchQuery, SearchHit, SearchResult } from "../../shared/search.ts";
import type { ConversationState } from "../../shared/protocol.ts";
import { containsPattern, HIT_END, HIT_START, labelsOf, matchExpression, snippetParts } from "./text.ts";

const DAY = 86_400_000;

type Row = {
  id: string;
  state: ConversationState;
  channel: string;
  created_at: number;
  updated_at: number;
  preview: string;
  subject: string | null;
  customer: string | null;
  labels: string | null;
  merged_into: string | null;
};

/** The WHERE clause and its parameters for `q` in `workspaceId`. */
function whereOf(
  workspaceId: string,
  q: ParsedSearchQuery,
): { where: string; params: (string | number)[]; match: string | null } {
  const params: (string | number)[] = [workspaceId];
  const and: string[] = ["c.workspace_id = ?1"];
  const p = (v: string | number) => {
    params.push(v);
    return `?${params.length}`;
  };
  const match = q.q ? matchExpression(q.q) : null;
  if (match)
    and.push(
      `c.id IN (SELECT d.conversation_id FROM search_fts JOIN search_docs d ON d.id = search_fts.rowid
        WHERE search_fts MATCH ${p(match)} AND d.workspace_id = ?1)`,
    );
  if (q.status === "open") and.push("c.state != 'resolved'");
  else if (q.status) and.push(`c.state = ${p(q.status)}`);
  if (q.channel) and.push(`c.channel = ${p(q.channel)}`);
  if (q.customer) and.push(`s.customer LIKE ${p(containsPattern(q.customer))} ESCAPE '\\'`);
  if (q.email) and.push(`s.emails LIKE ${p(containsPattern(q.email.toLowerCase()))} ESCAPE '\\'`);
  if (q.label) and.push(`s.labels LIKE ${p(containsPattern(`\n${q.label}\n`))} ESCAPE '\\'`);
  // Active in the range: started before its end, last touched after its start.
  if (q.from) and.push(`c.updated_at >= ${p(Date.parse(`${q.from}T00:00:00Z`))}`);
  if (q.to) and.push(`c.created_at < ${p(Date.parse(`${q.to}T00:00:00Z`) + DAY)}`);
  if (q.cursor) {
    const dot = q.cursor.indexOf(".");
    const at = p(Number(q.cursor.slice(0, dot)));
    and.push(`(c.updated_at < ${at} OR (c.updated_at = ${at} AND c.id < ${p(q.cursor.slice(dot + 1))}))`);
  }
  // With no text to match, a query that names only filters or nothing must still be a query: keep it.
  return { where: and.join(" AND "), params, match };
}

export async function searchConversations(
  db: D1Database,
  workspaceId: string,
  q: ParsedSearchQuery,
  clock: () => number = () => performance.now(),
): Promise<SearchResult> {
  const t0 = clock();
  // Text that holds no word ("#", "--") matches nothing rather than everything.
  if (q.q && !matchExpression(q.q)) return { items: [], tookMs: Math.round(clock() - t0) };
  const { where, params, match } = whereOf(workspaceId, q);
  const rows = await db
    .prepare(
      `SELECT c.id, c.state, c.channel, c.created_at, c.updated_at, c.preview,
              s.subject, s.customer, s.labels, s.merged_into
       FROM conversations c LEFT JOIN search_conversations s ON s.conversation_id = c.id
       WHERE ${where}
       ORDER BY c.updated_at DESC, c.id DESC LIMIT ${q.limit + 1}`,
    )
    .bind(...params)
    .all<Row>();
  const page = rows.results.slice(0, q.limit);
  const snippets = match && page.length ? await snippetsOf(db, workspaceId, match, page) : new Map();
  const items: SearchHit[] = page.map((r) => ({
    id: r.id,
    subject: r.subject || r.preview.split("\n")[0]?.slice(0, 140) || "",
    snippet: snippets.get(r.id) ?? [],
    status: r.state,
    channel: r.channel,
    ...(r.customer ? { customer: r.customer } : {}),
    labels: labelsOf(r.labels),
    ...(r.merged_into ? { mergedInto: r.merged_into } : {}),
    createdAt: r.created_at,
    updatedAt: r.updated_at,
  }));
  const last = page[page.length - 1];
  return {
    items,
    ...(rows.results.length > q.limit && last ? { next: `${last.updated_at}.${last.id}` } : {}),
    tookMs: Math.round(clock() - t0),
  };
}

/** The best-ranked matching text of each conversation on the page, as plain parts. */
async function snippetsOf(
  db: D1Database,
  workspaceId: string,
  match: string,
  page: Row[],
): Promise<Map<string, SearchHit["snippet"]>> {
  const ids = page.map((r) => r.id);
  const rows = await db
    .prepare(
      `SELECT d.conversation_id AS id, snippet(search_fts, 0, ?1, ?2, '…', 16) AS s
       FROM search_fts JOIN search_docs d ON d.id = search_fts.rowid
       WHERE search_fts MATCH ?3 AND d.workspace_id = ?4 AND d.conversation_id IN (${ids.map((_, i) => `?${i + 5}`).join(", ")})
       ORDER BY rank`,
    )
    .bind(HIT_START, HIT_END, match, workspaceId, ...ids)
    .all<{ id: string; s: string }>();
  const out = new Map<string, SearchHit["snippet"]>();
  for (const r of rows.results) if (!out.has(r.id)) out.set(r.id, snippetParts(r.s));
  return out;
}
