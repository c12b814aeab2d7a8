// The widget's look and the help centre's branding through the real worker: who may read and write it
// (every agent reads, owners write), what is refused (a colour that is not a hex colour, an avatar that
// is not a plain https URL, control characters, overlong words), isolation between workspaces, the
// widget's `GET /v1/config` (site key, allowed origins, CORS, browser cache), the help centre's
// colour and logo, a stored row that does not parse, and export and removal of the row.
import { env, SELF } from "cloudflare:test";
import { beforeAll, describe, expect, it } from "vitest";
import { type Appearance, type AppearanceView, widgetConfigSchema } from "../../shared/appearance.ts";
import { unzip } from "../../worker/privacy/zip.ts";
import { ADMIN, BASE, call, createAgent } from "./helpers.ts";

const A = "look-a";
const B = "look-b";
const ORIGIN_A = "https://shop-a.example";
const ORIGIN_B = "https://shop-b.example";

let ownerA = "";
let editorA = "";
let agentA = "";
let agentB = "";

const LOOK: Appearance = {
  color: "#0f766e",
  position: "left",
  avatar: "https://cdn.shop-a.example/team.png",
  words: {
    en: { launcher: "Ask Acme", greeting: "<b>Hello</b> from Acme!\nAsk us anything.", team: "Acme support" },
    es: { greeting: "¡Hola desde Acme!" },
  },
};

const config = (site: string, origin?: string) =>
  SELF.fetch(`${BASE}/v1/config?site=${site}`, { headers: origin ? { origin } : {} });

beforeAll(async () => {
  await env.DB.batch([
    env.DB.prepare("INSERT OR IGNORE INTO workspaces (id, name, created_at) VALUES (?, 'Acme', 1)").bind(A),
    env.DB.prepare("INSERT OR IGNORE INTO workspaces (id, name, created_at) VALUES (?, 'Bolt', 1)").bind(B),
    env.DB.prepare(
      "INSERT OR IGNORE INTO sites (key, workspace_id, name, allowed_origins, created_at) VALUES ('look_site_a', ?, 'A', ?, 1)",
    ).bind(A, JSON.stringify([ORIGIN_A])),
    env.DB.prepare(
      "INSERT OR IGNORE INTO sites (key, workspace_id, name, allowed_origins, created_at) VALUES ('look_site_b', ?, 'B', ?, 1)",
    ).bind(B, JSON.stringify([ORIGIN_B])),
  ]);
  ownerA = await createAgent("look-owner@a.example", "owner", A);
  editorA = await createAgent("look-editor@a.example", "editor", A);
  agentA = await createAgent("look-agent@a.example", "agent", A);
  agentB = await createAgent("look-agent@b.example", "agent", B);
});

describe("appearance: roles and validation", () => {
  it("every agent reads the defaults before anyone saved; agents and editors may not write; owners may", async () => {
    const before = await call<AppearanceView>(agentA, "GET", "/api/appearance");
    expect(before).toMatchObject({ status: 200, body: { appearance: { words: {} }, updatedAt: null } });
    expect((await call(agentA, "PUT", "/api/appearance", LOOK)).status).toBe(403);
    expect((await call(editorA, "PUT", "/api/appearance", LOOK)).status).toBe(403);
    expect((await call({}, "GET", "/api/appearance")).status).toBe(401);
    const put = await call<AppearanceView>(ownerA, "PUT", "/api/appearance", LOOK);
    expect(put.status).toBe(200);
    expect(put.body.appearance).toEqual(LOOK);
    const after = await call<AppearanceView>(agentA, "GET", "/api/appearance");
    expect(after.body.appearance).toEqual(LOOK);
    expect(after.body.updatedAt).toBeGreaterThan(0);
    const audit = await env.DB.prepare(
      "SELECT action FROM audit_log WHERE workspace_id = ? AND action = 'appearance.updated'",
    )
      .bind(A)
      .all();
    expect(audit.results.length).toBe(1);
  });

  it("refuses a colour that is not a hex colour, an avatar that is not a plain https URL, control characters, overlong words", async () => {
    const bad: unknown[] = [
      { ...LOOK, color: "red;background:url(https://evil.example/x)" },
      { ...LOOK, color: "#0f766e;}body{display:none" },
      { ...LOOK, color: "var(--x)" },
      { ...LOOK, color: "#12345" },
      { ...LOOK, avatar: "http://cdn.example/a.png" },
      { ...LOOK, avatar: 'https://cdn.example/a.png" onerror="alert(1)' },
      { ...LOOK, avatar: "https://cdn.example/a.png) , url(https://evil.example" },
      { ...LOOK, avatar: "javascript:alert(1)" },
      { ...LOOK, position: "top" },
      { ...LOOK, words: { en: { team: "x".repeat(61) } } },
      { ...LOOK, words: { en: { launcher: "Chat\u0000now" } } },
      { ...LOOK, words: { en: { greeting: "" } } },
      { color: "#0f766e" },
    ];
    for (const body of bad) {
      const r = await call<{ error: string }>(ownerA, "PUT", "/api/appearance", body);
      expect([JSON.stringify(body), r.status, r.body.error]).toEqual([JSON.stringify(body), 400, "invalid_body"]);
    }
    // Nothing of it was stored.
    expect((await call<AppearanceView>(agentA, "GET", "/api/appearance")).body.appearance).toEqual(LOOK);
  });

  it("keeps workspaces apart: B's agents see B's look, and B's site gets B's", async () => {
    expect((await call<AppearanceView>(agentB, "GET", "/api/appearance")).body.appearance).toEqual({ words: {} });
    const b = await config("look_site_b", ORIGIN_B);
    expect(b.status).toBe(200);
    expect(await b.json()).toEqual({ appearance: { words: {} } });
  });
});

