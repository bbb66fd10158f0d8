-- TOTP second factor. The secret must be readable by the service (HMAC needs it).
-- confirmed_at is null while enrolling; last_used_step refuses a code used twice.
CREATE TABLE totp_secrets (
  account_id      uuid PRIMARY KEY REFERENCES accounts ON DELETE CASCADE,
  secret          bytea NOT NULL CHECK (length(secret) >= 20),
  created_at      timestamptz NOT NULL,
  confirmed_at    timestamptz,
  last_used_step  bigint NOT NULL DEFAULT -1
);

-- Single-use recovery codes, hashed.
CREATE TABLE recovery_codes (
  account_id  uuid NOT NULL REFERENCES accounts ON DELETE CASCADE,
  code_hash   bytea NOT NULL CHECK (length(code_hash) = 32),
  used_at     timestamptz,
  PRIMARY KEY (account_id, code_hash)
);

-- What happened to second factors that an operator may want to see: refused replays, wrong
-- codes, recovery codes used.
CREATE TABLE second_factor_events (
  event_id    bigserial PRIMARY KEY,
  account_id  uuid NOT NULL REFERENCES accounts ON DELETE CASCADE,
  kind        text NOT NULL CHECK (kind IN ('totp_replay', 'totp_wrong', 'recovery_used', 'recovery_wrong')),
  at          timestamptz NOT NULL,
  client_ip   text NOT NULL DEFAULT '' CHECK (length(client_ip) <= 64)
);
CREATE INDEX second_factor_events_by_account ON second_factor_events (account_id, at);

-- A password accepted for an account with a second factor: the challenge (hashed) that
-- VerifySecondFactor completes.
CREATE TABLE login_challenges (
  challenge_hash  bytea PRIMARY KEY CHECK (length(challenge_hash) = 32),
  account_id      uuid NOT NULL REFERENCES accounts ON DELETE CASCADE,
  expires_at      timestamptz NOT NULL,
  attempts_left   int NOT NULL CHECK (attempts_left >= 0),
  client_ip       text NOT NULL DEFAULT '' CHECK (length(client_ip) <= 64),
  user_agent      text NOT NULL DEFAULT '' CHECK (length(user_agent) <= 800)
);
