// What every worker test file starts from (tests/worker/setup.ts runs it before each file). One workerd
// serves all the files of a Vitest project (`isolate: false` in vitest.worker.config.ts: a fresh workerd
// with Vitest inside it cost about 4 s a file, applying the migrations 0.1 to 0.3 s), so this gives a
// file what a fresh workerd had: the previous file's background work finished, the worker's modules
// evaluated anew (no cached site, API key, appearance or KB of another file), real timers, empty
// storage (`reset()`: every D1, KV, R2 and Durable Object with its alarms), the migrations and the demo
// rows. tests/worker/fresh-start.test.ts proves each part.
import { applyD1Migrations, env, reset } from "cloudflare:test";
import { waitForGlobalWaitUntil } from "cloudflare:test-internal";
import { vi } from "vitest";

/**
 * How long a file waits for the previous file's `waitUntil` work. What the worker does after an answer
 * (a metrics flush after 250 ms, a site's last-seen write) settles in well under a second; a few
 * promises of requests long answered never settle when awaited from here (two after
 * setup-first-run.test.ts, where the plugin's own limit of 30 s ran out), and are not waited for longer.
 */
const SETTLE_MS = 2_000;

export async function freshStart(): Promise<void> {
  // A previous file's `waitUntil` would otherwise write into this file's storage. A failure of it
  // belonged to that file, which has ended: under a workerd per file it was dropped too.
  await Promise.race([
    waitForGlobalWaitUntil().catch(() => undefined),
    new Promise((resolve) => setTimeout(resolve, SETTLE_MS)),
  ]);
  vi.resetModules();
  vi.useRealTimers();
  await reset();
  await applyD1Migrations(env.DB, env.TEST_MIGRATIONS);
  await seedDemo();
}

/** The tests' own demo data (migrations seed none: docs/security.md, finding 15). */
async function seedDemo(): Promise<void> {
  // `created_at = 1` tells these rows apart from what an old migration seeded (created_at = 0):
  // production-defaults.test.ts.
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
}
