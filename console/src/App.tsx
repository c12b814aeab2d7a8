import { useEffect, useState } from "preact/hooks";
import { announcement } from "./lib/announce.ts";
import { Header } from "./shell/Header.tsx";
import { startInbox, stopInbox, inboxCounts } from "./features/inbox/store.ts";
import { CannedPage } from "./features/canned/CannedPage.tsx";
import { ConversationPage } from "./features/conversation/ConversationPage.tsx";
import { InboxPage } from "./features/inbox/InboxPage.tsx";
import { ApiKeysPage } from "./features/api-keys/ApiKeysPage.tsx";
import { PrivacyPage } from "./features/privacy/PrivacyPage.tsx";
import { IntegrationsPage } from "./features/integrations/IntegrationsPage.tsx";
import { KnowledgeArea } from "./features/knowledge/KnowledgeArea.tsx";
import { LoginPage } from "./features/login/LoginPage.tsx";
import { SurgeArea } from "./features/surge/SurgeArea.tsx";
import { route } from "./lib/router.ts";
import { loadMe, me, mustEnrol } from "./lib/session.ts";
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
  return (
    <main id="main" class="page" aria-busy={!failed}>
      <p class={failed ? "alert" : "empty"} role={failed ? "alert" : undefined}>
        {failed ? failedText : loadingText}
      </p>
    </main>
  );
}

// The analytics page and its charts are a separate chunk: only owners who open it download them.
const analyticsChunk: { value: typeof import("./features/analytics/AnalyticsPage.tsx") | null } = { value: null };
function LazyAnalytics({ me: who }: { me: Me }) {
  const { chunk, failed } = useChunk(analyticsChunk, () => import("./features/analytics/AnalyticsPage.tsx"));
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
const peopleChunk: { value: typeof import("./features/people/index.ts") | null } = { value: null };
function LazyPeople({ page, me: who }: { page: "people" | "security" | "enrol"; me: Me }) {
  const { chunk, failed } = useChunk(peopleChunk, () => import("./features/people/index.ts"));
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
const operationsChunk: { value: typeof import("./features/operations/OperationsPage.tsx") | null } = { value: null };
function LazyOperations({ me: who }: { me: Me }) {
  const { chunk, failed } = useChunk(operationsChunk, () => import("./features/operations/OperationsPage.tsx"));
  if (chunk) return <chunk.OperationsPage me={who} />;
  return (
    <ChunkPending
      failed={failed}
      failedText="Operations could not be loaded. Reload the page to try again."
      loadingText="Loading operations…"
    />
  );
}
