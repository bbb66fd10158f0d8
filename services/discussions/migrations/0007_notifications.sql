-- Who follows which case, and the notifications that replies and accepted answers create.
CREATE TABLE case_follows (
  case_id     uuid NOT NULL REFERENCES cases (case_id),
  account_id  uuid NOT NULL,
  created_at  timestamptz NOT NULL DEFAULT clock_timestamp(),
  PRIMARY KEY (case_id, account_id)
);
-- Authors follow their cases (also those created before this migration).
INSERT INTO case_follows (case_id, account_id, created_at) SELECT case_id, author_id, created_at FROM cases;

CREATE TABLE notifications (
  notification_id  bigserial PRIMARY KEY,
  account_id       uuid NOT NULL,
  kind             text NOT NULL CHECK (kind IN ('new_reply', 'reply_accepted')),
  case_id          uuid NOT NULL REFERENCES cases (case_id),
  reply_id         uuid REFERENCES replies (reply_id),
  actor_id         uuid NOT NULL,
  created_at       timestamptz NOT NULL DEFAULT clock_timestamp(),
  read_at          timestamptz
);
CREATE INDEX notifications_by_account ON notifications (account_id, notification_id DESC);
-- The unread count, recounted when Redis lost it.
CREATE INDEX notifications_unread ON notifications (account_id) WHERE read_at IS NULL;
