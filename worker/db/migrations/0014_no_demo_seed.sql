-- Demo data belongs to `npm run dev` (scripts/lib/demo-seed.ts) and the tests' own setup, not to a
-- migration that also runs in production. Migrations 0001, 0006 and 0008 seeded a `demo` workspace, the
-- site keys `demo_site` and `demo_portal` and the address support@lumen.test; this removes whatever of
-- that seed is still exactly as seeded and unused. A deployment that put its own data in `demo` keeps
-- its workspace, its help centre and any site it repointed.
DELETE FROM email_addresses WHERE address = 'support@lumen.test' AND workspace_id = 'demo' AND created_at = 0;

DELETE FROM sites WHERE key = 'demo_site' AND workspace_id = 'demo' AND created_at = 0
  AND allowed_origins = '["http://localhost:8787","http://127.0.0.1:8787","http://localhost:8788","http://127.0.0.1:8788"]'
  AND identity_secret IS NULL;

DELETE FROM sites WHERE key = 'demo_portal' AND workspace_id = 'demo' AND created_at = 0
  AND allowed_origins = '[]' AND identity_secret IS NULL
  AND NOT EXISTS (SELECT 1 FROM articles WHERE workspace_id = 'demo');

DELETE FROM workspaces WHERE id = 'demo' AND created_at = 0
  AND NOT EXISTS (SELECT 1 FROM sites WHERE workspace_id = 'demo')
  AND NOT EXISTS (SELECT 1 FROM agents WHERE workspace_id = 'demo')
  AND NOT EXISTS (SELECT 1 FROM articles WHERE workspace_id = 'demo')
  AND NOT EXISTS (SELECT 1 FROM canned_replies WHERE workspace_id = 'demo')
  AND NOT EXISTS (SELECT 1 FROM webhooks WHERE workspace_id = 'demo')
  AND NOT EXISTS (SELECT 1 FROM notification_settings WHERE workspace_id = 'demo')
  AND NOT EXISTS (SELECT 1 FROM email_addresses WHERE workspace_id = 'demo')
  AND NOT EXISTS (SELECT 1 FROM contacts WHERE workspace_id = 'demo')
  AND NOT EXISTS (SELECT 1 FROM api_keys WHERE workspace_id = 'demo')
  AND NOT EXISTS (SELECT 1 FROM conversations WHERE workspace_id = 'demo');
