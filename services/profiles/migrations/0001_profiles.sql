-- Profiles: one per verified doctor, created from identity's AccountVerified event.
-- Register fields (rpps, names, specialty) come from the national register and are not
-- editable by the doctor; `version` orders the events published about a profile.
CREATE TABLE profiles (
  profile_id       uuid PRIMARY KEY,
  rpps             char(11) NOT NULL UNIQUE CHECK (rpps ~ '^[0-9]{11}$'),
  civility         text NOT NULL DEFAULT '' CHECK (length(civility) <= 16),
  given_name       text NOT NULL CHECK (length(given_name) BETWEEN 1 AND 100),
  family_name      text NOT NULL CHECK (length(family_name) BETWEEN 1 AND 100),
  specialty_code   text NOT NULL DEFAULT '' CHECK (length(specialty_code) <= 8),
  specialty_label  text NOT NULL DEFAULT '' CHECK (length(specialty_label) <= 200),
  bio              text NOT NULL DEFAULT '' CHECK (length(bio) <= 2000),
  version          bigint NOT NULL DEFAULT 1 CHECK (version > 0),
  created_at       timestamptz NOT NULL DEFAULT now(),
  updated_at       timestamptz NOT NULL DEFAULT now()
);
