// The knowledge feature's pages, one lazily loaded chunk (shell/lazy.tsx).
export { ImportPage } from "./ImportPage.tsx";
export { KnowledgeArea } from "./KnowledgeArea.tsx";
