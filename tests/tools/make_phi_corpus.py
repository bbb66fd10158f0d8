#!/usr/bin/env python3
"""Writes tests/data/phi_corpus.tsv, the labelled corpus of the patient-data guard.

One sentence per line. Identifying spans are marked [[CATEGORY|text]]; the test strips the
marks, runs the guard and compares (tests/unit/discussions/phi_corpus_test.cc). Lines starting
with '#' are comments.

Two parts:
  * sentences written by hand (HAND_*), in the style of case discussions between doctors:
    clinical text that must pass (eponyms, doses, lab values, ages, years, stages, scores,
    doctors' names) and text with identifying data written the ways doctors write it;
  * template sentences filled with generated values (random but seeded), because NIR and IBAN
    values must carry valid keys, and so that every format variant is covered.
Run: python3 tests/tools/make_phi_corpus.py > tests/data/phi_corpus.tsv
"""
import random

rnd = random.Random(20250105)

SURNAMES = ["Durand", "Martin", "Bernard", "Dubois", "Lefèvre", "Moreau", "Laurent", "Simon", "Michel",
            "Garcia", "Roux", "Fournier", "Girard", "Bonnet", "Dupont", "Lambert", "Fontaine", "Rousseau",
            "Vincent", "Muller", "Lefebvre", "Faure", "André", "Mercier", "Blanc", "Guérin", "Boyer",
            "Garnier", "Chevalier", "François", "Legrand", "Gauthier", "Perrin", "Robin", "Clément",
            "Morin", "Nicolas", "Henry", "Roussel", "Mathieu", "Gautier", "Masson", "Marchand", "Duval",
            "Denis", "Dumont", "Marie", "Lemaire", "Noël", "Meyer", "Dufour", "Meunier", "Brun", "Blanchard",
            "Giraud", "Joly", "Rivière", "Lucas", "Brunet", "Gaillard", "Barbier", "Arnaud", "Martinez",
            "Gérard", "Roche", "Renard", "Schmitt", "Roy", "Leroux", "Colin", "Vidal", "Caron", "Picard",
            "Roger", "Fabre", "Aubert", "Lemoine", "Renaud", "Dumas", "Lacroix", "Olivier", "Philippe",
            "Bourgeois", "Pierre", "Benoît", "Rey", "Leclerc", "Payet", "Rolland", "Leclercq", "Guillaume",
            "Lecomte", "Lopez", "Jean", "Dupuy", "Guillot", "Hubert", "Berger", "Carpentier", "Sanchez",
            "Le Goff", "Le Gall", "Kerbrat", "Nguyen", "Benali", "Haddad", "Diallo", "Traoré", "Ben Salah",
            "de Villiers", "Lévêque", "Jégou", "Boucher", "Ménard", "Hoarau", "Grondin", "Éloi"]
GIVEN_F = ["Marie", "Nathalie", "Isabelle", "Sylvie", "Catherine", "Françoise", "Monique", "Christine",
           "Chloé", "Léa", "Manon", "Inès", "Camille", "Jeanne", "Hélène", "Aïcha", "Fatima", "Éloïse",
           "Anne-Sophie", "Marie-Claude", "Josiane", "Ginette", "Odile", "Yvette", "Maëlys"]
GIVEN_M = ["Jean", "Pierre", "Michel", "André", "Philippe", "Alain", "Bernard", "Jacques", "Daniel",
           "Lucas", "Hugo", "Nathan", "Mohamed", "Karim", "Jean-Pierre", "Jean-Claude", "Gérard", "René",
           "Marcel", "Théo", "Enzo", "Yannick", "Loïc", "Hervé", "Stéphane"]
STREET_TYPES = ["rue", "avenue", "boulevard", "bd", "place", "allée", "impasse", "chemin", "route", "quai",
                "av.", "cours", "square", "résidence"]
STREET_NAMES = ["de la République", "Victor Hugo", "Jean Jaurès", "du Général de Gaulle", "Pasteur",
                "des Lilas", "de la Paix", "Foch", "du Moulin", "des Écoles", "de Verdun", "Gambetta",
                "Saint-Michel", "du 8 Mai 1945", "de l'Église", "des Tilleuls", "Émile Zola", "Carnot",
                "de Bretagne", "des Acacias", "du Stade", "Lamartine", "de la Gare", "Jules Ferry"]
CITIES = [("75013", "Paris"), ("69003", "Lyon"), ("13008", "Marseille"), ("31000", "Toulouse"),
          ("59000", "Lille"), ("44000", "Nantes"), ("67000", "Strasbourg"), ("33000", "Bordeaux"),
          ("35000", "Rennes"), ("97400", "Saint-Denis"), ("20000", "Ajaccio"), ("06000", "Nice"),
          ("29200", "Brest"), ("63000", "Clermont-Ferrand"), ("87000", "Limoges")]
