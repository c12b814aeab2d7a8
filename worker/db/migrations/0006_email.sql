-- The email channel (worker/channels/email/, docs/email.md).

-- Which workspace a support address feeds. `address` is a lowercase mailbox ("support@lumen.example")
-- or a whole domain written "@lumen.example"; the mailbox wins over its domain. Plus tags are not
-- part of it: support+anything@lumen.example is support@lumen.example.
CREATE TABLE email_addresses (
  address TEXT PRIMARY KEY,
  workspace_id TEXT NOT NULL REFERENCES workspaces(id),
  created_at INTEGER NOT NULL
);

-- Every Message-ID received or sent in a conversation: replies thread through In-Reply-To/References
-- looked up here, and a redelivered message is recognised by its Message-ID.
CREATE TABLE email_messages (
  workspace_id TEXT NOT NULL,
  message_id TEXT NOT NULL,                  -- without the angle brackets
  conversation_id TEXT NOT NULL,
  direction TEXT NOT NULL CHECK (direction IN ('in', 'out')),
  author TEXT NOT NULL,                      -- in: customer; out: bot or agent
  status TEXT NOT NULL,                      -- in: stored; out: sent, failed, suppressed, alias
  detail TEXT,                               -- why it failed or was suppressed; for an alias, our Message-ID
  raw TEXT,                                  -- out only: exactly what was handed to send_email
  created_at INTEGER NOT NULL,
  PRIMARY KEY (workspace_id, message_id)
);
CREATE INDEX email_messages_conversation ON email_messages(conversation_id, created_at);

-- One contact per workspace and normalised email address (trimmed, lowercase), whatever the channel:
-- email conversations link here on arrival; a widget conversation with a verified email links to the
-- same row (docs/email.md, "Contacts").
CREATE TABLE contacts (
  id TEXT PRIMARY KEY,
  workspace_id TEXT NOT NULL REFERENCES workspaces(id),
  email TEXT NOT NULL,
  name TEXT,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL,
  UNIQUE (workspace_id, email)
);

CREATE TABLE contact_conversations (
  contact_id TEXT NOT NULL REFERENCES contacts(id),
  conversation_id TEXT NOT NULL,
  channel TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  PRIMARY KEY (contact_id, conversation_id)
);
CREATE INDEX contact_conversations_conversation ON contact_conversations(conversation_id);

-- The demo workspace answers a local address (.test is reserved for testing, RFC 2606).
INSERT INTO email_addresses (address, workspace_id, created_at) VALUES ('support@lumen.test', 'demo', 0);
