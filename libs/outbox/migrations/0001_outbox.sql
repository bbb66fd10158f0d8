-- Events waiting to be published by the relay (libs/outbox/relay.h). A row is written in the
-- same transaction as the change it describes, so it exists iff that change committed.
-- Unqualified: the migration runner sets search_path to the service's own schema.
CREATE TABLE outbox (
  id                bigserial PRIMARY KEY,
  event_id          uuid NOT NULL UNIQUE,
  aggregate_type    text,
  aggregate_id      text,
  aggregate_version bigint,
  -- Name of the Event.payload oneof case, e.g. 'account_verified'.
  event_type        text,
  -- A serialized meltingdoc.events.v1.Event.
  payload           bytea,
  created_at        timestamptz DEFAULT now(),
  published_at      timestamptz NULL
);

-- The relay only ever looks for unsent rows, oldest first; sent rows are the vast majority.
CREATE INDEX outbox_unsent_idx ON outbox (id) WHERE published_at IS NULL;
