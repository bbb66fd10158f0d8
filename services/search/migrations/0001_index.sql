-- The search index, built only from events (streams meltingdoc.profiles and
-- meltingdoc.discussions). Every indexed row keeps the aggregate version it was built from, so
-- an older event never overwrites a newer one; deletions leave a tombstone row (no text) that
-- keeps its version, so a late, older "changed" event cannot bring a deleted item back.
-- Unqualified names: the migration runner puts this service's schema first in search_path,
-- then `extensions` (unaccent, pg_trgm).

-- French text: accents removed before the French Snowball stemmer, so "Gynécologues",
-- "gynecologue" and "GYNÉCOLOGUE" share one lexeme.
CREATE TEXT SEARCH CONFIGURATION fr (COPY = pg_catalog.french);
ALTER TEXT SEARCH CONFIGURATION fr
  ALTER MAPPING FOR hword, hword_part, word WITH extensions.unaccent, french_stem;

-- Great-circle distance in km (R = 6371). Same formula as HaversineKm (ranking.cc).
CREATE FUNCTION haversine_km(lat1 float8, lon1 float8, lat2 float8, lon2 float8)
RETURNS float8 LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
  SELECT 2 * 6371.0 * asin(least(1.0, sqrt(
    sin(radians(lat2 - lat1) / 2) ^ 2 +
    cos(radians(lat1)) * cos(radians(lat2)) * sin(radians(lon2 - lon1) / 2) ^ 2)))
$$;

-- The ranking blend of SearchDoctors. Same formula and constants as BlendScore (ranking.cc):
-- 0.6 text + 0.25 endorsements + 0.15 nearness. text_rank NULL: no text query; distance_km
-- NULL: unknown; proximity_km <= 0: no origin.
CREATE FUNCTION doctor_score(text_rank float8, endorsements int, distance_km float8,
                             proximity_km float8)
RETURNS float8 LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT 0.6::float8 * coalesce(greatest(text_rank, 0) / (greatest(text_rank, 0) + 1), 0)
       + 0.25::float8 * least(1.0::float8, ln(1 + greatest(coalesce(endorsements, 0), 0)::float8) / ln(51::float8))
       + 0.15::float8 * CASE WHEN proximity_km > 0 AND distance_km IS NOT NULL
                             THEN greatest(0::float8, 1 - greatest(distance_km, 0) / proximity_km)
                             ELSE 0::float8 END
$$;