MONTHS = ["janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre", "octobre",
          "novembre", "décembre"]


def mark(cat, text):
    return f"[[{cat}|{text}]]"


def nir(corsica=None):
    sex = rnd.choice("12")
    yy = f"{rnd.randint(0, 99):02d}"
    mm = f"{rnd.randint(1, 12):02d}"
    if corsica:
        dept = corsica
    else:
        dept = f"{rnd.choice([1, 6, 13, 29, 31, 33, 35, 44, 59, 67, 69, 75, 76, 92, 93, 94, 95]):02d}"
    commune = f"{rnd.randint(1, 999):03d}"
    order = f"{rnd.randint(1, 999):03d}"
    body = sex + yy + mm + dept + commune + order
    num = body.replace("2A", "19").replace("2B", "18")
    key = 97 - int(num) % 97
    return body, f"{key:02d}"


def nir_text(corsica=None, style=None, wrong_key=False):
    body, key = nir(corsica)
    if wrong_key:
        key = f"{(int(key) + rnd.randint(1, 90)) % 97 + 1:02d}"
        if key == nir_key(body):
            key = f"{(int(key) % 96) + 1:02d}"
    style = style or rnd.choice(["spaced", "compact", "spaced", "dots"])
    groups = [body[0], body[1:3], body[3:5], body[5:7], body[7:10], body[10:13], key]
    if style == "compact":
        return "".join(groups)
    if style == "dots":
        return ".".join(groups)
    return " ".join(groups)


def nir_key(body):
    return f"{97 - int(body.replace('2A', '19').replace('2B', '18')) % 97:02d}"


def phone():
    first = rnd.choice(["06", "07", "01", "02", "03", "04", "05", "09"])
    rest = [f"{rnd.randint(0, 99):02d}" for _ in range(4)]
    style = rnd.choice(["space", "dot", "compact", "dash", "intl", "intl0", "0033", "space", "space"])
    if style == "space":
        return " ".join([first] + rest)
    if style == "dot":
        return ".".join([first] + rest)
    if style == "dash":
        return "-".join([first] + rest)
    if style == "compact":
        return first + "".join(rest)
    if style == "intl":
        return "+33 " + first[1] + " " + " ".join(rest)
    if style == "intl0":
        return "+33 (0)" + first[1] + " " + " ".join(rest)
    return "0033 " + first[1] + " " + " ".join(rest)


def iban():
    bank = f"{rnd.randint(10000, 99999)}{rnd.randint(10000, 99999)}{rnd.randint(10 ** 10, 10 ** 11 - 1)}{rnd.randint(10, 99)}"
    country = "FR"
    numeric = bank + "1527" + "00"  # F=15 R=27
    check = 98 - int(numeric) % 97
    s = f"{country}{check:02d}{bank}"
    if rnd.random() < 0.7:
        return " ".join(s[i:i + 4] for i in range(0, len(s), 4))
    return s


def email(given, surname):
    def simple(s):
        table = str.maketrans("éèêëàâîïôöûüçÉÈ", "eeeeaaiioouucEE")
        return s.translate(table).lower().replace(" ", "").replace("'", "")
    user = rnd.choice([f"{simple(given)}.{simple(surname)}", f"{simple(given)[0]}{simple(surname)}",
                       f"{simple(surname)}{rnd.randint(1950, 2005)}", f"{simple(given)}_{simple(surname)}"])
    return user + "@" + rnd.choice(["gmail.com", "orange.fr", "free.fr", "wanadoo.fr", "hotmail.fr",
                                     "yahoo.fr", "laposte.net", "sfr.fr"])


def full_date(birth=True):
    y = rnd.randint(1925, 2010) if birth else rnd.randint(2015, 2025)
    d, m = rnd.randint(1, 28), rnd.randint(1, 12)
    style = rnd.choice(["slash", "slash", "text", "dot", "dash", "short", "first"])
    if style == "slash":
        return f"{d:02d}/{m:02d}/{y}"
    if style == "dot":
        return f"{d:02d}.{m:02d}.{y}"
    if style == "dash":
        return f"{d:02d}-{m:02d}-{y}"
    if style == "short":
        return f"{d:02d}/{m:02d}/{y % 100:02d}"
    if style == "first":
        return f"1er {MONTHS[m - 1]} {y}"
    return f"{d} {MONTHS[m - 1]} {y}"


def age():
    return rnd.randint(18, 95)


def address():
    num = str(rnd.randint(1, 180)) + rnd.choice(["", "", "", " bis", "bis"][:3])
    street = f"{num} {rnd.choice(STREET_TYPES)} {rnd.choice(STREET_NAMES)}"
    if rnd.random() < 0.5:
        cp, city = rnd.choice(CITIES)
        street += f", {cp} {city}"
    return street


