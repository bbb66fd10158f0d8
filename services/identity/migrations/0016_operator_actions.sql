-- What operators do besides importing the register (issue #3): change an account's role, and
-- reopen a rejected verification. Both are recorded with who, when and why. `actor_label`
-- names an operator who used the command line (no account: "cli:<who>@<host>").

CREATE TABLE role_changes (
  change_id         bigserial PRIMARY KEY,
  -- No foreign key: the record outlives the account, like verification_audit.
  account_id        uuid NOT NULL,
  old_role          text NOT NULL,
  new_role          text NOT NULL CHECK (new_role IN ('doctor', 'moderator', 'admin')),
  actor_account_id  uuid,
  actor_label       text CHECK (length(actor_label) <= 200),
  reason            text NOT NULL CHECK (length(reason) BETWEEN 3 AND 1000),
  sessions_revoked  integer NOT NULL DEFAULT 0,
  at                timestamptz NOT NULL DEFAULT now(),
  CHECK (actor_account_id IS NOT NULL OR actor_label IS NOT NULL)
);
CREATE INDEX role_changes_account ON role_changes (account_id, at);

ALTER TABLE verification_audit ADD COLUMN actor_label text CHECK (length(actor_label) <= 200);
ALTER TABLE verification_audit DROP CONSTRAINT verification_audit_action_check;
ALTER TABLE verification_audit ADD CONSTRAINT verification_audit_action_check CHECK (action IN
  ('verified', 'needs_review', 'rejected', 'approved', 'denied', 'withdrawn', 'reopened'));

-- A demotion ends the account's sessions (their tokens carry the old role).
ALTER TABLE sessions DROP CONSTRAINT sessions_revoke_reason_check;
ALTER TABLE sessions ADD CONSTRAINT sessions_revoke_reason_check CHECK (revoke_reason IN
  ('logout', 'revoked', 'password_changed', 'refresh_reuse', 'account_deleted', 'role_changed'));
