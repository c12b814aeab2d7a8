-- One person in several workspaces (docs/setup.md "One person, several workspaces").
-- An `agents` row is a person's account (email, password, two-factor: only the person changes them)
-- and their place in their home workspace. A membership is the same person in one more workspace,
-- with that workspace's own role, teams, availability, capacity and disabling.
CREATE TABLE memberships (
  agent_id TEXT NOT NULL REFERENCES agents(id) ON DELETE CASCADE,
  workspace_id TEXT NOT NULL REFERENCES workspaces(id),
  role TEXT NOT NULL CHECK (role IN ('agent', 'editor', 'owner')),
  teams TEXT NOT NULL DEFAULT '[]',
  away INTEGER NOT NULL DEFAULT 0,
  capacity INTEGER,
  disabled_at INTEGER,
  created_at INTEGER NOT NULL,
  PRIMARY KEY (agent_id, workspace_id)
);
CREATE INDEX memberships_workspace ON memberships(workspace_id);

-- The home workspace is the agents row itself: a membership of it would be a second, conflicting role.
CREATE TRIGGER memberships_not_home BEFORE INSERT ON memberships
WHEN EXISTS (SELECT 1 FROM agents WHERE id = NEW.agent_id AND workspace_id = NEW.workspace_id)
BEGIN
  SELECT RAISE(ABORT, 'a membership cannot be of the home workspace');
END;

-- The workspace a session acts in; NULL: the agent's home workspace (so sessions from before stay home).
ALTER TABLE sessions ADD COLUMN workspace_id TEXT;
CREATE INDEX sessions_workspace ON sessions(workspace_id);

-- Everyone of a workspace, home agents and members alike, with that workspace's role, teams,
-- availability, capacity and disabling. `member`: the account's home is another workspace; `shared`:
-- the person belongs to more than one workspace (then only they change their account).
CREATE VIEW workspace_people AS
SELECT a.id, a.workspace_id, a.email, a.name, a.role, a.teams, a.away, a.capacity, a.disabled_at, a.created_at,
       a.totp_secret IS NOT NULL AS has_totp, 0 AS member,
       EXISTS (SELECT 1 FROM memberships x WHERE x.agent_id = a.id) AS shared
FROM agents a
UNION ALL
SELECT a.id, m.workspace_id, a.email, a.name, m.role, m.teams, m.away, m.capacity, m.disabled_at, m.created_at,
       a.totp_secret IS NOT NULL AS has_totp, 1 AS member, 1 AS shared
FROM memberships m JOIN agents a ON a.id = m.agent_id;
