-- Passwords (argon2id PHC strings) and pending email confirmations, apart from the account row
-- so that reading an account never reads its secrets.
CREATE TABLE credentials (
  account_id     uuid PRIMARY KEY REFERENCES accounts ON DELETE CASCADE,
  password_hash  text NOT NULL CHECK (password_hash LIKE '$argon2id$%' AND length(password_hash) < 256),
  changed_at     timestamptz NOT NULL
);

-- The current email confirmation code of a PENDING_EMAIL account: only its hash, an expiry
-- and the attempts left.
CREATE TABLE email_confirmations (
  account_id     uuid PRIMARY KEY REFERENCES accounts ON DELETE CASCADE,
  code_hash      bytea NOT NULL CHECK (length(code_hash) = 32),
  expires_at     timestamptz NOT NULL,
  attempts_left  int NOT NULL CHECK (attempts_left >= 0),
  sent_at        timestamptz NOT NULL
);