def record():
    return rnd.choice([str(rnd.randint(10 ** 7, 10 ** 9)), f"{rnd.randint(2018, 2025)}-{rnd.randint(10000, 99999)}",
                       f"{rnd.randint(100, 999)} {rnd.randint(100, 999)} {rnd.randint(100, 999)}",
                       f"P{rnd.randint(100000, 999999)}"])


def template_lines():
    out = []
    # --- NIR (with valid keys), Corsica, formats ---
    nir_templates = [
        "Numéro de sécurité sociale : {v}, à retirer du dossier partagé.",
        "Je vous transmets son NIR {v} pour la demande d'ALD.",
        "Carte Vitale au nom du patient ({v}), mutuelle à jour.",
        "Matricule {v} noté sur le bon de transport.",
        "Le {v} figure sur l'ordonnance bizone, est-ce gênant ?",
        "Pour l'entente préalable : {v}.",
        "Immatriculation {v}, régime général.",
    ]
    for k in range(48):
        corsica = "2A" if k % 6 == 0 else ("2B" if k % 6 == 1 else None)
        out.append(rnd.choice(nir_templates).format(v=mark("NIR", nir_text(corsica))))
    # 15-digit numbers whose key does not match: not a NIR, nothing to report.
    wrong = ["Lot du vaccin : {v}, pas d'effet indésirable notable.",
             "Référence de la commande de matériel {v} chez le fournisseur.",
             "Numéro d'agrément du laboratoire {v}, pour information.",
             "Le code-barres {v} est illisible sur la boîte."]
    for k in range(16):
        corsica = "2A" if k % 4 == 0 else ("2B" if k % 4 == 1 else None)
        out.append(rnd.choice(wrong).format(v=nir_text(corsica, style="compact", wrong_key=True)))
    # --- phones ---
    phone_templates = [
        "Vous pouvez joindre la fille de la patiente au {v} pour le suivi.",
        "Son portable : {v}, elle préfère les SMS.",
        "La famille a laissé le {v} à l'accueil.",
        "Tél. du domicile {v}, répond le soir.",
        "Rappeler le conjoint au {v} après la RCP.",
        "Numéro de la patiente ({v}) à ne pas diffuser.",
        "Il m'a appelé depuis le {v} hier soir, très inquiet.",
    ]
    for _ in range(45):
        out.append(rnd.choice(phone_templates).format(v=mark("PHONE", phone())))
    # --- emails ---
    email_templates = [
        "La patiente écrit régulièrement à {v} pour ses résultats.",
        "Adresse mail du patient : {v}.",
        "Envoyez les images à {v}, c'est son fils.",
        "Il a transmis son bilan depuis {v}",
        "Contact : {v} (mère de l'enfant).",
    ]
    for _ in range(42):
        g = rnd.choice(GIVEN_F + GIVEN_M)
        out.append(rnd.choice(email_templates).format(v=mark("EMAIL", email(g, rnd.choice(SURNAMES)))))
    # --- IBAN ---
    iban_templates = [
        "Pour le remboursement des frais, son IBAN est {v}.",
        "La famille a envoyé un RIB : {v}, à détruire.",
        "Coordonnées bancaires de la patiente {v} reçues par erreur.",
        "Virement de la mutuelle sur le compte {v}.",
    ]
    for _ in range(40):
        out.append(rnd.choice(iban_templates).format(v=mark("IBAN", iban())))
    # --- dates of birth ---
    dob_templates = [
        "Patiente née le {v}, suivie pour une HTA.",
        "Patient né le {v}, BPCO stade GOLD 3.",
        "DDN : {v}, G3P2, terme à 38 SA.",
        "Enfant né(e) le {v} à 35 SA, détresse respiratoire.",
        "Date de naissance {v} ; allergies : pénicilline.",
        "Homme né le {v}, fumeur à 40 PA.",
        "(DDN {v}) adressée pour avis sur une masse annexielle.",
    ]
    for _ in range(45):
        out.append(rnd.choice(dob_templates).format(v=mark("BIRTH_DATE", full_date(True))))
    for _ in range(6):
        m = rnd.choice(MONTHS)
        out.append(f"Garçon né en {mark('BIRTH_DATE', m + ' ' + str(rnd.randint(2010, 2022)))}, retard de langage.")
    # --- identifying event dates ---
    event_templates = [
        "Hospitalisée le {v} pour décompensation cardiaque.",
        "Décédé le {v} d'un choc septique.",
        "Admise aux urgences le {v} pour douleur thoracique.",
        "Opéré le {v} d'une sigmoïdectomie.",
        "Accouchement le {v} par césarienne.",
    ]
    for _ in range(22):
        out.append(rnd.choice(event_templates).format(v=mark("IDENTIFYING_DATE", full_date(False))))
    # --- names ---
    civ_templates = [
        "{v}, {a} ans, consulte pour une dyspnée d'effort.",
        "J'ai revu {v} ce matin, la fièvre persiste.",
        "Chez {v} on retrouve une anémie ferriprive.",
        "Bilan de {v} : NFS normale, CRP 45 mg/L.",
        "{v} refuse la chimiothérapie adjuvante.",
        "Que pensez-vous du traitement de {v} ?",
    ]
    for _ in range(45):
        female = rnd.random() < 0.5
        civ = rnd.choice(["Mme", "Madame", "Mlle", "Mme"] if female else ["M.", "Monsieur", "M.", "Mr"])
        given = rnd.choice(GIVEN_F if female else GIVEN_M)
        surname = rnd.choice(SURNAMES)
        form = rnd.choice(["s", "s", "gs", "is", "S"])
        if form == "s":
            name = f"{civ} {surname}"
        elif form == "gs":
            name = f"{civ} {given} {surname}"
        elif form == "is":
            name = f"{civ} {given[0]}. {surname}"
        else:
            name = f"{civ} {surname.upper()}"
        t = rnd.choice(civ_templates).format(v=mark("PATIENT_NAME", name), a=age())
        out.append(t[0].upper() + t[1:])
    role_templates = [
        ("Le patient {n} présente une récidive à 6 mois.", False),
        ("La patiente {n} a bien toléré la première cure.", True),
        ("Sa fille {n} souhaite être présente à l'annonce.", True),
        ("Le fils {n} est la personne de confiance.", False),
        ("Son épouse {n} signale des troubles mnésiques.", True),
        ("Une patiente prénommée {n} nous a été adressée.", True),
        ("Le petit patient, nommé {n}, a 4 ans.", False),
    ]
    for _ in range(32):
        tpl, female = rnd.choice(role_templates)
        if "prénommée" in tpl or "nommé" in tpl:
            n = rnd.choice(GIVEN_F if female else GIVEN_M)
        elif rnd.random() < 0.5:
            n = rnd.choice(SURNAMES)
        else:
            n = rnd.choice(GIVEN_F if female else GIVEN_M) + " " + rnd.choice(SURNAMES)
        out.append(tpl.format(n=mark("PATIENT_NAME", n)))
    for _ in range(8):
        g = rnd.choice(GIVEN_F + GIVEN_M)
        out.append(f"Adressé par son médecin traitant pour {mark('PATIENT_NAME', g[0] + '. ' + rnd.choice(SURNAMES))}, 58 ans.")
    # --- addresses ---
    addr_templates = [
        "La patiente vit seule au {v}, sans ascenseur.",
        "Domicile : {v}.",
        "Retour à domicile au {v} avec HAD.",
        "Il habite {v}, à 40 minutes du CHU.",
        "Adresse du patient sur le courrier : {v}.",
    ]
    for _ in range(40):
        out.append(rnd.choice(addr_templates).format(v=mark("ADDRESS", address())))
    # --- record numbers ---
    rec_templates = [
        "IPP : {v}, merci de ne pas diffuser.",
        "Dossier n° {v} aux archives de l'hôpital.",
        "NDA {v} pour la facturation du séjour.",
        "Numéro de dossier {v}, compte rendu opératoire joint.",
        "N° de séjour : {v}.",
        "Son NIP est {v}, je vous envoie les lames.",
    ]
    for _ in range(36):
        out.append(rnd.choice(rec_templates).format(v=mark("RECORD_NUMBER", record())))
    for _ in range(6):
        female = rnd.random() < 0.5
        civ = "Mme" if female else "M."
        out.append(f"{mark('PATIENT_NAME', civ + ' ' + rnd.choice(SURNAMES))}, {mark('RECORD_NUMBER', 'chambre ' + str(rnd.randint(100, 450)))}, a chuté cette nuit.")
    # --- negatives that look like the positives ---
    for _ in range(20):
        out.append(rnd.choice([
            f"Patiente de {age()} ans, G{rnd.randint(1,4)}P{rnd.randint(0,3)}, suivie depuis {rnd.randint(2005, 2023)}.",
            f"Créatinine {rnd.randint(50, 400)} µmol/L, DFG {rnd.randint(10, 90)} mL/min/1,73 m².",
            f"Plaquettes {rnd.randint(20, 450)} G/L, Hb {rnd.randint(70, 150) / 10:.1f} g/dL, leucocytes {rnd.randint(2, 20)} G/L.",
            f"Lévothyrox {rnd.choice([25, 50, 75, 100, 125])} µg le matin, TSH {rnd.randint(1, 90) / 10:.1f} mUI/L.",
            f"Homme de {age()} ans, IMC {rnd.randint(18, 45)} kg/m², tabagisme sevré en {rnd.randint(1990, 2020)}.",
            f"Score de Glasgow {rnd.randint(3, 15)}, pupilles réactives, NIHSS {rnd.randint(0, 25)}.",
            f"Tumeur pT{rnd.randint(1,4)}N{rnd.randint(0,2)}M0, Ki67 {rnd.randint(5, 80)} %, RH+ HER2-.",
            f"Dose cumulée de {rnd.randint(100, 450)} mg/m² d'anthracyclines, FEVG {rnd.randint(35, 70)} %.",
        ]))
    return out