-- One row per profile ever seen.
CREATE TABLE doctors (
  profile_id          uuid PRIMARY KEY,
  version             bigint NOT NULL,
  deleted             boolean NOT NULL DEFAULT false,
  display_name        text NOT NULL DEFAULT '',
  specialty_code      text NOT NULL DEFAULT '',
  specialty_label     text NOT NULL DEFAULT '',
  headline            text NOT NULL DEFAULT '',
  languages           text[] NOT NULL DEFAULT '{}',
  accepting_referrals boolean NOT NULL DEFAULT false,
  -- Taxonomy codes, and "label:<folded label>" for free-text competences.
  competence_keys     text[] NOT NULL DEFAULT '{}',
  endorsement_total   int NOT NULL DEFAULT 0,
  -- Folded words of the document, to keep the lexicon's counts right when it changes.
  words               text[] NOT NULL DEFAULT '{}',
  document            tsvector NOT NULL DEFAULT ''::tsvector,
  occur_time          timestamptz,
  indexed_at          timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX doctors_document_idx ON doctors USING gin (document) WHERE NOT deleted;
CREATE INDEX doctors_competences_idx ON doctors USING gin (competence_keys) WHERE NOT deleted;
CREATE INDEX doctors_specialty_idx ON doctors (specialty_code) WHERE NOT deleted;

CREATE TABLE doctor_competences (
  profile_id        uuid NOT NULL REFERENCES doctors ON DELETE CASCADE,
  ordinal           int NOT NULL,
  competence_key    text NOT NULL,
  label             text NOT NULL,
  endorsement_count int NOT NULL DEFAULT 0,
  -- Label and synonyms, to tell which competences a query matched (endorsement ranking).
  document          tsvector NOT NULL,
  PRIMARY KEY (profile_id, ordinal)
);
CREATE INDEX doctor_competences_key_idx ON doctor_competences (competence_key);

CREATE TABLE doctor_places (
  profile_id  uuid NOT NULL REFERENCES doctors ON DELETE CASCADE,
  ordinal     int NOT NULL,
  commune     text NOT NULL,
  commune_key text NOT NULL,  -- FoldedKey(commune): "saint etienne"
  postcode    text NOT NULL,
  latitude    float8,
  longitude   float8,
  PRIMARY KEY (profile_id, ordinal)
);
CREATE INDEX doctor_places_geo_idx ON doctor_places (latitude, longitude) WHERE latitude IS NOT NULL;
CREATE INDEX doctor_places_commune_idx ON doctor_places (commune_key);
CREATE INDEX doctor_places_postcode_idx ON doctor_places (postcode);

-- Words of the indexed texts with the number of documents holding them, per scope
-- ('d' doctors, 'c' cases): the candidates for typo corrections and the check that a
-- prefix starts a known word. A word leaves when its last document does.
CREATE TABLE lexicon (
  scope     "char" NOT NULL,
  word      text NOT NULL,
  doc_count int NOT NULL,
  PRIMARY KEY (scope, word)
);
CREATE INDEX lexicon_prefix_idx ON lexicon (scope, word text_pattern_ops);
CREATE INDEX lexicon_trgm_idx ON lexicon USING gin (word extensions.gin_trgm_ops);

-- Autocomplete entries: kind 'specialty', 'competence' (label and each synonym), 'doctor'
-- (one per profile), 'commune'.
CREATE TABLE suggestions (
  kind   text NOT NULL,
  key    text NOT NULL,  -- FoldedKey of what is matched
  label  text NOT NULL,  -- what is shown
  value  text NOT NULL,  -- code, profile id, postcode or free-text label
  detail text NOT NULL DEFAULT '',
  PRIMARY KEY (kind, value, key)
);
-- Prefix matches per kind, read in key order and cut at the limit.
CREATE INDEX suggestions_prefix_idx ON suggestions (kind, key text_pattern_ops);
-- Matches at the start of a later word ("amp" in "fertilite et amp").
CREATE INDEX suggestions_trgm_idx ON suggestions USING gin (key extensions.gin_trgm_ops);

-- Private-group membership, from GroupMembershipChanged (aggregate "space"; each change bumps
-- the group's version). One row per (group, account) ever seen: `member` false keeps the
-- version of a departure, so an older "joined" delivered late cannot readmit someone.
CREATE TABLE space_members (
  space_id   uuid NOT NULL,
  account_id uuid NOT NULL,
  member     boolean NOT NULL,
  version    bigint NOT NULL,
  PRIMARY KEY (space_id, account_id)
);

CREATE TABLE cases (
  case_id            uuid PRIMARY KEY,
  version            bigint NOT NULL,
  deleted            boolean NOT NULL DEFAULT false,
  hidden             boolean NOT NULL DEFAULT false,
  space_id           uuid,
  private_group      boolean NOT NULL DEFAULT false,
  title              text NOT NULL DEFAULT '',
  body               text NOT NULL DEFAULT '',
  replies_text       text NOT NULL DEFAULT '',
  tags               text[] NOT NULL DEFAULT '{}',
  resolved           boolean NOT NULL DEFAULT false,
  reply_count        int NOT NULL DEFAULT 0,
  create_time        timestamptz,
  last_activity_time timestamptz,
  words              text[] NOT NULL DEFAULT '{}',
  document           tsvector NOT NULL DEFAULT ''::tsvector,
  occur_time         timestamptz,
  indexed_at         timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX cases_document_idx ON cases USING gin (document) WHERE NOT deleted AND NOT hidden;
CREATE INDEX cases_recent_idx ON cases (create_time DESC, case_id) WHERE NOT deleted AND NOT hidden;
CREATE INDEX cases_space_idx ON cases (space_id) WHERE NOT deleted AND NOT hidden;
CREATE INDEX cases_tags_idx ON cases USING gin (tags) WHERE NOT deleted AND NOT hidden;

CREATE TABLE replies (
  reply_id    uuid PRIMARY KEY,
  case_id     uuid NOT NULL,
  version     bigint NOT NULL,
  hidden      boolean NOT NULL DEFAULT false,
  deleted     boolean NOT NULL DEFAULT false,
  text        text NOT NULL DEFAULT '',
  words       text[] NOT NULL DEFAULT '{}',
  create_time timestamptz
);
CREATE INDEX replies_case_idx ON replies (case_id);
