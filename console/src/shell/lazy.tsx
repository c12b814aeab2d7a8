// Every page but the inbox and the conversation (what an agent opens all day) is a chunk of its own,
// downloaded on its first visit and kept for the session. scripts/console-budget.mjs holds what the
// first load costs: the entry and everything it imports statically.
import type { ComponentChild } from "preact";
import { useEffect, useState } from "preact/hooks";
import type { Me } from "../../../shared/api.ts";
import type { Route } from "../lib/route.ts";
import { announce } from "../lib/announce.ts";
import { now } from "../lib/clock.ts";
import { PageScaffold } from "./PageScaffold.tsx";
import { SettingsNav } from "./SettingsNav.tsx";

/** A lazily imported chunk, kept for the session once loaded (a later visit renders at once). */
export function useChunk<T>(slot: { value: T | null }, load: () => Promise<T>): { chunk: T | null; failed: boolean } {
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

/** One chunk, loaded once for every page that lives in it. */
export function chunk<M>(load: () => Promise<M>): { value: M | null; load: () => Promise<M> } {
  return { value: null, load };
}

/** A page drawn from `slot`'s module; until it is there, the page's frame says it is loading (or failed). */
function lazyPage<M, P>(
  slot: { value: M | null; load: () => Promise<M> },
  view: (m: M, props: P) => ComponentChild,
  what = "This page",
): (props: P) => ComponentChild {
  return function LazyPage(props: P) {
    const { chunk: m, failed } = useChunk(slot, slot.load);
    if (m) return view(m, props);
    return (
      <PageScaffold
        state={
          failed ? { failed: `${what} could not be loaded. Reload the page to try again.` } : { loading: "Loading…" }
        }
      />
    );
  };
}

type Page = { me: Me };

// People, your account (password, sessions, two-factor), the audit log, the emailed links' pages, and
// the set-up feature's owner pages (checklist, workspace): one chunk.
export const peopleChunk = chunk(() => import("../features/people/index.ts"));
export const LazyPeople = lazyPage(peopleChunk, (m, p: Page & { page: "people" | "security" | "enrol" }) =>
  p.page === "people" ? <m.PeoplePage me={p.me} /> : <m.SecurityPage me={p.me} enrolOnly={p.page === "enrol"} />,
);
export const LazySetup = lazyPage(peopleChunk, (m, p: Page & { page: "start" | "workspace" }) =>
  p.page === "start" ? <m.ChecklistPage me={p.me} /> : <m.WorkspacePage me={p.me} />,
);

export const LazyAnalytics = lazyPage(
  chunk(() => import("../features/analytics/AnalyticsPage.tsx")),
  (m, p: Page) => <m.AnalyticsPage me={p.me} />,
  "Analytics",
);
// Quality (docs/quality-review.md): everyone's own scorecards; owners review and set the rubric.
export const LazyQuality = lazyPage(
  chunk(() => import("../features/quality/QualityPage.tsx")),
  (m, p: Page) => <m.QualityPage me={p.me} />,
  "Quality",
);
// Customer health (docs/customer-health.md): every agent reads the at-risk list; owners set rules.
export const LazyCustomers = lazyPage(
  chunk(() => import("../features/customers/CustomersPage.tsx")),
  (m, p: Page) => <m.CustomersPage me={p.me} />,
  "Customer health",
);
// Weekly reports (docs/weekly-report.md): owners, once a week.
export const LazyReports = lazyPage(
  chunk(() => import("../features/reports/ReportsPage.tsx")),
  (m, p: Page) => <m.ReportsPage me={p.me} />,
  "Weekly reports",
);
export const LazyOperations = lazyPage(
  chunk(() => import("../features/operations/OperationsPage.tsx")),
  (m, p: Page) => <m.OperationsPage me={p.me} />,
  "Operations",
);
// The shell's live parts go in as props (SitesPage.tsx ShellBits), so the page's chunk does not pull them.
export const LazySites = lazyPage(
  chunk(() => import("../features/sites/SitesPage.tsx")),
  (m, p: Page) => <m.SitesPage me={p.me} nav={<SettingsNav />} nowMs={now.value} say={announce} />,
  "The Sites page",
);
export const LazyAppearance = lazyPage(
  chunk(() => import("../features/appearance/AppearancePage.tsx")),
  (m, p: Page) => <m.AppearancePage me={p.me} />,
);
// Settings → Business hours (docs/hours.md): owners, now and then.
export const LazyHours = lazyPage(
  chunk(() => import("../features/hours/HoursPage.tsx")),
  (m, p: Page) => <m.HoursPage me={p.me} />,
  "Business hours",
);
// Settings → Files (docs/attachments.md): what customers and agents may attach; every agent reads, owners save.
export const LazyFiles = lazyPage(
  chunk(() => import("../features/files/FilesPage.tsx")),
  (m, p: Page) => <m.FilesPage me={p.me} />,
  "The Files settings",
);
export const LazyIntegrations = lazyPage(
  chunk(() => import("../features/integrations/IntegrationsPage.tsx")),
  (m, p: Page) => <m.IntegrationsPage me={p.me} />,
);
export const LazyApiKeys = lazyPage(
  chunk(() => import("../features/api-keys/ApiKeysPage.tsx")),
  (m, p: Page) => <m.ApiKeysPage me={p.me} />,
);
export const LazyPrivacy = lazyPage(
  chunk(() => import("../features/privacy/PrivacyPage.tsx")),
  (m, p: Page) => <m.PrivacyPage me={p.me} />,
);
export const LazyCanned = lazyPage(
  chunk(() => import("../features/canned/CannedPage.tsx")),
  (m, p: Page) => <m.CannedPage me={p.me} />,
);
const knowledgeChunk = chunk(() => import("../features/knowledge/pages.ts"));
export const LazyKnowledge = lazyPage(knowledgeChunk, (m, p: Page & { route: Extract<Route, { name: "kb" }> }) => (
  <m.KnowledgeArea route={p.route} me={p.me} />
));
export const LazyImport = lazyPage(knowledgeChunk, (m, p: Page) => <m.ImportPage me={p.me} />);
export const LazySurge = lazyPage(
  chunk(() => import("../features/surge/SurgeArea.tsx")),
  (m, p: Page & { route: Extract<Route, { name: "surge" }> }) => <m.SurgeArea route={p.route} me={p.me} />,
);

// Actions (docs/actions.md): Settings → Actions, the approvals queue, and the conversation page's panel
// (the customer card, running an action), drawn once its chunk is there (nothing while it loads).
const actionsChunk = chunk(() => import("../features/actions/index.ts"));
export const LazyActions = lazyPage(actionsChunk, (m, p: Page) => <m.ActionsPage me={p.me} />, "Actions");
export const LazyApprovals = lazyPage(actionsChunk, (m, p: Page) => <m.ApprovalsPage me={p.me} />, "Approvals");
export function LazyConversationActions(p: { id: string; identityKey: string }) {
  const { chunk: m } = useChunk(actionsChunk, actionsChunk.load);
  return m ? <m.ConversationActions id={p.id} identityKey={p.identityKey} /> : null;
}

// The header's workspace switcher: its own small chunk, drawn once loaded (nothing while it loads, and
// nothing at all for someone with one workspace).
const switcherChunk = chunk(() => import("../features/workspaces/Switcher.tsx"));
export function LazySwitcher({ me }: Page) {
  const { chunk: m } = useChunk(switcherChunk, switcherChunk.load);
  return m ? <m.Switcher me={me} /> : null;
}
