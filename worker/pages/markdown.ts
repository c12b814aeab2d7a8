// The renderer lives in shared/ so the console's editor preview shows exactly what the help page will.
export { escapeHtml, renderMarkdown } from "../../shared/markdown.ts";
