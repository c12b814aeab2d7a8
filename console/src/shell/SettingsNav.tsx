// The settings area's own navigation: one link per settings page, the current one marked. Everyone has
// "Your account"; the workspace's pages are for owners.
import { me } from "../lib/session.ts";
import { route } from "../lib/router.ts";

const PAGES = [
  {
    name: "security",
    href: "#/settings/security",
    label: "Your account",
    testId: "nav-settings-security",
    owner: false,
  },
  { name: "people", href: "#/settings/people", label: "People", testId: "nav-settings-people", owner: true },
  { name: "sites", href: "#/settings/sites", label: "Sites", testId: "nav-settings-sites", owner: true },
  { name: "hours", href: "#/settings/hours", label: "Business hours", testId: "nav-settings-hours", owner: true },
  { name: "files", href: "#/settings/files", label: "Files", testId: "nav-settings-files", owner: false },
  {
    name: "integrations",
    href: "#/settings/integrations",
    label: "Integrations",
    testId: "nav-settings-integrations",
    owner: true,
  },
  { name: "apiKeys", href: "#/settings/api-keys", label: "API keys", testId: "nav-settings-api-keys", owner: true },
  { name: "actions", href: "#/settings/actions", label: "Actions", testId: "nav-settings-actions", owner: true },
  { name: "privacy", href: "#/settings/privacy", label: "Privacy", testId: "nav-settings-privacy", owner: true },
  {
    name: "workspace",
    href: "#/settings/workspace",
    label: "Workspace",
    testId: "nav-settings-workspace",
    owner: true,
  },
  {
    name: "appearance",
    href: "#/settings/appearance",
    label: "Widget look",
    testId: "nav-settings-appearance",
    owner: false,
  },
] as const;

export function SettingsNav() {
  const owner = me.value?.role === "owner";
  return (
    <nav class="settings-nav" aria-label="Settings">
      {PAGES.filter((p) => owner || !p.owner).map((p) => (
        <a
          key={p.name}
          href={p.href}
          class="settings-link"
          aria-current={route.value.name === p.name ? "page" : undefined}
          data-testid={p.testId}
        >
          {p.label}
        </a>
      ))}
    </nav>
  );
}
