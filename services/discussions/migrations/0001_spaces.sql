-- Spaces where cases are discussed: the general space, one per specialty, private groups.
CREATE TABLE spaces (
  space_id        uuid PRIMARY KEY,
  kind            text NOT NULL CHECK (kind IN ('general', 'specialty', 'private_group')),
  title           text NOT NULL CHECK (length(title) BETWEEN 1 AND 120),
  specialty_code  text CHECK ((kind = 'specialty') = (specialty_code IS NOT NULL)),
  created_at      timestamptz NOT NULL DEFAULT now()
);

-- Keyset pagination of ListSpaces walks this index.
CREATE INDEX spaces_by_title ON spaces (title, space_id);

-- The space every verified doctor can read and write. Its id is fixed so that other
-- services and clients can name it.
INSERT INTO spaces (space_id, kind, title)
VALUES ('00000000-0000-4000-8000-000000000001', 'general', 'Général');
