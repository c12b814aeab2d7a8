import { useState } from "preact/hooks";
import type { Me } from "../../../shared/api.ts";
import { errorMessage } from "../lib/api.ts";
import { inboxCounts, myPresence, setAway } from "../features/inbox/store.ts";
import { route } from "../lib/router.ts";
import { logout } from "../lib/session.ts";
import { LazySwitcher } from "./lazy.tsx";

export function Header({ me }: { me: Me }) {
  const [leaving, setLeaving] = useState(false);
  const waiting = inboxCounts.value.queued;
  const onInbox = route.value.name === "inbox";
  const away = myPresence.value?.away ?? false;
  const [saving, setSaving] = useState(false);
  const [availabilityError, setAvailabilityError] = useState<string | undefined>(undefined);
  return (
    <header class="topbar">
      <a class="brand" href="#/inbox" aria-label="EdgeDesk console, go to inbox">
        <span class="brand-mark" aria-hidden="true" />
        EdgeDesk
      </a>
      <LazySwitcher me={me} />
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
        <a
          href="#/kb"
          class="nav-link"
          aria-current={route.value.name === "kb" ? "page" : undefined}
          data-testid="nav-knowledge"
        >
          Knowledge
        </a>
        <a
          href="#/canned"
          class="nav-link"
          aria-current={route.value.name === "canned" ? "page" : undefined}
          data-testid="nav-canned"
        >
          Canned replies
        </a>
        <a
          href="#/approvals"
          class="nav-link"
          aria-current={route.value.name === "approvals" ? "page" : undefined}
          data-testid="nav-approvals"
        >
          Approvals
        </a>
        <a
          href="#/surge"
          class="nav-link"
          aria-current={route.value.name === "surge" ? "page" : undefined}
          data-testid="nav-surge"
        >
          Surge
        </a>
        <a
          href="#/quality"
          class="nav-link"
          aria-current={route.value.name === "quality" ? "page" : undefined}
          data-testid="nav-quality"
        >
          Quality
        </a>
        {me.role === "owner" && (
          <a
            href="#/analytics"
            class="nav-link"
            aria-current={route.value.name === "analytics" ? "page" : undefined}
            data-testid="nav-analytics"
          >
            Analytics
          </a>
        )}
        {me.role === "owner" && (
          <a
            href="#/ops"
            class="nav-link"
            aria-current={route.value.name === "ops" ? "page" : undefined}
            data-testid="nav-ops"
          >
            Operations
          </a>
        )}
        {me.role === "owner" && (
          <a
            href="#/start"
            class="nav-link"
            aria-current={route.value.name === "start" ? "page" : undefined}
            data-testid="nav-start"
          >
            Get started
          </a>
        )}
        {me.role === "owner" ? (
          <a
            href="#/settings/integrations"
            class="nav-link"
            aria-current={
              ["integrations", "apiKeys", "actions", "people", "security", "privacy", "workspace"].includes(
                route.value.name,
              )
                ? "page"
                : undefined
            }
            data-testid="nav-integrations"
          >
            Settings
          </a>
        ) : (
          <a
            href="#/settings/security"
            class="nav-link"
            aria-current={route.value.name === "security" ? "page" : undefined}
            data-testid="nav-account"
          >
            Your account
          </a>
        )}
      </nav>
      <div class="who">
        <span class="who-name" data-testid="agent-name">
          {me.name}
        </span>
        <span class="who-role">{me.role}</span>
        <button
          type="button"
          class={`availability ${away ? "is-away" : "is-available"}`}
          data-testid="availability-toggle"
          data-away={away ? "true" : "false"}
          aria-pressed={!away}
          disabled={saving || !myPresence.value}
          title={
            availabilityError ??
            (away
              ? "You get no new conversations. Click to become available."
              : "New conversations are routed to you. Click to go away.")
          }
          onClick={() => {
            setSaving(true);
            setAvailabilityError(undefined);
            void setAway(!away)
              .catch((e: unknown) => setAvailabilityError(errorMessage(e)))
              .finally(() => setSaving(false));
          }}
        >
          <span class="dot" aria-hidden="true" />
          {away ? "Away" : "Available"}
        </button>
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
