-- The seeded doctors as a temporary table (pg_temp.seed_doctors), deterministic in n:
-- names, civility, RPPS number and specialty. Included by identity.sql; psql variable :doctors.
CREATE TEMP TABLE seed_doctors AS
WITH given(names) AS (SELECT ARRAY[
  'Claire', 'Julien', 'Sophie', 'Thomas', 'Camille', 'Nicolas', 'Julie', 'Antoine', 'Marie',
  'Pierre', 'Laura', 'Mathieu', 'Émilie', 'Alexandre', 'Chloé', 'Guillaume', 'Sarah',
  'Maxime', 'Léa', 'François', 'Hélène', 'Benoît', 'Inès', 'Karim', 'Nadia', 'Olivier',
  'Pauline', 'Rémi', 'Sandrine', 'Yann', 'Aurélie', 'Cédric', 'Delphine', 'Étienne',
  'Fatima', 'Grégoire', 'Isabelle', 'Jérôme', 'Lucie', 'Mehdi']),
family(names) AS (SELECT ARRAY[
  'Martin', 'Bernard', 'Dubois', 'Thomas', 'Robert', 'Richard', 'Petit', 'Durand', 'Leroy',
  'Moreau', 'Simon', 'Laurent', 'Lefèvre', 'Michel', 'Garcia', 'David', 'Bertrand', 'Roux',
  'Vincent', 'Fournier', 'Morel', 'Girard', 'André', 'Mercier', 'Dupont', 'Lambert',
  'Bonnet', 'François', 'Martinez', 'Legrand', 'Garnier', 'Faure', 'Rousseau', 'Blanc',
  'Guérin', 'Muller', 'Henry', 'Roussel', 'Nicolas', 'Perrin', 'Morin', 'Mathieu',
  'Clément', 'Gauthier', 'Dumont', 'Lopez', 'Fontaine', 'Chevalier', 'Robin', 'Masson',
  'Sanchez', 'Gérard', 'Nguyen', 'Boyer', 'Denis', 'Lemaire', 'Duval', 'Joly', 'Gautier',
  'Benali']),
-- General practice is a third of French doctors; the rest spread over common specialties.
specialty(codes) AS (SELECT ARRAY[
  'SM54', 'SM54', 'SM54', 'SM54', 'SM54', 'SM54', 'SM54', 'SM20', 'SM04', 'SM32', 'SM40',
  'SM42', 'SM15', 'SM48', 'SM24', 'SM41', 'SM35', 'SM16', 'SM38', 'SM34', 'SM30', 'SM02']) 
SELECT n,
       pg_temp.load_id('10ad0001', n) AS account_id,
       'doctor' || n || '@load.meltingdoc.test' AS email,
       CASE WHEN n % 2 = 0 THEN 'Mme' ELSE 'M.' END AS civility,
       given.names[1 + (n * 7) % array_length(given.names, 1)] AS given_name,
       family.names[1 + (n * 13 / 3) % array_length(family.names, 1)] AS family_name,
       '1' || lpad(n::text, 10, '0') AS rpps,
       specialty.codes[1 + (n * 11) % array_length(specialty.codes, 1)] AS specialty_code
FROM generate_series(1::bigint, :doctors) AS n, given, family, specialty;
