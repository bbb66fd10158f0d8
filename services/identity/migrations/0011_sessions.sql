-- A session is one sign-in (a browser, a phone). Its refresh tokens rotate at every use; only
-- their SHA-256 is stored. A rotated token is kept (rotated_at set) so that its reuse is seen.
CREATE TABLE sessions (
  session_id     uuid PRIMARY KEY,
  account_id     uuid NOT NULL REFERENCES accounts ON DELETE CASCADE,
  created_at     timestamptz NOT NULL,
  refreshed_at   timestamptz NOT NULL,
  expires_at     timestamptz NOT NULL,
  revoked_at     timestamptz,
  revoke_reason  text CHECK (revoke_reason IN
                   ('logout', 'revoked', 'password_changed', 'refresh_reuse', 'account_deleted')),
  client_ip      text NOT NULL DEFAULT '' CHECK (length(client_ip) <= 64),
  user_agent     text NOT NULL DEFAULT '' CHECK (length(user_agent) <= 800)
);
-- ListSessions: newest first, keyset pages.
CREATE INDEX sessions_by_account ON sessions (account_id, created_at DESC, session_id DESC);

CREATE TABLE refresh_tokens (
  token_hash     bytea PRIMARY KEY CHECK (length(token_hash) = 32),
  session_id     uuid NOT NULL REFERENCES sessions ON DELETE CASCADE,
  issued_at      timestamptz NOT NULL,
  rotated_at     timestamptz
);
CREATE INDEX refresh_tokens_by_session ON refresh_tokens (session_id);

-- The revocation list that access-token checks read (and that Redis mirrors). It has no
-- foreign key: it must outlive the sessions of a deleted account for as long as one of their
-- access tokens could still be presented. It holds no personal data (a random session id).
CREATE TABLE revoked_sessions (
  session_id     uuid PRIMARY KEY,
  revoked_at     timestamptz NOT NULL
);
CREATE INDEX revoked_sessions_by_time ON revoked_sessions (revoked_at);
