// The Knowledge area: articles (list, editor), gaps, try a question. Editors and owners write;
// agents read. Mounted by App for every #/kb route.
import type { Me } from "../../../../shared/api.ts";
import { PublishProgress } from "./PublishProgress.tsx";
import type { Route } from "../../lib/route.ts";
import { kbHref } from "../../lib/route.ts";
import { ArticleEditor } from "./ArticleEditor.tsx";
import { ArticleList } from "./ArticleList.tsx";
import { GapsPage } from "./GapsPage.tsx";
import { TryPage } from "./TryPage.tsx";
import "./knowledge.css";

export function KnowledgeArea({ route, me }: { route: Extract<Route, { name: "kb" }>; me: Me }) {
  const canEdit = me.role !== "agent";
  const tab = route.view === "gaps" || route.view === "try" ? route.view : "list";
  return (
    <main id="main" class="page kb-page" data-testid="knowledge">
      <KbTabs tab={tab} canEdit={canEdit} />
      <PublishProgress />
      {route.view === "article" || route.view === "new" ? (
        <ArticleEditor
          key={route.id ?? "new"}
          id={route.view === "new" ? null : (route.id ?? null)}
          canEdit={canEdit}
        />
      ) : route.view === "gaps" && canEdit ? (
        <GapsPage />
      ) : route.view === "try" && canEdit ? (
        <TryPage />
      ) : (
        <ArticleList canEdit={canEdit} />
      )}
    </main>
  );
}

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
