-- Events a consumer has applied (libs/outbox/consumer.h). The row is inserted in the same
-- transaction as the handler's changes, so "applied" and "recorded" commit together and a
-- redelivered event is recognised and skipped.
CREATE TABLE processed_events (
  event_id          uuid PRIMARY KEY,
  stream            text NOT NULL,
  aggregate_type    text,
  aggregate_id      text,
  aggregate_version bigint,
  applied_at        timestamptz DEFAULT now()
);
