import type { FunctionComponent } from "preact";
import { useEffect, useState } from "preact/hooks";
import { announcement } from "./announce.ts";
import { Header } from "./components/Header.tsx";
import { startInbox, stopInbox, inboxCounts } from "./inbox-store.ts";
import { CannedPage } from "./pages/Canned.tsx";
import { ConversationPage } from "./pages/Conversation.tsx";
import { InboxPage } from "./pages/Inbox.tsx";
import { ApiKeysPage } from "./pages/ApiKeys.tsx";
import { PrivacyPage } from "./pages/Privacy.tsx";
import { IntegrationsPage } from "./pages/Integrations.tsx";
import { KnowledgeArea } from "./knowledge/KnowledgeArea.tsx";
import { LoginPage } from "./pages/Login.tsx";
import { SurgeArea } from "./surge/SurgeArea.tsx";
import { route } from "./router.ts";
import { loadMe, me, mustEnrol } from "./session.ts";
import type { Me } from "../../shared/api.ts";

export function App() {
  const who = me.value;
  const r = route.value;
  const meId = who?.id;

  useEffect(() => {
    void loadMe();
  }, []);

  // The inbox feed lives as long as the session, so the header count and announcements keep working
  // while an agent is inside a conversation.
  const enrolling = mustEnrol.value;
  useEffect(() => {
    if (!meId || enrolling) return;
    startInbox();
    return stopInbox;
  }, [meId, enrolling]);

  const waiting = inboxCounts.value.queued;
  useEffect(() => {
    const page = !who
      ? "Sign in"
      : r.name === "inbox"
        ? "Inbox"
        : r.name === "integrations"
          ? "Integrations"
          : r.name === "apiKeys"
            ? "API keys"
            : r.name === "people"
              ? "People"
              : r.name === "security"
                ? "Your account"
                : r.name === "privacy"
                  ? "Privacy"
                  : r.name === "kb"
                    ? "Knowledge"
                    : r.name === "canned"
                      ? "Canned replies"
                      : r.name === "surge"
                        ? "Surge"
                        : r.name === "analytics"
                          ? "Analytics"
                          : r.name === "ops"
                            ? "Operations"
                            : "Conversation";
    document.title = `${who && waiting ? `(${waiting}) ` : ""}${page} · EdgeDesk`;
  }, [who, r.name, waiting]);

  return (
    <>
      <a class="skip-link" href="#main">
        Skip to main content
      </a>
      {who === undefined ? (
        <main id="main" class="splash" aria-busy="true">
          <p>Loading EdgeDesk…</p>
        </main>
      ) : who === null ? (
        <LoginPage />
      ) : enrolling ? (
        // The workspace requires two-factor sign-in: nothing else works until it is set up.
        <LazyPeople page="enrol" me={who} />
      ) : (
        <div class="shell">
          <Header me={who} />
          {r.name === "analytics" ? (
            <LazyAnalytics me={who} />
          ) : r.name === "people" || r.name === "security" ? (
            <LazyPeople page={r.name} me={who} />
          ) : r.name === "ops" ? (
            <LazyOperations me={who} />
          ) : r.name === "surge" ? (
            <SurgeArea route={r} me={who} />
          ) : r.name === "kb" ? (
            <KnowledgeArea route={r} me={who} />
          ) : r.name === "conversation" ? (
            <ConversationPage key={r.id} id={r.id} />
          ) : r.name === "integrations" ? (
            <IntegrationsPage me={who} />
          ) : r.name === "apiKeys" ? (
            <ApiKeysPage me={who} />
          ) : r.name === "privacy" ? (
            <PrivacyPage me={who} />
          ) : r.name === "canned" ? (
            <CannedPage me={who} />
          ) : (
            <InboxPage />
          )}
        </div>
      )}
      <div class="visually-hidden" aria-live="polite" aria-atomic="true" data-testid="announcer">
        <span key={announcement.value.key}>{announcement.value.text}</span>
      </div>
    </>
  );
}

// The analytics page and its charts are a separate chunk: only owners who open it download them.
let analyticsPage: FunctionComponent<{ me: Me }> | null = null;
function LazyAnalytics({ me: who }: { me: Me }) {
  const [Page, setPage] = useState(() => analyticsPage);
  const [failed, setFailed] = useState(false);
  useEffect(() => {
    if (Page) return;
    import("./analytics/AnalyticsPage.tsx").then(
      (m) => setPage(() => (analyticsPage = m.AnalyticsPage)),
      () => setFailed(true),
    );
  }, [Page]);
  if (Page) return <Page me={who} />;
  return (
    <main id="main" class="page" aria-busy={!failed}>
      <p class={failed ? "alert" : "empty"} role={failed ? "alert" : undefined}>
        {failed ? "Analytics could not be loaded. Reload the page to try again." : "Loading analytics…"}
      </p>
    </main>
  );
}

// People, your account (password, sessions, two-factor) and the audit log: their own chunk too.
type PeoplePages = typeof import("./people/index.ts");
let peopleChunk: PeoplePages | null = null;
function LazyPeople({ page, me: who }: { page: "people" | "security" | "enrol"; me: Me }) {
  const [chunk, setChunk] = useState(() => peopleChunk);
  const [failed, setFailed] = useState(false);
  useEffect(() => {
    if (chunk) return;
    import("./people/index.ts").then(
      (m) => setChunk(() => (peopleChunk = m)),
      () => setFailed(true),
    );
  }, [chunk]);
  if (chunk) {
    if (page === "people") return <chunk.PeoplePage me={who} />;
    return <chunk.SecurityPage me={who} enrolOnly={page === "enrol"} />;
  }
  return (
    <main id="main" class="page" aria-busy={!failed}>
      <p class={failed ? "alert" : "empty"} role={failed ? "alert" : undefined}>
        {failed ? "This page could not be loaded. Reload the page to try again." : "Loading…"}
      </p>
    </main>
  );
}

// The operations page is its own chunk too (it shares the analytics charts).
let operationsPage: FunctionComponent<{ me: Me }> | null = null;
function LazyOperations({ me: who }: { me: Me }) {
  const [Page, setPage] = useState(() => operationsPage);
  const [failed, setFailed] = useState(false);
  useEffect(() => {
    if (Page) return;
    import("./ops/OperationsPage.tsx").then(
      (m) => setPage(() => (operationsPage = m.OperationsPage)),
      () => setFailed(true),
    );
  }, [Page]);
  if (Page) return <Page me={who} />;
  return (
    <main id="main" class="page" aria-busy={!failed}>
      <p class={failed ? "alert" : "empty"} role={failed ? "alert" : undefined}>
        {failed ? "Operations could not be loaded. Reload the page to try again." : "Loading operations…"}
      </p>
    </main>
  );
}
