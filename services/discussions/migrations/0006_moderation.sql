-- Reports to moderators and the record of their decisions.
CREATE TABLE reports (
  report_id    uuid PRIMARY KEY,
  target_type  text NOT NULL CHECK (target_type IN ('case', 'reply')),
  target_id    uuid NOT NULL,
  reporter_id  uuid NOT NULL,
  reason       text NOT NULL,
  details      text NOT NULL DEFAULT '',
  status       text NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'closed')),
  created_at   timestamptz NOT NULL DEFAULT clock_timestamp(),
  closed_at    timestamptz
);
-- One open report per doctor and content; the queue walks open reports oldest first.
CREATE UNIQUE INDEX reports_open_per_reporter ON reports (target_type, target_id, reporter_id) WHERE status = 'open';
CREATE INDEX reports_queue ON reports (created_at, report_id) WHERE status = 'open';

-- Every hide and unhide, with its reason (append-only, like the read audit).
CREATE TABLE moderation_actions (
  id            bigserial PRIMARY KEY,
  action        text NOT NULL CHECK (action IN ('hide', 'unhide')),
  target_type   text NOT NULL CHECK (target_type IN ('case', 'reply')),
  target_id     uuid NOT NULL,
  moderator_id  uuid NOT NULL,
  reason        text NOT NULL,
  created_at    timestamptz NOT NULL DEFAULT clock_timestamp()
);
CREATE FUNCTION append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION '% is append-only', TG_TABLE_NAME USING ERRCODE = 'insufficient_privilege';
END $$;
CREATE TRIGGER moderation_actions_no_update BEFORE UPDATE OR DELETE ON moderation_actions
  FOR EACH ROW EXECUTE FUNCTION append_only();
REVOKE UPDATE, DELETE, TRUNCATE ON moderation_actions FROM CURRENT_USER;