describe("appearance: the widget's config", () => {
  it("answers the site's look to its allowed origins, with CORS and a browser cache", async () => {
    const r = await config("look_site_a", ORIGIN_A);
    expect(r.status).toBe(200);
    expect(r.headers.get("access-control-allow-origin")).toBe(ORIGIN_A);
    expect(r.headers.get("cache-control")).toBe("public, max-age=60");
    const body = await r.json();
    expect(widgetConfigSchema.safeParse(body).success).toBe(true);
    expect(body).toEqual({ appearance: LOOK, ink: "#fff" });
  });

  it("refuses an unknown key, a malformed one and a page on an origin the site does not allow", async () => {
    expect((await config("look_site_nope", ORIGIN_A)).status).toBe(404);
    expect((await config("x", ORIGIN_A)).status).toBe(400);
    const other = await config("look_site_a", ORIGIN_B);
    expect(other.status).toBe(403);
    expect(((await other.json()) as { error: string }).error).toBe("origin_not_allowed");
  });
});

describe("appearance: the help centre", () => {
  it("takes the workspace's colour (with readable text on it) and its logo, and a new look is a new page", async () => {
    const html = await (await SELF.fetch(`${BASE}/hc/${A}/`)).text();
    expect(html).toContain(":root{--b:#0f766e;--a:#0f766e;--i:#fff}");
    expect(html).toContain('<img src="https://cdn.shop-a.example/team.png" alt="" referrerpolicy="no-referrer">');
    expect(html).toContain("Acme · Help centre");
    const etag = (await SELF.fetch(`${BASE}/hc/${A}/`)).headers.get("etag");
    const light = await call(ownerA, "PUT", "/api/appearance", { ...LOOK, color: "#fde68a" });
    expect(light.status).toBe(200);
    const again = await SELF.fetch(`${BASE}/hc/${A}/`);
    expect(again.headers.get("etag")).not.toBe(etag);
    // Dark text on a light colour.
    expect(await again.text()).toContain(":root{--b:#fde68a;--a:#fde68a;--i:#111}");
    // Another workspace's help centre keeps the defaults.
    const other = await (await SELF.fetch(`${BASE}/hc/${B}/`)).text();
    expect(other).toContain(":root{--b:#1f3b73;--a:#1d4ed8;--i:#fff}");
    for (const theirs of ["#fde68a", "#0f766e", "cdn.shop-a.example"]) expect(other).not.toContain(theirs);
    expect((await call(ownerA, "PUT", "/api/appearance", LOOK)).status).toBe(200);
  });

  it("shows the defaults, not the row, when a stored look does not parse", async () => {
    const ws = "look-hostile";
    await env.DB.batch([
      env.DB.prepare("INSERT OR IGNORE INTO workspaces (id, name, created_at) VALUES (?, 'Hostile', 1)").bind(ws),
      env.DB.prepare(
        "INSERT OR IGNORE INTO sites (key, workspace_id, name, allowed_origins, created_at) VALUES ('look_site_h', ?, 'H', '[]', 1)",
      ).bind(ws),
      env.DB.prepare("INSERT INTO appearance (workspace_id, data, updated_at) VALUES (?, ?, 1)").bind(
        ws,
        JSON.stringify({ color: "red}body{display:none", avatar: 'https://x.example/" onerror="x', words: {} }),
      ),
    ]);
    const html = await (await SELF.fetch(`${BASE}/hc/${ws}/`)).text();
    expect(html).not.toContain("display:none");
    expect(html).not.toContain("onerror");
    expect(await (await config("look_site_h")).json()).toEqual({ appearance: { words: {} } });
  });
});

describe("appearance: export and removal", () => {
  it("is in the workspace's export and goes with the workspace", async () => {
    const r = await SELF.fetch(`${BASE}/admin/v1/workspace/export?workspace=${A}&limit=1`, { headers: ADMIN });
    expect(r.status).toBe(200);
    const files = unzip(new Uint8Array(await r.arrayBuffer()));
    const settings = JSON.parse(new TextDecoder().decode(files.get("settings.json"))) as {
      appearance: { workspace_id: string; data: string }[];
    };
    expect(settings.appearance).toHaveLength(1);
    expect(JSON.parse(settings.appearance[0]?.data ?? "")).toEqual(LOOK);
    const del = await SELF.fetch(`${BASE}/admin/v1/workspace?workspace=${A}&confirm=${A}`, {
      method: "DELETE",
      headers: ADMIN,
    });
    expect(del.status).toBe(200);
    const left = await env.DB.prepare("SELECT COUNT(*) AS n FROM appearance WHERE workspace_id = ?")
      .bind(A)
      .first<{ n: number }>();
    expect(left?.n).toBe(0);
  });
});
