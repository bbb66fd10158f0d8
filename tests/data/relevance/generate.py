#!/usr/bin/env python3
"""Generates the search relevance test set (issue #6 item 6), deterministically.

  python3 tests/data/relevance/generate.py        # rewrites the .tsv files beside this script

Population: 20 000 doctors with realistic French names (frequency-weighted), the specialties
and curated competences (with their synonyms and abbreviations) of the profiles taxonomy
(services/profiles/migrations/0002_taxonomy.sql), practice places in 80 real communes
(coordinates of the town centre; every place of a commune at that point), languages,
referrals, and peer endorsements (most competences have none, a few many).

Queries: each with the doctors that must appear in the top 5, decided by meaning from the
population (never by running the engine): specialty + commune, competence (label, synonym,
abbreviation) + commune, near a commune within a radius, names, name + commune, with typos,
plurals, accents dropped or added, and the last word as a prefix. Only queries whose relevant
set has 1 to 5 doctors are kept, so "all of them in the top 5" is always possible.

Files (UTF-8, tab-separated, one header line):
  competences.tsv  code, specialty code, label, synonyms (comma-separated)
  communes.tsv     index, commune, postcode, departement, latitude, longitude
  doctors.tsv      profile id, civility, given name, family name, specialty code, specialty
                   label, headline, bio, competences (code:endorsements,...), places
                   (commune index:kind:name;...), languages (comma-separated), accepting referrals
  queries.tsv      query id, kind, query text, near place, radius km, relevant profile ids
                   (comma-separated), what the query means
"""
import math
import os
import random
import re
import unicodedata

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.normpath(os.path.join(HERE, "..", "..", ".."))
SEED = 20261130
N_DOCTORS = 20000

