-- Reference data: the savoir-faire of the national register (ANS nomenclatures TRE_R04 types,
-- TRE_R38 spécialités ordinales SM01..SM95, TRE_R39 compétences, TRE_R40, TRE_R42, TRE_R43,
-- TRE_R97, TRE_G13, TRE_R359) and MeltingDoc's curated competence taxonomy. Data, loaded by
-- migration: a change is a new migration, never an edit of this one.

CREATE TABLE savoir_faire_types (
  type_code  text PRIMARY KEY,
  label      text NOT NULL
);

INSERT INTO savoir_faire_types (type_code, label) VALUES
  ('S',    'Spécialité ordinale'),
  ('C',    'Compétence de médecine'),
  ('CEX',  'Compétence exclusive'),
  ('CAPA', 'Capacité'),
  ('DNQ',  'DESC non qualifiant'),
  ('DEC',  'Droit d''exercice complémentaire'),
  ('SST',  'Surspécialité acquise à l''issue d''une Formation Spécialisée Transversale (FST)'),
  ('OP',   'Orientation particulière'),
  ('PAC',  'Qualification Praticien adjoint contractuel (PAC)'),
  ('FQ',   'Fonction qualifiée'),
  ('SH',   'Spécialité de concours hospitalier'),
  ('CM',   'Compétence métier');

CREATE TABLE savoir_faire (
  type_code  text NOT NULL REFERENCES savoir_faire_types,
  code       text PRIMARY KEY,
  label      text NOT NULL
);

-- Ordinal specialties, with the labels of TRE_R38 as published (the "(SM)" suffix dropped).
-- canonical_code groups codes that mean one specialty for the network:
-- SM26 (qualifié), SM53 (spécialiste) and SM54 are all general practice, shown as SM54.
CREATE TABLE specialties (
  code            text PRIMARY KEY CHECK (code ~ '^SM[0-9]{2}$'),
  label           text NOT NULL,
  canonical_code  text NOT NULL REFERENCES specialties DEFERRABLE INITIALLY DEFERRED
);

INSERT INTO specialties (code, label, canonical_code) VALUES
  ('SM01', 'Anatomie et Cytologie pathologiques', 'SM01'),
  ('SM02', 'Anesthésie-réanimation', 'SM02'),
  ('SM03', 'Biologie médicale', 'SM03'),
  ('SM04', 'Cardiologie et Maladies vasculaires', 'SM04'),
  ('SM05', 'Chirurgie générale', 'SM05'),
  ('SM06', 'Chirurgie maxillo-faciale', 'SM06'),
  ('SM07', 'Chirurgie maxillo-faciale et Stomatologie', 'SM07'),
  ('SM08', 'Chirurgie orthopédique et Traumatologie', 'SM08'),
  ('SM09', 'Chirurgie infantile', 'SM09'),
  ('SM10', 'Chirurgie plastique reconstructrice et esthétique', 'SM10'),
  ('SM11', 'Chirurgie thoracique et cardio-vasculaire', 'SM11'),
  ('SM12', 'Chirurgie urologique', 'SM12'),
  ('SM13', 'Chirurgie vasculaire', 'SM13'),
  ('SM14', 'Chirurgie viscérale et digestive', 'SM14'),
  ('SM15', 'Dermatologie et Vénéréologie', 'SM15'),
  ('SM16', 'Endocrinologie et Métabolisme', 'SM16'),
  ('SM17', 'Génétique médicale', 'SM17'),
  ('SM18', 'Gériatrie', 'SM18'),
  ('SM19', 'Gynécologie médicale', 'SM19'),
  ('SM20', 'Gynécologie-obstétrique', 'SM20'),
  ('SM21', 'Hématologie', 'SM21'),
  ('SM22', 'Hématologie, option Maladie du sang', 'SM22'),
  ('SM23', 'Hématologie, option Onco-hématologie', 'SM23'),
  ('SM24', 'Gastro-entérologie et Hépatologie', 'SM24'),
  ('SM25', 'Médecine du travail', 'SM25'),
  ('SM26', 'Qualifié en Médecine générale', 'SM54'),
  ('SM27', 'Médecine interne', 'SM27'),
  ('SM28', 'Médecine nucléaire', 'SM28'),
  ('SM29', 'Médecine physique et de réadaptation', 'SM29'),
  ('SM30', 'Néphrologie', 'SM30'),
  ('SM31', 'Neuro-chirurgie', 'SM31'),
  ('SM32', 'Neurologie', 'SM32'),
  ('SM33', 'Neuro-psychiatrie', 'SM33'),
  ('SM34', 'ORL et Chirurgie cervico-faciale', 'SM34'),
  ('SM35', 'Oncologie, option Onco-hématologie', 'SM35'),
  ('SM36', 'Oncologie, option médicale', 'SM36'),
  ('SM37', 'Oncologie, option radiothérapie', 'SM37'),
  ('SM38', 'Ophtalmologie', 'SM38'),
  ('SM39', 'Oto-rhino-laryngologie', 'SM39'),
  ('SM40', 'Pédiatrie', 'SM40'),
  ('SM41', 'Pneumologie', 'SM41'),
  ('SM42', 'Psychiatrie', 'SM42'),
  ('SM43', 'Psychiatrie, option enfant et adolescent', 'SM43'),
  ('SM44', 'Radio-diagnostic', 'SM44'),
  ('SM45', 'Radio-thérapie', 'SM45'),
  ('SM46', 'Médecine intensive-réanimation', 'SM46'),
  ('SM47', 'Recherche médicale', 'SM47'),
  ('SM48', 'Rhumatologie', 'SM48'),
  ('SM49', 'Santé publique et Médecine sociale', 'SM49'),
  ('SM50', 'Stomatologie', 'SM50'),
  ('SM51', 'Gynéco-obstétrique et Gynéco-médicale, option Gynéco-obstétrique', 'SM51'),
  ('SM52', 'Gynéco-obstétrique et Gynéco-médicale, option Gynéco-médicale', 'SM52'),
  ('SM53', 'Spécialiste en Médecine générale', 'SM54'),
  ('SM54', 'Médecine générale', 'SM54'),
  ('SM55', 'Radio-diagnostic et Radio-thérapie', 'SM55'),
  ('SM56', 'Chirurgie orale', 'SM56'),
  ('SM57', 'Allergologie', 'SM57'),
  ('SM58', 'Maladies infectieuses et tropicales', 'SM58'),
  ('SM59', 'Médecine d''urgence', 'SM59'),
  ('SM60', 'Médecine légale et expertises médicales', 'SM60'),
  ('SM61', 'Médecine vasculaire', 'SM61'),
  ('SM62', 'Endocrinologie, diabétologie, nutrition', 'SM62'),
  ('SM63', 'Biologie médicale option biologie générale', 'SM63'),
  ('SM64', 'Biologie médicale option médecine moléculaire, génétique et pharmacologie', 'SM64'),
  ('SM65', 'Biologie médicale option hématologie et immunologie', 'SM65'),
  ('SM66', 'Biologie médicale option agents infectieux', 'SM66'),
  ('SM67', 'Biologie médicale option biologie de la reproduction', 'SM67'),
  ('SM68', 'Chirurgie maxillo-faciale (réforme 2017)', 'SM68'),
  ('SM69', 'Chirurgie pédiatrique option chirurgie viscérale pédiatrique', 'SM69'),
  ('SM70', 'Chirurgie pédiatrique option orthopédie pédiatrique', 'SM70'),
  ('SM71', 'Hématologie (réforme 2017)', 'SM71'),
  ('SM72', 'Médecine interne et immunologie clinique', 'SM72'),
  ('SM73', 'Médecine cardiovasculaire', 'SM73'),
  ('SM74', 'Radiologie et imagerie médicale', 'SM74'),
  ('SM75', 'Santé publique', 'SM75'),
  ('SM76', 'Anesthésie-réanimation option anesthésie-pédiatrique', 'SM76'),
  ('SM77', 'Chirurgie maxillo-faciale option orthodontie des dysmorphies maxillo-faciales', 'SM77'),
  ('SM78', 'Chirurgie viscérale et digestive option endoscopie chirurgicale', 'SM78'),
  ('SM79', 'Médecine cardiovasculaire option cardiologie interventionnelle', 'SM79'),
  ('SM80', 'Médecine cardiovasculaire option imagerie cardio d''expert', 'SM80'),
  ('SM81', 'Médecine cardiovasculaire option rythmologie interventionnelle et stimulation cardiaque', 'SM81'),
  ('SM82', 'Médecine intensive-réanimation option réanimation pédiatrique', 'SM82'),
  ('SM83', 'Néphrologie option soins intensifs néphrologiques', 'SM83'),
  ('SM84', 'Neurologie option traitement interventionnel de l''ischémie cérébrale aigüe', 'SM84'),
  ('SM85', 'Ophtalmo option chirurgie ophtalmopédiatrique et strabologique', 'SM85'),
  ('SM86', 'ORL et chirurgie cervico-faciale option audiophonologie', 'SM86'),
  ('SM87', 'Pédiatrie option néonatologie', 'SM87'),
  ('SM88', 'Pédiatrie option neuropédiatrie', 'SM88'),
  ('SM89', 'Pédiatrie option pneumopédiatrie', 'SM89'),
  ('SM90', 'Pédiatrie option réanimation pédiatrique', 'SM90'),
  ('SM91', 'Pneumologie option soins intensifs respiratoires', 'SM91'),
  ('SM92', 'Psychiatrie option enfant et adolescent', 'SM92'),
  ('SM93', 'Psychiatrie option psychiatrie personne âgée', 'SM93'),
  ('SM94', 'Radiologie imagerie médicale option radiologie interventionnelle avancée', 'SM94'),
  ('SM95', 'Santé publique option administration de la santé', 'SM95');