HAND_NEGATIVE = r"""
Patiente de 54 ans aux antécédents de maladie de Crohn iléale, sous adalimumab 40 mg toutes les 2 semaines.
Syndrome de Guillain-Barré post-infectieux, PL : protéinorachie 1,8 g/L, cellularité normale.
Signe de Murphy positif, échographie : cholécystite lithiasique, CRP 180 mg/L.
Maladie de Parkinson évoluant depuis 2012, fluctuations motrices sous Modopar 125 mg x 5/j.
Le Dr House aurait demandé une biopsie cérébrale, mais je pense qu'on peut s'en passer.
J'ai discuté du dossier avec le Pr Martin en RCP, il propose une radiothérapie.
Merci au Dr Durand pour son avis, nous avons débuté une corticothérapie.
Homme de 67 ans, fumeur à 45 PA, nodule pulmonaire de 14 mm au lobe supérieur droit.
Adénocarcinome prostatique, score de Gleason 7 (4+3), PSA 12 ng/mL, stade cT2bN0M0.
Cancer du sein cT2N1M0, RH+ HER2-, Ki67 25 %, grade SBR II.
Insuffisance cardiaque NYHA III, FEVG 30 %, NT-proBNP 4 500 pg/mL.
Score CHA2DS2-VASc à 4, HAS-BLED à 2 : anticoagulation par apixaban 5 mg x 2/j.
Hémoglobine glyquée à 8,4 %, sous metformine 1000 mg x 2 et gliclazide 60 mg.
Kaliémie 6,2 mmol/L, créatinine 310 µmol/L, urée 28 mmol/L.
TSH 12 mUI/L, T4L 8 pmol/L : hypothyroïdie franche, probable thyroïdite de Hashimoto.
Sous IPP au long cours (oméprazole 20 mg), faut-il arrêter ?
IPP 40 mg matin et soir pendant 8 semaines puis réévaluation.
Patiente de 82 ans en EHPAD, démence de type Alzheimer, MMSE 14/30.
Enfant de 4 ans, fièvre à 39,5 °C depuis 5 jours, conjonctivite, chéilite : Kawasaki ?
Maladie de Horton suspectée : VS 95 mm, céphalées temporales, biopsie de l'artère temporale prévue.
Polyarthrite rhumatoïde séropositive, DAS28 à 5,1 malgré méthotrexate 20 mg/semaine.
Lupus avec atteinte rénale classe IV, protéinurie 3,5 g/24 h.
Né à terme, Apgar 10/10, poids de naissance 3 450 g.
Primipare de 31 ans à 37 SA + 4 j, pré-éclampsie sévère, plaquettes 85 G/L.
En 2019 elle avait déjà présenté un épisode similaire, résolutif sous antibiotiques.
Diagnostic posé en 2008, traité par chimiothérapie puis rémission complète depuis 2010.
Le patient a 72 ans et vit avec son épouse, autonome pour les actes de la vie quotidienne.
Monsieur, 45 ans, consulte pour des lombalgies inflammatoires : spondylarthrite ?
Madame, 38 ans, 3e geste, souhaite une contraception définitive.
Mme X, 67 ans, est suivie pour une cirrhose Child-Pugh B.
Mme D., 45 ans, adressée pour un nodule thyroïdien TI-RADS 4.
M. Y., 58 ans, ancien ouvrier du bâtiment, plaques pleurales.
Question : faut-il poursuivre l'anticoagulation après 6 mois pour une EP non provoquée ?
Que feriez-vous devant une hyponatrémie à 118 mmol/L chez une patiente sous thiazidique ?
Selon les recommandations HAS de 2021, la durée est de 3 mois minimum.
L'étude de Martin et al. (NEJM 2019) montrait un bénéfice sur la mortalité.
Cf. la méta-analyse Cochrane de 2020, le niveau de preuve reste faible.
Le signe de Babinski est retrouvé à droite, ROT vifs, pas de clonus.
Manœuvre de Valsalva positive, souffle éjectionnel 3/6 au foyer aortique.
Syndrome de Cushing iatrogène sous prednisone 20 mg/j depuis 2 ans.
Maladie de Basedow, TRAK positifs, sous néomercazole 20 mg/j.
Lymphome de Hodgkin stade IIA, ABVD 4 cycles, TEP intermédiaire négatif.
Sarcome d'Ewing du fémur chez un adolescent de 15 ans.
Syndrome de Wolff-Parkinson-White découvert à l'ECG de repos.
Maladie de Still de l'adulte : ferritine 12 000 µg/L, fraction glycosylée effondrée.
Les sérologies EBV, CMV, VIH, VHB et VHC sont négatives.
Traitement par vitamine D 100 000 UI tous les 3 mois.
Carence en vitamine D. Le bilan phosphocalcique est par ailleurs normal.
Hépatite B chronique. La charge virale est indétectable sous ténofovir.
Contrôle à J3, J7 puis J14 ; reprise du travail prévue à S6.
Pression artérielle 145/90 mmHg, FC 88/min, SpO2 94 % en air ambiant.
Poids 72 kg, taille 1,68 m, IMC 25,5 kg/m².
Numération : leucocytes 15 000/mm³, PNN 12 000/mm³, plaquettes 450 000/mm³.
Il a reçu 4 culots globulaires et 2 PFC, Hb de contrôle à 9,2 g/dL.
Insuline glargine 24 UI le soir, Novorapid selon protocole.
Amoxicilline 1 g x 3/j pendant 7 jours, puis relais oral.
Perfusion de 500 mL de NaCl 0,9 % sur 30 min.
La RCP du 3e jeudi du mois se tient à 14 h en salle 2.
Le patient vit à Lyon et travaille dans le BTP.
Elle vit en zone rurale, à 50 km du premier centre de radiothérapie.
Il habite au 3e étage sans ascenseur, ce qui complique le retour à domicile.
Ancien mineur de fond dans le Nord, silicose connue.
Interne en 3e semestre, je sollicite votre avis sur ce dossier.
Mon RPPS est 10003456789 si vous voulez me joindre via la messagerie sécurisée.
Vous pouvez me contacter via la messagerie MSSanté de l'établissement.
Le centre 15 a été appelé, SMUR sur place en 12 minutes.
Consultation au CHU de Bordeaux, service de néphrologie.
Résultats de l'essai NCT01234567 : pas de différence significative.
Référence du protocole : ESMO 2023, recommandation de grade A.
Dosage de vancomycine résiduelle à 18 mg/L, objectif 15-20.
INR à 4,2 sous fluindione, pas de saignement.
Troponine hs 45 ng/L puis 120 ng/L à H3 : NSTEMI.
Le score de Wells est à 4,5, D-dimères 1 200 ng/mL.
Echographie cardiaque : FEVG 55 %, PAPs 45 mmHg, VCI compliante.
Scanner TAP : pas de lésion secondaire, adénomégalie médiastinale de 12 mm.
IRM cérébrale : hypersignaux FLAIR de la substance blanche, Fazekas 2.
Cotation BI-RADS 4 à la mammographie, biopsie prévue.
Syndrome de Sjögren primitif, anti-SSA positifs, test de Schirmer pathologique.
Maladie de Willebrand type 1, facteur VIII à 40 %.
Pas d'ATCD familial notable, père décédé d'un IDM à 60 ans.
Sa mère a eu un cancer du sein à 45 ans, recherche de mutation BRCA proposée.
Le patient est sorti à J5 avec une ordonnance d'antalgiques de palier 2.
Elle est entrée en réanimation pour un choc septique à point de départ urinaire.
Décédé à l'âge de 78 ans d'une néoplasie pulmonaire.
Hospitalisée en 2022 pour une pyélonéphrite, E. coli multisensible.
Admise en mars pour une décompensation, ressortie au bout de 10 jours.
Opérée il y a 3 semaines d'une cholécystectomie, fièvre depuis 48 h.
Vue en consultation il y a 2 mois, la PA était bien contrôlée.
Née à 32 SA, dysplasie bronchopulmonaire modérée.
Née en 1957, ménopausée depuis l'âge de 52 ans.
Né en 1948, ancien tuyauteur exposé à l'amiante.
Un enfant de 8 ans avec une hématurie macroscopique après une angine.
La patiente Covid positive a été isolée en chambre seule.
Le patient VIH positif est sous trithérapie avec charge virale indétectable.
La patiente BRCA1 mutée discute d'une annexectomie prophylactique.
Chez la patiente diabétique, l'objectif d'HbA1c est de 7 %.
Chez l'enfant, la posologie est de 50 mg/kg/j en 3 prises.
Le patient Parkinsonien présente des hallucinations visuelles sous agonistes.
Hier, en garde, j'ai vu un cas de méningite à méningocoque chez un étudiant.
Bonjour à tous, je sollicite votre avis sur une éruption atypique.
Merci d'avance pour vos réponses, bonne journée.
Cordialement, Dr Lefèvre, médecine interne.
Dr Moreau et Pr Dubois ont validé l'indication en RCP.
Avis du Docteur Bernard (cardiologue) : pas de contre-indication.
Je partage l'avis du Pr Girard sur la nécessité d'une coronarographie.
Le Professeur Laurent recommande une ponction-biopsie hépatique.
Le traitement comprend 3 cures de FOLFOX puis réévaluation.
Stade FIGO IIIC, CA-125 à 850 UI/mL.
Grossesse de 12 SA, clarté nucale 3,5 mm, DPNI proposé.
Dépistage néonatal : TSH à 45 mUI/L à J3, contrôle demandé.
Dans la littérature, une série de 1 500 cas retrouvait une incidence de 0,3 %.
Température 38,7 °C, FR 24/min, saturation 91 % sous 2 L/min.
EVA à 8/10 malgré paracétamol 1 g x 4/j et tramadol 50 mg x 3/j.
Un cas similaire publié en 2018 dans le BMJ décrivait la même évolution.
La patiente a 3 enfants, le plus jeune a 12 ans.
Ménopause à 51 ans, pas de THS.
Fils unique, parents divorcés, scolarisé en CM2.
Alcool : 3 verres par jour, tabac : 20 PA sevré depuis 2015.
Suivi psychiatrique au CMP, traitement par sertraline 50 mg.
Score de Karnofsky à 70 %, ECOG 1.
Classification de Forrest IIa, hémostase endoscopique par clips.
Score de Blatchford à 12, transfusion de 2 CGR.
Syndrome de Zollinger-Ellison suspecté, gastrinémie à 1 200 pg/mL.
Thrombose de la veine porte chez un patient cirrhotique Child-Pugh A.
Le bilan pré-thérapeutique comprend ETT, EFR et bilan dentaire.
À J10 de la greffe, apparition d'une éruption maculo-papuleuse : GVH aiguë ?
Le nourrisson de 3 mois présente des pleurs inconsolables et un refus du biberon.
Ajout de furosémide 40 mg/j, objectif de perte de 1 kg/j.
La dose de 5 mg/kg toutes les 12 h a été adaptée à la fonction rénale.
Le lot 12 du protocole a été arrêté pour toxicité.
Il a été vu par l'urologue, le Dr Simon, qui propose une RTUP.
Le Dr Garcia, gastro-entérologue, a réalisé une coloscopie complète.
Pas de signe de Lasègue, pas de déficit sensitivomoteur.
Test de Romberg positif, ataxie proprioceptive.
Réflexe de Hoffmann présent, signe de Lhermitte à la flexion cervicale.
Éruption en carte de géographie, signe de Nikolsky négatif.
Rappel vaccinal DTP fait en 2020, Prevenar 20 en 2023.
Elle a repris le sport 3 fois par semaine depuis janvier.
Le 3e trimestre de grossesse s'est compliqué d'un diabète gestationnel.
Depuis mars, elle se plaint de douleurs abdominales récurrentes.
Infection à Clostridioides difficile, traitement par fidaxomicine.
Pneumopathie à Legionella, antigénurie positive.
Candidémie à Candida albicans sur PICC line.
Tuberculose pulmonaire, examen direct positif, PCR Mycobacterium tuberculosis positive.
Infection à Helicobacter pylori éradiquée en 2021.
Le bébé est né par voie basse, sans complication.
J'ai eu le laboratoire au téléphone, la culture pousse un BGN.
Je vous mets le compte rendu anonymisé en pièce jointe.
Elle prend du Doliprane 1 g si douleur, maximum 4 g/j.
Le Kardegic 75 mg a été suspendu 5 jours avant le geste.
Relais par Eliquis 5 mg x 2/j à la sortie.
Traitement par Keytruda 200 mg toutes les 3 semaines, 6e cure.
Il mesure 1,82 m et pèse 110 kg.
L'audiogramme montre une perte de 40 dB sur les aigus.
Glycémie à jeun 1,35 g/L à deux reprises.
Bilan lipidique : LDL 1,9 g/L, HDL 0,4 g/L, TG 2,5 g/L.
Hémocultures 2/2 positives à Staphylococcus aureus méti-S.
ECBU : E. coli > 10^5 UFC/mL, leucocyturie 10^6/mL.
Clairance de la créatinine 35 mL/min selon Cockcroft.
Traitement anti-TNF débuté en 2017, switch en 2020 pour perte de réponse.
Le patient a été revu 3 mois plus tard avec une amélioration nette.
Chambre implantable posée il y a 2 ans, pas d'infection.
Il est en chambre seule pour isolement contact.
Lit d'appoint installé pour la surveillance continue.
Dossier discuté en staff, pas d'indication chirurgicale.
Le dossier sera présenté en RCP de neuro-oncologie jeudi.
Numéro vert de l'ANSM pour les déclarations de pharmacovigilance.
L'enquête de pharmacovigilance est en cours auprès du CRPV.
Il a fait 3 chutes en 6 mois, bilan de chutes programmé.
Consultation d'annonce faite avec l'infirmière de coordination.
Prise en charge en HDJ pour la perfusion de fer injectable.
Gaz du sang : pH 7,28, PaCO2 62 mmHg, HCO3- 29 mmol/L.
Ponction d'ascite : 2 500 mL, PNN 320/mm³, infection du liquide d'ascite.
Il a 2 sœurs et 1 frère, tous en bonne santé.
La patiente travaille comme aide-soignante de nuit.
Il a été adressé par SOS Médecins pour une douleur thoracique.
Voici la photo de la lésion (visage masqué, aucun signe distinctif).
"""

