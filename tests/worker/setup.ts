import { applyD1Migrations, env } from "cloudflare:test";

await applyD1Migrations(env.DB, env.TEST_MIGRATIONS);

// The tests' own demo data (migrations seed none: docs/security.md, finding 15). `created_at = 1` tells
// these rows apart from what an old migration seeded (created_at = 0): production-defaults.test.ts.
await env.DB.batch([
  env.DB.prepare("INSERT OR IGNORE INTO workspaces (id, name, created_at) VALUES ('demo', 'Lumen (tests)', 1)"),
  env.DB.prepare(
    `INSERT OR IGNORE INTO sites (key, workspace_id, name, allowed_origins, created_at)
     VALUES ('demo_site', 'demo', 'Lumen demo site', '["http://localhost:8787","http://127.0.0.1:8787"]', 1)`,
  ),
  env.DB.prepare(
    `INSERT OR IGNORE INTO sites (key, workspace_id, name, allowed_origins, portal, created_at)
     VALUES ('demo_portal', 'demo', 'Lumen help centre', '[]', 1, 1)`,
  ),
  env.DB.prepare(
    "INSERT OR IGNORE INTO email_addresses (address, workspace_id, created_at) VALUES ('support@lumen.test', 'demo', 1)",
  ),
]);
