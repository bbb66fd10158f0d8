-- Accounts deleted in identity (AccountDeleted events): their cases and replies stay for the
-- discussion, shown as from a deleted account.
CREATE TABLE deleted_accounts (
  account_id  uuid PRIMARY KEY,
  deleted_at  timestamptz NOT NULL DEFAULT clock_timestamp()
);
