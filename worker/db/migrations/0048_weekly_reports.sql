-- The weekly health report (docs/weekly-report.md): one row per workspace, week and trigger. The
-- scheduled one is written once (the primary key): a cron that runs twice sends nothing twice.
CREATE TABLE weekly_reports (
  workspace_id TEXT NOT NULL,
  week TEXT NOT NULL,
  trigger TEXT NOT NULL CHECK (trigger IN ('schedule', 'demand')),
  report TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  PRIMARY KEY (workspace_id, week, trigger)
);
CREATE INDEX weekly_reports_ws ON weekly_reports(workspace_id, created_at);
