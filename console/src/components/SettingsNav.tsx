// The settings area's own navigation (owners): one link per settings page, the current one marked.
import { route } from "../router.ts";

const PAGES = [
  { name: "integrations", href: "#/settings/integrations", label: "Integrations", testId: "nav-settings-integrations" },
  { name: "apiKeys", href: "#/settings/api-keys", label: "API keys", testId: "nav-settings-api-keys" },
  { name: "privacy", href: "#/settings/privacy", label: "Privacy", testId: "nav-settings-privacy" },
] as const;

export function SettingsNav() {
  return (
    <nav class="settings-nav" aria-label="Settings">
      {PAGES.map((p) => (
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