# Commune, postcode, departement, latitude, longitude, weight (how many doctors practise there).
COMMUNES = [
    ("Lyon", "69003", "69", 45.7597, 4.8422, 30), ("Villeurbanne", "69100", "69", 45.7719, 4.8902, 8),
    ("Vénissieux", "69200", "69", 45.6975, 4.8867, 4), ("Bron", "69500", "69", 45.7386, 4.9131, 3),
    ("Caluire-et-Cuire", "69300", "69", 45.7953, 4.8467, 3), ("Écully", "69130", "69", 45.7744, 4.7775, 2),
    ("Givors", "69700", "69", 45.5906, 4.7689, 2), ("Villefranche-sur-Saône", "69400", "69", 45.9875, 4.7264, 3),
    ("Saint-Étienne", "42000", "42", 45.4397, 4.3872, 10), ("Roanne", "42300", "42", 46.0367, 4.0681, 3),
    ("Grenoble", "38000", "38", 45.1885, 5.7245, 12), ("Vienne", "38200", "38", 45.5256, 4.8744, 3),
    ("Bourgoin-Jallieu", "38300", "38", 45.5869, 5.2736, 2), ("Chambéry", "73000", "73", 45.5646, 5.9178, 5),
    ("Annecy", "74000", "74", 45.8992, 6.1294, 6), ("Valence", "26000", "26", 44.9334, 4.8924, 5),
    ("Montélimar", "26200", "26", 44.5581, 4.7508, 3), ("Paris", "75005", "75", 48.8443, 2.3500, 40),
    ("Boulogne-Billancourt", "92100", "92", 48.8397, 2.2399, 6), ("Créteil", "94000", "94", 48.7904, 2.4556, 5),
    ("Saint-Denis", "93200", "93", 48.9362, 2.3574, 5), ("Versailles", "78000", "78", 48.8049, 2.1204, 5),
    ("Évry-Courcouronnes", "91000", "91", 48.6291, 2.4407, 3), ("Marseille", "13005", "13", 43.2965, 5.3698, 25),
    ("Aix-en-Provence", "13100", "13", 43.5297, 5.4474, 8), ("Toulon", "83000", "83", 43.1242, 5.9280, 7),
    ("Nice", "06000", "06", 43.7102, 7.2620, 12), ("Cannes", "06400", "06", 43.5528, 7.0174, 4),
    ("Antibes", "06600", "06", 43.5804, 7.1251, 3), ("Avignon", "84000", "84", 43.9493, 4.8055, 5),
    ("Nîmes", "30000", "30", 43.8367, 4.3601, 6), ("Montpellier", "34000", "34", 43.6108, 3.8767, 12),
    ("Béziers", "34500", "34", 43.3442, 3.2158, 4), ("Perpignan", "66000", "66", 42.6887, 2.8948, 5),
    ("Toulouse", "31000", "31", 43.6047, 1.4442, 18), ("Montauban", "82000", "82", 44.0176, 1.3550, 3),
    ("Albi", "81000", "81", 43.9289, 2.1464, 3), ("Bordeaux", "33000", "33", 44.8378, -0.5792, 16),
    ("Mérignac", "33700", "33", 44.8386, -0.6436, 4), ("Pau", "64000", "64", 43.2951, -0.3708, 4),
    ("Bayonne", "64100", "64", 43.4929, -1.4748, 4), ("Limoges", "87000", "87", 45.8336, 1.2611, 5),
    ("Poitiers", "86000", "86", 46.5802, 0.3404, 5), ("La Rochelle", "17000", "17", 46.1603, -1.1511, 4),
    ("Angoulême", "16000", "16", 45.6484, 0.1562, 3), ("Nantes", "44000", "44", 47.2184, -1.5536, 15),
    ("Saint-Nazaire", "44600", "44", 47.2735, -2.2138, 3), ("Angers", "49000", "49", 47.4784, -0.5632, 7),
    ("Le Mans", "72000", "72", 48.0061, 0.1996, 6), ("Tours", "37000", "37", 47.3941, 0.6848, 7),
    ("Orléans", "45000", "45", 47.9030, 1.9093, 6), ("Rennes", "35000", "35", 48.1173, -1.6778, 12),
    ("Brest", "29200", "29", 48.3904, -4.4861, 6), ("Quimper", "29000", "29", 47.9960, -4.1024, 3),
    ("Lorient", "56100", "56", 47.7483, -3.3700, 3), ("Vannes", "56000", "56", 47.6582, -2.7608, 3),
    ("Saint-Brieuc", "22000", "22", 48.5141, -2.7603, 3), ("Caen", "14000", "14", 49.1829, -0.3707, 7),
    ("Rouen", "76000", "76", 49.4432, 1.0999, 8), ("Le Havre", "76600", "76", 49.4944, 0.1079, 5),
    ("Amiens", "80000", "80", 49.8941, 2.2958, 5), ("Lille", "59000", "59", 50.6292, 3.0573, 15),
    ("Roubaix", "59100", "59", 50.6942, 3.1746, 4), ("Tourcoing", "59200", "59", 50.7239, 3.1612, 3),
    ("Valenciennes", "59300", "59", 50.3570, 3.5235, 3), ("Arras", "62000", "62", 50.2910, 2.7775, 3),
    ("Reims", "51100", "51", 49.2583, 4.0317, 7), ("Metz", "57000", "57", 49.1193, 6.1757, 7),
    ("Nancy", "54000", "54", 48.6921, 6.1844, 8), ("Strasbourg", "67000", "67", 48.5734, 7.7521, 12),
    ("Colmar", "68000", "68", 48.0794, 7.3585, 3), ("Mulhouse", "68100", "68", 47.7508, 7.3359, 5),
    ("Besançon", "25000", "25", 47.2378, 6.0241, 6), ("Dijon", "21000", "21", 47.3220, 5.0415, 8),
    ("Chalon-sur-Saône", "71100", "71", 46.7806, 4.8539, 3), ("Clermont-Ferrand", "63000", "63", 45.7772, 3.0870, 8),
    ("Vichy", "03200", "03", 46.1277, 3.4260, 2), ("Bourges", "18000", "18", 47.0810, 2.3988, 3),
    ("Troyes", "10000", "10", 48.2973, 4.0744, 3), ("Ajaccio", "2A000", "2A", 41.9192, 8.7386, 3),
]

GIVEN_F = ("Marie Nathalie Isabelle Sylvie Catherine Sophie Christine Céline Valérie Sandrine Stéphanie "
           "Hélène Véronique Aurélie Émilie Julie Camille Claire Chloé Léa Manon Anaïs Mélanie Élodie "
           "Cécile Agnès Béatrice Florence Laetitia Zoé Inès Clémence Margaux Solène Maëlle Noémie "
           "Géraldine Pascale Frédérique Amélie").split()
