-- Business hours (docs/hours.md): per workspace (team '') and per team, each a JSON document parsed
-- with shared/hours.ts businessHoursSchema on every read: the time zone, the weekly intervals, the
-- holidays. A conversation handed off while its team's desk is closed hears when a person is back,
-- and its response SLA counts open time only (worker/hours/). No row: always open, as before.
CREATE TABLE business_hours (
  workspace_id TEXT NOT NULL,
  team TEXT NOT NULL DEFAULT '',  -- '' : the workspace's own hours; otherwise a team that differs
  data TEXT NOT NULL,
  updated_at INTEGER NOT NULL,
  PRIMARY KEY (workspace_id, team)
);
