-- The doctor-editable part of a profile, the register's savoir-faire, and the network.
-- Lists that are only displayed and exported (places, education, links, contact) are jsonb
-- arrays in protobuf JSON form; competences are rows because endorsements point at them.
ALTER TABLE profiles
  ADD COLUMN headline             text    NOT NULL DEFAULT '' CHECK (length(headline) <= 120),
  ADD COLUMN savoir_faire         jsonb   NOT NULL DEFAULT '[]' CHECK (jsonb_typeof(savoir_faire) = 'array'),
  ADD COLUMN practice_places      jsonb   NOT NULL DEFAULT '[]' CHECK (jsonb_typeof(practice_places) = 'array' AND jsonb_array_length(practice_places) <= 5),
  ADD COLUMN education            jsonb   NOT NULL DEFAULT '[]' CHECK (jsonb_typeof(education) = 'array' AND jsonb_array_length(education) <= 20),
  ADD COLUMN languages            text[]  NOT NULL DEFAULT '{}' CHECK (cardinality(languages) <= 10),
  ADD COLUMN links                jsonb   NOT NULL DEFAULT '[]' CHECK (jsonb_typeof(links) = 'array' AND jsonb_array_length(links) <= 10),
  ADD COLUMN contact              jsonb   NOT NULL DEFAULT '{}' CHECK (jsonb_typeof(contact) = 'object'),
  ADD COLUMN accepting_referrals  boolean NOT NULL DEFAULT false,
  -- aggregate_version of the last identity event applied to this profile (ordering guard).
  ADD COLUMN account_version      bigint  NOT NULL DEFAULT 0;

-- Keyset order for ExportProfiles is profile_id (the primary key).

-- Accounts deleted by identity, so that a late or replayed AccountVerified of an older
-- version never brings a deleted doctor back. Holds ids and versions only.
CREATE TABLE deleted_accounts (
  account_id       uuid PRIMARY KEY,
  account_version  bigint NOT NULL,
  deleted_at       timestamptz NOT NULL DEFAULT now()
);

-- A competence on a profile: a taxonomy entry (competence_code set, key = code) or free
-- text (key = 'free:' || normalized label).
CREATE TABLE profile_competences (
  profile_id       uuid NOT NULL REFERENCES profiles ON DELETE CASCADE,
  competence_key   text NOT NULL CHECK (length(competence_key) BETWEEN 1 AND 100),
  competence_code  text REFERENCES competences,
  label            text NOT NULL CHECK (length(label) BETWEEN 1 AND 80),
  position         int  NOT NULL,
  PRIMARY KEY (profile_id, competence_key),
  CHECK ((competence_code IS NULL) = (competence_key LIKE 'free:%'))
);
CREATE INDEX profile_competences_by_code ON profile_competences (competence_code);

-- One endorsement per endorser and competence; removed with the competence or either profile.
CREATE TABLE endorsements (
  profile_id      uuid NOT NULL,
  competence_key  text NOT NULL,
  endorser_id     uuid NOT NULL REFERENCES profiles ON DELETE CASCADE,
  created_at      timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (profile_id, competence_key, endorser_id),
  FOREIGN KEY (profile_id, competence_key) REFERENCES profile_competences ON DELETE CASCADE,
  CHECK (endorser_id <> profile_id)
);
CREATE INDEX endorsements_by_endorser ON endorsements (endorser_id);

-- One row per pair of doctors, whatever its direction: a pending request, an accepted
-- connection, or a declined request (kept so that the same request cannot be repeated).
CREATE TABLE connections (
  requester_id  uuid NOT NULL REFERENCES profiles ON DELETE CASCADE,
  addressee_id  uuid NOT NULL REFERENCES profiles ON DELETE CASCADE,
  status        text NOT NULL CHECK (status IN ('pending', 'accepted', 'declined')),
  message       text NOT NULL DEFAULT '' CHECK (length(message) <= 300),
  created_at    timestamptz NOT NULL DEFAULT now(),
  responded_at  timestamptz,
  PRIMARY KEY (requester_id, addressee_id),
  CHECK (requester_id <> addressee_id)
);
CREATE UNIQUE INDEX connections_one_per_pair
  ON connections (LEAST(requester_id, addressee_id), GREATEST(requester_id, addressee_id));
CREATE INDEX connections_by_addressee ON connections (addressee_id, status);
