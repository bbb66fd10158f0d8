-- Verification of doctors against the register, and moderation.

-- The version of an account, carried by its events (AccountVerified, AccountDeleted) so that
-- consumers never let an older event overwrite a newer one. Raised on every status change.
ALTER TABLE accounts ADD COLUMN IF NOT EXISTS version bigint NOT NULL DEFAULT 1;

-- Which account holds which professional number. The primary key is what guarantees that a
-- second account never gets a number automatically: binding happens only here, and a
-- conflicting insert sends the request to review (or refuses a moderator's approval).
CREATE TABLE account_identifiers (
  identifier       text PRIMARY KEY,
  account_id       uuid NOT NULL UNIQUE REFERENCES accounts (account_id) ON DELETE CASCADE,
  verification_id  uuid NOT NULL,
  bound_at         timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE verification_requests (
  verification_id  uuid PRIMARY KEY,
  account_id       uuid NOT NULL REFERENCES accounts (account_id) ON DELETE CASCADE,
  identifier       text NOT NULL CHECK (length(identifier) BETWEEN 9 AND 11),
  identifier_type  text NOT NULL CHECK (identifier_type IN ('rpps', 'adeli')),
  state            text NOT NULL CHECK (state IN
                     ('verified', 'needs_review', 'rejected', 'approved', 'denied', 'withdrawn')),
  reasons          text[] NOT NULL DEFAULT '{}',
  -- What the register said when asked (RegisterEntry as JSON); NULL if not in it.
  register_entry   jsonb,
  created_at       timestamptz NOT NULL DEFAULT now(),
  decided_at       timestamptz,
  decided_by       uuid,  -- the moderator; NULL for an automatic decision
  decision_reason  text CHECK (length(decision_reason) <= 1000)
);
-- The moderation queue, oldest first, read by keyset (created_at, verification_id).
CREATE INDEX verification_requests_pending
  ON verification_requests (created_at, verification_id) WHERE state = 'needs_review';
CREATE INDEX verification_requests_account ON verification_requests (account_id, created_at DESC);

-- Every decision, automatic or by a moderator: who, when and why. Append-only; keeps no
-- personal data beyond account ids, and survives the deletion of the request.
CREATE TABLE verification_audit (
  audit_id          bigserial PRIMARY KEY,
  verification_id   uuid NOT NULL,
  account_id        uuid NOT NULL,
  actor_account_id  uuid,  -- NULL: automatic
  action            text NOT NULL CHECK (action IN ('verified', 'needs_review', 'rejected',
                                                    'approved', 'denied', 'withdrawn')),
  reason            text NOT NULL,
  at                timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX verification_audit_verification ON verification_audit (verification_id);
