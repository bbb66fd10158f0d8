-- Replies to cases (one level of threading), their revisions, and "helpful" marks.
CREATE TABLE replies (
  reply_id         uuid PRIMARY KEY,
  case_id          uuid NOT NULL REFERENCES cases (case_id),
  -- A top-level reply of the same case (checked by the store), or NULL.
  parent_reply_id  uuid REFERENCES replies (reply_id),
  author_id        uuid NOT NULL,
  request_id       text,
  text             text NOT NULL,
  helpful_count    integer NOT NULL DEFAULT 0 CHECK (helpful_count >= 0),
  version          bigint NOT NULL DEFAULT 1,
  created_at       timestamptz NOT NULL DEFAULT clock_timestamp(),
  updated_at       timestamptz NOT NULL DEFAULT clock_timestamp(),
  hidden_at        timestamptz,
  hidden_reason    text,
  UNIQUE (author_id, request_id)
);
-- ListReplies walks a case's replies in the order they were written.
CREATE INDEX replies_by_case ON replies (case_id, created_at, reply_id);

CREATE TABLE reply_revisions (
  reply_id    uuid NOT NULL REFERENCES replies (reply_id),
  version     bigint NOT NULL,
  text        text NOT NULL,
  created_at  timestamptz NOT NULL DEFAULT clock_timestamp(),
  PRIMARY KEY (reply_id, version)
);

-- One mark per doctor and reply; the count is kept on the reply in the same transaction.
CREATE TABLE reply_votes (
  reply_id    uuid NOT NULL REFERENCES replies (reply_id),
  voter_id    uuid NOT NULL,
  created_at  timestamptz NOT NULL DEFAULT clock_timestamp(),
  PRIMARY KEY (reply_id, voter_id)
);
