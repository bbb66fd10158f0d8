-- The Reindex in progress, if any (services/search/pg_reindex_store.cc): one row. While
-- `running`, every event the consumers apply to the live index is applied to the copies being
-- built (tables named rebuild_<table>) as well, in the same transaction; the switch swaps the
-- copies in and clears `running` in one transaction. `heartbeat_at` is renewed by every batch:
-- a rebuild whose process died stops refusing new ones once it is older than the lease.
CREATE TABLE reindex_state (
  id                  boolean PRIMARY KEY DEFAULT true CHECK (id),
  running             boolean NOT NULL DEFAULT false,
  owner               uuid,
  started_at          timestamptz,
  heartbeat_at        timestamptz,
  profiles_indexed    bigint NOT NULL DEFAULT 0,
  case_events_indexed bigint NOT NULL DEFAULT 0,
  finished_at         timestamptz,
  -- 'switched', or why the last rebuild was abandoned (no content, only a status code).
  last_result         text NOT NULL DEFAULT ''
);
INSERT INTO reindex_state DEFAULT VALUES;
