#include "bench/search/corpus.h"

#include <algorithm>
#include <cmath>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "google/protobuf/util/time_util.h"

namespace meltingdoc::search::bench {
namespace {

using events::v1::Event;
using google::protobuf::util::TimeUtil;

std::string Id(int kind, int64_t i) {
  return absl::StrFormat("%08x-0000-4000-8%03x-%012x", static_cast<uint32_t>(i >> 16), kind,
                         static_cast<uint64_t>(i));
}

struct Competence {
  const char* code;
  const char* label;
  std::vector<const char*> synonyms;
};
struct Specialty {
  const char* code;
  const char* label;
  const char* noun;  // "Cardiologue"
  int weight;        // share of doctors, in percent
  std::vector<Competence> competences;
};
struct Commune {
  const char* name;
  const char* postcode;
  double lat, lon;
};

// Shares roughly as in France: general practice about 40 % of doctors.
const std::vector<Specialty>& Specialties() {
  static const std::vector<Specialty> kSpecialties = {
      {"SM20", "Gynécologie-obstétrique", "Gynécologue", 7,
       {{"gyn-fertilite", "Fertilité et AMP", {"PMA", "FIV", "infertilité", "AMP"}},
        {"gyn-endometriose", "Endométriose", {"adénomyose"}},
        {"gyn-obstetrique", "Grossesses à risque", {"GHR", "médecine fœtale"}},
        {"gyn-senologie", "Sénologie", {"cancer du sein", "mammographie"}}}},
      {"SM04", "Cardiologie et maladies vasculaires", "Cardiologue", 7,
       {{"cardio-rythmo", "Rythmologie", {"arythmie", "FA", "fibrillation atriale"}},
        {"cardio-interv", "Cardiologie interventionnelle", {"angioplastie", "coronarographie"}},
        {"cardio-ic", "Insuffisance cardiaque", {"IC", "cardiomyopathie"}},
        {"cardio-hta", "Hypertension artérielle", {"HTA"}}}},
      {"SM40", "Pédiatrie", "Pédiatre", 7,
       {{"ped-neonat", "Néonatologie", {"prématurité", "réanimation néonatale"}},
        {"ped-allergo", "Allergologie pédiatrique", {"allergie alimentaire"}},
        {"ped-endoc", "Endocrinologie pédiatrique", {"diabète de l'enfant", "croissance"}}}},
      {"SM54", "Médecine générale", "Médecin généraliste", 40,
       {{"mg-gerontologie", "Gériatrie ambulatoire", {"sujet âgé"}},
        {"mg-addicto", "Addictologie", {"tabacologie", "sevrage"}},
        {"mg-sport", "Médecine du sport", {"traumatologie du sport"}},
        {"mg-palliatif", "Soins palliatifs", {"fin de vie", "douleur"}}}},
      {"SM34", "Oto-rhino-laryngologie", "ORL", 5,
       {{"orl-otologie", "Otologie", {"surdité", "implant cochléaire", "acouphènes"}},
        {"orl-rhinologie", "Rhinologie", {"sinusite chronique", "polypose nasosinusienne"}}}},
      {"SM48", "Rhumatologie", "Rhumatologue", 5,
       {{"rhumato-inflammatoire", "Rhumatismes inflammatoires", {"PR", "polyarthrite rhumatoïde", "SpA"}},
        {"rhumato-osteoporose", "Ostéoporose", {"DMO", "densitométrie osseuse"}},
        {"rhumato-rachis", "Pathologie rachidienne", {"lombalgie", "sciatique"}}}},
      {"SM30", "Néphrologie", "Néphrologue", 5,
       {{"nephro-dialyse", "Dialyse", {"hémodialyse", "dialyse péritonéale"}},
        {"nephro-transplantation", "Transplantation rénale", {"greffe rénale"}}}},
      {"SM36", "Oncologie médicale", "Oncologue", 8,
       {{"onco-sein", "Oncologie mammaire", {"cancer du sein"}},
        {"onco-thoracique", "Oncologie thoracique", {"cancer du poumon"}},
        {"onco-digestive", "Oncologie digestive", {"cancer colorectal", "cancer du pancréas"}}}},
      {"SM15", "Dermatologie et vénéréologie", "Dermatologue", 8,
       {{"dermato-onco", "Dermatologie oncologique", {"mélanome", "carcinome"}},
        {"dermato-pedia", "Dermatologie pédiatrique", {"eczéma", "dermatite atopique"}}}},
      {"SM42", "Psychiatrie", "Psychiatre", 8,
       {{"psy-enfant", "Pédopsychiatrie", {"TDAH", "autisme", "TSA"}},
        {"psy-addicto", "Addictologie", {"alcoologie"}},
        {"psy-perinat", "Psychiatrie périnatale", {"dépression du post-partum"}}}},
  };
  return kSpecialties;
}

const std::vector<Commune>& Communes() {
  static const std::vector<Commune> kCommunes = {
      {"Paris", "75011", 48.8590, 2.3800},      {"Marseille", "13005", 43.2940, 5.3970},
      {"Lyon", "69003", 45.7597, 4.8422},       {"Toulouse", "31000", 43.6045, 1.4440},
      {"Nice", "06000", 43.7031, 7.2661},       {"Nantes", "44000", 47.2181, -1.5528},
      {"Montpellier", "34000", 43.6119, 3.8772}, {"Strasbourg", "67000", 48.5734, 7.7521},
      {"Bordeaux", "33000", 44.8378, -0.5792},  {"Lille", "59000", 50.6292, 3.0573},
      {"Rennes", "35000", 48.1173, -1.6778},    {"Reims", "51100", 49.2583, 4.0317},
      {"Saint-Étienne", "42000", 45.4397, 4.3872}, {"Toulon", "83000", 43.1242, 5.9280},
      {"Le Havre", "76600", 49.4944, 0.1079},   {"Grenoble", "38000", 45.1885, 5.7245},
      {"Dijon", "21000", 47.3220, 5.0415},      {"Angers", "49000", 47.4784, -0.5632},
      {"Nîmes", "30000", 43.8367, 4.3601},      {"Villeurbanne", "69100", 45.7719, 4.8902},
      {"Clermont-Ferrand", "63000", 45.7772, 3.0870}, {"Le Mans", "72000", 48.0061, 0.1996},
      {"Aix-en-Provence", "13100", 43.5297, 5.4474}, {"Brest", "29200", 48.3904, -4.4861},
      {"Tours", "37000", 47.3941, 0.6848},      {"Amiens", "80000", 49.8941, 2.2958},
      {"Limoges", "87000", 45.8336, 1.2611},    {"Annecy", "74000", 45.8992, 6.1294},
      {"Vénissieux", "69200", 45.6970, 4.8856}, {"Caluire-et-Cuire", "69300", 45.7953, 4.8469},
  };
  return kCommunes;
}

const std::vector<const char*> kGiven = {
    "Claire", "Paul", "Lucie", "Hélène", "Thomas", "Marie", "Nicolas", "Camille", "Julien",
    "Sophie", "Pierre", "Élodie", "Antoine", "Chloé", "François", "Inès", "Louis", "Emma",
    "Hugo", "Léa", "Arthur", "Manon", "Jules", "Sarah", "Gabriel", "Anne", "Raphaël", "Zoé",
    "Mathilde", "Étienne", "Bénédicte", "Yasmine"};
const std::vector<const char*> kFamily = {
    "Martin", "Bernard", "Dubois", "Thomas", "Robert", "Richard", "Petit", "Durand", "Leroy",
    "Moreau", "Simon", "Laurent", "Lefebvre", "Michel", "Garcia", "David", "Bertrand", "Roux",
    "Vincent", "Fournier", "Morel", "Girard", "André", "Lefèvre", "Mercier", "Dupont", "Lambert",
    "Bonnet", "François", "Martinez", "Legrand", "Garnier", "Faure", "Rousseau", "Blanc",
    "Guérin", "Muller", "Henry", "Roussel", "Nicolas", "Perrin", "Morin", "Mathieu", "Clément",
    "Gauthier", "Dumont", "Lopez", "Fontaine", "Chevalier", "Robin", "Masson", "Sanchez",
    "Gérard", "Nguyen", "Boyer", "Denis", "Lemaire", "Duval", "Joly", "Gautier", "Roger",
    "Roche", "Roy", "Noël", "Meyer", "Lucas", "Meunier", "Jean", "Perez", "Marchand", "Dufour",
    "Blanchard", "Barbier", "Brun", "Dumas", "Brunet", "Schmitt", "Leroux", "Colin", "Fernandez"};
const std::vector<const char*> kBioWords = {
    "consultation", "hôpital", "clinique", "patients", "prise en charge", "suivi", "équipe",
    "pluridisciplinaire", "recherche", "enseignement", "formation", "réseau", "ville", "urgences",
    "téléconsultation", "accompagnement", "prévention", "dépistage", "diagnostic", "traitement",
    "éducation thérapeutique", "coordination", "parcours de soins", "ambulatoire", "libéral",
    "centre hospitalier", "maison de santé", "garde", "expertise", "publications"};

// Medical words by frequency rank; the vocabulary continues with made-up words, and a few
// real rare words are placed deep in the ranks (kDeepWords) so that rare queries exist.
const std::vector<const char*> kMedicalWords = {
    "patient", "patiente", "traitement", "douleur", "antécédents", "bilan", "examen", "avis",
    "diagnostic", "évolution", "cardiaque", "fièvre", "biologique", "imagerie", "scanner",
    "thoracique", "abdominale", "insuffisance", "hypertension", "diabète", "échographie", "IRM",
    "chirurgie", "infection", "récidive", "favorable", "différentiel", "rénale", "anémie",
    "toux", "dyspnée", "céphalées", "vertiges", "syncope", "palpitations", "asthme",
    "allergie", "grossesse", "anticoagulation", "antibiothérapie", "thrombose", "lombalgie",
    "arthrite", "éruption", "convulsions", "nausées", "vomissements", "diarrhée", "constipation",
    "amaigrissement", "asthénie", "œdème", "tachycardie", "bradycardie", "souffle", "hypotension",
    "malaise", "perte", "connaissance", "confusion", "troubles", "mémoire", "sommeil",
    "dépression", "anxiété", "addiction", "alcool", "tabac", "sevrage", "obésité", "dénutrition",
    "cholestérol", "triglycérides", "créatinine", "troponine", "natriurétique", "hémoglobine",
    "plaquettes", "leucocytes", "ferritine", "CRP", "procalcitonine", "glycémie", "HbA1c",
    "thyroïde", "TSH", "cortisol", "prolactine", "testostérone", "œstradiol", "ovulation",
    "fertilité", "endométriose", "ménopause", "contraception", "mammographie", "biopsie",
    "tumeur", "métastases", "chimiothérapie", "radiothérapie", "immunothérapie", "lymphome",
    "leucémie", "myélome", "mélanome", "carcinome", "adénocarcinome", "polype", "coloscopie",
    "gastroscopie", "ulcère", "reflux", "hépatite", "cirrhose", "pancréatite", "cholécystite",
    "appendicite", "occlusion", "hernie", "fracture", "entorse", "tendinite", "arthrose",
    "ostéoporose", "polyarthrite", "spondylarthrite", "goutte", "lupus", "vascularite",
    "sclérodermie", "sarcoïdose", "tuberculose", "pneumopathie", "bronchite", "BPCO",
    "emphysème", "fibrose", "embolie", "pulmonaire", "pleurésie", "pneumothorax", "apnée",
    "ronflement", "sinusite", "otite", "angine", "laryngite", "surdité", "acouphènes",
    "vertige", "nystagmus", "rétinopathie", "glaucome", "cataracte", "uvéite", "conjonctivite",
    "eczéma", "psoriasis", "urticaire", "acné", "alopécie", "prurit", "zona", "herpès",
    "varicelle", "rougeole", "coqueluche", "bronchiolite", "prématurité", "néonatal",
    "croissance", "puberté", "énurésie", "autisme", "TDAH", "épilepsie", "migraine", "AVC",
    "hémiplégie", "aphasie", "Parkinson", "Alzheimer", "démence", "neuropathie",
    "sclérose", "myasthénie", "méningite", "encéphalite", "abcès", "sepsis", "choc",
    "réanimation", "intubation", "ventilation", "dialyse", "transplantation", "greffe",
    "rejet", "immunosuppresseur", "corticoïdes", "anti-inflammatoires", "antalgiques",
    "morphine", "opioïdes", "benzodiazépines", "antidépresseurs", "neuroleptiques",
    "lithium", "bêtabloquant", "IEC", "diurétique", "statine", "aspirine", "clopidogrel",
    "héparine", "AVK", "AOD", "insuline", "metformine", "GLP1", "allopurinol",
    "méthotrexate", "biothérapie", "adalimumab", "infliximab", "rituximab", "vaccination",
    "prophylaxie", "dépistage", "prévention", "éducation", "observance", "iatrogénie",
    "interaction", "posologie", "surdosage", "intoxication", "brûlure", "plaie", "cicatrisation",
    "escarre", "amputation", "prothèse", "rééducation", "kinésithérapie", "ergothérapie",
    "orthophonie", "palliatif", "fin", "vie", "éthique", "consentement", "famille",
    "aidant", "domicile", "EHPAD", "hospitalisation", "urgences", "consultation",
    "téléconsultation", "coronarographie", "angioplastie", "stent", "pontage", "valvulopathie",
    "rétrécissement", "aortique", "mitrale", "endocardite", "péricardite", "myocardite",
    "cardiomyopathie", "fibrillation", "atriale", "flutter", "pacemaker", "défibrillateur"};
struct DeepWord {
  const char* word;
  int rank;
};
const std::vector<DeepWord> kDeepWords = {
    {"amylose", 1000}, {"histiocytose", 2500}, {"phéochromocytome", 4000},
    {"porphyrie", 5500}};
constexpr int kVocabularySize = 6000;

std::string MadeUpWord(std::mt19937& rng) {
  static const char* kSyllables[] = {"ba", "bo", "ca", "ci", "da", "de", "fa", "fi", "ga",
                                     "go", "la", "li", "lo", "ma", "mi", "mo", "na", "ni",
                                     "pa", "pi", "ra", "ri", "ro", "sa", "si", "ta", "ti",
                                     "to", "va", "vi", "tri", "pro", "chlo", "thy", "pha"};
  static const char* kEndings[] = {"ose", "ite", "ome", "ie", "ique", "ine", "ase", "ale"};
  std::uniform_int_distribution<int> syl(0, sizeof(kSyllables) / sizeof(kSyllables[0]) - 1);
  std::uniform_int_distribution<int> end(0, sizeof(kEndings) / sizeof(kEndings[0]) - 1);
  std::string w;
  const int n = 2 + static_cast<int>(rng() % 3);
  for (int i = 0; i < n; ++i) w += kSyllables[syl(rng)];
  return w + kEndings[end(rng)];
}

const std::vector<const char*> kStopWords = {"de", "la", "le", "et", "un", "une", "avec",
                                              "pour", "sans", "chez", "des", "du", "en", "à",
                                              "sur", "dans", "par", "après"};

// Zipf(s = 1) over the vocabulary's ranks, by inverse CDF.
class ZipfWords {
 public:
  ZipfWords() {
    const auto& v = CaseVocabulary();
    cdf_.resize(v.size());
    double sum = 0;
    for (size_t r = 0; r < v.size(); ++r) cdf_[r] = (sum += 1.0 / (r + 1));
    for (double& c : cdf_) c /= sum;
  }
  const std::string& Draw(std::mt19937& rng) const {
    const double u = std::uniform_real_distribution<double>(0, 1)(rng);
    const size_t r = std::lower_bound(cdf_.begin(), cdf_.end(), u) - cdf_.begin();
    return CaseVocabulary()[std::min(r, cdf_.size() - 1)];
  }

