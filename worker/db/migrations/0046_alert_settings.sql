-- An agent's alert settings (docs/alerts.md), with their account so they follow the person across
-- browsers and workspaces. JSON of shared/alerts.ts `alertSettingsSchema`; NULL: the defaults.
ALTER TABLE agents ADD COLUMN alert_settings TEXT;
