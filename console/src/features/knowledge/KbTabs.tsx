// The Knowledge area's tabs, drawn by the area and by the import page (its own route and chunk).
import { kbHref } from "../../lib/route.ts";

/** The area's tabs; the import page (its own route, `#/kb/import`) draws them too. */
export function KbTabs({ tab, canEdit }: { tab: "list" | "gaps" | "try" | "import"; canEdit: boolean }) {
  return (
    <nav class="kb-tabs" aria-label="Knowledge">
      <a href={kbHref("list")} aria-current={tab === "list" ? "page" : undefined} data-testid="kb-tab-articles">
        Articles
      </a>
      {canEdit && (
        <>
          <a href={kbHref("gaps")} aria-current={tab === "gaps" ? "page" : undefined} data-testid="kb-tab-gaps">
            Gaps
          </a>
          <a href={kbHref("try")} aria-current={tab === "try" ? "page" : undefined} data-testid="kb-tab-try">
            Try a question
          </a>
          <a href="#/kb/import" aria-current={tab === "import" ? "page" : undefined} data-testid="kb-tab-import">
            Import
          </a>
        </>
      )}
    </nav>
  );
}
