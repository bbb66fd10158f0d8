-- Private groups: their owner, a version for membership events, and invitations.
ALTER TABLE spaces ADD COLUMN owner_id uuid;
ALTER TABLE spaces ADD COLUMN version bigint NOT NULL DEFAULT 1;

CREATE TABLE group_invitations (
  invitation_id  uuid PRIMARY KEY,
  space_id       uuid NOT NULL REFERENCES spaces (space_id),
  invitee_id     uuid NOT NULL,
  inviter_id     uuid NOT NULL,
  status         text NOT NULL CHECK (status IN ('pending', 'accepted', 'declined')),
  created_at     timestamptz NOT NULL DEFAULT clock_timestamp(),
  responded_at   timestamptz
);
-- At most one pending invitation per group and invitee.
CREATE UNIQUE INDEX group_invitations_pending ON group_invitations (space_id, invitee_id) WHERE status = 'pending';
CREATE INDEX group_invitations_by_invitee ON group_invitations (invitee_id, created_at DESC) WHERE status = 'pending';