GIVEN_M = ("Jean Pierre Michel Philippe Alain Nicolas Christophe Laurent Stéphane Frédéric Olivier "
           "David Éric Julien Sébastien Thomas Antoine Guillaume Maxime Hugo Lucas Mathieu François "
           "Jérôme Benoît Loïc Gaël Noël Hervé Rémi Cédric Thierry Bruno Yannick Arnaud Karim "
           "Mehdi Yves Grégoire Aurélien").split()
FAMILY = [f.replace("_", " ") for f in (
    "Martin Bernard Thomas Petit Robert Richard Durand Dubois Moreau Laurent Simon Michel Lefebvre "
    "Leroy Roux David Bertrand Morel Fournier Girard Bonnet Dupont Lambert Fontaine Rousseau Vincent "
    "Muller Lefèvre Faure André Mercier Blanc Guérin Boyer Garnier Chevalier François Legrand "
    "Gauthier Garcia Perrin Robin Clément Morin Nicolas Henry Roussel Mathieu Gautier Masson Marchand "
    "Duval Denis Dumont Lemaire Noël Meyer Dufour Meunier Brun Blanchard Giraud Joly Rivière Lucas "
    "Brunet Gaillard Barbier Arnaud Martinez Gérard Roche Renard Schmitt Roy Leroux Colin Vidal Caron "
    "Picard Roger Fabre Aubert Lemoine Renaud Dumas Lacroix Olivier Philippe Bourgeois Pierre Benoît "
    "Rey Leclerc Payet Rolland Leclercq Guillaume Lecomte Lopez Dupuy Guillot Hubert Berger "
    "Carpentier Sanchez Dupuis Moulin Deschamps Huet Vasseur Perez Boucher Fleury Royer Klein Jacquet "
    "Adam Poirier Marty Aubry Guyot Carré Charles Renault Charpentier Ménard Maillard Baron Bertin "
    "Bailly Hervé Schneider Fernandez Le_Gall Collet Léger Bouvier Julien Prévost Millet Perrot "
    "Le_Roux Cousin Germain Breton Besson Langlois Rémy Le_Goff Pelletier Lévêque Perrier Leblanc "
    "Barré Lebrun Marchal Weber Mallet Hamon Boulanger Jacob Monnier Michaud Rodriguez Guichard Gillet "
    "Étienne Grondin Poulain Tessier Chevallier Collin Chauvin Da_Silva Bouchet Lemaître Bénard "
    "Maréchal Humbert Reynaud Antoine Hoarau Perret Barthélemy Cordier Pichon Lejeune Gilbert Lamy "
    "Delaunay Pasquier Carlier Laporte Nguyen Haddad Benali Diallo Traoré Kowalski Moreno Ferreira "
    "Santos Kervella Le_Bihan Quéméner Etcheverry Casanova Delacroix Vasseur-Duclos Saint-Martin").split()]

# What a doctor of each specialty is called (headlines, queries).
NOUNS = {
    "SM02": "anesthésiste", "SM04": "cardiologue", "SM08": "chirurgien orthopédiste",
    "SM12": "urologue", "SM14": "chirurgien digestif", "SM15": "dermatologue",
    "SM16": "endocrinologue", "SM18": "gériatre", "SM19": "gynécologue", "SM20": "gynécologue",
    "SM21": "hématologue", "SM24": "gastro-entérologue", "SM27": "interniste", "SM29": "rééducateur",
    "SM30": "néphrologue", "SM32": "neurologue", "SM34": "ORL", "SM36": "oncologue",
    "SM38": "ophtalmologue", "SM40": "pédiatre", "SM41": "pneumologue", "SM42": "psychiatre",
    "SM43": "pédopsychiatre", "SM44": "radiologue", "SM46": "réanimateur", "SM48": "rhumatologue",
    "SM54": "médecin généraliste", "SM58": "infectiologue", "SM59": "urgentiste",
}
PLACE_KINDS = [("hospital", "Centre hospitalier de {c}", 3), ("clinic", "Clinique du Parc {c}", 2),
               ("private_practice", "Cabinet médical {c}", 5), ("health_centre", "Centre de santé {c}", 1)]
LANGUAGES = [("en", 0.40), ("es", 0.10), ("de", 0.06), ("it", 0.05), ("ar", 0.05), ("pt", 0.03)]


