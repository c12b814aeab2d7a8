import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { zip } from "../../privacy/zip.ts";
import { fromMarkdownZip } from "./markdown-zip.ts";
import { ZipError } from "./unzip.ts";

const md = (id: string, title: string, body: string) =>
  `---\nid: ${id}\ntitle: ${title}\ncategory: apps\ntags: [tv]\nlocale: en\nupdated: 2026-11-01\n---\n${body}\n`;

describe("fromMarkdownZip", () => {
  it("reads kb/-style files, leaves other files out and names problems per file", async () => {
    const archive = zip([
      { name: "kb/README.md", data: "# not an article" },
      { name: "kb/change-email.md", data: readFileSync("kb/change-email.md") },
      {
        name: "kb/tv.md",
        data: md("smart-tv", "Watch on TV", "Pair it. <script>x</script> [bad](javascript:x) [ok](/help/tv)"),
      },
      { name: "kb/broken.md", data: "no front matter" },
      { name: "kb/dup.md", data: md("smart-tv", "Again", "Duplicate.") },
      { name: "kb/logo.png", data: new Uint8Array([1, 2, 3]) },
      { name: "__MACOSX/kb/._tv.md", data: "junk" },
      { name: "../evil.md", data: md("evil", "Evil", "x") },
    ]);
    const { items, warnings } = await fromMarkdownZip(archive);
    expect(items.map((i) => [i.source, i.id, !!i.article])).toEqual([
      ["kb/change-email.md", "change-email", true],
      ["kb/tv.md", "smart-tv", true],
      ["kb/broken.md", "broken", false],
      ["kb/dup.md", "smart-tv", false],
    ]);
    const tv = items[1];
    expect(tv?.article?.body).toBe("Pair it.  bad [ok](/help/tv)");
    expect(tv?.warnings).toEqual([
      "id smart-tv differs from the file name tv",
      "scripts were removed",
      "links that are not http(s) or mailto were reduced to their text",
    ]);
    expect(items[2]?.warnings).toEqual(["missing front matter: the file must start with ---: skipped"]);
    expect(warnings[0]).toBe("../evil.md: name climbs out of the archive (..): refused");
    expect(warnings[1]).toMatch(/^3 file\(s\) that are not articles were left out/);
  });

  it("refuses a zip without articles", async () => {
    await expect(fromMarkdownZip(zip([{ name: "a.txt", data: "x" }]))).rejects.toBeInstanceOf(ZipError);
  });
});
