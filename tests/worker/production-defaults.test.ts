// Production defaults (docs/security.md, finding 15): migrations seed no demo workspace, site or
// address (the dev command and the tests seed their own); an admin call names its workspace; and a
// refused "create" does not tell which emails have accounts in other workspaces.
import { env, SELF } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { ADMIN, BASE, call, createAgent } from "./helpers.ts";

describe("finding 15: production defaults", () => {
  it("leaves no demo workspace, site or email address behind after the migrations", async () => {
    // tests/worker/setup.ts seeds the tests' own rows with created_at = 1; the old migrations' seed had 0.
    for (const table of ["workspaces", "sites", "email_addresses"]) {
      const seeded = await env.DB.prepare(`SELECT COUNT(*) AS n FROM ${table} WHERE created_at = 0`).first<{
        n: number;
      }>();
      expect(seeded?.n, table).toBe(0);
    }
    const demo = await env.DB.prepare("SELECT name FROM workspaces WHERE id = 'demo'").first<{ name: string }>();
    expect(demo?.name).toBe("Lumen (tests)");
  });

  it("makes the migration remove an untouched demo seed but keep a demo workspace somebody uses", async () => {
    const sql = env.TEST_MIGRATIONS.find((m) => m.name.startsWith("0014"))?.queries ?? [];
    expect(sql.length).toBeGreaterThan(0);
    // An untouched seed, as an old deployment has it, in a scratch workspace id (the SQL names `demo`).
    const scratch = (q: string) => q.replaceAll("'demo'", "'demo_old'").replaceAll("demo_site", "old_site");
    await env.DB.batch([
      env.DB.prepare("INSERT INTO workspaces (id, name, created_at) VALUES ('demo_old', 'Lumen (demo)', 0)"),
      env.DB.prepare(
        `INSERT INTO sites (key, workspace_id, name, allowed_origins, created_at) VALUES ('old_site', 'demo_old', 'Lumen demo site',
         '["http://localhost:8787","http://127.0.0.1:8787","http://localhost:8788","http://127.0.0.1:8788"]', 0)`,
      ),
    ]);
    for (const q of sql) await env.DB.prepare(scratch(q)).run();
    expect(await env.DB.prepare("SELECT 1 FROM sites WHERE key = 'old_site'").first()).toBeNull();
    expect(await env.DB.prepare("SELECT 1 FROM workspaces WHERE id = 'demo_old'").first()).toBeNull();
    // A deployment that used `demo` for real (here: a repointed site) keeps all of it.
    await env.DB.batch([
      env.DB.prepare("INSERT INTO workspaces (id, name, created_at) VALUES ('demo_old', 'Lumen (demo)', 0)"),
      env.DB.prepare(
        `INSERT INTO sites (key, workspace_id, name, allowed_origins, created_at) VALUES ('old_site', 'demo_old', 'Shop',
         '["https://shop.example"]', 0)`,
      ),
    ]);
    for (const q of sql) await env.DB.prepare(scratch(q)).run();
    expect(await env.DB.prepare("SELECT 1 FROM sites WHERE key = 'old_site'").first()).not.toBeNull();
    expect(await env.DB.prepare("SELECT 1 FROM workspaces WHERE id = 'demo_old'").first()).not.toBeNull();
  });

  it("refuses an admin-token call that does not name its workspace, or names an unknown one", async () => {
    const none = await SELF.fetch(`${BASE}/admin/v1/kb/articles`, { headers: ADMIN });
    expect(none.status).toBe(400);
    expect(((await none.json()) as { error: string }).error).toBe("workspace_required");
    const unknown = await SELF.fetch(`${BASE}/admin/v1/kb/articles?workspace=nope`, { headers: ADMIN });
    expect(unknown.status).toBe(404);
    const site = await SELF.fetch(`${BASE}/admin/v1/sites/stray_site`, {
      method: "PUT",
      headers: ADMIN,
      body: JSON.stringify({ name: "stray", allowedOrigins: ["https://stray.example"] }),
    });
    expect(site.status).toBe(400);
    expect(await env.DB.prepare("SELECT 1 FROM sites WHERE key = 'stray_site'").first()).toBeNull();
    expect((await SELF.fetch(`${BASE}/admin/v1/kb/articles?workspace=demo`, { headers: ADMIN })).status).toBe(200);
  });

  it("lets only the operator create a workspace and map an email address to it", async () => {
    const owner = await createAgent("owner@defaults.example", "owner");
    expect((await call(owner, "PUT", "/admin/v1/workspaces/acme", { name: "Acme" })).status).toBe(403);
    const made = await call(ADMIN, "PUT", "/admin/v1/workspaces/acme", { name: "Acme" });
    expect(made.status).toBe(201);
    expect((await call(ADMIN, "PUT", "/admin/v1/workspaces/acme", { name: "Acme Inc" })).status).toBe(200);
    expect((await call(ADMIN, "PUT", "/admin/v1/workspaces/Bad%20Id", { name: "x" })).status).toBe(400);
    expect((await call(owner, "PUT", "/admin/v1/email-addresses/help@acme.example?workspace=acme", {})).status).toBe(
      403,
    );
    expect((await call(ADMIN, "PUT", "/admin/v1/email-addresses/help@acme.example?workspace=acme", {})).status).toBe(
      200,
    );
    // Another workspace cannot take it over.
    expect((await call(ADMIN, "PUT", "/admin/v1/email-addresses/help@acme.example?workspace=demo", {})).status).toBe(
      409,
    );
  });
});
