// Pages that only some agents open are chunks of their own, downloaded on the first visit.
import { useEffect, useState } from "preact/hooks";
import type { Me } from "../../../shared/api.ts";
import { announce } from "../lib/announce.ts";
import { now } from "../lib/clock.ts";
import { PageScaffold } from "./PageScaffold.tsx";
import { SettingsNav } from "./SettingsNav.tsx";

/** A lazily imported chunk, kept for the session once loaded (a later visit renders at once). */
function useChunk<T>(slot: { value: T | null }, load: () => Promise<T>): { chunk: T | null; failed: boolean } {
  const [chunk, setChunk] = useState(() => slot.value);
  const [failed, setFailed] = useState(false);
  useEffect(() => {
    if (chunk) return;
    load().then(
      (m) => setChunk(() => (slot.value = m)),
      () => setFailed(true),
    );
  }, [chunk]);
  return { chunk, failed };
}

/** What a lazy page shows until its chunk is there, or when it cannot be loaded. */
function ChunkPending({
  failed,
  failedText,
  loadingText,
}: {
  failed: boolean;
  failedText: string;
  loadingText: string;
}) {
  return <PageScaffold state={failed ? { failed: failedText } : { loading: loadingText }} />;
}

// The analytics page and its charts are a separate chunk: only owners who open it download them.
const analyticsChunk: { value: typeof import("../features/analytics/AnalyticsPage.tsx") | null } = { value: null };
export function LazyAnalytics({ me: who }: { me: Me }) {
  const { chunk, failed } = useChunk(analyticsChunk, () => import("../features/analytics/AnalyticsPage.tsx"));
  if (chunk) return <chunk.AnalyticsPage me={who} />;
  return (
    <ChunkPending
      failed={failed}
      failedText="Analytics could not be loaded. Reload the page to try again."
      loadingText="Loading analytics…"
    />
  );
}

// People, your account (password, sessions, two-factor) and the audit log: their own chunk too.
const peopleChunk: { value: typeof import("../features/people/index.ts") | null } = { value: null };
export function LazyPeople({ page, me: who }: { page: "people" | "security" | "enrol"; me: Me }) {
  const { chunk, failed } = useChunk(peopleChunk, () => import("../features/people/index.ts"));
  if (chunk) {
    if (page === "people") return <chunk.PeoplePage me={who} />;
    return <chunk.SecurityPage me={who} enrolOnly={page === "enrol"} />;
  }
  return (
    <ChunkPending
      failed={failed}
      failedText="This page could not be loaded. Reload the page to try again."
      loadingText="Loading…"
    />
  );
}

// The operations page is its own chunk too (it shares the analytics charts).
const operationsChunk: { value: typeof import("../features/operations/OperationsPage.tsx") | null } = { value: null };
export function LazyOperations({ me: who }: { me: Me }) {
  const { chunk, failed } = useChunk(operationsChunk, () => import("../features/operations/OperationsPage.tsx"));
  if (chunk) return <chunk.OperationsPage me={who} />;
  return (
    <ChunkPending
      failed={failed}
      failedText="Operations could not be loaded. Reload the page to try again."
      loadingText="Loading operations…"
    />
  );
}

// Settings → Sites: owners setting up, not every agent's first load.
const sitesChunk: { value: typeof import("../features/sites/SitesPage.tsx") | null } = { value: null };
export function LazySites({ me: who }: { me: Me }) {
  const { chunk, failed } = useChunk(sitesChunk, () => import("../features/sites/SitesPage.tsx"));
  // The shell's live parts go in as props (SitesPage.tsx ShellBits).
  if (chunk) return <chunk.SitesPage me={who} nav={<SettingsNav />} nowMs={now.value} say={announce} />;
  return (
    <ChunkPending
      failed={failed}
      failedText="The Sites page could not be loaded. Reload the page to try again."
      loadingText="Loading…"
    />
  );
}

// The checklist and workspace settings ride in the people chunk (owners' settings pages; a chunk of
// their own made Rollup split the entry's shared modules into an extra chunk the entry loads anyway,
// 77 KB where this is under the 75 KB budget). First-run set-up is in the entry: it shows before sign-in.
export function LazySetup({ page, me: who }: { page: "start" | "workspace"; me: Me }) {
  const { chunk, failed } = useChunk(peopleChunk, () => import("../features/people/index.ts"));
  if (chunk) return page === "start" ? <chunk.ChecklistPage me={who} /> : <chunk.WorkspacePage me={who} />;
  return (
    <ChunkPending
      failed={failed}
      failedText="This page could not be loaded. Reload the page to try again."
      loadingText="Loading…"
    />
  );
}
