-- The national register (Annuaire Santé extract) as last imported. One row per professional
-- (physicians and others: a non-physician's number must be told apart from an unknown one);
-- savoir-faire and practice places for physicians only.
--
-- An import never writes into these tables: it creates register_next_* LIKE them, loads them
-- with COPY, indexes them, then in the same transaction renames them over these (see
-- PgIdentityStore::ReplaceRegister), so a lookup sees the old register or the new one,
-- never a mix. No foreign key points at these tables, so that they can be swapped.
CREATE TABLE register_persons (
  identifier        text NOT NULL,  -- RPPS (11 digits) or ADELI (9 characters)
  identifier_type   text NOT NULL CHECK (identifier_type IN ('8', '0')),
  civility          text NOT NULL,
  family_name       text NOT NULL,
  given_name        text NOT NULL,
  profession_code   text NOT NULL,
  profession_label  text NOT NULL,
  CONSTRAINT register_persons_pkey PRIMARY KEY (identifier)
);

CREATE TABLE register_savoir_faire (
  identifier  text NOT NULL,
  type_code   text NOT NULL,
  code        text NOT NULL,
  label       text NOT NULL
);
CREATE INDEX register_savoir_faire_identifier ON register_savoir_faire (identifier);

CREATE TABLE register_places (
  identifier  text NOT NULL,
  postcode    text NOT NULL,
  city        text NOT NULL
);
CREATE INDEX register_places_identifier ON register_places (identifier);

-- One row per completed import, with its report (what was read, kept and rejected, and why).
CREATE TABLE register_imports (
  import_id    uuid PRIMARY KEY,
  source       text NOT NULL,
  imported_by  uuid,  -- the admin's account; NULL from the command line
  started_at   timestamptz NOT NULL,
  finished_at  timestamptz NOT NULL DEFAULT now(),
  rows_read    bigint NOT NULL,
  rows_kept    bigint NOT NULL,
  rows_rejected bigint NOT NULL,
  report       jsonb NOT NULL
);
