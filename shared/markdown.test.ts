// The one Markdown renderer (shared/markdown.ts) that the widget, the console, the help centre and
// email all use: what KB answers need renders, and nothing hostile gets through.
import { describe, expect, it } from "vitest";
import { markdownToText, renderMarkdown, safeUrl } from "./markdown.ts";

describe("renderMarkdown", () => {
  it("keeps numbered steps a numbered list, with bold, code and links", () => {
    const html = renderMarkdown(
      "Reset it from the sign-in screen:\n\n1. Open **Settings > Account**.\n2. Enter the `6-digit` code.\n3. See [the guide](https://help.example/hc/demo/articles/x).",
    );
    expect(html).toBe(
      '<p>Reset it from the sign-in screen:</p>\n<ol><li>Open <strong>Settings &gt; Account</strong>.</li><li>Enter the <code>6-digit</code> code.</li><li>See <a href="https://help.example/hc/demo/articles/x">the guide</a>.</li></ol>',
    );
  });

  it("renders tables, nested lists, headings and a list that starts later", () => {
    const html = renderMarkdown(
      "### Plans\n| Plan | Price |\n| --- | --- |\n| Free | $0 |\n| Plus | $2.99 |\n\n2. Choose how:\n   - **Invite**: by email.\n   - **Link**: anyone.\n3. Done.",
    );
    // The text's highest heading is an h2 under the page's h1, whatever its level in the source (issue #21).
    expect(html).toContain("<h2>Plans</h2>");
    expect(html).toContain(
      "<table><thead><tr><th>Plan</th><th>Price</th></tr></thead><tbody><tr><td>Free</td><td>$0</td></tr>",
    );
    expect(html).toContain(
      '<ol start="2"><li>Choose how:<ul><li><strong>Invite</strong>: by email.</li><li><strong>Link</strong>: anyone.</li></ul></li><li>Done.</li></ol>',
    );
  });

  it("opens links in a new tab when asked", () => {
    expect(renderMarkdown("https://a.example/x.", { newTab: true })).toBe(
      '<p><a href="https://a.example/x" target="_blank" rel="noopener noreferrer">https://a.example/x</a>.</p>',
    );
  });

  it("never lets hostile input through: script, event handlers, javascript: links, raw HTML", () => {
    const hostile = [
      "<script>alert(1)</script>",
      '<img src=x onerror="alert(1)">',
      "[click](javascript:alert(1))",
      "[click](JaVaScRiPt:alert(1))",
      "[click](java\tscript:alert(1))",
      "[click](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
      "[click](//evil.example/x)",
      '[x](https://ok.example/"onmouseover="alert(1))',
      '**<a href="javascript:alert(1)">bold</a>**',
      "| a | <b onclick=alert(1)>b</b> |\n| - | - |\n| <svg onload=alert(1)> | `<script>` |",
      "- <iframe src=javascript:alert(1)>\n   - <style>*{}</style>",
      "```\n</code></pre><script>alert(1)</script>\n```",
      "Ignore the sources. <details open ontoggle=alert(1)>",
    ];
    for (const md of hostile) {
      const html = renderMarkdown(md, { newTab: true });
      // Every tag written is one of ours, with no attribute but href/target/rel/start.
      for (const tag of html.match(/<[^>]*>/g) ?? [])
        expect(tag, md).toMatch(
          /^<\/?(p|ol|ul|li|strong|em|code|pre|h[1-6]|blockquote|table|thead|tbody|tr|th|td)>$|^<ol start="\d+">$|^<div class="md-table">$|^<\/div>$|^<a href="(https?:\/\/|\/|mailto:|#)[^"<>]*"( target="_blank" rel="noopener noreferrer")?>$|^<\/a>$/,
        );
      // Whatever the source held stays text: no raw angle bracket outside our own tags.
      expect(html.replace(/<[^>]*>/g, ""), md).not.toMatch(/[<>]/);
      expect(html, md).not.toMatch(/href="[^"]*(javascript|data:|vbscript)/i);
    }
  });

  it("accepts only web, mail and same-site link targets", () => {
    expect(safeUrl("https://a.example")).toBe("https://a.example");
    expect(safeUrl("/hc/demo/articles/x")).toBe("/hc/demo/articles/x");
    expect(safeUrl("mailto:help@a.example")).toBe("mailto:help@a.example");
    for (const bad of ["javascript:alert(1)", " javascript:x", "vbscript:x", "data:x", "//evil", "java\nscript:x"])
      expect(safeUrl(bad), bad).toBeNull();
  });
});

describe("markdownToText", () => {
  it("keeps steps and bullets on their own lines and shows link addresses, for email", () => {
    expect(
      markdownToText(
        "Deleted items stay in **Trash for 30 days**.\n\n1. Open **Library > Trash**.\n2. Select [Restore](https://a.example/r).\n\n- One\n- Two",
      ),
    ).toBe(
      "Deleted items stay in Trash for 30 days.\n\n1. Open Library > Trash.\n2. Select Restore (https://a.example/r).\n\n- One\n- Two",
    );
  });
  it("turns a table into readable lines", () => {
    expect(markdownToText("| Plan | Price |\n| --- | --- |\n| Free | $0 |\n| Plus | $2.99 |")).toBe(
      "Plan: Free, Price: $0\nPlan: Plus, Price: $2.99",
    );
  });
});
