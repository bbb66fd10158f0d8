-- Cases, their revisions, and the audit of who read them.
CREATE TABLE cases (
  case_id           uuid PRIMARY KEY,
  space_id          uuid NOT NULL REFERENCES spaces (space_id),
  author_id         uuid NOT NULL,
  -- The client's idempotency key (CreateCaseRequest.request_id), unique per author.
  request_id        text,
  title             text NOT NULL,
  context           text NOT NULL DEFAULT '',
  examination       text NOT NULL DEFAULT '',
  investigations    text NOT NULL DEFAULT '',
  question          text NOT NULL,
  specialty_codes   text[] NOT NULL DEFAULT '{}',
  competence_tags   text[] NOT NULL DEFAULT '{}',
  status            text NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'resolved')),
  accepted_reply_id uuid,
  reply_count       integer NOT NULL DEFAULT 0,
  version           bigint NOT NULL DEFAULT 1,
  created_at        timestamptz NOT NULL DEFAULT clock_timestamp(),
  updated_at        timestamptz NOT NULL DEFAULT clock_timestamp(),
  last_activity_at  timestamptz NOT NULL DEFAULT clock_timestamp(),
  -- Tombstone: the row stays, the text is erased.
  deleted_at        timestamptz,
  deleted_by        uuid,
  -- Hidden by a moderator (with the reason), not listed.
  hidden_at         timestamptz,
  hidden_reason     text,
  UNIQUE (author_id, request_id)
);

-- Keyset pagination of ListCases: one index per order, over live cases, with and without a
-- space filter.
CREATE INDEX cases_newest ON cases (created_at DESC, case_id DESC) WHERE deleted_at IS NULL AND hidden_at IS NULL;
CREATE INDEX cases_active ON cases (last_activity_at DESC, case_id DESC) WHERE deleted_at IS NULL AND hidden_at IS NULL;
CREATE INDEX cases_space_newest ON cases (space_id, created_at DESC, case_id DESC) WHERE deleted_at IS NULL AND hidden_at IS NULL;
CREATE INDEX cases_space_active ON cases (space_id, last_activity_at DESC, case_id DESC) WHERE deleted_at IS NULL AND hidden_at IS NULL;
CREATE INDEX cases_author ON cases (author_id, created_at DESC, case_id DESC);
CREATE INDEX cases_tags ON cases USING gin ((specialty_codes || competence_tags));

-- Every version of a case's text, version 1 being the text as created ("edit history").
CREATE TABLE case_revisions (
  case_id          uuid NOT NULL REFERENCES cases (case_id),
  version          bigint NOT NULL,
  title            text NOT NULL,
  context          text NOT NULL,
  examination      text NOT NULL,
  investigations   text NOT NULL,
  question         text NOT NULL,
  specialty_codes  text[] NOT NULL,
  competence_tags  text[] NOT NULL,
  editor_id        uuid NOT NULL,
  created_at       timestamptz NOT NULL DEFAULT clock_timestamp(),
  PRIMARY KEY (case_id, version)
);

-- Who read which case, when, under which request id. Append-only: the service's own role
-- (which owns the table, as it runs the migrations) gives up UPDATE, DELETE and TRUNCATE,
-- and a trigger refuses them as well, so that the service cannot rewrite the audit.
CREATE TABLE case_reads (
  id          bigserial PRIMARY KEY,
  case_id     uuid NOT NULL REFERENCES cases (case_id),
  reader_id   uuid NOT NULL,
  read_at     timestamptz NOT NULL DEFAULT clock_timestamp(),
  request_id  text NOT NULL DEFAULT ''
);
CREATE INDEX case_reads_by_case ON case_reads (case_id, id);

CREATE FUNCTION case_reads_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'case_reads is append-only' USING ERRCODE = 'insufficient_privilege';
END $$;
CREATE TRIGGER case_reads_no_update BEFORE UPDATE OR DELETE ON case_reads
  FOR EACH ROW EXECUTE FUNCTION case_reads_append_only();
CREATE TRIGGER case_reads_no_truncate BEFORE TRUNCATE ON case_reads
  FOR EACH STATEMENT EXECUTE FUNCTION case_reads_append_only();
REVOKE UPDATE, DELETE, TRUNCATE ON case_reads FROM CURRENT_USER;
