import { useEffect } from "preact/hooks";
import { startInbox, stopInbox, inboxCounts } from "./features/inbox/store.ts";
import { LoginPage } from "./features/login/LoginPage.tsx";
import { LazyForgot, LazyLink } from "./features/people/LazyLink.tsx";
import { checkSetup, setupOpen } from "./features/setup/store.ts";
import { announcement } from "./lib/announce.ts";
import { route } from "./lib/router.ts";
import { loadMe, me, mustEnrol } from "./lib/session.ts";
import { pageTitle, renderPage } from "./pages.tsx";
import { Header } from "./shell/Header.tsx";
import { AgentAlerts } from "./shell/AgentAlerts.tsx";
import { SetupPage } from "./features/setup/SetupPage.tsx";
import { LazyPeople } from "./shell/lazy.tsx";

/** The session gate (splash, sign-in, two-factor enrolment, the shell) around the page the route names. */
export function App() {
  const who = me.value;
  const r = route.value;
  const meId = who?.id;

  useEffect(() => {
    void loadMe();
    void checkSetup();
  }, []);

  // The inbox feed lives as long as the session, so the header count and announcements keep working
  // while an agent is inside a conversation.
  const enrolling = mustEnrol.value;
  useEffect(() => {
    if (!meId || enrolling) return;
    startInbox();
    // Desktop alerts and the favicon badge: a chunk of their own, fetched after the first paint.
    let stopAlerts: (() => void) | undefined;
    let live = true;
    void import("./features/alerts/desktop.ts").then(
      (m) => {
        if (live) stopAlerts = m.startDeskAlerts(meId);
      },
      () => undefined,
    );
    return () => {
      live = false;
      stopAlerts?.();
      stopInbox();
    };
  }, [meId, enrolling]);

  const waiting = inboxCounts.value.queued;
  useEffect(() => {
    const page = who ? pageTitle(r) : "Sign in";
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
        setupOpen.value ? (
          <SetupPage />
        ) : // Signed out: an emailed link (invitation, reset) or the reset request opens without a session.
        r.name === "link" ? (
          <LazyLink kind={r.kind} token={r.token} />
        ) : r.name === "forgot" ? (
          <LazyForgot />
        ) : (
          <LoginPage />
        )
      ) : enrolling ? (
        // The workspace requires two-factor sign-in: nothing else works until it is set up.
        <LazyPeople page="enrol" me={who} />
      ) : (
        <div class="shell">
          <Header me={who} />
          {renderPage(r, who)}
          <AgentAlerts />
        </div>
      )}
      <div class="visually-hidden" aria-live="polite" aria-atomic="true" data-testid="announcer">
        <span key={announcement.value.key}>{announcement.value.text}</span>
      </div>
    </>
  );
}
