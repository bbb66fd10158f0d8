-- Events a handler refused for good (libs/outbox/consumer.h: a permanent error such as
-- ALREADY_EXISTS or INVALID_ARGUMENT, which no retry can fix). Written with the event's
-- processed_events row in one transaction, so that the stream entry is acknowledged and not
-- retried forever. The code only, never the payload (which stays in the producer's outbox and
-- stream): an operator reads this table, fixes the cause, deletes both rows and replays.
CREATE TABLE dead_events (
  event_id          uuid PRIMARY KEY,
  stream            text NOT NULL,
  entry_id          text NOT NULL,
  aggregate_type    text,
  aggregate_id      text,
  aggregate_version bigint,
  code              text NOT NULL,
  dead_at           timestamptz NOT NULL DEFAULT now()
);
