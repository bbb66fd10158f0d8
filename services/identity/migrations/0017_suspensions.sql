-- Account suspension (issue #3): a moderator or an admin suspends an account (a fake doctor
-- found after verification) and may lift it. Every change is recorded with who, when, why,
-- the status before it (restored when the suspension is lifted) and the sessions it revoked.

CREATE TABLE account_suspensions (
  suspension_id     bigserial PRIMARY KEY,
  -- No foreign key: the record outlives the account, like role_changes.
  account_id        uuid NOT NULL,
  action            text NOT NULL CHECK (action IN ('suspended', 'unsuspended')),
  previous_status   text NOT NULL CHECK (previous_status IN
                      ('pending_email', 'pending_verification', 'verified', 'rejected', 'suspended')),
  actor_account_id  uuid,
  actor_label       text CHECK (length(actor_label) <= 200),
  reason            text NOT NULL CHECK (length(reason) BETWEEN 3 AND 1000),
  sessions_revoked  integer NOT NULL DEFAULT 0,
  at                timestamptz NOT NULL DEFAULT now(),
  CHECK (actor_account_id IS NOT NULL OR actor_label IS NOT NULL)
);
CREATE INDEX account_suspensions_account ON account_suspensions (account_id, suspension_id);

ALTER TABLE sessions DROP CONSTRAINT sessions_revoke_reason_check;
ALTER TABLE sessions ADD CONSTRAINT sessions_revoke_reason_check CHECK (revoke_reason IN
  ('logout', 'revoked', 'password_changed', 'refresh_reuse', 'account_deleted', 'role_changed', 'suspended'));
