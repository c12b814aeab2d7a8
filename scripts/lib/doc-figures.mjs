// Figures the build measures, written into the docs between markers, so no size in a README is typed by
// hand: `<!-- build:KEY -->value<!-- /build -->`. Run by the build; a file without markers is left alone.
import { existsSync, readFileSync, writeFileSync } from "node:fs";

export const DOCS_WITH_FIGURES = ["README.md", "widget/README.md", "console/README.md", "docs/attachments.md"];

/** Rewrites every marked figure in `files`; returns the files it changed. */
export function writeFigures(figures, files = DOCS_WITH_FIGURES) {
  const changed = [];
  for (const f of files) {
    if (!existsSync(f)) continue;
    const before = readFileSync(f, "utf8");
    const after = before.replace(/<!-- build:([\w-]+) -->(.*?)<!-- \/build -->/g, (whole, key) =>
      key in figures ? `<!-- build:${key} -->${figures[key]}<!-- /build -->` : whole,
    );
    if (after !== before) {
      writeFileSync(f, after);
      changed.push(f);
    }
  }
  return changed;
}
