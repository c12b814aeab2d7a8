// Which D1 rows make up a workspace, for export, import and removal. Settings, people, articles and
// canned replies by table; conversations' own rows come from worker/privacy/conversation.ts (the one
// list erasure also uses). Secrets never leave: password hashes, identity and webhook secrets, the
// Slack URL, API keys and sessions are not exported (the import says what to set again).

/** What part 1 of an archive holds besides conversations: file → table → the SELECT that reads it (?1: workspace). */
export const WORKSPACE_FILES: Record<string, Record<string, string>> = {
  "settings.json": {
    workspaces: "SELECT id, name, created_at FROM workspaces WHERE id = ?1",
    sites:
      "SELECT key, workspace_id, name, allowed_origins, portal, created_at, identity_secret IS NOT NULL AS identity_secret_was_set FROM sites WHERE workspace_id = ?1 ORDER BY key",
    email_addresses: "SELECT * FROM email_addresses WHERE workspace_id = ?1 ORDER BY address",
    retention_settings: "SELECT * FROM retention_settings WHERE workspace_id = ?1",
    business_hours: "SELECT * FROM business_hours WHERE workspace_id = ?1 ORDER BY team",
    appearance: "SELECT * FROM appearance WHERE workspace_id = ?1",
    attachment_policies: "SELECT * FROM attachment_policies WHERE workspace_id = ?1",
    quality_rubrics: "SELECT * FROM quality_rubrics WHERE workspace_id = ?1 ORDER BY version",
    health_rules: "SELECT * FROM health_rules WHERE workspace_id = ?1 ORDER BY created_at",
    webhooks:
      "SELECT id, workspace_id, url, events, enabled, description, created_at, updated_at FROM webhooks WHERE workspace_id = ?1 ORDER BY created_at",
    // Action definitions reference their secrets by name; the sealed values stay behind (docs/actions.md).
    actions: "SELECT * FROM actions WHERE workspace_id = ?1 ORDER BY name",
  },
  "people.json": {
    agents:
      "SELECT id, workspace_id, email, name, role, teams, away, capacity, created_at FROM agents WHERE workspace_id = ?1 ORDER BY email",
    contacts: "SELECT * FROM contacts WHERE workspace_id = ?1 ORDER BY email",
    contact_conversations:
      "SELECT cc.* FROM contact_conversations cc JOIN contacts c ON c.id = cc.contact_id WHERE c.workspace_id = ?1 ORDER BY cc.contact_id, cc.conversation_id",
  },
  "articles.json": {
    articles: "SELECT * FROM articles WHERE workspace_id = ?1 ORDER BY id",
    article_versions: "SELECT * FROM article_versions WHERE workspace_id = ?1 ORDER BY id, kb_version",
    article_drafts: "SELECT * FROM article_drafts WHERE workspace_id = ?1 ORDER BY id",
    kb_versions:
      "SELECT workspace_id, version, articles, chunks, created_at FROM kb_versions WHERE workspace_id = ?1 ORDER BY version",
    resolved_questions:
      "SELECT workspace_id, text, article_id, conversation_id, created_at FROM resolved_questions WHERE workspace_id = ?1 ORDER BY seq",
  },
  "canned.json": {
    canned_replies: "SELECT * FROM canned_replies WHERE workspace_id = ?1 ORDER BY title",
  },
};

/**
 * How an imported row is written. `set` replaces columns (the target workspace, unusable secrets);
 * `drop` removes columns the destination numbers itself (autoincrement keys) or derives.
 */
export type ImportRule = { wsColumn?: string; set?: Record<string, () => string | number | null>; drop?: string[] };

const randomSecret = () => `whsec_${crypto.randomUUID().replace(/-/g, "")}`;

export const IMPORT_RULES: Record<string, ImportRule> = {
  workspaces: {},
  sites: { wsColumn: "workspace_id" },
  email_addresses: { wsColumn: "workspace_id" },
  retention_settings: { wsColumn: "workspace_id" },
  business_hours: { wsColumn: "workspace_id" },
  appearance: { wsColumn: "workspace_id" },
  attachment_policies: { wsColumn: "workspace_id" },
  quality_rubrics: { wsColumn: "workspace_id" },
  health_rules: { wsColumn: "workspace_id" },
  // A webhook comes back switched off, with a new secret the owner rotates into their receiver.
  webhooks: { wsColumn: "workspace_id", set: { secret: randomSecret, enabled: () => 0 } },
  // "!imported" is not a password hash: nobody signs in until the operator sets a password.
  agents: { wsColumn: "workspace_id", set: { password_hash: () => "!imported" } },
  contacts: { wsColumn: "workspace_id" },
  contact_conversations: {},
  articles: { wsColumn: "workspace_id" },
  article_versions: { wsColumn: "workspace_id" },
  article_drafts: { wsColumn: "workspace_id" },
  // The snapshots live in the old deployment's KV: the versions are kept for numbering, a rebuild makes a current one.
  kb_versions: { wsColumn: "workspace_id", set: { snapshot_key: () => "imported", current: () => 0 } },
  resolved_questions: { wsColumn: "workspace_id", drop: ["seq"] },
  canned_replies: { wsColumn: "workspace_id" },
  actions: { wsColumn: "workspace_id" },
  // A conversation's own rows (privacy/conversation.ts TABLES).
  conversations: { wsColumn: "workspace_id" },
  analytics_events: { wsColumn: "workspace_id" },
  csat: { wsColumn: "workspace_id" },
  handoff_marks: { wsColumn: "workspace_id" },
  sla_events: { wsColumn: "workspace_id", drop: ["seq"] },
  bot_turns: { wsColumn: "workspace_id", drop: ["seq"] },
  answer_votes: { wsColumn: "workspace_id" },
  email_messages: { wsColumn: "workspace_id" },
  privacy_subjects: { wsColumn: "workspace_id" },
  // The search index comes with its conversations (an import runs no followers); the FTS5 rows follow by trigger.
  search_docs: { wsColumn: "workspace_id", drop: ["id"] },
  search_conversations: { wsColumn: "workspace_id" },
  // Scorecards and leads' overrides come with their conversations (worker/quality/).
  quality_scores: { wsColumn: "workspace_id" },
  quality_overrides: { wsColumn: "workspace_id" },
  conversation_health: { wsColumn: "workspace_id" },
  outreach: { wsColumn: "workspace_id" },
  action_calls: { wsColumn: "workspace_id" },
  action_approvals: { wsColumn: "workspace_id" },
};

