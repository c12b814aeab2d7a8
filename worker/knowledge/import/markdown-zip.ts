// A zip of Markdown articles, each with front matter as in kb/ (shared/article.ts parseArticle): the
// same files `npm run kb -- push` publishes. Files other than *.md (and README.md) are named and left
// out; a file whose id differs from its name still imports under its id, with a warning. There is no
// draft state in front matter: what the import does (drafts or publish) decides.
import { parseArticle } from "../../../shared/article.ts";
import { cleanMarkdown, dedupe, finish, type ImportItem, type Mapped } from "./common.ts";
import { unzip, utf8, ZipError } from "./unzip.ts";

const isArticleFile = (name: string) =>
  /\.md$/i.test(name) && !/(^|\/)readme\.md$/i.test(name) && !/(^|\/)(__MACOSX|\.)/.test(name);

export async function fromMarkdownZip(archive: Uint8Array): Promise<Mapped> {
  const { files, refused, skipped } = await unzip(archive, isArticleFile);
  const warnings = [
    ...refused.map((r) => `${r.name}: ${r.reason}: refused`),
    ...(skipped.length
      ? [`${skipped.length} file(s) that are not articles were left out: ${skipped.slice(0, 5).join(", ")}`]
      : []),
  ];
  if (!files.length) throw new ZipError("the zip holds no Markdown articles (*.md)");
  const items: ImportItem[] = files.map((f) => {
    const parsed = parseArticle(utf8(f.bytes));
    const base = f.name.split("/").pop()?.replace(/\.md$/i, "") ?? f.name;
    if (!parsed.ok)
      return {
        source: f.name,
        id: base,
        title: base,
        article: null,
        state: "published",
        warnings: parsed.errors.map((e) => `${e}: skipped`),
      };
    const a = parsed.article;
    const { markdown, warnings: w } = cleanMarkdown(a.body, "site");
    return finish(f.name, "published", { ...a, body: markdown }, [
      ...(a.id !== base ? [`id ${a.id} differs from the file name ${base}`] : []),
      ...w,
    ]);
  });
  return { items: dedupe(items), warnings };
}
