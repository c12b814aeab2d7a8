// The Knowledge area: articles (list, editor), gaps, try a question. Editors and owners write;
// agents read. Mounted by App for every #/kb route.
import type { Me } from "../../../../shared/api.ts";
import { PublishProgress } from "./PublishProgress.tsx";
import type { Route } from "../../lib/route.ts";
import { ArticleEditor } from "./ArticleEditor.tsx";
import { ArticleList } from "./ArticleList.tsx";
import { GapsPage } from "./GapsPage.tsx";
import { KbTabs } from "./KbTabs.tsx";
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
