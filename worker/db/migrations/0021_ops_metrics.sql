-- The operator's metrics when Workers Analytics Engine is not there to hold them: under `npm run dev`
-- and in tests (METRICS_D1=on), every data point the worker writes to Analytics Engine is also a row
-- here, so the operator page (worker/ops/, docs/operations.md) works locally. Production leaves this
-- table empty. The scheduled job keeps two days.
CREATE TABLE ops_metrics (
  at INTEGER NOT NULL,                        -- ms since epoch
  name TEXT NOT NULL,                         -- http | first_token | answer | handoff | webhook | publish | error
  label TEXT NOT NULL DEFAULT '',             -- route, decision, reason, outcome…
  label2 TEXT NOT NULL DEFAULT '',
  workspace_id TEXT NOT NULL DEFAULT '',
  value REAL NOT NULL
);
CREATE INDEX ops_metrics_name_at ON ops_metrics(name, at);
