-- Keys for SearchCommunes (commune_search.h): a name prefix or a postcode prefix, answered by a
-- range scan of the primary key (COLLATE "C": byte order, so `key >= p AND key < p || U+10FFFF`
-- is exactly "starts with p" and walks the index whatever the database's collation).
--   kind 0: the commune's name, folded ("Saint-Étienne" → "saint etienne");
--   kind 1: the name without its leading article ("Le Havre" → "havre", "L'Haÿ-les-Roses" →
--           "hay les roses");
--   kind 2: a La Poste name of one of its postcodes ("Lyon 3e Arrondissement", merged former
--           communes), with that postcode;
--   kind 3: one of its postcodes, with that postcode.
-- The folding is the query side's (libs/text FoldForMatch: accents and case dropped, every run of other
-- characters one space, "st"/"ste" words → "saint"/"sainte"); names are French, so unaccent +
-- lower + [^a-z0-9] gives the same, which the integration test checks on every row.
-- population is copied so that the best matches are chosen without reading `communes`.
CREATE TABLE commune_search_keys (
  key         text COLLATE "C" NOT NULL,
  -- A commune's code (no foreign key: 70,000 checks would double this migration's time; the
  -- keys are derived from `communes` here, and a data refresh rebuilds both).
  insee_code  text NOT NULL,
  kind        smallint NOT NULL CHECK (kind BETWEEN 0 AND 3),
  postcode    text NOT NULL DEFAULT '',
  -- What matched as written (the La Poste name for kind 2), for the answer.
  label       text NOT NULL DEFAULT '',
  population  int NOT NULL,
  PRIMARY KEY (key, insee_code, kind, postcode)
);

-- One expression, no per-word unnest: 70,000 calls stay well under a second. \m \M are word
-- boundaries (after the first replacement only [a-z0-9 ] is left).
CREATE FUNCTION pg_temp.commune_fold(t text) RETURNS text LANGUAGE sql AS $$
  SELECT regexp_replace(regexp_replace(
           btrim(regexp_replace(lower(extensions.unaccent('extensions.unaccent'::regdictionary, t)), '[^a-z0-9]+', ' ', 'g')),
           '\mst\M', 'saint', 'g'), '\mste\M', 'sainte', 'g')
$$;

-- Folded names once, in a temporary table (the inserts below read it, not the new table).
CREATE TEMP TABLE commune_names ON COMMIT DROP AS
SELECT insee_code, pg_temp.commune_fold(name) AS key, population FROM communes;

INSERT INTO commune_search_keys (key, insee_code, kind, population)
SELECT key, insee_code, 0, population FROM commune_names;

INSERT INTO commune_search_keys (key, insee_code, kind, population)
SELECT regexp_replace(key, '^(le|la|les|l) ', ''), insee_code, 1, population
FROM commune_names
WHERE key ~ '^(le|la|les|l) .';

INSERT INTO commune_search_keys (key, insee_code, kind, postcode, label, population)
SELECT DISTINCT a.key, a.insee_code, 2, a.postcode, a.alias, n.population
FROM (SELECT pg_temp.commune_fold(alias) AS key, insee_code, postcode, alias
      FROM commune_postcodes WHERE alias <> '') a
JOIN commune_names n USING (insee_code)
WHERE a.key <> n.key
ON CONFLICT DO NOTHING;

INSERT INTO commune_search_keys (key, insee_code, kind, postcode, population)
SELECT DISTINCT p.postcode, p.insee_code, 3, p.postcode, c.population
FROM commune_postcodes p JOIN communes c USING (insee_code);

-- The postcodes of a commune, for the answer.
CREATE INDEX commune_postcodes_by_commune ON commune_postcodes (insee_code, postcode);

-- Statistics now, so that the first searches are planned on them (range scans of the key).
ANALYZE commune_search_keys;
