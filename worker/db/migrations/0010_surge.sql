-- Surge triage (worker/insights/surge/): sweeps with a brief that is locked before planning, their steps, the
-- follow-up tasks from feedback, and the audit trail, which the database itself keeps append-only.

CREATE TABLE surge_sweeps (
  id TEXT PRIMARY KEY,
  workspace_id TEXT NOT NULL,
  title TEXT NOT NULL,
  brief TEXT NOT NULL,                         -- SurgeBrief JSON (filters, safeguards)
  state TEXT NOT NULL,                         -- draft | locked | planned | approved | refused | running | done
  created_by TEXT NOT NULL,
  created_by_name TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  locked_at INTEGER,
  tuning TEXT,                                 -- SurgeTuning JSON of the current plan
  inputs TEXT,                                 -- the planner's inputs JSON, kept for replay
  plan TEXT,                                   -- SurgePlan JSON
  plan_hash TEXT,
  approval_token TEXT UNIQUE,                  -- the approval link; rotated by every new plan
  decided_by TEXT,
  decided_by_name TEXT,
  decision TEXT,                               -- approve | refuse
  decision_comment TEXT,
  decided_at INTEGER,
  started_at INTEGER,
  finished_at INTEGER
);
CREATE INDEX surge_sweeps_workspace ON surge_sweeps(workspace_id, created_at);

-- Once locked, the brief is what was approved against: the database refuses to change it.
CREATE TRIGGER surge_brief_locked BEFORE UPDATE OF title, brief, created_by ON surge_sweeps
WHEN OLD.locked_at IS NOT NULL
BEGIN
  SELECT RAISE(ABORT, 'surge brief is locked');
END;

-- An approved plan is what runs: no new plan over it.
CREATE TRIGGER surge_plan_approved BEFORE UPDATE OF plan, plan_hash, inputs ON surge_sweeps
WHEN OLD.decision = 'approve'
BEGIN
  SELECT RAISE(ABORT, 'surge plan is approved');
END;

CREATE TABLE surge_steps (
  sweep_id TEXT NOT NULL,
  conversation_id TEXT NOT NULL,
  ord INTEGER NOT NULL,
  action TEXT NOT NULL,                        -- draft | escalate | leave
  status TEXT NOT NULL,                        -- pending | sent | held | escalated | left | undone | failed
  reason TEXT,
  message_id TEXT,
  undo_until INTEGER,
  at INTEGER,
  PRIMARY KEY (sweep_id, conversation_id)
);

CREATE TABLE surge_tasks (
  id TEXT PRIMARY KEY,
  workspace_id TEXT NOT NULL,
  sweep_id TEXT NOT NULL,
  text TEXT NOT NULL,
  created_by TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  status TEXT NOT NULL DEFAULT 'open'
);
CREATE INDEX surge_tasks_sweep ON surge_tasks(sweep_id, created_at);

-- Who did what, when, with which inputs and outputs. Never updated, never deleted.
CREATE TABLE surge_audit (
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  workspace_id TEXT NOT NULL,
  sweep_id TEXT NOT NULL,
  actor TEXT NOT NULL,
  action TEXT NOT NULL,
  at INTEGER NOT NULL,
  inputs TEXT NOT NULL,
  outputs TEXT NOT NULL
);
CREATE INDEX surge_audit_sweep ON surge_audit(sweep_id, seq);

CREATE TRIGGER surge_audit_no_update BEFORE UPDATE ON surge_audit
BEGIN
  SELECT RAISE(ABORT, 'surge_audit is append-only');
END;

CREATE TRIGGER surge_audit_no_delete BEFORE DELETE ON surge_audit
BEGIN
  SELECT RAISE(ABORT, 'surge_audit is append-only');
END;
