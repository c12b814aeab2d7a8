// What page checkers (Lighthouse, axe) flagged on the server-rendered pages (issue #21): /favicon.ico
// answered 404, the demo page had no meta description, and the help centre home's h1 sat outside every
// landmark.
import { SELF } from "cloudflare:test";
import { beforeAll, describe, expect, it } from "vitest";
import { BASE, publishDemoKb } from "./helpers.ts";

beforeAll(publishDemoKb);

describe("page metadata", () => {
  it("serves a favicon at /favicon.ico and /favicon.svg, linked from the demo page and the help centre", async () => {
    for (const path of ["/favicon.ico", "/favicon.svg"]) {
      const r = await SELF.fetch(`${BASE}${path}`);
      expect(r.status).toBe(200);
      expect(r.headers.get("content-type")).toBe("image/svg+xml");
      expect(await r.text()).toMatch(/^<svg /);
    }
    for (const path of ["/demo/", "/hc/demo/"]) {
      const html = await (await SELF.fetch(`${BASE}${path}`)).text();
      expect(html, path).toContain('<link rel="icon" href="/favicon.svg" type="image/svg+xml">');
      expect(html, path).toMatch(/<meta name="description" content="[^"]{40,}">/);
    }
  });

  it("puts the help centre home's h1 inside the main landmark", async () => {
    const html = await (await SELF.fetch(`${BASE}/hc/demo/`)).text();
    const main = /<main id="main">([\s\S]*)<\/main>/.exec(html)?.[1] ?? "";
    expect(main).toContain("<h1>");
    expect(html.split("<main")[0]).not.toContain("<h1");
  });
});