INSERT INTO savoir_faire (type_code, code, label)
SELECT 'S', code, label FROM specialties;

INSERT INTO savoir_faire (type_code, code, label) VALUES
  ('C', 'C01', 'Anatomie et Cytologie pathologiques humaines'),
  ('C', 'C03', 'Anesthésie-réanimation'),
  ('C', 'C05', 'Médecine appliquée aux sports'),
  ('C', 'C07', 'Cardiologie'),
  ('C', 'C09', 'Chirurgie plastique, reconstructrice et esthétique'),
  ('C', 'C10', 'Chirurgie maxillo-faciale'),
  ('C', 'C11', 'Chirurgie thoracique'),
  ('C', 'C12', 'Chirurgie orthopédique'),
  ('C', 'C13', 'Urologie'),
  ('C', 'C15', 'Dermato-vénéréologie'),
  ('C', 'C20', 'Hémobiologie'),
  ('C', 'C23', 'Gynécologie médicale et Obstétrique'),
  ('C', 'C25', 'Gynécologie médicale'),
  ('C', 'C27', 'Obstétrique'),
  ('C', 'C29', 'Maladies de l''appareil digestif'),
  ('C', 'C30', 'Néphrologie'),
  ('C', 'C31', 'Médecine exotique'),
  ('C', 'C33', 'Allergologie'),
  ('C', 'C34', 'Angéiologie'),
  ('C', 'C35', 'Cancérologie'),
  ('C', 'C36', 'Diabétologie-nutrition'),
  ('C', 'C37', 'Endocrinologie'),
  ('C', 'C38', 'Maladies du sang'),
  ('C', 'C39', 'Réanimation'),
  ('C', 'C40', 'Médecine légale'),
  ('C', 'C41', 'Médecine du travail'),
  ('C', 'C43', 'Neurologie'),
  ('C', 'C45', 'Neuro-chirurgie'),
  ('C', 'C47', 'Neuro-psychiatrie'),
  ('C', 'C51', 'Pédiatrie'),
  ('C', 'C52', 'Phoniatrie'),
  ('C', 'C54', 'Pneumologie'),
  ('C', 'C57', 'Psychiatrie'),
  ('C', 'C58', 'Psychiatrie, option enfant et adolescent'),
  ('C', 'C60', 'Médecine physique et de réadaptation'),
  ('C', 'C62', 'Rhumatologie'),
  ('C', 'C68', 'Chirurgie pédiatrique'),
  ('C', 'C69', 'Médecine nucléaire'),
  ('C', 'C71', 'Médecine thermale'),
  ('C', 'C72', 'Génétique médicale'),
  ('C', 'C75', 'Endocrinologie et Maladies métaboliques'),
  ('C', 'C76', 'Orthopédie dento-maxillo-faciale'),
  ('C', 'C83', 'Chirurgie de la face et du cou'),
  ('CEX', 'CEX22', 'Gynécologie médicale et Obstétrique'),
  ('CEX', 'CEX24', 'Gynécologie médicale'),
  ('CEX', 'CEX26', 'Obstétrique'),
  ('CEX', 'CEX64', 'Urologie'),
  ('DNQ', 'DSM200', 'Addictologie'),
  ('DNQ', 'DSM201', 'Allergologie et Immunologie clinique'),
  ('DNQ', 'DSM202', 'Andrologie'),
  ('DNQ', 'DSM203', 'Biochimie hormonale et métabolique'),
  ('DNQ', 'DSM204', 'Biologie des agents infectieux'),
  ('DNQ', 'DSM205', 'Biologie moléculaire'),
  ('DNQ', 'DSM206', 'Cancérologie'),
  ('DNQ', 'DSM207', 'Chirurgie de la face et du cou'),
  ('DNQ', 'DSM208', 'Chirurgie plastique et reconstructrice'),
  ('DNQ', 'DSM209', 'Chirurgie vasculaire'),
  ('DNQ', 'DSM210', 'Cytogénétique humaine'),
  ('DNQ', 'DSM211', 'Dermatopathologie'),
  ('DNQ', 'DSM212', 'Foetopathologie'),
  ('DNQ', 'DSM213', 'Gériatrie'),
  ('DNQ', 'DSM214', 'Hématologie biologique'),
  ('DNQ', 'DSM215', 'Hématologie maladies du sang'),
  ('DNQ', 'DSM216', 'Hémobiologie-transfusion'),
  ('DNQ', 'DSM217', 'Immunologie et Immunopathologie'),
  ('DNQ', 'DSM218', 'Médecine de la reproduction'),
  ('DNQ', 'DSM219', 'Médecine du sport'),
  ('DNQ', 'DSM220', 'Médecine d''urgence'),
  ('DNQ', 'DSM221', 'Médecine légale et Expertises médicales'),
  ('DNQ', 'DSM222', 'Médecine nucléaire'),
  ('DNQ', 'DSM223', 'Médecine vasculaire'),
  ('DNQ', 'DSM224', 'Néonatalogie'),
  ('DNQ', 'DSM225', 'Neuropathologie'),
  ('DNQ', 'DSM226', 'Nutrition'),
  ('DNQ', 'DSM227', 'Orthopédie dento-maxillo-faciale'),
  ('DNQ', 'DSM228', 'Pathologie infectieuse et tropicale, clinique et biologique'),
  ('DNQ', 'DSM229', 'Pharmacocinétique et Métabolisme des médicaments'),
  ('DNQ', 'DSM230', 'Pharmacologie clinique et Evaluation des thérapeutiques'),
  ('DNQ', 'DSM231', 'Psychiatrie de l''enfant et de l''adolescent'),
  ('DNQ', 'DSM232', 'Radiopharmacie et Radiobiologie'),
  ('DNQ', 'DSM233', 'Réanimation médicale'),
  ('DNQ', 'DSM234', 'Toxicologie biologique'),
  ('DNQ', 'DSM235', 'Médecine de la douleur et Médecine palliative'),
  ('DNQ', 'DSM236', 'Cancérologie, option Traitements médicaux des cancers'),
  ('DNQ', 'DSM237', 'Cancérologie, option Chirurgie cancérologique'),
  ('DNQ', 'DSM238', 'Cancérologie, option Réseaux de cancérologie'),
  ('DNQ', 'DSM239', 'Cancérologie, option Biologie cancérologie'),
  ('DNQ', 'DSM240', 'Cancérologie, option Imagerie cancérologie'),
  ('CAPA', 'CAPA01', 'Addictologie clinique'),
  ('CAPA', 'CAPA02', 'Aide médicale urgente'),
  ('CAPA', 'CAPA03', 'Allergologie'),
  ('CAPA', 'CAPA04', 'Angéiologie'),
  ('CAPA', 'CAPA05', 'Evaluation et Traitement de la douleur'),
  ('CAPA', 'CAPA06', 'Gérontologie'),
  ('CAPA', 'CAPA07', 'Hydrologie et Climatologie médicales'),
  ('CAPA', 'CAPA08', 'Médecine aérospatiale'),
  ('CAPA', 'CAPA09', 'Médecine de catastrophe'),
  ('CAPA', 'CAPA10', 'Médecine et Biologie du sport'),
  ('CAPA', 'CAPA11', 'Médecine de santé au travail et Prévention des risques professionnels'),
  ('CAPA', 'CAPA12', 'Médecine pénitentiaire'),
  ('CAPA', 'CAPA13', 'Médecine tropicale'),
  ('CAPA', 'CAPA14', 'Pratiques médico-judiciaires'),
  ('CAPA', 'CAPA15', 'Technologie transfusionnelle'),
  ('CAPA', 'CAPA16', 'Toxicomanies et Alcoologies'),
  ('PAC', 'PAC00', 'Qualification Praticien adjoint contractuel (PAC)'),
  ('DEC', 'DEC01', 'Addictologie'),
  ('DEC', 'DEC02', 'Allergologie et Immunologie clinique'),
  ('DEC', 'DEC03', 'Andrologie'),
  ('DEC', 'DEC04', 'Cancérologie, option traitements médicaux des cancers'),
  ('DEC', 'DEC05', 'Cancérologie, option chirurgie cancérologique'),
  ('DEC', 'DEC06', 'Cancérologie, option réseaux de cancérologie'),
  ('DEC', 'DEC07', 'Cancérologie, option biologie en cancérologie'),
  ('DEC', 'DEC08', 'Cancérologie, option imagerie en cancérologie'),
  ('DEC', 'DEC09', 'Dermatopathologie'),
  ('DEC', 'DEC10', 'Foetopathologie'),
  ('DEC', 'DEC11', 'Hémobiologie et Transfusion'),
  ('DEC', 'DEC12', 'Médecine de la douleur et Médecine palliative'),
  ('DEC', 'DEC13', 'Médecine de la reproduction'),
  ('DEC', 'DEC14', 'Médecine d''urgence'),
  ('DEC', 'DEC15', 'Médecine du sport'),
  ('DEC', 'DEC16', 'Médecine légale et Expertises médicales'),
  ('DEC', 'DEC17', 'Médecine vasculaire'),
  ('DEC', 'DEC18', 'Néonatologie'),
  ('DEC', 'DEC19', 'Neuropathologie'),
  ('DEC', 'DEC20', 'Nutrition'),
  ('DEC', 'DEC21', 'Orthopédie dento-maxillo-faciale'),
  ('DEC', 'DEC22', 'Pathologie infectieuse et tropicale, clinique et biologique'),
  ('DEC', 'DEC23', 'Pharmacologie clinique et Evaluation des thérapeutiques'),
  ('DEC', 'DEC24', 'Psychiatrie de l''enfant et de l''adolescent'),
  ('OP', '80', 'Homéopathie'),
  ('OP', '81', 'Acupuncture'),
  ('SST', 'SST01', 'Addictologie'),
  ('SST', 'SST02', 'Bio-informatique médicale'),
  ('SST', 'SST03', 'Cancérologie déclinaison hémato-cancérologie pédiatrique'),
  ('SST', 'SST04', 'Cancérologie traitements médicaux des cancers'),
  ('SST', 'SST05', 'Cardiologie pédiatrique et congénitale'),
  ('SST', 'SST06', 'Chirurgie de la main'),
  ('SST', 'SST07', 'Chirurgie en situation de guerre ou de catastrophe'),
  ('SST', 'SST08', 'Chirurgie orbito-palpébro-lacrymale'),
  ('SST', 'SST09', 'Douleur'),
  ('SST', 'SST10', 'Expertise médicale-préjudice corporel'),
  ('SST', 'SST11', 'Foetopathologie'),
  ('SST', 'SST12', 'Génétique et médecine moléculaire bioclinique'),
  ('SST', 'SST13', 'Hématologie bioclinique'),
  ('SST', 'SST14', 'Hygiène-prévention de l''infection, résistances'),
  ('SST', 'SST15', 'Maladies allergiques'),
  ('SST', 'SST16', 'Médecine hospitalière polyvalente'),
  ('SST', 'SST17', 'Médecine palliative'),
  ('SST', 'SST18', 'Médecine scolaire'),
  ('SST', 'SST19', 'Médecine en situation de guerre ou en SSE'),
  ('SST', 'SST20', 'Médecine et biologie de la reproduction-andrologie'),
  ('SST', 'SST21', 'Médecine du sport'),
  ('SST', 'SST22', 'Nutrition appliquée'),
  ('SST', 'SST23', 'Pharmacologie médicale/ thérapeutique'),
  ('SST', 'SST24', 'Sommeil'),
  ('SST', 'SST25', 'Thérapie cellulaire/ transfusion'),
  ('SST', 'SST26', 'Urgences pédiatriques'),
  ('SST', 'SST27', 'Innovation et recherche en sciences biologiques et pharmaceutiques');