HAND_POSITIVE = r"""
[[PATIENT_NAME|Mme Durand]] a bien toléré la première cure de chimiothérapie.
J'ai revu [[PATIENT_NAME|M. Jean Martin]] hier, la douleur a disparu.
[[PATIENT_NAME|Madame Lefèvre]], 67 ans, suivie pour une BPCO.
[[PATIENT_NAME|Monsieur Bernard]] refuse toute transfusion pour motif religieux.
Le patient [[PATIENT_NAME|Dupont]] présente une récidive locale.
La patiente [[PATIENT_NAME|Moreau]] est sortie contre avis médical.
[[PATIENT_NAME|Mlle Rousseau]], 19 ans, anorexie mentale sévère, IMC 13.
Suivi de [[PATIENT_NAME|M. DUPUY]] en HDJ pour sa dialyse.
Chez [[PATIENT_NAME|J. Martin]], le bilan étiologique est négatif.
J'ai discuté avec [[PATIENT_NAME|Mme Le Goff]] des options thérapeutiques.
Le Dr Simon a vu [[PATIENT_NAME|Mme Fontaine]] en consultation.
[[PATIENT_NAME|Mme Guérin]], [[RECORD_NUMBER|chambre 12]], présente une confusion depuis ce matin.
La patiente, née le [[BIRTH_DATE|12/03/1957]], est suivie pour un lupus.
Né le [[BIRTH_DATE|1er mars 1948]], ancien fumeur.
DDN : [[BIRTH_DATE|05/11/1962]].
Décédée le [[IDENTIFYING_DATE|14 février 2024]] à domicile.
Elle habite [[ADDRESS|12 rue de la Paix, 75002 Paris]] avec sa fille.
Il vit au [[ADDRESS|3 bis avenue Jean Jaurès]], au 4e étage.
Son numéro : [[PHONE|06 12 34 56 78]].
Vous pouvez écrire à [[EMAIL|marie.durand@orange.fr]] pour les résultats.
NIR : [[NIR|1 57 03 2A 123 456 15]].
IPP [[RECORD_NUMBER|80012345]] – merci de ne pas le diffuser.
Le mari, [[PATIENT_NAME|M. Martinez]], est d'accord pour le retour à domicile.
La famille de [[PATIENT_NAME|Mme Nguyen]] demande un second avis.
Que faire pour [[PATIENT_NAME|Madame Haddad]] qui refuse l'amputation ?
Avis sur le cas de [[PATIENT_NAME|M. Jean-Pierre Lambert]], 72 ans, AOMI stade IV.
[[PATIENT_NAME|Mme B. Chevalier]] est en soins palliatifs depuis lundi.
madame [[PATIENT_NAME|Roux]] m'a rappelé pour ses résultats.
La petite [[PATIENT_NAME|Chloé]] a 6 ans et présente un purpura.
Son fils [[PATIENT_NAME|Karim]] est aidant principal.
Nom : [[PATIENT_NAME|Benali]], prénom : [[PATIENT_NAME|Aïcha]].
Patiente née [[PATIENT_NAME|Marchand]], 81 ans, démence vasculaire.
[[PATIENT_NAME|M. Éloi]] (la famille est d'accord) sera transféré en SSR.
Avant son départ, [[PATIENT_NAME|Mme Hoarau]] a signé la sortie contre avis.
"""


def main():
    lines = []
    lines.append("# Labelled corpus of the patient-data guard. Generated by tests/tools/make_phi_corpus.py;")
    lines.append("# edit the generator, not this file. [[CATEGORY|text]] marks identifying data.")
    for block in (HAND_NEGATIVE, HAND_POSITIVE):
        lines.extend(l for l in block.strip().splitlines() if l.strip())
    lines.extend(template_lines())
    print("\n".join(lines))


if __name__ == "__main__":
    main()