def fold(s):
    s = unicodedata.normalize("NFKD", s)
    s = "".join(ch for ch in s if not unicodedata.combining(ch)).lower()
    return re.sub(r"[^a-z0-9]+", " ", s).strip()


def load_taxonomy():
    sql = open(os.path.join(ROOT, "services/profiles/migrations/0002_taxonomy.sql"), encoding="utf-8").read()
    specialties = dict(re.findall(r"\('(SM\d\d)', '((?:[^']|'')*)', 'SM\d\d'\)", sql))
    specialties = {k: v.replace("''", "'") for k, v in specialties.items()}
    block = sql.split("$taxonomy$")[1]
    competences = []
    for line in block.splitlines():
        if not line.strip():
            continue
        spec, code, label, synonyms = [f.strip() for f in line.split("|")]
        competences.append((code, spec, label, [s.strip() for s in synonyms.split(",") if s.strip()]))
    return specialties, competences


def uuid(rng):
    h = "%032x" % rng.getrandbits(128)
    return "%s-%s-4%s-8%s-%s" % (h[:8], h[8:12], h[13:16], h[17:20], h[20:32])


def haversine(a, b):
    la1, lo1, la2, lo2 = map(math.radians, (a[0], a[1], b[0], b[1]))
    h = math.sin((la2 - la1) / 2) ** 2 + math.cos(la1) * math.cos(la2) * math.sin((lo2 - lo1) / 2) ** 2
    return 2 * 6371.0 * math.asin(min(1.0, math.sqrt(h)))


def typo(word, rng):
    """One edit in a word of 7+ letters: a transposition or a dropped letter inside it."""
    w = fold(word).replace(" ", "")
    i = rng.randrange(2, len(w) - 2)
    if rng.random() < 0.5:
        return w[:i] + w[i + 1] + w[i] + w[i + 2:]
    return w[:i] + w[i + 1:]


