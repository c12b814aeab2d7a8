// The set-up feature's lazily loaded pages (shell/lazy.tsx LazySetup, in the people chunk): the checklist and workspace settings.
export { ChecklistPage } from "./ChecklistPage.tsx";
export { WorkspacePage } from "./WorkspacePage.tsx";
