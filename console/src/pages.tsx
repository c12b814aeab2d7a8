// The route table: which page each route shows and the page's name in the tab title. Adding a page is
// its path in lib/route.ts (`PATHS`, pure and unit-tested without the pages) and one entry here; the
// mapped type below makes the compiler ask for the entry as soon as the route exists.
import type { ComponentChild } from "preact";
import type { Me } from "../../shared/api.ts";
// The conversation and inbox pages are in the entry; every other page is a chunk of its own (shell/lazy.tsx).
import { ConversationPage } from "./features/conversation/ConversationPage.tsx";
import { InboxPage } from "./features/inbox/InboxPage.tsx";
import { LazyForgot, LazyLink } from "./features/people/LazyLink.tsx";
import type { Route } from "./lib/route.ts";
import {
  LazyActions,
  LazyAnalytics,
  LazyApiKeys,
  LazyAppearance,
  LazyApprovals,
  LazyCanned,
  LazyCustomers,
  LazyFiles,
  LazyHours,
  LazyImport,
  LazyIntegrations,
  LazyKnowledge,
  LazyOperations,
  LazyPeople,
  LazyPrivacy,
  LazyQuality,
  LazyReports,
  LazySetup,
  LazySites,
  LazySurge,
} from "./shell/lazy.tsx";

type Page<N extends Route["name"]> = {
  /** In the tab title: "(3) Inbox · EdgeDesk". */
  title: string;
  render: (route: Extract<Route, { name: N }>, me: Me) => ComponentChild;
};

export const pages: { [N in Route["name"]]: Page<N> } = {
  inbox: { title: "Inbox", render: () => <InboxPage /> },
  conversation: { title: "Conversation", render: (r) => <ConversationPage key={r.id} id={r.id} /> },
  integrations: { title: "Integrations", render: (_, me) => <LazyIntegrations me={me} /> },
  apiKeys: { title: "API keys", render: (_, me) => <LazyApiKeys me={me} /> },
  sites: { title: "Sites", render: (_, me) => <LazySites me={me} /> },
  people: { title: "People", render: (_, me) => <LazyPeople page="people" me={me} /> },
  security: { title: "Your account", render: (_, me) => <LazyPeople page="security" me={me} /> },
  privacy: { title: "Privacy", render: (_, me) => <LazyPrivacy me={me} /> },
  appearance: { title: "Widget look", render: (_, me) => <LazyAppearance me={me} /> },
  hours: { title: "Business hours", render: (_, me) => <LazyHours me={me} /> },
  files: { title: "Files", render: (_, me) => <LazyFiles me={me} /> },
  kb: { title: "Knowledge", render: (r, me) => <LazyKnowledge route={r} me={me} /> },
  kbImport: { title: "Import articles", render: (_, me) => <LazyImport me={me} /> },
  canned: { title: "Canned replies", render: (_, me) => <LazyCanned me={me} /> },
  surge: { title: "Surge", render: (r, me) => <LazySurge route={r} me={me} /> },
  analytics: { title: "Analytics", render: (_, me) => <LazyAnalytics me={me} /> },
  quality: { title: "Quality", render: (_, me) => <LazyQuality me={me} /> },
  reports: { title: "Weekly reports", render: (_, me) => <LazyReports me={me} /> },
  customers: { title: "Customer health", render: (_, me) => <LazyCustomers me={me} /> },
  ops: { title: "Operations", render: (_, me) => <LazyOperations me={me} /> },
  start: { title: "Get started", render: (_, me) => <LazySetup page="start" me={me} /> },
  workspace: { title: "Workspace", render: (_, me) => <LazySetup page="workspace" me={me} /> },
  link: { title: "Invitation", render: (r) => <LazyLink key={r.token} kind={r.kind} token={r.token} /> },
  forgot: { title: "Reset password", render: () => <LazyForgot /> },
  actions: { title: "Actions", render: (_, me) => <LazyActions me={me} /> },
  approvals: { title: "Approvals", render: (_, me) => <LazyApprovals me={me} /> },
};

/** The entry for this route. The mapped type pairs each name with its own route shape; TypeScript cannot follow that through an index, hence the one widening here. */
function pageOf(route: Route): Page<Route["name"]> {
  return pages[route.name] as Page<Route["name"]>;
}

export const pageTitle = (route: Route): string => pageOf(route).title;

export const renderPage = (route: Route, me: Me): ComponentChild =>
  (pageOf(route).render as (r: Route, me: Me) => ComponentChild)(route, me);