 private:
  std::vector<double> cdf_;
};

const ZipfWords& Zipf() {
  static const ZipfWords kZipf;
  return kZipf;
}

// `n` content words with stop words in between.
std::string Sentence(std::mt19937& rng, int n) {
  std::string s;
  for (int i = 0; i < n; ++i) {
    if (i > 0) absl::StrAppend(&s, i % 2 == 0 ? " " : absl::StrCat(" ", kStopWords[rng() % kStopWords.size()], " "));
    absl::StrAppend(&s, Zipf().Draw(rng));
  }
  return s;
}

std::mt19937 RngFor(int kind, int64_t i) {
  std::seed_seq seq{kind, static_cast<int>(i & 0x7fffffff), static_cast<int>(i >> 31), 42};
  return std::mt19937(seq);
}

google::protobuf::Timestamp Seconds(int64_t s) {
  google::protobuf::Timestamp t;
  t.set_seconds(s);
  return t;
}

}  // namespace

std::string DoctorId(int64_t i) { return Id(0xd0c, i); }
std::string CaseId(int64_t i) { return Id(0xca5, i); }
std::string ReplyId(int64_t i) { return Id(0x4e1, i); }
std::string GroupId(int64_t g) { return Id(0x640, g); }
std::string AccountId(int64_t a) { return Id(0xacc, a); }
std::string CallerAccountId() { return AccountId(0); }
std::string PublicSpaceId(int s) { return Id(0x5ac, s); }

const std::vector<std::string>& CaseVocabulary() {
  static const std::vector<std::string> kVocabulary = [] {
    std::vector<std::string> v;
    for (const char* w : kMedicalWords) v.push_back(w);
    std::mt19937 rng(1234);
    absl::flat_hash_map<std::string, bool> seen;
    for (const std::string& w : v) seen[w] = true;
    for (const DeepWord& d : kDeepWords) seen[d.word] = true;
    while (static_cast<int>(v.size()) < kVocabularySize) {
      for (const DeepWord& d : kDeepWords) {
        if (static_cast<int>(v.size()) == d.rank) v.push_back(d.word);
      }
      std::string w = MadeUpWord(rng);
      if (seen.emplace(w, true).second) v.push_back(std::move(w));
    }
    return v;
  }();
  return kVocabulary;
}

int VocabularyRank(const std::string& word) {
  const auto& v = CaseVocabulary();
  const auto it = std::find(v.begin(), v.end(), word);
  return it == v.end() ? -1 : static_cast<int>(it - v.begin());
}

Event MakeDoctor(int64_t i, int64_t version) {
  std::mt19937 rng = RngFor(1, i * 1000 + version);
  const auto pick = [&](size_t n) { return std::uniform_int_distribution<size_t>(0, n - 1)(rng); };
  int w = static_cast<int>(pick(100));
  const Specialty* sp = &Specialties().back();
  for (const Specialty& s : Specialties()) {
    if (w < s.weight) {
      sp = &s;
      break;
    }
    w -= s.weight;
  }
  const std::string id = DoctorId(i);
  Event e;
  e.set_event_id(absl::StrFormat("%08x-%04x-4000-8000-%012x", static_cast<uint32_t>(version),
                                 0xe0d, static_cast<uint64_t>(i)));
  e.set_aggregate_type("profile");
  e.set_aggregate_id(id);
  e.set_aggregate_version(version);
  auto* p = e.mutable_profile_changed();
  p->set_profile_id(id);
  const std::string given = kGiven[pick(kGiven.size())], family = kFamily[pick(kFamily.size())];
  p->set_given_name(given);
  p->set_family_name(family);
  p->set_display_name(absl::StrCat("Dr ", given, " ", family));
  p->set_specialty_code(sp->code);
  p->set_specialty_label(sp->label);
  p->set_headline(absl::StrCat(sp->noun, " ", kBioWords[pick(kBioWords.size())]));
  std::string bio;
  for (int k = 0; k < 25; ++k) absl::StrAppend(&bio, kBioWords[pick(kBioWords.size())], " ");
  p->set_bio(bio);
  const int n = 1 + static_cast<int>(pick(std::min<size_t>(3, sp->competences.size())));
  std::vector<size_t> order(sp->competences.size());
  for (size_t k = 0; k < order.size(); ++k) order[k] = k;
  std::shuffle(order.begin(), order.end(), rng);
  for (int k = 0; k < n; ++k) {
    const Competence& c = sp->competences[order[k]];
    auto* pc = p->add_competences();
    pc->set_code(c.code);
    pc->set_label(c.label);
    for (const char* s : c.synonyms) pc->add_synonyms(s);
    pc->set_endorsement_count(static_cast<int>(std::geometric_distribution<int>(0.3)(rng)));
    pc->set_specialty_code(sp->code);
  }
  const int places = pick(5) == 0 ? 2 : 1;
  for (int k = 0; k < places; ++k) {
    const Commune& cm = Communes()[pick(Communes().size())];
    auto* pl = p->add_places();
    pl->set_name(absl::StrCat("Cabinet médical ", cm.name));
    pl->set_commune(cm.name);
    pl->set_postcode(cm.postcode);
    std::normal_distribution<double> jitter(0, 0.05);
    pl->set_latitude(cm.lat + jitter(rng));
    pl->set_longitude(cm.lon + jitter(rng));
    pl->set_has_coordinates(true);
  }
  p->add_languages("fr");
  if (pick(4) == 0) p->add_languages("en");
  if (pick(20) == 0) p->add_languages("es");
  p->set_accepting_referrals(pick(3) != 0);
  *e.mutable_occur_time() = Seconds(1'750'000'000 + i);
  return e;
}

GeneratedCase MakeCase(int64_t i, int64_t version) {
  std::mt19937 rng = RngFor(2, i * 1000 + version);
  const auto pick = [&](size_t n) { return std::uniform_int_distribution<size_t>(0, n - 1)(rng); };
  GeneratedCase g;
  Event& e = g.case_event;
  const std::string id = CaseId(i);
  e.set_event_id(absl::StrFormat("%08x-%04x-4000-8000-%012x", static_cast<uint32_t>(version),
                                 0xeca, static_cast<uint64_t>(i)));
  e.set_aggregate_type("case");
  e.set_aggregate_id(id);
  e.set_aggregate_version(version);
  auto* c = e.mutable_case_changed();
  c->set_case_id(id);
  const bool in_group = pick(20) == 0;
  const int specialty = static_cast<int>(pick(Specialties().size()));
  if (in_group) {
    c->set_space_id(GroupId(static_cast<int64_t>(pick(kGroups))));
    c->set_private_group(true);
  } else {
    c->set_space_id(PublicSpaceId(specialty));
  }
  c->set_author_id(AccountId(static_cast<int64_t>(pick(10000))));
  c->set_title(Sentence(rng, 6));
  c->set_context(Sentence(rng, 30));
  c->set_question(Sentence(rng, 10));
  const Specialty& sp = Specialties()[specialty];
  c->add_specialty_codes(sp.code);
  c->add_competence_tags(sp.competences[pick(sp.competences.size())].code);
  c->set_resolved(pick(3) == 0);
  c->set_hidden(pick(300) == 0);
  // One case every 50 s, the newest last.
  const int64_t created = 1'700'000'000 + i * 50;
  *c->mutable_create_time() = Seconds(created);
  g.deleted = pick(200) == 0;
  if (pick(2) == 0) {
    Event& r = g.reply_events.emplace_back();
    r.set_event_id(absl::StrFormat("%08x-%04x-4000-8000-%012x", static_cast<uint32_t>(version),
                                   0xe4e, static_cast<uint64_t>(i)));
    r.set_aggregate_type("reply");
    r.set_aggregate_id(ReplyId(i));
    r.set_aggregate_version(version);
    auto* rc = r.mutable_reply_changed();
    rc->set_reply_id(ReplyId(i));
    rc->set_case_id(id);
    rc->set_author_id(AccountId(static_cast<int64_t>(pick(10000))));
    rc->set_text(Sentence(rng, 20));
    rc->set_hidden(pick(100) == 0);
    *rc->mutable_create_time() = Seconds(created + 3600);
    *r.mutable_occur_time() = Seconds(created + 3600);
    c->set_reply_count(1);
  }
  *c->mutable_last_activity_time() = Seconds(created + (g.reply_events.empty() ? 0 : 3600));
  *e.mutable_occur_time() = Seconds(created);
  return g;
}

std::vector<Event> MembershipEvents() {
  std::vector<Event> out;
  for (int g = 0; g < kGroups; ++g) {
    for (int m = 0; m < kMembersPerGroup; ++m) {
      Event& e = out.emplace_back();
      e.set_event_id(absl::StrFormat("%08x-0000-4000-8000-%012x", g, m));
      e.set_aggregate_type("space");
      e.set_aggregate_id(GroupId(g));
      e.set_aggregate_version(m + 1);
      auto* gm = e.mutable_group_membership_changed();
      gm->set_space_id(GroupId(g));
      // The caller is the first member of the first groups; the others are distinct accounts.
      gm->set_account_id(m == 0 && g < kCallerGroups ? CallerAccountId()
                                                      : AccountId(100000 + g * 1000 + m));
      gm->set_member(true);
    }
  }
  return out;
}

}  // namespace meltingdoc::search::bench
