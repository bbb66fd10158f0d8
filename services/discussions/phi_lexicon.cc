// The words the patient-data guard reacts to, in folded form (lower case, accents kept).
// Adding a word here changes what the guard reports: add a sentence to
// tests/data/phi_corpus.tsv with it, both ways, and run the corpus test.
#include <initializer_list>

#include "absl/container/flat_hash_map.h"
#include "services/discussions/phi_text.h"

namespace meltingdoc::discussions::phi {

namespace {

struct Entry {
  uint32_t flags = 0;
  uint8_t month = 0;
};

using Lexicon = absl::flat_hash_map<std::string_view, Entry>;

void Add(Lexicon& lex, uint32_t flag, std::initializer_list<std::string_view> words) {
  for (std::string_view w : words) lex[w].flags |= flag;
}

Lexicon BuildLexicon() {
  Lexicon lex;
  // "m" is a civility only when followed by a dot (checked by the name detector).
  Add(lex, kCivilityMale, {"m", "mr", "monsieur", "messieurs", "mm"});
  Add(lex, kCivilityFemale, {"mme", "mmes", "mlle", "mlles", "melle", "madame", "mademoiselle", "mesdames"});
  Add(lex, kRoleMale, {"patient", "malade", "enfant", "nourrisson", "bébé", "fils", "père", "mari", "époux",
                       "conjoint", "frère", "grand-père", "résident", "garçon", "nouveau-né", "petit-fils",
                       "compagnon", "concubin", "neveu", "oncle", "cousin", "beau-père", "ami", "voisin", "petit"});
  Add(lex, kRoleFemale, {"patiente", "fille", "mère", "épouse", "conjointe", "sœur", "soeur", "grand-mère",
                         "résidente", "femme", "parturiente", "petite-fille", "compagne", "concubine", "nièce",
                         "tante", "cousine", "belle-mère", "amie", "voisine", "fillette", "petite"});
  Add(lex, kNameIntro, {"nommé", "nommée", "prénommé", "prénommée", "appelé", "appelée", "appelle", "dénommé",
                        "dénommée", "surnommé", "surnommée", "prénom", "prénoms"});
  Add(lex, kNameLabel, {"nom", "prénom", "prénoms", "patronyme"});
  Add(lex, kDoctorTitle, {"dr", "dre", "drs", "docteur", "docteurs", "pr", "pre", "professeur", "professeurs",
                          "confrère", "consœur", "consoeur", "collègue", "interne", "externe", "chef",
                          "urologue", "cardiologue", "chirurgien", "chirurgienne", "radiologue", "anesthésiste",
                          "gynécologue", "neurologue", "oncologue", "pédiatre", "psychiatre", "généraliste",
                          "infirmier", "infirmière", "ide", "kiné", "kinésithérapeute", "sage-femme", "maître",
                          "me", "saint", "sainte", "st", "ste"});
  Add(lex, kBirthCue, {"né", "née", "nés", "nées", "ddn", "naissance", "born", "dob"});
  Add(lex, kEventCue, {"décédé", "décédée", "décès", "dcd", "admis", "admise", "admission", "hospitalisé",
                       "hospitalisée", "hospitalisation", "entré", "entrée", "sorti", "sortie", "opéré", "opérée",
                       "accouché", "accouchée", "accouchement", "transféré", "transférée", "transfert", "arrivé",
                       "arrivée", "vu", "vue", "consulté", "consultée", "consultation", "intervention",
                       "urgences", "reçu", "reçue", "examiné", "examinée", "pris", "prise", "césarisée",
                       "césarienne", "greffé", "greffée", "greffe", "intubé", "intubée", "autopsie", "biopsie",
                       "biopsié", "biopsiée", "amputé", "amputée"});
  const std::pair<std::string_view, uint8_t> months[] = {
      {"janvier", 1}, {"janv", 1}, {"février", 2}, {"fevrier", 2}, {"févr", 2}, {"fevr", 2}, {"fév", 2},
      {"mars", 3}, {"avril", 4}, {"avr", 4}, {"mai", 5}, {"juin", 6}, {"juillet", 7}, {"juil", 7},
      {"août", 8}, {"aout", 8}, {"septembre", 9}, {"sept", 9}, {"octobre", 10}, {"oct", 10},
      {"novembre", 11}, {"nov", 11}, {"décembre", 12}, {"decembre", 12}, {"déc", 12}, {"dec", 12}};
  for (const auto& [w, m] : months) {
    lex[w].flags |= kMonth;
    lex[w].month = m;
  }
  Add(lex, kStreetType, {"rue", "avenue", "av", "bd", "boulevard", "bld", "place", "allée", "allee", "impasse",
                         "chemin", "route", "rte", "quai", "cours", "square", "passage", "voie", "résidence",
                         "cité", "lotissement", "faubourg", "fbg", "sentier", "hameau", "villa", "parvis",
                         "esplanade", "promenade", "rond-point", "chaussée", "lieu-dit", "ruelle", "montée",
                         "traverse", "domaine"});
  Add(lex, kAddressCue, {"habite", "habitant", "habitante", "domicilié", "domiciliée", "demeurant", "demeurante",
                         "adresse", "réside", "résidant", "résidante", "domicile", "vit", "logé", "logée",
                         "hébergé", "hébergée"});
  // NIR and INS are the NIR detector's: a NIR with a wrong key is not reported.
  Add(lex, kRecordCue, {"ipp", "nip", "nda", "iep"});
  Add(lex, kRoomCue, {"chambre", "ch", "chbre", "lit", "box"});
  Add(lex, kParticle, {"de", "du", "des", "la", "le", "les", "l", "d", "van", "von", "der", "den", "ben", "el",
                       "al", "di", "da", "del", "dos", "y", "ter", "bis"});
  Add(lex, kInitialContext, {"chez", "avec", "pour", "et", "par", "à", "ou", "contre", "vers", "auprès",
                             "patient", "patiente", "madame", "monsieur"});
  Add(lex, kDossier, {"dossier", "séjour", "hospitalisation", "admission", "patient", "venue", "épisode",
                      "identifiant", "identification", "archive", "archives"});
  Add(lex, kNumberWord, {"n", "numéro", "num", "numero", "no", "nº"});
  // Capitalized words that are not names in a clinical text: eponyms (a disease or a sign
  // named after a physician), acronyms, scores, places of care, common nouns written with a
  // capital at the start of a line.
  Add(lex, kNotAName,
      {"alzheimer", "alzheimérien", "alzheimérienne", "parkinson", "parkinsonien", "parkinsonienne", "crohnien", "basedowien", "crohn", "basedow", "hashimoto", "cushing", "addison", "wilson", "horton",
       "kawasaki", "lyme", "down", "turner", "marfan", "raynaud", "sjögren", "willebrand", "hodgkin", "biermer",
       "behçet", "still", "gilbert", "guillain-barré", "charcot", "huntington", "creutzfeldt-jakob", "wegener",
       "takayasu", "kaposi", "burkitt", "ewing", "wilms", "dupuytren", "paget", "bouveret", "murphy",
       "babinski", "lasègue", "romberg", "glasgow", "apgar", "child-pugh", "meld", "nyha", "ecog", "karnofsky",
       "gleason", "breslow", "clark", "barrett", "bowen", "buerger", "conn", "graves", "menière", "ménière",
       "verneuil", "whipple", "zollinger-ellison", "fallot", "ebstein", "brugada", "wolff-parkinson-white",
       "tako-tsubo", "horner", "claude", "bernard-horner", "duchenne", "becker", "steinert", "rett", "angelman",
       "prader-willi", "williams", "noonan", "klinefelter", "edwards", "patau", "hirschsprung", "meckel",
       "kussmaul", "cheyne-stokes", "glenn", "blalock", "hartmann", "whipple", "billroth", "nissen", "bricker",
       "halsted", "pfannenstiel", "mcburney", "trendelenburg", "heimlich", "valsalva", "allen", "tinel",
       "phalen", "finkelstein", "lachman", "mcmurray", "homans", "rovsing", "blumberg", "chvostek",
       "trousseau", "kernig", "brudzinski", "hoffmann", "lhermitte", "schober", "wells", "genève", "geneva",
       "caprini", "padua", "chads", "cha2ds2-vasc", "has-bled", "grace", "timi", "curb", "curb-65", "fine",
       "sofa", "qsofa", "igs", "mmse", "moca", "hamilton", "beck", "epds", "edinburgh", "bishop", "manning",
       "silverman", "ranson", "balthazar", "forrest", "rockall", "blatchford", "tnm", "figo", "ann", "arbor",
       "lugano", "recist", "bi-rads", "birads", "ti-rads", "pi-rads", "lund-mackay", "fazekas", "spetzler",
       "fisher", "hunt", "hess", "wfns", "rankin", "nihss", "aspects", "asa", "ahrq", "gold", "gina",
       "covid", "covid-19", "sars-cov-2", "omicron", "delta", "vih", "vhb", "vhc", "hta", "avc", "ait", "idm",
       "sca", "bpco", "irc", "ira", "irm", "tdm", "tep", "ecg", "eeg", "emg", "crp", "pct", "nfs", "bnp",
       "inr", "tca", "tsh", "hba1c", "psa", "ace", "lca", "lcr", "bcg", "ebv", "cmv", "hsv", "vzv", "hpv",
       "sida", "dt1", "dt2", "dnid", "did", "saos", "bav", "fa", "acfa", "ehpad", "ssr", "usic", "rea",
       "smur", "samu", "sau", "chu", "chr", "aphp", "ap-hp", "has", "ansm", "inserm", "mdph", "ald", "cmu",
       "ame", "ivg", "img", "pma", "fiv", "icsi", "imc", "spo2", "sat", "ipp", "ains", "aod", "avk", "hbpm",
       "nac", "rcp", "cat", "atcd", "sep", "sla", "led", "pr", "spa", "mici", "rch", "erc", "ecbu", "pl",
       "eva", "ogd", "fogd", "cpre", "tvp", "ep", "oap", "icc", "ic", "cmh", "cmd", "dai", "pm", "tavi",
       "pac", "picc", "vvp", "vvc", "ehpad", "urgences", "réanimation", "réa", "bloc", "samu", "pmi", "cmp",
       "cmpp", "cpam", "mutuelle", "france", "paris", "lyon", "marseille", "europe", "afrique", "asie",
       "noël", "pâques", "ramadan", "aspirine", "doliprane", "kardegic", "lasilix", "eliquis", "xarelto",
       "pradaxa", "previscan", "levothyrox", "metformine", "glucophage", "lantus", "novorapid", "augmentin",
       "rocéphine", "tazocilline", "tienam", "vancomycine", "humira", "remicade", "keytruda", "opdivo",
       "herceptin", "avastin", "tamoxifène", "arimidex", "zoladex", "decapeptyl", "lovenox", "innohep",
       "coumadine", "sintrom", "tahor", "crestor", "coversyl", "amlor", "bisoce", "kenzen", "aprovel",
       "cozaar", "ventoline", "seretide", "symbicort", "spiriva", "solupred", "cortancyl", "medrol",
       "methotrexate", "imurel", "cellcept", "prograf", "néoral", "plaquenil", "colchicine", "zyloric",
       "adenuric", "tramadol", "skenan", "oxycontin", "durogesic", "actiskenan", "lyrica", "neurontin",
       "laroxyl", "deroxat", "seroplex", "zoloft", "effexor", "xanax", "lexomil", "temesta", "stilnox",
       "imovane", "risperdal", "zyprexa", "abilify", "haldol", "tercian", "loxapac", "depakine", "lamictal",
       "keppra", "tegretol", "rivotril", "valium", "sinemet", "modopar", "madopar", "aricept", "ebixa",
       "inexium", "mopral", "ogast", "lanzor", "gaviscon", "spasfon", "smecta", "imodium", "forlax",
       "duphalac", "movicol", "bcg-thérapie", "gardasil", "prevenar", "pneumovax", "comirnaty", "spikevax",
       "pfizer", "moderna", "astrazeneca", "janssen", "sanofi", "novartis", "roche", "servier", "bayer",
       "vidal", "cochrane", "pubmed", "medline", "nejm", "lancet", "jama", "bmj", "uptodate", "orphanet",
       "whatsapp", "doctolib", "ameli", "vitale", "dmp", "mssanté", "covid19", "grippe", "gram", "ziehl",
       "ziehl-neelsen", "papanicolaou", "giemsa", "perls", "hes", "pas", "congo", "koch", "hansen",
       "pasteur", "listeria", "salmonella", "escherichia", "klebsiella", "pseudomonas", "staphylococcus",
       "streptococcus", "enterococcus", "candida", "aspergillus", "pneumocystis", "mycoplasma", "chlamydia",
       "legionella", "clostridium", "clostridioides", "helicobacter", "neisseria", "treponema", "borrelia",
       "bartonella", "toxoplasma", "plasmodium", "leishmania", "giardia", "entamoeba", "trichomonas",
       "mycobacterium", "haemophilus", "moraxella", "proteus", "serratia", "enterobacter", "acinetobacter",
       "stenotrophomonas", "bacteroides", "actinomyces", "nocardia", "cryptococcus", "histoplasma",
       "mucor", "rhizopus", "fusarium", "tinea", "sarcoptes", "pediculus", "ascaris", "taenia", "echinococcus",
       "schistosoma", "strongyloides", "anisakis", "zika", "ebola", "dengue", "chikungunya", "mpox"});
  // Function words and common nouns that start a sentence or a line with a capital.
  Add(lex, kFunctionWord,
      {"le", "la", "les", "l", "il", "elle", "ils", "elles", "on", "un", "une", "des", "du", "de", "d",
       "puis", "ensuite", "depuis", "après", "avant", "pendant", "sans", "sous", "sur", "dans", "en", "au",
       "aux", "pour", "par", "avec", "chez", "ce", "cet", "cette", "ces", "son", "sa", "ses", "leur", "leurs",
       "nous", "vous", "je", "j", "mais", "donc", "or", "car", "alors", "enfin", "et", "ou", "si", "quand",
       "lors", "aucun", "aucune", "tout", "toute", "tous", "toutes", "plus", "très", "bien", "hier",
       "aujourd", "demain", "ici", "oui", "non", "merci", "bonjour", "bonsoir", "cordialement", "bilan",
       "traitement", "examen", "antécédents", "antécédent", "motif", "histoire", "conclusion", "question",
       "questions", "contexte", "évolution", "diagnostic", "hypothèse", "hypothèses", "scanner", "écho",
       "échographie", "biologie", "imagerie", "clinique", "cliniquement", "biologiquement", "radio",
       "radiographie", "consultation", "suivi", "mode", "vie", "allergies", "allergie", "tabac", "alcool",
       "à", "a", "est", "sont", "était", "pas", "ne", "n", "y", "qui", "que", "quoi", "dont", "où",
       "comment", "pourquoi", "faut", "fait", "peut", "pensez", "avez", "auriez", "quelqu", "quelle",
       "quel", "quelles", "quels", "chaque", "certains", "certaines", "plusieurs", "autre", "autres",
       "même", "merci", "note", "nb", "ps", "remarque", "update", "edit", "mise", "jour", "selon", "vers",
       "environ", "notamment", "également", "aussi", "toujours", "jamais", "parfois", "souvent", "déjà",
       "encore", "actuellement", "initialement", "secondairement", "finalement", "récemment", "ainsi",
       "cependant", "pourtant", "néanmoins", "toutefois", "sinon", "entre", "contre", "dès", "jusqu",
       "malgré", "grâce", "face", "lui", "eux", "moi", "toi", "me", "te", "se", "mon", "ma", "mes", "ton",
       "ta", "tes", "notre", "nos", "votre", "vos", "rien", "personne", "ni", "soit", "voici", "voilà",
       "ok", "apparemment", "heureusement", "malheureusement", "évidemment", "pas", "avis", "conseil",
       "conseils", "résultat", "résultats", "bonne", "bon", "mauvais", "mauvaise", "nouveau", "nouvelle",
       "premier", "première", "second", "seconde", "deuxième", "troisième", "dernier", "dernière",
       "prochain", "prochaine", "sortie", "entrée", "retour", "reprise", "arrêt", "début", "fin", "absence",
       "présence", "douleur", "douleurs", "fièvre", "toux", "dyspnée", "asthénie", "perte", "prise",
       "ordonnance", "courrier", "compte", "rendu", "cr", "lettre", "synthèse", "staff", "réunion", "avis",
       "patient", "patiente", "enfant", "femme", "homme", "mère", "père", "famille", "parents",
       "grossesse", "accouchement", "terme", "poids", "taille", "ta", "fc", "fr", "temp", "température",
       "saturation", "glycémie", "hémoglobine", "plaquettes", "leucocytes", "créatinine", "sodium",
       "potassium", "calcium", "albumine", "ferritine", "troponine", "lactates", "gaz", "iono",
       "urine", "urines", "sang", "selles", "liquide", "protocole", "essai", "étude", "phase", "stade",
       "grade", "score", "classe", "type", "forme", "groupe", "niveau", "cycle", "cure", "dose", "doses",
       "posologie", "voie", "rythme", "durée", "semaine", "semaines", "mois", "an", "ans", "année",
       "années", "jours", "heure", "heures", "minutes", "lundi", "mardi", "mercredi", "jeudi", "vendredi",
       "samedi", "dimanche", "matin", "soir", "nuit", "midi", "week-end", "service", "unité", "hôpital",
       "centre", "cabinet", "ville", "campagne", "domicile", "maison", "travail", "école", "sport"});
  return lex;
}

const Lexicon& TheLexicon() {
  static const Lexicon* const lex = new Lexicon(BuildLexicon());
  return *lex;
}

}  // namespace

uint32_t LookupLexicon(std::string_view folded, uint8_t* month) {
  const Lexicon& lex = TheLexicon();
  auto it = lex.find(folded);
  if (it == lex.end()) return 0;
  *month = it->second.month;
  return it->second.flags;
}

}  // namespace meltingdoc::discussions::phi