-- The curated competence taxonomy. One line per competence:
--   specialty code | competence code | label | synonyms and abbreviations, comma-separated
-- The same block is parsed by services/profiles/taxonomy.cc in unit tests (integrity: every
-- competence under a known specialty, codes unique, no synonym twice within a specialty), so
-- keep the format exactly: no '|' or ',' inside a field.
CREATE TABLE competences (
  code            text PRIMARY KEY CHECK (code ~ '^[a-z0-9-]{3,40}$'),
  specialty_code  text NOT NULL REFERENCES specialties,
  label           text NOT NULL CHECK (length(label) BETWEEN 1 AND 80),
  position        int NOT NULL
);
CREATE INDEX competences_by_specialty ON competences (specialty_code, position);

CREATE TABLE competence_synonyms (
  competence_code  text NOT NULL REFERENCES competences ON DELETE CASCADE,
  synonym          text NOT NULL CHECK (length(synonym) BETWEEN 1 AND 80),
  position         int NOT NULL,
  PRIMARY KEY (competence_code, synonym)
);

CREATE TEMP TABLE taxonomy_lines ON COMMIT DROP AS
SELECT ord, string_to_array(line, '|') AS f
FROM regexp_split_to_table($taxonomy$
SM20 | go-obstetrique | Obstétrique | grossesse, suivi de grossesse, accouchement, grossesse à haut risque, GHR
SM20 | go-fertilite-amp | Fertilité et AMP | PMA, AMP, FIV, ICSI, infertilité, stérilité du couple, procréation médicalement assistée, assistance médicale à la procréation, fécondation in vitro
SM20 | go-cancer-sein | Cancer du sein | sénologie, oncologie mammaire, tumorectomie, mastectomie
SM20 | go-endometriose | Endométriose | adénomyose, douleurs pelviennes chroniques
SM20 | go-echo-obstetricale | Échographie obstétricale | écho obstétricale, échographie fœtale, médecine fœtale, diagnostic prénatal, DPN
SM20 | go-chirurgie-pelvienne | Chirurgie pelvienne | cœlioscopie, laparoscopie, hystérectomie, chirurgie gynécologique
SM20 | go-orthogenie | Orthogénie | IVG, interruption volontaire de grossesse, IMG, interruption médicale de grossesse
SM20 | go-pelvi-perineologie | Pelvi-périnéologie | prolapsus, statique pelvienne, incontinence urinaire féminine
SM19 | gm-contraception | Contraception | DIU, stérilet, implant contraceptif, pilule, contraception d'urgence
SM19 | gm-menopause | Ménopause | THM, traitement hormonal de la ménopause, THS
SM19 | gm-endocrino-gyneco | Endocrinologie gynécologique | SOPK, syndrome des ovaires polykystiques, hyperandrogénie, aménorrhée
SM19 | gm-depistage | Dépistage des cancers gynécologiques | frottis, FCU, HPV, papillomavirus, colposcopie
SM19 | gm-adolescente | Gynécologie de l'adolescente | gynécologie pédiatrique, puberté, troubles du cycle
SM19 | gm-sexologie | Sexologie | dyspareunie, vaginisme, troubles de la sexualité
SM54 | mg-suivi-enfant | Suivi de l'enfant en ville | suivi du nourrisson, vaccination de l'enfant, pédiatrie ambulatoire
SM54 | mg-gynecologie | Gynécologie en médecine générale | suivi gynécologique, pose d'implant, pose de DIU
SM54 | mg-personnes-agees | Soins aux personnes âgées | EHPAD, maintien à domicile, visites à domicile
SM54 | mg-addictologie | Addictologie en ville | TSO, traitement de substitution aux opiacés, sevrage tabagique, sevrage alcoolique
SM54 | mg-petite-chirurgie | Petite chirurgie et gestes techniques | sutures, infiltrations, ongle incarné, exérèse de kyste
SM54 | mg-medecine-sport | Médecine du sport | certificat de non contre-indication, médecine sportive
SM54 | mg-soins-palliatifs | Soins palliatifs à domicile | HAD, hospitalisation à domicile, fin de vie
SM54 | mg-ecg-spirometrie | ECG et explorations au cabinet | ECG, électrocardiogramme, spirométrie, MAPA au cabinet
SM04 | card-rythmologie | Rythmologie | FA, fibrillation atriale, ACFA, arythmie, pacemaker, stimulateur cardiaque, défibrillateur implantable, DAI, ablation
SM04 | card-interventionnelle | Cardiologie interventionnelle | coronarographie, angioplastie, stent, TAVI, syndrome coronarien aigu, SCA
SM04 | card-insuffisance-cardiaque | Insuffisance cardiaque | IC, ICFEr, ICFEp, cardiomyopathie
SM04 | card-imagerie | Imagerie cardiaque | échocardiographie, ETT, ETO, IRM cardiaque, échographie cardiaque
SM04 | card-hta | Hypertension artérielle | HTA, MAPA, automesure tensionnelle
SM04 | card-readaptation | Réadaptation cardiaque | réadaptation cardiovasculaire, SSR cardiologique
SM04 | card-congenitale | Cardiopathies congénitales | cardiologie pédiatrique, cardiopédiatrie, cardiopathie congénitale de l'adulte
SM04 | card-sport | Cardiologie du sport | épreuve d'effort, test d'effort, cœur d'athlète
SM24 | gastro-endoscopie | Endoscopie digestive | coloscopie, gastroscopie, FOGD, écho-endoscopie, CPRE
SM24 | gastro-mici | MICI | maladie de Crohn, Crohn, RCH, rectocolite hémorragique, maladies inflammatoires chroniques de l'intestin
SM24 | gastro-hepatologie | Hépatologie | cirrhose, hépatite, hépatite C, VHC, hépatite B, VHB, NASH, MASH, stéatose hépatique
SM24 | gastro-proctologie | Proctologie | hémorroïdes, fissure anale, fistule anale
SM24 | gastro-oncologie | Oncologie digestive | cancer colorectal, CCR, cancer du pancréas, cancérologie digestive
SM24 | gastro-nutrition | Nutrition clinique | nutrition entérale, nutrition parentérale, dénutrition
SM24 | gastro-fonctionnel | Troubles fonctionnels digestifs | SII, syndrome de l'intestin irritable, colopathie fonctionnelle, RGO, reflux gastro-œsophagien
SM41 | pneumo-bpco | BPCO | bronchopneumopathie chronique obstructive, emphysème, BPCO sévère
SM41 | pneumo-asthme | Asthme | asthme sévère, biothérapies de l'asthme
SM41 | pneumo-sommeil | Troubles respiratoires du sommeil | SAOS, SAHOS, apnée du sommeil, syndrome d'apnées obstructives du sommeil, PPC, polygraphie ventilatoire
SM41 | pneumo-oncologie | Oncologie thoracique | cancer du poumon, cancer bronchique, CBNPC, CBPC
SM41 | pneumo-interstitiel | Pneumopathies interstitielles | PID, fibrose pulmonaire, FPI, sarcoïdose
SM41 | pneumo-htp | Hypertension pulmonaire | HTAP, hypertension artérielle pulmonaire, HTP
SM41 | pneumo-endoscopie | Endoscopie bronchique | fibroscopie bronchique, bronchoscopie, EBUS
SM41 | pneumo-ventilation | Ventilation et insuffisance respiratoire chronique | VNI, ventilation non invasive, oxygénothérapie, IRC respiratoire
SM32 | neuro-sep | Sclérose en plaques | SEP, neuro-inflammation, NMO, neuromyélite optique
SM32 | neuro-vasculaire | Pathologie neurovasculaire | AVC, accident vasculaire cérébral, AIT, thrombolyse, thrombectomie, UNV
SM32 | neuro-epilepsie | Épilepsie | épileptologie, EEG, électroencéphalogramme
SM32 | neuro-parkinson | Parkinson et mouvements anormaux | maladie de Parkinson, tremblement essentiel, dystonie, stimulation cérébrale profonde, SCP
SM32 | neuro-memoire | Troubles cognitifs et mémoire | maladie d'Alzheimer, Alzheimer, démence, consultation mémoire, troubles neurocognitifs, TNC
SM32 | neuro-cephalees | Céphalées et migraine | migraine, céphalées, algie vasculaire de la face
SM32 | neuro-neuromusculaire | Pathologie neuromusculaire | EMG, électromyogramme, SLA, sclérose latérale amyotrophique, myasthénie, neuropathie périphérique
SM42 | psy-humeur | Troubles de l'humeur | dépression, EDC, épisode dépressif caractérisé, trouble bipolaire, bipolarité
SM42 | psy-psychoses | Troubles psychotiques | schizophrénie, psychose, premier épisode psychotique
SM42 | psy-addictologie | Addictologie | addiction, TUS, troubles de l'usage de substances, alcoologie, addictions comportementales
SM42 | psy-tca | Troubles des conduites alimentaires | TCA, anorexie mentale, boulimie, hyperphagie boulimique
SM42 | psy-psychotraumatisme | Psychotraumatisme | TSPT, PTSD, état de stress post-traumatique, EMDR
SM42 | psy-sujet-age | Psychiatrie du sujet âgé | psychogériatrie, gérontopsychiatrie
SM42 | psy-neuromodulation | Neuromodulation | ECT, électroconvulsivothérapie, sismothérapie, rTMS, stimulation magnétique transcrânienne
SM42 | psy-psychotherapies | Psychothérapies | TCC, thérapies cognitivo-comportementales, thérapie comportementale, psychothérapie
SM42 | psy-tsa-tdah-adulte | TSA et TDAH de l'adulte | TSA adulte, autisme de l'adulte, TDAH adulte
SM43 | pedopsy-tsa | Troubles du spectre de l'autisme | TSA, autisme, TED, troubles envahissants du développement, Asperger
SM43 | pedopsy-tdah | TDAH | trouble du déficit de l'attention avec ou sans hyperactivité, hyperactivité, déficit de l'attention
SM43 | pedopsy-apprentissages | Troubles des apprentissages | troubles dys, dyslexie, dyspraxie, TSLA
SM43 | pedopsy-perinatalite | Psychiatrie périnatale | dépression du post-partum, dépression postnatale, lien mère-enfant
SM43 | pedopsy-adolescent | Psychiatrie de l'adolescent | crise suicidaire de l'adolescent, phobie scolaire, refus scolaire anxieux
SM43 | pedopsy-protection-enfance | Maltraitance et protection de l'enfance | enfance en danger, maltraitance, psychotraumatisme de l'enfant
SM40 | ped-neonatologie | Néonatologie | néonat, nouveau-né, prématurité, réanimation néonatale
SM40 | ped-allergologie | Allergologie pédiatrique | allergie alimentaire, APLV, allergie aux protéines de lait de vache
SM40 | ped-endocrinologie | Endocrinologie pédiatrique | retard de croissance, puberté précoce, diabète de l'enfant, DT1 de l'enfant
SM40 | ped-neuropediatrie | Neuropédiatrie | épilepsie de l'enfant, retard de développement, paralysie cérébrale
SM40 | ped-pneumologie | Pneumopédiatrie | asthme de l'enfant, mucoviscidose, bronchiolite
SM40 | ped-gastro | Gastro-entérologie pédiatrique | RGO du nourrisson, maladie cœliaque, MICI de l'enfant
SM40 | ped-urgences | Urgences pédiatriques | urgences de l'enfant, SAU pédiatrique
SM40 | ped-adolescent | Médecine de l'adolescent | santé des adolescents, médecine de l'adolescence
SM15 | derm-oncologie | Dermato-oncologie | mélanome, carcinome basocellulaire, cancer cutané, dermatoscopie, dermoscopie
SM15 | derm-psoriasis | Psoriasis | psoriasis sévère, biothérapies du psoriasis
SM15 | derm-dermatite-atopique | Dermatite atopique | eczéma, eczéma atopique, DA
SM15 | derm-pediatrique | Dermatologie pédiatrique | hémangiome infantile, angiome, dermatologie de l'enfant
SM15 | derm-chirurgie | Chirurgie dermatologique | exérèse cutanée, chirurgie de Mohs, chirurgie micrographique
SM15 | derm-esthetique-laser | Dermatologie esthétique et lasers | laser, toxine botulique, acide hyaluronique, injections esthétiques
SM15 | derm-ist | Infections sexuellement transmissibles | IST, MST, vénéréologie, syphilis
SM15 | derm-plaies | Plaies et cicatrisation | plaies chroniques, ulcère de jambe, escarre
SM16 | endo-diabete | Diabétologie | diabète, DT1, DT2, diabète de type 1, diabète de type 2, pompe à insuline, insulinothérapie
SM16 | endo-thyroide | Pathologie thyroïdienne | thyroïde, nodule thyroïdien, hyperthyroïdie, hypothyroïdie, maladie de Basedow
SM16 | endo-obesite | Obésité | surpoids, obésité sévère, suivi de chirurgie bariatrique
SM16 | endo-surrenales | Pathologie surrénalienne | surrénales, hyperaldostéronisme, syndrome de Cushing, insuffisance surrénalienne
SM16 | endo-hypophyse | Pathologie hypophysaire | hypophyse, adénome hypophysaire, acromégalie, prolactinome
SM16 | endo-diabete-grossesse | Diabète gestationnel | DG, diabète et grossesse
SM16 | endo-lipides | Dyslipidémies | hypercholestérolémie, hypercholestérolémie familiale, hypertriglycéridémie
SM08 | ortho-hanche | Chirurgie de la hanche | PTH, prothèse totale de hanche, arthroplastie de hanche
SM08 | ortho-genou | Chirurgie du genou | PTG, prothèse totale de genou, ligamentoplastie, LCA, ligament croisé antérieur, ménisque
SM08 | ortho-epaule | Chirurgie de l'épaule | coiffe des rotateurs, prothèse d'épaule, arthroscopie d'épaule
SM08 | ortho-rachis | Chirurgie du rachis | colonne vertébrale, hernie discale, arthrodèse, scoliose
SM08 | ortho-main | Chirurgie de la main | canal carpien, SOS main, chirurgie du poignet
SM08 | ortho-pied | Chirurgie du pied et de la cheville | hallux valgus, cheville, chirurgie du pied
SM08 | ortho-sport | Traumatologie du sport | traumatologie sportive, entorse grave, arthroscopie
SM08 | ortho-traumatologie | Traumatologie | fractures, ostéosynthèse, polytraumatisé
SM14 | visc-bariatrique | Chirurgie bariatrique | sleeve, sleeve gastrectomie, bypass gastrique, chirurgie de l'obésité
SM14 | visc-colorectale | Chirurgie colorectale | colectomie, chirurgie du rectum, stomie
SM14 | visc-hepato-bilio-pancreatique | Chirurgie hépato-bilio-pancréatique | chirurgie du foie, hépatectomie, duodénopancréatectomie céphalique, chirurgie du pancréas
SM14 | visc-paroi | Chirurgie pariétale | hernie inguinale, éventration, hernie ombilicale
SM14 | visc-oeso-gastrique | Chirurgie œso-gastrique | fundoplicature, Nissen, œsophagectomie, gastrectomie
SM14 | visc-endocrinienne | Chirurgie endocrinienne | thyroïdectomie, parathyroïdectomie, surrénalectomie
SM14 | visc-robotique | Chirurgie digestive robotique | chirurgie robotique, robot chirurgical
SM12 | uro-prostate | Pathologie prostatique | HBP, hypertrophie bénigne de la prostate, adénome de prostate, RTUP, résection transurétrale de prostate
SM12 | uro-oncologie | Onco-urologie | cancer de la prostate, prostatectomie, cancer de la vessie, cancer du rein
SM12 | uro-lithiase | Lithiase urinaire | calculs rénaux, colique néphrétique, urétéroscopie, LEC, lithotritie
SM12 | uro-andrologie | Andrologie | dysfonction érectile, infertilité masculine, vasectomie
SM12 | uro-fonctionnelle | Urologie fonctionnelle | incontinence urinaire, vessie neurologique, bilan urodynamique, urodynamique
SM12 | uro-pediatrique | Urologie pédiatrique | hypospadias, reflux vésico-urétéral, RVU
SM38 | opht-cataracte | Chirurgie de la cataracte | cataracte, phacoémulsification
SM38 | opht-retine-medicale | Rétine médicale | DMLA, dégénérescence maculaire liée à l'âge, rétinopathie diabétique, OCT, IVT, injections intravitréennes
SM38 | opht-glaucome | Glaucome | hypertonie oculaire, GPAO, glaucome chronique
SM38 | opht-refractive | Chirurgie réfractive | LASIK, PKR, myopie, chirurgie de la myopie
SM38 | opht-pediatrique | Ophtalmologie pédiatrique | strabisme, amblyopie, strabologie
SM38 | opht-cornee | Cornée et surface oculaire | kératocône, greffe de cornée, sécheresse oculaire
SM38 | opht-vitreo-retine | Chirurgie vitréo-rétinienne | décollement de rétine, vitrectomie
SM34 | orl-otologie | Otologie | surdité, implant cochléaire, otite chronique, cholestéatome, acouphènes
SM34 | orl-rhinologie | Rhinologie | sinusite chronique, polypose nasosinusienne, septoplastie, chirurgie endonasale
SM34 | orl-cancerologie | Cancérologie ORL | cancer des VADS, VADS, cancer du larynx, cancers tête et cou
SM34 | orl-pediatrique | ORL pédiatrique | amygdalectomie, aérateurs transtympaniques, yoyos, végétations
SM34 | orl-vestibulologie | Vestibulologie | vertiges, VPPB, vertige positionnel paroxystique bénin
SM34 | orl-phoniatrie | Phoniatrie | voix, dysphonie, troubles de la déglutition
SM48 | rhumato-inflammatoire | Rhumatismes inflammatoires | PR, polyarthrite rhumatoïde, SpA, spondyloarthrite, spondylarthrite ankylosante, rhumatisme psoriasique
SM48 | rhumato-osteoporose | Ostéoporose | densitométrie osseuse, DMO, fragilité osseuse
SM48 | rhumato-microcristallin | Rhumatismes microcristallins | goutte, chondrocalcinose
SM48 | rhumato-rachis | Pathologie rachidienne | lombalgie, lombalgie chronique, sciatique, cervicalgie
SM48 | rhumato-gestes | Gestes échoguidés | infiltration échoguidée, échographie ostéo-articulaire, ponction articulaire
SM48 | rhumato-arthrose | Arthrose | gonarthrose, coxarthrose, viscosupplémentation
SM48 | rhumato-pediatrique | Rhumatologie pédiatrique | AJI, arthrite juvénile idiopathique
SM27 | mi-connectivites | Connectivites | lupus, LED, lupus érythémateux systémique, syndrome de Gougerot-Sjögren, sclérodermie systémique, ScS
SM27 | mi-vascularites | Vascularites | maladie de Horton, artérite à cellules géantes, ACG, vascularite à ANCA, maladie de Behçet
SM27 | mi-maladies-rares | Maladies rares | maladies orphelines, centre de référence maladies rares
SM27 | mi-diagnostic-difficile | Diagnostics difficiles | fièvre prolongée inexpliquée, errance diagnostique
SM27 | mi-auto-inflammatoire | Maladies auto-inflammatoires | fièvre méditerranéenne familiale, FMF, maladie de Still
SM27 | mi-amylose | Amylose | amylose AL, amylose à transthyrétine, ATTR
SM27 | mi-mtev | Maladie thromboembolique veineuse | MTEV, thrombose veineuse profonde, TVP, embolie pulmonaire, EP, thrombophilie, SAPL
SM30 | nephro-dialyse | Dialyse | hémodialyse, dialyse péritonéale, épuration extrarénale, EER
SM30 | nephro-transplantation | Transplantation rénale | greffe rénale, greffe de rein
SM30 | nephro-mrc | Maladie rénale chronique | MRC, IRC, insuffisance rénale chronique
SM30 | nephro-glomerulaire | Néphropathies glomérulaires | glomérulonéphrite, syndrome néphrotique, néphropathie à IgA, ponction biopsie rénale, PBR
SM30 | nephro-hereditaire | Néphropathies héréditaires et tubulopathies | polykystose rénale, PKD, tubulopathies
SM30 | nephro-ira | Insuffisance rénale aiguë | IRA, néphrologie aiguë
SM30 | nephro-onconephrologie | Onconéphrologie | néphrotoxicité des anticancéreux, rein et cancer
SM18 | ger-evaluation | Évaluation gériatrique standardisée | EGS, évaluation gériatrique, fragilité
SM18 | ger-chutes | Chutes et troubles de la marche | chutes à répétition, troubles de l'équilibre
SM18 | ger-oncogeriatrie | Oncogériatrie | oncologie gériatrique, cancer du sujet âgé
SM18 | ger-orthogeriatrie | Orthogériatrie | fracture du col du fémur, FESF
SM18 | ger-troubles-comportement | Troubles du comportement du sujet âgé | UCC, unité cognitivo-comportementale, SCPD, symptômes psycho-comportementaux
SM18 | ger-iatrogenie | Iatrogénie et polymédication | déprescription, polymédication, iatrogénie médicamenteuse
SM18 | ger-nutrition | Nutrition du sujet âgé | dénutrition de la personne âgée, troubles de la déglutition du sujet âgé
SM59 | urg-prehospitalier | Médecine préhospitalière | SMUR, SAMU, régulation médicale, centre 15
SM59 | urg-echographie | Échographie d'urgence | POCUS, échographie clinique, FAST, échographie au lit du patient
SM59 | urg-toxicologie | Toxicologie d'urgence | intoxications, intoxication médicamenteuse volontaire, IMV
SM59 | urg-catastrophe | Médecine de catastrophe | SSE, situations sanitaires exceptionnelles, plan blanc, damage control
SM59 | urg-arret-cardiaque | Arrêt cardiaque et réanimation cardio-pulmonaire | ACR, arrêt cardiaque, RCP
SM59 | urg-soins-non-programmes | Soins non programmés | SNP, SAS, service d'accès aux soins
SM59 | urg-traumatologie | Traumatologie d'urgence | polytraumatisme, traumatisme grave
SM02 | anest-locoregionale | Anesthésie locorégionale | ALR, bloc nerveux, rachianesthésie, péridurale
SM02 | anest-obstetricale | Anesthésie obstétricale | analgésie du travail, péridurale obstétricale, césarienne
SM02 | anest-pediatrique | Anesthésie pédiatrique | anesthésie de l'enfant
SM02 | anest-douleur | Douleur chronique | algologie, centre antidouleur, CETD, structure douleur chronique
SM02 | anest-cardiaque | Anesthésie en chirurgie cardiaque | CEC, circulation extracorporelle, ECMO
SM02 | anest-ambulatoire | Anesthésie ambulatoire | chirurgie ambulatoire, RAAC, réhabilitation améliorée après chirurgie
SM02 | anest-hypnose | Hypnose médicale | hypnose, hypnoanalgésie
SM46 | mir-sdra | SDRA et ventilation mécanique | SDRA, syndrome de détresse respiratoire aiguë, décubitus ventral, ventilation mécanique
SM46 | mir-sepsis | Sepsis et choc septique | sepsis, choc septique
SM46 | mir-neuroreanimation | Neuroréanimation | état de mal épileptique, traumatisme crânien grave, coma
SM46 | mir-prelevements | Prélèvement d'organes | don d'organes, mort encéphalique, coordination des prélèvements
SM46 | mir-ethique | Limitation des thérapeutiques | LAT, limitation et arrêt des thérapeutiques, éthique en réanimation
SM46 | mir-post-reanimation | Suivi post-réanimation | syndrome post-réanimation, PICS
SM58 | infectio-vih | VIH | HIV, sida, PrEP, prophylaxie pré-exposition, TPE, traitement post-exposition
SM58 | infectio-tropicale | Médecine tropicale et des voyages | médecine des voyages, conseils aux voyageurs, paludisme
SM58 | infectio-osteo-articulaire | Infections ostéo-articulaires | IOA, infection de prothèse articulaire
SM58 | infectio-antibiotherapie | Antibiothérapie | bon usage des antibiotiques, antibiorésistance, BMR, BHRe, référent antibiotique
SM58 | infectio-endocardite | Endocardite infectieuse | endocardite, EI
SM58 | infectio-vaccinologie | Vaccinologie | vaccination, centre de vaccination
SM58 | infectio-immunodeprime | Infections de l'immunodéprimé | infections fongiques invasives, aspergillose
SM36 | onco-sein | Oncologie mammaire | cancer du sein, hormonothérapie du cancer du sein
SM36 | onco-thoracique | Oncologie thoracique | cancer du poumon, cancer bronchique
SM36 | onco-digestive | Oncologie digestive | cancer colorectal, cancer du pancréas, cancers digestifs
SM36 | onco-urologique | Oncologie urologique | cancer de la prostate, cancer du rein, cancer de la vessie
SM36 | onco-gynecologique | Oncologie gynécologique | cancer de l'ovaire, cancer du col de l'utérus, cancer de l'endomètre
SM36 | onco-essais-precoces | Essais cliniques de phase précoce | essais de phase 1, essais précoces, recherche clinique en oncologie
SM36 | onco-soins-support | Soins oncologiques de support | soins de support, oncologie de support
SM36 | onco-sarcomes | Sarcomes | tumeurs conjonctives, GIST
SM21 | hemato-lymphomes | Lymphomes | lymphome, LNH, lymphome non hodgkinien, lymphome de Hodgkin, maladie de Hodgkin
SM21 | hemato-myelome | Myélome | myélome multiple, gammapathie monoclonale, MGUS
SM21 | hemato-leucemies-aigues | Leucémies aiguës | LAM, LAL, leucémie aiguë
SM21 | hemato-greffe | Greffe de cellules souches et thérapie cellulaire | allogreffe, greffe de moelle, CSH, CAR-T
SM21 | hemato-hemostase | Hémostase et thrombose | hémophilie, maladie de Willebrand, troubles de la coagulation
SM21 | hemato-myeloproliferatifs | Syndromes myéloprolifératifs | SMP, LMC, leucémie myéloïde chronique, maladie de Vaquez, thrombocytémie essentielle
SM21 | hemato-non-maligne | Hématologie non maligne | drépanocytose, thalassémie, anémies
SM44 | radio-interventionnelle | Radiologie interventionnelle | embolisation, radiofréquence, biopsie guidée
SM44 | radio-senologie | Imagerie du sein | mammographie, échographie mammaire, dépistage organisé du cancer du sein
SM44 | radio-osteo-articulaire | Imagerie ostéo-articulaire | IRM ostéo-articulaire, arthroscanner
SM44 | radio-neuroradiologie | Neuroradiologie | IRM cérébrale, neuroradiologie interventionnelle
SM44 | radio-femme | Imagerie de la femme | IRM pelvienne, imagerie pelvienne, imagerie de l'endométriose
SM44 | radio-cardiovasculaire | Imagerie cardiovasculaire | coroscanner, angioscanner
SM44 | radio-pediatrique | Radiopédiatrie | imagerie pédiatrique
SM29 | mpr-neurologique | Rééducation neurologique | rééducation post-AVC, hémiplégie, lésion médullaire, paraplégie
SM29 | mpr-locomoteur | Rééducation de l'appareil locomoteur | rééducation orthopédique, rééducation post-opératoire
SM29 | mpr-enfant | MPR pédiatrique | rééducation de l'enfant, polyhandicap
SM29 | mpr-spasticite | Spasticité | toxine botulique, injections de toxine botulique
SM29 | mpr-appareillage | Appareillage | prothèses de membre, amputés, orthèses
SM29 | mpr-perineale | Rééducation périnéale | rééducation pelvi-périnéale
$taxonomy$, E'\n') WITH ORDINALITY AS l(line, ord)
WHERE btrim(line) <> '';

INSERT INTO competences (code, specialty_code, label, position)
SELECT btrim(f[2]), btrim(f[1]), btrim(f[3]), ord::int FROM taxonomy_lines;

INSERT INTO competence_synonyms (competence_code, synonym, position)
SELECT btrim(t.f[2]), btrim(s.synonym), s.ord::int
FROM taxonomy_lines t,
     unnest(string_to_array(t.f[4], ',')) WITH ORDINALITY AS s(synonym, ord)
WHERE btrim(s.synonym) <> '';
