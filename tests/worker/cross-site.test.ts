// Cross-site requests (docs/security.md, finding 5): a page on another site can make the browser send
// the session cookie with a form post, a no-cors fetch or a WebSocket. State changes need exactly
// `application/json` and, when the browser says where it comes from, this origin; agent sockets too.
// Console and help-centre pages cannot be framed and tell browsers not to sniff or leak referrers.
import { SELF } from "cloudflare:test";
import { beforeAll, describe, expect, it } from "vitest";
import { ADMIN, BASE, createAgent, handedOff, ORIGIN, publishDemoKb } from "./helpers.ts";

let owner = "";
let convo = "";
beforeAll(async () => {
  await publishDemoKb();
  owner = await createAgent("owner@cross.example", "owner");
  const { c, customer } = await handedOff(["I want to talk to a person please"]);
  convo = c.id;
  customer.close();
});

const note = (headers: Record<string, string>) =>
  SELF.fetch(`${BASE}/api/conversations/${convo}/notes`, {
    method: "POST",
    headers: { cookie: owner, ...headers },
    body: JSON.stringify({ clientId: `note-${crypto.randomUUID().slice(0, 8)}`, text: "from somewhere" }),
  });

describe("finding 5: cross-site requests", () => {
  it("refuses a JSON body whose content type is not exactly application/json", async () => {
    for (const type of [
      "text/plain; application/json",
      "text/plain;charset=UTF-8; x=application/json",
      "application/x-www-form-urlencoded; application/json",
      "multipart/form-data; boundary=application/json",
      "application/jsonp",
    ]) {
      const r = await note({ "content-type": type });
      expect(r.status, type).toBe(415);
    }
    expect((await note({ "content-type": "application/json" })).status).toBe(201);
    expect((await note({ "content-type": "Application/JSON; charset=utf-8" })).status).toBe(201);
  });

  it("refuses a state change with the session cookie from another origin", async () => {
    const r = await note({ "content-type": "application/json", origin: "https://evil.example" });
    expect(r.status).toBe(403);
    expect(((await r.json()) as { error: string }).error).toBe("cross_origin");
    // A same-site sibling is another origin too.
    expect((await note({ "content-type": "application/json", origin: "http://localhost:9999" })).status).toBe(403);
    // Body-less state changes are guarded the same way.
    const claim = await SELF.fetch(`${BASE}/api/conversations/${convo}/claim`, {
      method: "POST",
      headers: { cookie: owner, origin: "https://evil.example" },
    });
    expect(claim.status).toBe(403);
    const logout = await SELF.fetch(`${BASE}/api/auth/logout`, {
      method: "POST",
      headers: { cookie: owner, origin: "https://evil.example", "content-type": "application/json" },
      body: "{}",
    });
    expect(logout.status).toBe(403);
    // Older browsers leave Origin out of some requests but say cross-site in Sec-Fetch-Site.
    expect((await note({ "content-type": "application/json", "sec-fetch-site": "cross-site" })).status).toBe(403);
    expect((await note({ "content-type": "application/json", "sec-fetch-site": "same-site" })).status).toBe(403);
    // The console itself (same origin) and non-browser clients (no Origin) go through.
    expect((await note({ "content-type": "application/json", origin: ORIGIN })).status).toBe(201);
    expect((await note({ "content-type": "application/json", "sec-fetch-site": "same-origin" })).status).toBe(201);
  });

  it("guards the admin API and the login form the same way", async () => {
    const put = await SELF.fetch(`${BASE}/admin/v1/sites/x_site`, {
      method: "PUT",
      headers: { cookie: owner, origin: "https://evil.example", "content-type": "application/json" },
      body: JSON.stringify({ name: "x", allowedOrigins: ["https://evil.example"] }),
    });
    expect(put.status).toBe(403);
    // Login CSRF: signing a victim's browser into the attacker's account.
    const login = await SELF.fetch(`${BASE}/api/auth/login`, {
      method: "POST",
      headers: { origin: "https://evil.example", "content-type": "application/json" },
      body: JSON.stringify({ email: "owner@cross.example", password: "correct horse battery" }),
    });
    expect(login.status).toBe(403);
    expect(login.headers.get("set-cookie")).toBeNull();
    // Operators' scripts send no Origin and keep working.
    const ok = await SELF.fetch(`${BASE}/admin/v1/sites/x_site?workspace=demo`, {
      method: "PUT",
      headers: ADMIN,
      body: JSON.stringify({ name: "x", allowedOrigins: ["https://shop.example"] }),
    });
    expect(ok.status).toBe(200);
  });

  it("refuses an agent WebSocket opened from another origin", async () => {
    for (const path of ["/api/inbox/ws", `/api/conversations/${convo}/ws?after=0`]) {
      const evil = await SELF.fetch(`${BASE}${path}`, {
        headers: { cookie: owner, upgrade: "websocket", origin: "https://evil.example" },
      });
      expect(evil.status, path).toBe(403);
      expect(evil.webSocket).toBeNull();
      const own = await SELF.fetch(`${BASE}${path}`, {
        headers: { cookie: owner, upgrade: "websocket", origin: ORIGIN },
      });
      expect(own.status, path).toBe(101);
      own.webSocket?.accept();
      own.webSocket?.close(1000, "done");
    }
  });

  it("sends a CSP with frame-ancestors, nosniff and a referrer policy on console and help-centre pages", async () => {
    for (const path of ["/console/", "/hc/demo/", "/hc/demo/search?q=backup"]) {
      const r = await SELF.fetch(`${BASE}${path}`);
      await r.arrayBuffer();
      const csp = r.headers.get("content-security-policy") ?? "";
      expect(csp, path).toMatch(/frame-ancestors 'none'/);
      expect(csp, path).toMatch(/script-src 'self'/);
      expect(csp, path).toMatch(/object-src 'none'/);
      expect(r.headers.get("x-content-type-options"), path).toBe("nosniff");
      expect(r.headers.get("referrer-policy"), path).toMatch(/^(no-referrer|strict-origin-when-cross-origin)$/);
    }
    // The console's URLs name conversations: they never leave in a Referer.
    expect((await SELF.fetch(`${BASE}/console/`)).headers.get("referrer-policy")).toBe("no-referrer");
  });
});