def main():
    rng = random.Random(SEED)
    specialties, competences = load_taxonomy()
    by_spec = {}
    for c in competences:
        by_spec.setdefault(c[1], []).append(c)
    specs = [s for s in NOUNS if s in by_spec]
    spec_weights = [6 if s == "SM54" else 1 for s in specs]
    fam_weights = [1.0 / (r + 1) ** 0.7 for r in range(len(FAMILY))]
    commune_weights = [c[5] for c in COMMUNES]

    doctors = []
    for _ in range(N_DOCTORS):
        female = rng.random() < 0.52
        given = rng.choice(GIVEN_F if female else GIVEN_M)
        family = rng.choices(FAMILY, fam_weights)[0]
        spec = rng.choices(specs, spec_weights)[0]
        comps = rng.sample(by_spec[spec], min(len(by_spec[spec]), rng.choice((1, 1, 2, 2, 3))))
        endorsed = [(c[0], min(60, int(rng.paretovariate(1.2)) - 1) if rng.random() < 0.35 else 0) for c in comps]
        n_places = 1 if rng.random() < 0.82 else 2
        places = []
        for ci in rng.sample(range(len(COMMUNES)), 0) or [rng.choices(range(len(COMMUNES)), commune_weights)[0] for _ in range(n_places)]:
            if any(p[0] == ci for p in places):
                continue
            kind, pattern, _ = rng.choices(PLACE_KINDS, [k[2] for k in PLACE_KINDS])[0]
            places.append((ci, kind, pattern.format(c=COMMUNES[ci][0])))
        langs = ["fr"] + [l for l, p in LANGUAGES if rng.random() < p]
        noun = NOUNS[spec]
        if spec == "SM54":
            headline = "Médecin généraliste"
        else:
            headline = "%s, %s" % (noun[0].upper() + noun[1:], comps[0][2].lower())
        bio = "Exerce à %s. %s." % (COMMUNES[places[0][0]][0], ", ".join(c[2] for c in comps))
        doctors.append(dict(id=uuid(rng), civility="Dr", given=given, family=family, female=female, spec=spec,
                            spec_label=specialties[spec], headline=headline, bio=bio, comps=endorsed,
                            places=places, langs=langs, accepting=rng.random() < 0.8))

    comp_by_code = {c[0]: c for c in competences}
    comp_holders = {}
    for d in doctors:
        for code, _ in d["comps"]:
            comp_holders.setdefault(code, []).append(d)

    def in_commune(d, ci):
        return any(p[0] == ci for p in d["places"])

    queries = []

    def add(kind, text, relevant, meaning, place="", radius=0):
        if not 1 <= len(relevant) <= 5:
            return False
        queries.append((kind, text, place, radius, [d["id"] for d in relevant], meaning))
        return True

    def pick(n, kind, make, attempts=4000):
        made = 0
        for _ in range(attempts):
            if made >= n:
                return
            if make():
                made += 1
        raise SystemExit("not enough %s queries" % kind)

    def spec_commune(style):
        spec = rng.choice([s for s in specs if s not in ("SM54", "SM19", "SM20")])
        ci = rng.randrange(len(COMMUNES))
        rel = [d for d in doctors if d["spec"] == spec and in_commune(d, ci)]
        noun, commune = NOUNS[spec], COMMUNES[ci][0]
        if style == "plain":
            text = "%s %s" % (noun, commune)
        elif style == "plural":
            if " " in noun or noun == "ORL":
                return False
            text = "%ss %s" % (noun, fold(commune))
        elif style == "typo":
            if len(fold(noun)) < 7 or " " in noun:
                return False
            text = "%s %s" % (typo(noun, rng), commune)
        elif style == "prefix":
            if len(fold(noun)) < 8 or " " in noun:
                return False
            text = "%s %s" % (commune, fold(noun)[:6])
        else:  # upper case, no accents
            text = "%s %s" % (fold(noun).upper(), fold(commune).upper())
        return add("specialty+commune/" + style, text, rel, "%s in %s" % (specialties[spec], commune))

    for style, n in (("plain", 6), ("plural", 5), ("typo", 6), ("prefix", 5), ("folded", 3)):
        pick(n, style, lambda style=style: spec_commune(style))

    # Competences by a synonym or abbreviation (PMA, AMP, IVG, BPCO...), or their label.
    def competence_commune(style):
        code = rng.choice(sorted(comp_holders))
        comp = comp_by_code[code]
        ci = rng.randrange(len(COMMUNES))
        rel = [d for d in comp_holders[code] if in_commune(d, ci)]
        commune = COMMUNES[ci][0]
        if style == "abbreviation":
            words = [s for s in comp[3] if s.isupper() and 2 <= len(s) <= 5]
        elif style == "synonym":
            words = [s for s in comp[3] if not s.isupper() and len(s.split()) <= 3]
        else:
            words = [comp[2]] if len(comp[2].split()) <= 3 else []
        if not words:
            return False
        word = rng.choice(words)
        if style == "label-folded":
            word = fold(word)
        return add("competence+commune/" + style, "%s %s" % (word, commune), rel,
                   "%s (%s) in %s" % (comp[2], word, commune))

    for style, n in (("abbreviation", 8), ("synonym", 6), ("label", 4), ("label-folded", 3)):
        pick(n, style, lambda style=style: competence_commune(style))

    # The abbreviations doctors type most: each in a commune where 1 to 5 doctors hold it.
    for abbreviation in ("PMA", "AMP", "FIV", "IVG", "BPCO"):
        holders = sorted({c[0] for c in competences if abbreviation in c[3] or c[2] == abbreviation})
        def fixed(abbreviation=abbreviation, holders=holders):
            ci = rng.randrange(len(COMMUNES))
            rel = [d for code in holders for d in comp_holders.get(code, []) if in_commune(d, ci)]
            return add("competence+commune/abbreviation", "%s %s" % (abbreviation, COMMUNES[ci][0]), rel,
                       "%s in %s" % (" or ".join(comp_by_code[h][2] for h in holders), COMMUNES[ci][0]))
        pick(1, abbreviation, fixed)

    # Near a commune (or a postcode) within a radius: every holder of the competence that close.
    def near(by_postcode):
        code = rng.choice(sorted(comp_holders))
        comp = comp_by_code[code]
        ci = rng.randrange(len(COMMUNES))
        radius = rng.choice((10, 20, 30, 50))
        origin = COMMUNES[ci][3:5]
        dists = [min(haversine(origin, COMMUNES[p[0]][3:5]) for p in d["places"]) for d in comp_holders[code]]
        if any(abs(x - radius) < 2 for x in dists):
            return False  # too close to the edge to be a fair question
        rel = [d for d, x in zip(comp_holders[code], dists) if x <= radius]
        words = [s for s in comp[3] if s.isupper() and len(s) <= 5] or [comp[2]]
        text = rng.choice(words)
        place = COMMUNES[ci][1] if by_postcode else COMMUNES[ci][0]
        return add("near" + ("/postcode" if by_postcode else ""), text, rel,
                   "%s within %d km of %s" % (comp[2], radius, COMMUNES[ci][0]), place, radius)

    pick(6, "near", lambda: near(False))
    pick(2, "near/postcode", lambda: near(True))

    # Names: full name (as typed, folded, or with a typo), family name + commune, prefix.
    def names(style):
        d = rng.choice(doctors)
        if style == "name+commune":
            ci = d["places"][0][0]
            rel = [x for x in doctors if x["family"] == d["family"] and in_commune(x, ci)]
            return add("name/" + style, "%s %s" % (d["family"], COMMUNES[ci][0]), rel,
                       "Dr %s in %s" % (d["family"], COMMUNES[ci][0]))
        rel = [x for x in doctors if x["given"] == d["given"] and x["family"] == d["family"]]
        if style == "full":
            text = "%s %s" % (d["given"], d["family"])
        elif style == "folded":
            text = fold("%s %s" % (d["family"], d["given"]))
        elif style == "typo":
            if len(fold(d["family"]).replace(" ", "")) < 7:
                return False
            text = "%s %s" % (d["given"], typo(d["family"], rng))
        else:  # prefix of the family name, as typed
            f = fold(d["family"]).replace(" ", "")
            if len(f) < 6:
                return False
            p = f[:len(f) - 2]
            rel = [x for x in doctors if x["given"] == d["given"] and fold(x["family"]).replace(" ", "").startswith(p)]
            text = "%s %s" % (d["given"], p)
        return add("name/" + style, text, rel, "Dr %s %s" % (d["given"], d["family"]))

    for style, n in (("full", 4), ("folded", 3), ("typo", 4), ("prefix", 3), ("name+commune", 4)):
        pick(n, style, lambda style=style: names(style))

    # Competence + specialty + commune ("dermatologue psoriasis Nancy").
    def spec_competence_commune():
        code = rng.choice(sorted(comp_holders))
        comp = comp_by_code[code]
        if comp[1] not in NOUNS or comp[1] == "SM54":
            return False
        ci = rng.randrange(len(COMMUNES))
        rel = [d for d in comp_holders[code] if d["spec"] == comp[1] and in_commune(d, ci)]
        word = rng.choice([s for s in comp[3] if len(s.split()) == 1] or [comp[2]])
        return add("specialty+competence+commune", "%s %s %s" % (NOUNS[comp[1]], word, COMMUNES[ci][0]), rel,
                   "%s with %s in %s" % (specialties[comp[1]], comp[2], COMMUNES[ci][0]))

    pick(5, "specialty+competence+commune", spec_competence_commune)

    def write(name, header, rows):
        with open(os.path.join(HERE, name), "w", encoding="utf-8", newline="\n") as f:
            f.write("\t".join(header) + "\n")
            for r in rows:
                f.write("\t".join(str(x) for x in r) + "\n")

    write("competences.tsv", ("code", "specialty", "label", "synonyms"),
          [(c[0], c[1], c[2], ",".join(c[3])) for c in competences])
    write("communes.tsv", ("index", "commune", "postcode", "departement", "latitude", "longitude"),
          [(i, c[0], c[1], c[2], c[3], c[4]) for i, c in enumerate(COMMUNES)])
    write("doctors.tsv", ("profile_id", "civility", "given", "family", "specialty", "specialty_label", "headline",
                          "bio", "competences", "places", "languages", "accepting_referrals"),
          [(d["id"], d["civility"], d["given"], d["family"], d["spec"], d["spec_label"], d["headline"], d["bio"],
            ",".join("%s:%d" % c for c in d["comps"]), ";".join("%d:%s:%s" % p for p in d["places"]),
            ",".join(d["langs"]), int(d["accepting"])) for d in doctors])
    write("queries.tsv", ("id", "kind", "query", "near_place", "radius_km", "relevant", "meaning"),
          [(i + 1, q[0], q[1], q[2], q[3], ",".join(q[4]), q[5]) for i, q in enumerate(queries)])
    print("%d doctors, %d queries" % (len(doctors), len(queries)))


if __name__ == "__main__":
    main()
