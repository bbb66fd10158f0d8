-- The texts of seeded cases and replies, as temporary tables: seed_case_texts (every
-- combination of a clinical topic, a patient description and a variant of the question) and
-- seed_reply_texts. Cases and replies take their text from these by n (discussions.sql).
-- They are written without identifying data, and seed.sh has every one of them checked by
-- the service's own guard (CheckText) before anything is loaded, since COPY-style inserts
-- bypass the check that CreateCase and AddReply make.
CREATE TEMP TABLE seed_topics (t int, specialty_code text, tags text[], title text, context text,
                               examination text, investigations text, question text);
INSERT INTO seed_topics VALUES
(0, 'SM20', '{fertilite,amp}', 'Infertilité du couple après deux ans d''essais',
 'Couple consultant pour une infertilité primaire. Cycles réguliers, pas d''antécédent chirurgical pelvien, spermogramme du conjoint normal.',
 'Examen gynécologique sans particularité, IMC à 24.',
 'AMH à 0,8 ng/mL, compte des follicules antraux à 6, hystérosalpingographie normale.',
 'Faut-il proposer d''emblée une FIV ou tenter d''abord des inséminations ?'),
(1, 'SM04', '{hta,cardiologie}', 'Hypertension résistante sous trithérapie',
 'Hypertension artérielle connue depuis dix ans, observance déclarée bonne, trithérapie à doses maximales comprenant un diurétique thiazidique.',
 'Pression artérielle à 162/98 mmHg aux deux bras, pas de souffle abdominal.',
 'Kaliémie à 3,4 mmol/L, créatinine normale, MAPA confirmant une moyenne diurne à 151/94 mmHg.',
 'Quel bilan d''hyperaldostéronisme faire avant d''ajouter la spironolactone ?'),
(2, 'SM32', '{epilepsie,neurologie}', 'Première crise convulsive généralisée',
 'Crise tonico-clonique généralisée unique, sans facteur déclenchant retrouvé, pas d''antécédent familial.',
 'Examen neurologique normal à distance de la crise.',
 'EEG avec quelques pointes temporales gauches, IRM cérébrale normale.',
 'Faut-il débuter un traitement antiépileptique après une première crise avec cet EEG ?'),
(3, 'SM54', '{diabete,medecine-generale}', 'Diabète de type 2 déséquilibré malgré la metformine',
 'Diabète de type 2 connu depuis six ans, metformine à 2 g par jour bien tolérée, activité physique limitée par une gonarthrose.',
 'Poids stable, IMC à 31, pas de plaie des pieds, monofilament normal.',
 'HbA1c à 8,4 %, DFG à 72 mL/min, microalbuminurie positive.',
 'Analogue du GLP-1 ou inhibiteur de SGLT2 en deuxième intention ?'),
(4, 'SM40', '{pediatrie,asthme}', 'Toux nocturne récidivante',
 'Toux sèche nocturne depuis trois mois, deux épisodes de sifflements cet hiver, terrain atopique avec eczéma dans la petite enfance.',
 'Auscultation normale en dehors des épisodes, croissance régulière.',
 'Radiographie thoracique normale, prick-tests positifs aux acariens.',
 'Quel traitement de fond proposer et à quel moment réévaluer ?'),
(5, 'SM42', '{psychiatrie,depression}', 'Dépression résistante à deux antidépresseurs',
 'Épisode dépressif caractérisé depuis huit mois, échec d''un ISRS puis d''un IRSN à doses efficaces pendant six semaines chacun.',
 'Ralentissement psychomoteur, pas d''idées suicidaires scénarisées.',
 'Bilan thyroïdien normal, pas de trouble de l''usage de substances.',
 'Potentialisation par lithium ou changement de classe ?'),
(6, 'SM15', '{dermatologie,psoriasis}', 'Psoriasis en plaques étendu',
 'Psoriasis en plaques évoluant depuis l''adolescence, échec des dermocorticoïdes et de la photothérapie.',
 'Surface corporelle atteinte estimée à 18 %, atteinte unguéale.',
 'Bilan hépatique normal, sérologies virales négatives.',
 'Méthotrexate d''abord ou biothérapie d''emblée ?'),
(7, 'SM48', '{rhumatologie,polyarthrite}', 'Polyarthrite débutante',
 'Arthralgies inflammatoires des mains depuis dix semaines avec dérouillage matinal prolongé.',
 'Synovites des deuxième et troisième métacarpo-phalangiennes des deux côtés.',
 'CRP à 24 mg/L, facteur rhumatoïde et anti-CCP positifs, radiographies sans érosion.',
 'Quelle dose de méthotrexate initiale et faut-il une corticothérapie de relais ?'),