/** Rows of a conversation that are not imported: derived on the way in (the analytics trigger) or not the workspace's to move. */
export const SKIPPED_CONVERSATION_TABLES = new Set(["analytics_conversations", "surge_steps", "contact_conversations"]);

/** Every table removal clears for a workspace, children first; `?1` is the workspace. */
export const REMOVE_STATEMENTS = [
  "DELETE FROM kb_job_items WHERE job_id IN (SELECT id FROM kb_jobs WHERE workspace_id = ?1)",
  "DELETE FROM kb_jobs WHERE workspace_id = ?1",
  "DELETE FROM kb_versions WHERE workspace_id = ?1",
  "DELETE FROM article_versions WHERE workspace_id = ?1",
  "DELETE FROM article_drafts WHERE workspace_id = ?1",
  "DELETE FROM articles WHERE workspace_id = ?1",
  "DELETE FROM resolved_questions WHERE workspace_id = ?1",
  "DELETE FROM bot_turns WHERE workspace_id = ?1",
  "DELETE FROM answer_votes WHERE workspace_id = ?1",
  "DELETE FROM canned_replies WHERE workspace_id = ?1",
  "DELETE FROM action_calls WHERE workspace_id = ?1",
  "DELETE FROM action_approvals WHERE workspace_id = ?1",
  "DELETE FROM action_secrets WHERE workspace_id = ?1",
  "DELETE FROM actions WHERE workspace_id = ?1",
  "DELETE FROM contact_conversations WHERE contact_id IN (SELECT id FROM contacts WHERE workspace_id = ?1)",
  "DELETE FROM contacts WHERE workspace_id = ?1",
  "DELETE FROM privacy_subjects WHERE workspace_id = ?1",
  "DELETE FROM search_docs WHERE workspace_id = ?1",
  "DELETE FROM search_conversations WHERE workspace_id = ?1",
  "DELETE FROM email_messages WHERE workspace_id = ?1",
  "DELETE FROM email_addresses WHERE workspace_id = ?1",
  "DELETE FROM surge_steps WHERE sweep_id IN (SELECT id FROM surge_sweeps WHERE workspace_id = ?1)",
  "DELETE FROM surge_tasks WHERE workspace_id = ?1",
  "DELETE FROM surge_sweeps WHERE workspace_id = ?1",
  "DELETE FROM sla_events WHERE workspace_id = ?1",
  "DELETE FROM handoff_marks WHERE workspace_id = ?1",
  "DELETE FROM csat WHERE workspace_id = ?1",
  "DELETE FROM analytics_events WHERE workspace_id = ?1",
  "DELETE FROM analytics_conversations WHERE workspace_id = ?1",
  "DELETE FROM webhooks WHERE workspace_id = ?1",
  "DELETE FROM notification_settings WHERE workspace_id = ?1",
  "DELETE FROM api_keys WHERE workspace_id = ?1",
  "DELETE FROM retention_settings WHERE workspace_id = ?1",
  "DELETE FROM business_hours WHERE workspace_id = ?1",
  "DELETE FROM invites WHERE workspace_id = ?1",
  "DELETE FROM password_resets WHERE workspace_id = ?1",
  "DELETE FROM appearance WHERE workspace_id = ?1",
  "DELETE FROM attachment_policies WHERE workspace_id = ?1",
  "DELETE FROM quality_overrides WHERE workspace_id = ?1",
  "DELETE FROM quality_scores WHERE workspace_id = ?1",
  "DELETE FROM quality_rubrics WHERE workspace_id = ?1",
  "DELETE FROM weekly_reports WHERE workspace_id = ?1",
  "DELETE FROM health_alerts WHERE workspace_id = ?1",
  "DELETE FROM health_rules WHERE workspace_id = ?1",
  "DELETE FROM conversation_health WHERE workspace_id = ?1",
  "DELETE FROM outreach WHERE workspace_id = ?1",
  "DELETE FROM agent_availability WHERE workspace_id = ?1",
  // People: sessions acting here (members' and home agents'), memberships here, then the home agents.
  // Home agents who belong to other workspaces too have been moved out before (remove.ts): they keep
  // their account, with a new home.
  "DELETE FROM sessions WHERE workspace_id = ?1",
  "DELETE FROM sessions WHERE workspace_id IS NULL AND agent_id IN (SELECT id FROM agents WHERE workspace_id = ?1)",
  "DELETE FROM memberships WHERE workspace_id = ?1",
  "DELETE FROM agents WHERE workspace_id = ?1",
  "DELETE FROM site_origins WHERE site_key IN (SELECT key FROM sites WHERE workspace_id = ?1)",
  "DELETE FROM sites WHERE workspace_id = ?1",
  "DELETE FROM ops_metrics WHERE workspace_id = ?1",
  "DELETE FROM workspaces WHERE id = ?1",
];
