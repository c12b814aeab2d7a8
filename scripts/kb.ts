// The content team's sync: `npm run kb -- push|pull|diff [--dir kb] [--url URL] [--token T] --workspace W [--draft]`
// (`--workspace` may be left out against the local dev server only, where it is `demo`).
// push publishes the folder (replacing the KB; a publish job, answered once the new version is live),
// `push --draft` saves it as drafts for review in the console instead, pull writes the published KB
// (never drafts) as Markdown files, diff lists what push would change. The token comes from --token, $EDGEDESK_ADMIN_TOKEN or .dev.vars.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { formatArticle, type Article } from "../shared/article.ts";
import type { PublishResult } from "../shared/api.ts";
import { readKbDir } from "./lib/kb-files.ts";
import { admin } from "./lib/worker.ts";

function flag(name: string, fallback?: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : fallback;
}

function devVar(name: string): string | undefined {
  if (!existsSync(".dev.vars")) return undefined;
  return new RegExp(`^${name}\\s*=\\s*"?([^"\\n]+)"?`, "m").exec(readFileSync(".dev.vars", "utf8"))?.[1];
}

const command = process.argv[2];
const dir = flag("dir", "kb") as string;
const target = {
  url: (flag("url", "http://127.0.0.1:8787") as string).replace(/\/$/, ""),
  adminToken: flag("token") ?? process.env.EDGEDESK_ADMIN_TOKEN ?? devVar("ADMIN_TOKEN") ?? "",
};
// The local dev server's KB is the demo workspace's; anywhere else the workspace must be named.
const local = /^https?:\/\/(127\.0\.0\.1|localhost)(:\d+)?$/.test(target.url);
const workspace = flag("workspace", local ? "demo" : undefined);
if (!workspace) {
  console.error("name the workspace: --workspace ID (only the local dev server defaults to demo)");
  process.exit(2);
}
if (!["push", "pull", "diff"].includes(command ?? "")) {
  console.error(
    "usage: npm run kb -- push|pull|diff [--dir kb] [--url http://127.0.0.1:8787] [--token T] [--workspace demo] [--draft]",
  );
  process.exit(2);
}
if (!target.adminToken) {
  console.error(
    "no admin token: pass --token, set EDGEDESK_ADMIN_TOKEN, or run `npm run dev` once to create .dev.vars",
  );
  process.exit(2);
}

const published = async () =>
  (await admin<{ articles: Article[] }>(target, "GET", `/admin/v1/kb/articles?workspace=${workspace}`)).articles;
const same = (a: Article, b: Article) => JSON.stringify(a) === JSON.stringify(b);

try {
  if (command === "push" && process.argv.includes("--draft")) {
    // Drafts for review in the console (Knowledge → Drafts & edits); customers see nothing until published.
    const articles = readKbDir(dir);
    const r = await admin<{ drafts: number }>(target, "PUT", `/admin/v1/kb/drafts?workspace=${workspace}`, {
      articles,
    });
    console.log(`saved ${r.drafts} drafts; publish them from the console`);
  } else if (command === "push") {
    const articles = readKbDir(dir);
    const r = await admin<PublishResult>(target, "PUT", `/admin/v1/kb/articles?workspace=${workspace}`, {
      articles,
      replace: true,
    });
    console.log(
      r.unchanged
        ? `no changes: KB version ${r.version} stays live (${r.articles} articles)`
        : `published ${r.articles} articles (${r.chunks} passages) as KB version ${r.version} in ${r.ms} ms`,
    );
  } else if (command === "pull") {
    mkdirSync(dir, { recursive: true });
    const articles = await published();
    for (const a of articles) writeFileSync(join(dir, `${a.id}.md`), formatArticle(a));
    console.log(`wrote ${articles.length} articles to ${dir}/`);
  } else {
    const local = new Map(readKbDir(dir).map((a) => [a.id, a]));
    const remote = new Map((await published()).map((a) => [a.id, a]));
    const lines: string[] = [];
    for (const [id, a] of local) {
      const r = remote.get(id);
      if (!r) lines.push(`+ ${id}  (new)`);
      else if (!same(a, r))
        lines.push(
          `~ ${id}  (${Object.keys(a)
            .filter((k) => JSON.stringify(a[k as keyof Article]) !== JSON.stringify(r[k as keyof Article]))
            .join(", ")})`,
        );
    }
    for (const id of remote.keys()) if (!local.has(id)) lines.push(`- ${id}  (would be unpublished)`);
    console.log(lines.length ? lines.join("\n") : "no differences");
  }
} catch (e) {
  console.error((e as Error).message);
  process.exit(1);
}
