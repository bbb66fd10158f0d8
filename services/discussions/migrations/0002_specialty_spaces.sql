-- One space per ordinal specialty (the "SM" codes of the ANS nomenclature TRE_R38
-- SpecialiteOrdinale, the codes the RPPS register and the profiles service use). Ids are
-- fixed: 00000000-0000-4000-8001-0000000000NN for SMNN, so that clients and other services
-- can name a specialty's space without a lookup. A code added to the nomenclature later
-- comes with a new migration.
INSERT INTO spaces (space_id, kind, title, specialty_code)
SELECT ('00000000-0000-4000-8001-0000000000' || substr(code, 3, 2))::uuid, 'specialty', title, code
FROM (VALUES
  ('SM01', 'Anatomie et cytologie pathologiques'),
  ('SM02', 'Anesthésie-réanimation'),
  ('SM03', 'Biologie médicale'),
  ('SM04', 'Cardiologie et maladies vasculaires'),
  ('SM05', 'Chirurgie générale'),
  ('SM06', 'Chirurgie maxillo-faciale'),
  ('SM07', 'Chirurgie maxillo-faciale et stomatologie'),
  ('SM08', 'Chirurgie orthopédique et traumatologie'),
  ('SM09', 'Chirurgie infantile'),
  ('SM10', 'Chirurgie plastique, reconstructrice et esthétique'),
  ('SM11', 'Chirurgie thoracique et cardio-vasculaire'),
  ('SM12', 'Chirurgie urologique'),
  ('SM13', 'Chirurgie vasculaire'),
  ('SM14', 'Chirurgie viscérale et digestive'),
  ('SM15', 'Dermatologie et vénéréologie'),
  ('SM16', 'Endocrinologie et métabolisme'),
  ('SM17', 'Génétique médicale'),
  ('SM18', 'Gériatrie'),
  ('SM19', 'Gynécologie médicale'),
  ('SM20', 'Gynécologie-obstétrique'),
  ('SM21', 'Hématologie'),
  ('SM22', 'Hématologie (option maladies du sang)'),
  ('SM23', 'Hématologie (option onco-hématologie)'),
  ('SM24', 'Gastro-entérologie et hépatologie'),
  ('SM25', 'Médecine du travail'),
  ('SM26', 'Médecine générale (qualifié)'),
  ('SM27', 'Médecine interne'),
  ('SM28', 'Médecine nucléaire'),
  ('SM29', 'Médecine physique et de réadaptation'),
  ('SM30', 'Néphrologie'),
  ('SM31', 'Neurochirurgie'),
  ('SM32', 'Neurologie'),
  ('SM33', 'Neuropsychiatrie'),
  ('SM34', 'ORL et chirurgie cervico-faciale'),
  ('SM35', 'Oncologie (option médicale)'),
  ('SM36', 'Oncologie (option onco-hématologie)'),
  ('SM37', 'Oncologie (option radiothérapie)'),
  ('SM38', 'Ophtalmologie'),
  ('SM39', 'Oto-rhino-laryngologie'),
  ('SM40', 'Pédiatrie'),
  ('SM41', 'Pneumologie'),
  ('SM42', 'Psychiatrie'),
  ('SM43', 'Psychiatrie (option enfant et adolescent)'),
  ('SM44', 'Radiodiagnostic'),
  ('SM45', 'Radiothérapie'),
  ('SM46', 'Recherche médicale'),
  ('SM47', 'Réanimation médicale'),
  ('SM48', 'Rhumatologie'),
  ('SM49', 'Santé publique et médecine sociale'),
  ('SM50', 'Stomatologie'),
  ('SM51', 'Gynécologie-obstétrique et gynécologie médicale (option gynécologie-obstétrique)'),
  ('SM52', 'Gynécologie-obstétrique et gynécologie médicale (option gynécologie médicale)'),
  ('SM53', 'Spécialiste en médecine générale'),
  ('SM54', 'Médecine générale'),
  ('SM55', 'Radiodiagnostic et imagerie médicale'),
  ('SM56', 'Médecine intensive-réanimation'),
  ('SM57', 'Allergologie'),
  ('SM58', 'Maladies infectieuses et tropicales'),
  ('SM59', 'Médecine d''urgence'),
  ('SM60', 'Médecine légale et expertises médicales'),
  ('SM61', 'Médecine vasculaire')
) AS s(code, title);

CREATE UNIQUE INDEX spaces_specialty_code ON spaces (specialty_code) WHERE specialty_code IS NOT NULL;

-- Members of private groups (membership of the general and specialty spaces is implied by
-- being a verified doctor). Every read and write in a private group checks this table.
CREATE TABLE space_members (
  space_id    uuid NOT NULL REFERENCES spaces (space_id),
  account_id  uuid NOT NULL,
  role        text NOT NULL CHECK (role IN ('owner', 'member')),
  joined_at   timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (space_id, account_id)
);
CREATE INDEX space_members_by_account ON space_members (account_id, space_id);
