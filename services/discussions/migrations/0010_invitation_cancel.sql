-- The owner of a group may withdraw a pending invitation (CancelInvitation), and lists the
-- group's pending invitations (ListGroupInvitations: newest first, by this index).
ALTER TABLE group_invitations DROP CONSTRAINT group_invitations_status_check;
ALTER TABLE group_invitations ADD CONSTRAINT group_invitations_status_check
  CHECK (status IN ('pending', 'accepted', 'declined', 'cancelled'));
CREATE INDEX group_invitations_by_group ON group_invitations (space_id, created_at DESC, invitation_id DESC)
  WHERE status = 'pending';
