// Search on the inbox page (docs/search.md): words, order numbers, the customer, an address, a label,
// the status, the channel and days, over the whole workspace's conversations. A chunk of its own (the
// inbox loads it at once, the entry stays in its budget). Results link to their conversation; the
// snippet is the customer's text rendered as text, its matches marked with <mark>.
import { signal } from "@preact/signals";
import { type SearchResult, searchResultSchema, searchStatuses } from "../../../../shared/search.ts";
import { announce } from "../../lib/announce.ts";
import { api, errorMessage } from "../../lib/api.ts";
import { href } from "../../lib/route.ts";
import { StateBadge, TimeAgo } from "../../shell/bits.tsx";
import { stateLabels } from "../inbox/inbox.ts";
import { searchActive } from "./active.ts";
import { channelLabels, emptyForm, filterCount, hasCriteria, type SearchForm, searchPath } from "./search.ts";
import "./search.css";

// Kept for the session: back from a conversation, the search is as the agent left it.
const form = signal<SearchForm>(emptyForm());
const result = signal<SearchResult | null>(null);
const failure = signal<string | null>(null);
const loading = signal(false);
const filtersOpen = signal(false);
let latest = 0;
let typing: ReturnType<typeof setTimeout> | undefined;

async function run(more = false): Promise<void> {
  clearTimeout(typing);
  const f = form.value;
  if (!hasCriteria(f)) return clear();
  searchActive.value = true;
  const mine = ++latest;
  loading.value = true;
  try {
    const r = await api(searchPath(f, more ? result.value?.next : undefined), searchResultSchema);
    if (mine !== latest) return;
    const prev = result.value;
    result.value = more && prev ? { ...r, items: [...prev.items, ...r.items] } : r;
    failure.value = null;
    if (!more) announce(`${r.items.length}${r.next ? " or more" : ""} conversations found.`);
  } catch (e) {
    if (mine === latest) failure.value = errorMessage(e);
  } finally {
    if (mine === latest) loading.value = false;
  }
}

function clear(): void {
  latest++;
  clearTimeout(typing);
  form.value = emptyForm();
  result.value = null;
  failure.value = null;
  loading.value = false;
  searchActive.value = false;
}

/** Typing searches after a pause; filters and Enter search at once. */
function set<K extends keyof SearchForm>(k: K, v: SearchForm[K], wait = 0): void {
  form.value = { ...form.value, [k]: v };
  clearTimeout(typing);
  typing = setTimeout(() => void run(), wait);
}

function Field({ k, label }: { k: "customer" | "email" | "label" | "from" | "to"; label: string }) {
  const date = k === "from" || k === "to";
  const props = {
    value: form.value[k],
    "data-testid": `search-${k}`,
    onInput: (e: { currentTarget: HTMLInputElement }) => set(k, e.currentTarget.value, date ? 0 : 300),
  };
  return date ? (
    <label class="search-field">
      <span>{label}</span>
      <input type="date" {...props} />
    </label>
  ) : (
    <label class="search-field">
      <span>{label}</span>
      <input type="text" autoComplete="off" {...props} />
    </label>
  );
}

export function SearchPanel() {
  const f = form.value;
  const n = filterCount(f);
  return (
    <section class="search" aria-label="Search conversations">
      <form
        role="search"
        class="search-bar"
        onSubmit={(e) => {
          e.preventDefault();
          void run();
        }}
      >
        <input
          type="search"
          aria-label="Search conversations"
          placeholder="Search words, an order number, a name or an email…"
          value={f.q}
          maxLength={200}
          data-testid="search-input"
          onInput={(e) => set("q", e.currentTarget.value, 300)}
        />
        <button
          type="button"
          class="btn btn-secondary"
          aria-expanded={filtersOpen.value}
          aria-controls={filtersOpen.value ? "search-filters" : undefined}
          data-testid="search-filters-toggle"
          onClick={() => (filtersOpen.value = !filtersOpen.value)}
        >
          Filters{n ? ` (${n})` : ""}
        </button>
        <button type="submit" class="btn btn-primary" data-testid="search-submit">
          Search
        </button>
        {searchActive.value && (
          <button type="button" class="btn btn-link" data-testid="search-clear" onClick={clear}>
            Back to inbox
          </button>
        )}
      </form>
      {filtersOpen.value && (
        <div id="search-filters" class="search-filters" role="group" aria-label="Search filters">
          <Field k="customer" label="Customer" />
          <Field k="email" label="Email" />
          <Field k="label" label="Label" />
          <label class="search-field">
            <span>Status</span>
            <select
              value={f.status}
              data-testid="search-status"
              onChange={(e) => set("status", e.currentTarget.value as SearchForm["status"])}
            >
              <option value="">Any</option>
              {searchStatuses.map((s) => (
                <option key={s} value={s}>
                  {s === "open" ? "Open (not resolved)" : stateLabels[s]}
                </option>
              ))}
            </select>
          </label>
          <label class="search-field">
            <span>Channel</span>
            <select
              value={f.channel}
              data-testid="search-channel"
              onChange={(e) => set("channel", e.currentTarget.value as SearchForm["channel"])}
            >
              <option value="">Any</option>
              {Object.entries(channelLabels).map(([v, l]) => (
                <option key={v} value={v}>
                  {l}
                </option>
              ))}
            </select>
          </label>
          <Field k="from" label="Active from" />
          <Field k="to" label="until" />
        </div>
      )}
      {searchActive.value && <Results />}
    </section>
  );
}

function Results() {
  const r = result.value;
  return (
    <div class="search-results" data-testid="search-results" aria-busy={loading.value}>
      {failure.value && (
        <p class="alert" role="alert" data-testid="search-error">
          Search failed: {failure.value}
        </p>
      )}
      <p class="sub" data-testid="search-summary">
        {loading.value && !r
          ? "Searching…"
          : r
            ? `${r.items.length}${r.next ? "+" : ""} ${r.items.length === 1 ? "conversation" : "conversations"} · ${r.tookMs} ms`
            : ""}
      </p>
      {r && r.items.length === 0 && <p class="empty">No conversation matches. Try fewer words or filters.</p>}
      <ul class="search-list">
        {r?.items.map((h) => (
          <li key={h.id} data-testid="search-hit" data-id={h.id}>
            <a href={href({ name: "conversation", id: h.id })}>
              <span class="search-subject">{h.subject || "(no message yet)"}</span>
              {h.snippet.length > 0 && (
                <span class="search-snippet" data-testid="search-snippet">
                  {h.snippet.map((p, i) => (p.hit ? <mark key={i}>{p.text}</mark> : p.text))}
                </span>
              )}
            </a>
            <span class="search-meta">
              <StateBadge state={h.status} />
              <span>{channelLabels[h.channel] ?? h.channel}</span>
              {h.customer && <span>{h.customer}</span>}
              {h.labels.map((l) => (
                <span key={l} class="tag">
                  {l}
                </span>
              ))}
              {h.mergedInto && <span class="tag">merged</span>}
              <TimeAgo at={h.updatedAt} />
            </span>
          </li>
        ))}
      </ul>
      {r?.next && (
        <button
          type="button"
          class="btn btn-secondary"
          data-testid="search-more"
          disabled={loading.value}
          onClick={() => void run(true)}
        >
          Show more
        </button>
      )}
    </div>
  );
}