(8, 'SM24', '{hepatologie,gastro-enterologie}', 'Élévation chronique des transaminases',
 'Élévation modérée des ALAT découverte fortuitement, consommation d''alcool déclarée faible, syndrome métabolique.',
 'Hépatomégalie discrète, pas de signe d''insuffisance hépatocellulaire.',
 'ALAT à 2,5 fois la normale, échographie en faveur d''une stéatose, FIB-4 à 1,9.',
 'Élastométrie d''abord ou avis spécialisé direct ?'),
(9, 'SM41', '{pneumologie,bpco}', 'BPCO avec exacerbations fréquentes',
 'BPCO sévère, ancien fumeur, trois exacerbations l''an dernier dont une hospitalisation.',
 'Dyspnée stade 3, distension thoracique, saturation à 93 % en air ambiant.',
 'VEMS à 38 % de la théorique, éosinophiles à 350 par mm3.',
 'Faut-il passer à une trithérapie inhalée ou discuter l''azithromycine au long cours ?'),
(10, 'SM35', '{oncologie,cancer-du-sein}', 'Cancer du sein hormonosensible en préménopause',
 'Carcinome canalaire infiltrant de 22 mm, récepteurs hormonaux positifs, HER2 négatif, un ganglion sentinelle envahi.',
 'Suites opératoires simples, pas d''autre plainte.',
 'Score génomique intermédiaire, bilan d''extension négatif.',
 'Chimiothérapie adjuvante ou suppression ovarienne associée à l''hormonothérapie ?'),
(11, 'SM16', '{endocrinologie,thyroide}', 'Nodule thyroïdien de découverte fortuite',
 'Nodule thyroïdien découvert sur un scanner cervical, pas de signe compressif, pas d''irradiation cervicale dans l''enfance.',
 'Nodule palpable de la loge droite, mobile, sans adénopathie.',
 'TSH normale, échographie: nodule de 19 mm classé EU-TIRADS 4.',
 'Cytoponction maintenant ou surveillance échographique ?');

CREATE TEMP TABLE seed_people (p int, who text);
INSERT INTO seed_people VALUES
(0, 'une femme de 34 ans'), (1, 'un homme de 58 ans'), (2, 'une femme de 71 ans'),
(3, 'un homme de 45 ans'), (4, 'un enfant de 7 ans'), (5, 'une femme de 27 ans'),
(6, 'un homme de 66 ans'), (7, 'une adolescente de 15 ans');

CREATE TEMP TABLE seed_variants (v int, prefix text, suffix text);
INSERT INTO seed_variants VALUES
(0, '', ''),
(1, 'Avis souhaité: ', ' Merci pour vos retours d''expérience.'),
(2, 'Question de pratique: ', ' Des recommandations récentes existent-elles ?'),
(3, 'Cas discuté en staff: ', ' Le staff était partagé.');

CREATE TEMP TABLE seed_case_texts AS
SELECT row_number() OVER (ORDER BY v, p, t) - 1 AS k,
       t.specialty_code, t.tags,
       v.prefix || t.title || ' chez ' || p.who AS title,
       'Il s''agit d''' || p.who || '. ' || t.context AS context,
       t.examination, t.investigations,
       t.question || v.suffix AS question
FROM seed_topics t, seed_people p, seed_variants v;

CREATE TEMP TABLE seed_reply_texts (k int, text text);
INSERT INTO seed_reply_texts VALUES
(0, 'Dans une situation comparable, nous avons obtenu une bonne réponse en suivant les recommandations de la société savante, avec une réévaluation à trois mois.'),
(1, 'Je proposerais d''abord de compléter le bilan, puis d''en discuter en réunion de concertation pluridisciplinaire.'),
(2, 'Attention aux interactions médicamenteuses dans ce contexte, je vérifierais la fonction rénale avant de modifier le traitement.'),
(3, 'Notre équipe aurait plutôt temporisé, avec une surveillance clinique et biologique rapprochée.'),
(4, 'Une revue récente va dans ce sens: le bénéfice semble net chez ces patients, surtout en cas de facteurs de risque associés.'),
(5, 'Je vous adresse volontiers le protocole que nous utilisons dans le service, il a été validé par le comité du médicament.'),
(6, 'Avant tout changement, vérifier l''observance et les facteurs déclenchants me paraît indispensable.'),
(7, 'Un avis spécialisé en téléexpertise pourrait vous faire gagner du temps dans ce cas.');
