import { useState } from "preact/hooks";
import type { Me } from "../../../shared/api.ts";
import { inboxCounts } from "../inbox-store.ts";
import { route } from "../router.ts";
import { logout } from "../session.ts";

export function Header({ me }: { me: Me }) {
  const [leaving, setLeaving] = useState(false);
  const waiting = inboxCounts.value.queued;
  const onInbox = route.value.name === "inbox";
  return (
    <header class="topbar">
      <a class="brand" href="#/inbox" aria-label="EdgeDesk console, go to inbox">
        <span class="brand-mark" aria-hidden="true" />
        EdgeDesk
      </a>
      <nav aria-label="Console">
        <a href="#/inbox" class="nav-link" aria-current={onInbox ? "page" : undefined} data-testid="nav-inbox">
          Inbox
          {waiting > 0 && (
            <span class="count" data-testid="waiting-count">
              {waiting}
              <span class="visually-hidden"> waiting</span>
            </span>
          )}
        </a>
        <a href="#/kb" class="nav-link" aria-current={route.value.name === "kb" ? "page" : undefined} data-testid="nav-knowledge">Knowledge</a>
      </nav>
      <div class="who">
        <span class="who-name" data-testid="agent-name">
          {me.name}
        </span>
        <span class="who-role">{me.role}</span>
        <button
          type="button"
          class="btn btn-quiet"
          data-testid="logout"
          disabled={leaving}
          onClick={() => {
            setLeaving(true);
            void logout().finally(() => setLeaving(false));
          }}
        >
          Sign out
        </button>
      </div>
    </header>
  );
}
