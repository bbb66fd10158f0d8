-- Accounts: who may use MeltingDoc, and how far they are on the way to being verified.
CREATE TABLE accounts (
  account_id    uuid PRIMARY KEY,
  email         text NOT NULL CHECK (length(email) BETWEEN 3 AND 254),
  civility      text NOT NULL DEFAULT '' CHECK (length(civility) <= 16),
  given_name    text NOT NULL CHECK (length(given_name) BETWEEN 1 AND 100),
  family_name   text NOT NULL CHECK (length(family_name) BETWEEN 1 AND 100),
  status        text NOT NULL CHECK (status IN
                  ('pending_email', 'pending_verification', 'verified', 'rejected', 'suspended')),
  role          text NOT NULL DEFAULT 'doctor' CHECK (role IN ('doctor', 'moderator', 'admin')),
  created_at    timestamptz NOT NULL DEFAULT now(),
  updated_at    timestamptz NOT NULL DEFAULT now()
);

-- One account per address, whatever its case.
CREATE UNIQUE INDEX accounts_email_unique ON accounts (lower(email));
