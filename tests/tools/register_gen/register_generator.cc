#include "tests/tools/register_gen/register_generator.h"

#include <algorithm>
#include <array>
#include <functional>
#include <random>

namespace meltingdoc::testing {
namespace {

// Every column of the real extract, in the order of the current file.
enum Col {
  kType, kId, kNationalId, kCivExCode, kCivExLabel, kCivCode, kCivLabel, kFamily, kGiven,
  kProfCode, kProfLabel, kCatCode, kCatLabel, kSfTypeCode, kSfTypeLabel, kSfCode, kSfLabel,
  kModeCode, kModeLabel, kSiret, kSiren, kFinessSite, kFinessEj, kStructId, kRaisonSociale,
  kEnseigne, kComplDest, kComplGeo, kNumVoie, kIndiceRep, kTypeVoieCode, kTypeVoieLabel,
  kVoie, kMentionDistrib, kCedex, kPostcode, kCommuneCode, kCity, kCountryCode, kCountryLabel,
  kPhone, kPhone2, kFax, kEmail, kDeptCode, kDeptLabel, kOldStructId, kAuthority, kSectorCode,
  kSectorLabel, kPharmaSectionCode, kPharmaSectionLabel, kRoleCode, kRoleLabel, kGenreCode,
  kGenreLabel, kColCount
};

const char* const kColNames[kColCount] = {
    "Type d'identifiant PP", "Identifiant PP", "Identification nationale PP",
    "Code civilité d'exercice", "Libellé civilité d'exercice", "Code civilité", "Libellé civilité",
    "Nom d'exercice", "Prénom d'exercice", "Code profession", "Libellé profession",
    "Code catégorie professionnelle", "Libellé catégorie professionnelle",
    "Code type savoir-faire", "Libellé type savoir-faire", "Code savoir-faire", "Libellé savoir-faire",
    "Code mode exercice", "Libellé mode exercice", "Numéro SIRET site", "Numéro SIREN site",
    "Numéro FINESS site", "Numéro FINESS établissement juridique",
    "Identifiant technique de la structure", "Raison sociale site", "Enseigne commerciale site",
    "Complément destinataire (coord. structure)", "Complément point géographique (coord. structure)",
    "Numéro Voie (coord. structure)", "Indice répétition voie (coord. structure)",
    "Code type de voie (coord. structure)", "Libellé type de voie (coord. structure)",
    "Libellé Voie (coord. structure)", "Mention distribution (coord. structure)",
    "Bureau cedex (coord. structure)", "Code postal (coord. structure)",
    "Code commune (coord. structure)", "Libellé commune (coord. structure)",
    "Code pays (coord. structure)", "Libellé pays (coord. structure)", "Téléphone (coord. structure)",
    "Téléphone 2 (coord. structure)", "Télécopie (coord. structure)",
    "Adresse e-mail (coord. structure)", "Code Département (structure)",
    "Libellé Département (structure)", "Ancien identifiant de la structure",
    "Autorité d'enregistrement", "Code secteur d'activité", "Libellé secteur d'activité",
    "Code section tableau pharmaciens", "Libellé section tableau pharmaciens", "Code rôle",
    "Libellé rôle", "Code genre activité", "Libellé genre activité",
};

const std::vector<int>& ColumnsOf(RegisterVariant variant) {
  static const std::vector<int> current = [] {
    std::vector<int> v;
    for (int c = 0; c < kColCount; ++c) v.push_back(c);
    return v;
  }();
  // Older extracts: no Code rôle / genre activité columns, the civil civility before the
  // civility of practice, and the structure's email not yet published.
  static const std::vector<int> old = {
      kType, kId, kNationalId, kCivCode, kCivLabel, kCivExCode, kCivExLabel, kFamily, kGiven,
      kProfCode, kProfLabel, kCatCode, kCatLabel, kSfTypeCode, kSfTypeLabel, kSfCode, kSfLabel,
      kModeCode, kModeLabel, kSiret, kSiren, kFinessSite, kFinessEj, kStructId, kRaisonSociale,
      kEnseigne, kComplDest, kComplGeo, kNumVoie, kIndiceRep, kTypeVoieCode, kTypeVoieLabel,
      kVoie, kMentionDistrib, kCedex, kPostcode, kCommuneCode, kCity, kCountryCode,
      kCountryLabel, kPhone, kPhone2, kFax, kDeptCode, kDeptLabel, kOldStructId, kAuthority,
      kSectorCode, kSectorLabel, kPharmaSectionCode, kPharmaSectionLabel};
  return variant == RegisterVariant::kCurrent ? current : old;
}

struct Place {
  const char* postcode;
  const char* insee;
  const char* city;
  const char* dept;
  const char* dept_label;
};

const Place kPlaces[] = {
    {"75005", "75105", "Paris", "75", "Paris"},
    {"75013", "75113", "Paris", "75", "Paris"},
    {"75015", "75115", "Paris", "75", "Paris"},
    {"69003", "69383", "Lyon", "69", "Rhône"},
    {"69008", "69388", "Lyon", "69", "Rhône"},
    {"13005", "13205", "Marseille", "13", "Bouches-du-Rhône"},
    {"13008", "13208", "Marseille", "13", "Bouches-du-Rhône"},
    {"31000", "31555", "Toulouse", "31", "Haute-Garonne"},
    {"33000", "33063", "Bordeaux", "33", "Gironde"},
    {"59000", "59350", "Lille", "59", "Nord"},
    {"44000", "44109", "Nantes", "44", "Loire-Atlantique"},
    {"67000", "67482", "Strasbourg", "67", "Bas-Rhin"},
    {"34000", "34172", "Montpellier", "34", "Hérault"},
    {"35000", "35238", "Rennes", "35", "Ille-et-Vilaine"},
    {"06000", "06088", "Nice", "06", "Alpes-Maritimes"},
    {"76000", "76540", "Rouen", "76", "Seine-Maritime"},
    {"21000", "21231", "Dijon", "21", "Côte-d'Or"},
    {"37000", "37261", "Tours", "37", "Indre-et-Loire"},
    {"63000", "63113", "Clermont-Ferrand", "63", "Puy-de-Dôme"},
    {"87000", "87085", "Limoges", "87", "Haute-Vienne"},
    {"80000", "80021", "Amiens", "80", "Somme"},
    {"51100", "51454", "Reims", "51", "Marne"},
    {"29200", "29019", "Brest", "29", "Finistère"},
    {"14000", "14118", "Caen", "14", "Calvados"},
    {"25000", "25056", "Besançon", "25", "Doubs"},
    {"38000", "38185", "Grenoble", "38", "Isère"},
    {"42000", "42218", "Saint-Étienne", "42", "Loire"},
    {"49000", "49007", "Angers", "49", "Maine-et-Loire"},
    {"54000", "54395", "Nancy", "54", "Meurthe-et-Moselle"},
    {"57000", "57463", "Metz", "57", "Moselle"},
    {"64000", "64445", "Pau", "64", "Pyrénées-Atlantiques"},
    {"66000", "66136", "Perpignan", "66", "Pyrénées-Orientales"},
    {"86000", "86194", "Poitiers", "86", "Vienne"},
    {"97400", "97411", "Saint-Denis", "974", "La Réunion"},
    {"20000", "2A004", "Ajaccio", "2A", "Corse-du-Sud"},
    {"20200", "2B033", "Bastia", "2B", "Haute-Corse"},
    {"45000", "45234", "Orléans", "45", "Loiret"},
    {"72000", "72181", "Le Mans", "72", "Sarthe"},
    {"30000", "30189", "Nîmes", "30", "Gard"},
    {"83000", "83137", "Toulon", "83", "Var"},
    {"84000", "84007", "Avignon", "84", "Vaucluse"},
    {"17000", "17300", "La Rochelle", "17", "Charente-Maritime"},
    {"56100", "56121", "Lorient", "56", "Morbihan"},
    {"22000", "22278", "Saint-Brieuc", "22", "Côtes-d'Armor"},
    {"03100", "03185", "Montluçon", "03", "Allier"},
};

struct Specialty {
  const char* code;
  const char* label;
  int weight;
};

// Spécialités ordinales of the Ordre des médecins (Code type savoir-faire "S").
const Specialty kSpecialties[] = {
    {"SM54", "Médecine générale", 300},
    {"SM53", "Spécialiste en Médecine Générale", 60},
    {"SM26", "Qualifié en Médecine Générale", 60},
    {"SM02", "Anesthésie-réanimation", 30},
    {"SM04", "Cardiologie et maladies vasculaires", 20},
    {"SM15", "Dermatologie et vénéréologie", 10},
    {"SM16", "Endocrinologie et métabolisme", 6},
    {"SM18", "Gériatrie", 6},
    {"SM19", "Gynécologie médicale", 6},
    {"SM20", "Gynécologie-obstétrique", 14},
    {"SM23", "Gastro-entérologie et hépatologie", 10},
    {"SM24", "Médecine du travail", 8},
    {"SM25", "Médecine interne", 8},
    {"SM27", "Médecine nucléaire", 3},
    {"SM28", "Médecine physique et réadaptation", 5},
    {"SM29", "Néphrologie", 5},
    {"SM30", "Neuro-chirurgie", 2},
    {"SM31", "Neurologie", 8},
    {"SM33", "O.R.L et chirurgie cervico-faciale", 8},
    {"SM35", "Ophtalmologie", 14},
    {"SM37", "Pédiatrie", 20},
    {"SM38", "Pneumologie", 8},
    {"SM39", "Psychiatrie", 30},
    {"SM40", "Psychiatrie option enfant & adolescent", 4},
    {"SM41", "Radio-diagnostic", 20},
    {"SM42", "Radio-thérapie", 2},
    {"SM44", "Rhumatologie", 6},
    {"SM45", "Santé publique et médecine sociale", 4},
    {"SM08", "Chirurgie orthopédique et traumatologie", 8},
    {"SM14", "Chirurgie viscérale et digestive", 6},
    {"SM12", "Chirurgie urologique", 3},
    {"SM01", "Anatomie et cytologie pathologiques", 3},
};

struct Profession {
  const char* code;
  const char* label;
  int weight;       // share of professionals
  bool adeli_some;  // some still identified by ADELI only
};

const Profession kOtherProfessions[] = {
    {"60", "Infirmier", 300, true},
    {"21", "Pharmacien", 75, false},
    {"40", "Chirurgien-Dentiste", 45, false},
    {"50", "Sage-Femme", 24, false},
    {"70", "Masseur-Kinésithérapeute", 95, false},
    {"80", "Pédicure-Podologue", 14, false},
    {"91", "Orthophoniste", 25, true},
    {"92", "Orthoptiste", 5, true},
    {"26", "Audioprothésiste", 4, true},
    {"28", "Opticien-Lunetier", 20, true},
    {"94", "Ergothérapeute", 14, true},
    {"96", "Psychomotricien", 12, true},
};

const char* const kFamilyNames[] = {
    "MARTIN", "BERNARD", "DUBOIS", "THOMAS", "ROBERT", "RICHARD", "PETIT", "DURAND", "LEROY",
    "MOREAU", "SIMON", "LAURENT", "LEFEBVRE", "MICHEL", "GARCIA", "DAVID", "BERTRAND", "ROUX",
    "VINCENT", "FOURNIER", "MOREL", "GIRARD", "ANDRÉ", "LEFÈVRE", "MERCIER", "DUPONT", "LAMBERT",
    "BONNET", "FRANÇOIS", "MARTINEZ", "LEGRAND", "GARNIER", "FAURE", "ROUSSEAU", "BLANC", "GUÉRIN",
    "MULLER", "HENRY", "ROUSSEL", "NICOLAS", "PERRIN", "MORIN", "MATHIEU", "CLÉMENT", "GAUTHIER",
    "DUMONT", "LOPEZ", "FONTAINE", "CHEVALIER", "ROBIN", "LE GOFF", "LE BRIS", "LE GALL",
    "DE LA FONTAINE", "DE SAINT-EXUPÉRY", "D'ALMEIDA", "N'DIAYE", "BENOÎT", "CHÂTEAU", "LÉVÊQUE",
    "NGUYEN", "BEN SAÏD", "HADDAD", "DIALLO", "TRAORÉ", "DA SILVA", "DOS SANTOS", "FERREIRA",
    "KOWALSKI", "SCHMITT", "MEYER", "WEBER", "BOUCHER", "CARON", "COLIN", "BRUNET", "GAILLARD",
    "PHILIPPE", "JOLY", "MARCHAND", "AUBERT", "LEMAIRE", "RENAUD", "DUVAL", "HUET", "SAINT-JUST",
};

const char* const kGivenNames[] = {
    "Marie", "Jean", "Pierre", "Michel", "Claire", "Anne", "Nathalie", "Isabelle", "Sophie",
    "Philippe", "Nicolas", "François", "Frédéric", "Stéphane", "Hélène", "Camille", "Léa",
    "Chloé", "Zoé", "Noémie", "Thérèse", "Jérôme", "Sébastien", "Grégoire", "Benoît", "Loïc",
    "Gaëlle", "Maëlle", "Agnès", "Cécile", "Jean-Pierre", "Jean-Marc", "Marie-Hélène",
    "Anne-Sophie", "Marie-Claire", "Pierre-Yves", "Jean-François", "Marie-Thérèse", "Paul",
    "Louis", "Hugo", "Lucas", "Julie", "Aurélie", "Émilie", "Élodie", "Mathilde", "Béatrice",
    "Yann", "Gwenaël", "Karim", "Fatima", "Mohamed", "Aïcha", "Thi Lan", "Minh", "Joël", "Anaïs",
};

template <typename T, size_t N>
const T& Pick(std::mt19937_64& rng, const T (&items)[N]) {
  return items[rng() % N];
}

template <typename T, size_t N>
const T& PickWeighted(std::mt19937_64& rng, const T (&items)[N]) {
  int total = 0;
  for (const T& t : items) total += t.weight;
  int r = static_cast<int>(rng() % static_cast<uint64_t>(total));
  for (const T& t : items) {
    if (r < t.weight) return t;
    r -= t.weight;
  }
  return items[0];
}

std::string Digits(std::mt19937_64& rng, int n) {
  std::string s(n, '0');
  for (char& c : s) c = static_cast<char>('0' + rng() % 10);
  return s;
}

// Values of every column for one row.
struct FullRow {
  std::array<std::string, kColCount> v;
};

void FillDefaults(FullRow& row, const RegisterRecord& r, uint64_t salt) {
  std::mt19937_64 rng(salt);
  auto& v = row.v;
  v[kType] = r.identifier_type;
  v[kId] = r.identifier;
  v[kNationalId] = r.identifier_type + r.identifier;
  const bool physician = r.profession_code == "10";
  v[kCivExCode] = r.civility == "Docteur" ? "DR" : r.civility == "Professeur" ? "PR" : "";
  v[kCivExLabel] = r.civility;
  const bool woman = std::hash<std::string>()(r.identifier) % 2 == 0;  // one per person
  v[kCivCode] = woman ? "MME" : "M";
  v[kCivLabel] = woman ? "Madame" : "Monsieur";
  v[kFamily] = r.family_name;
  v[kGiven] = r.given_name;
  v[kProfCode] = r.profession_code;
  v[kProfLabel] = r.profession_label;
  v[kCatCode] = "C";
  v[kCatLabel] = "Civil";
  v[kSfTypeCode] = r.savoir_faire_type;
  v[kSfTypeLabel] = r.savoir_faire_type == "S"     ? "Spécialité ordinale"
                    : r.savoir_faire_type == "CEX" ? "Compétence exclusive"
                    : r.savoir_faire_type == "CAPA" ? "Capacité"
                                                    : "";
  v[kSfCode] = r.savoir_faire_code;
  v[kSfLabel] = r.savoir_faire_label;
  const bool liberal = rng() % 3 != 0;
  v[kModeCode] = liberal ? "L" : "S";
  v[kModeLabel] = liberal ? "Libéral" : "Salarié";
  v[kSiret] = liberal ? Digits(rng, 14) : "";
  v[kSiren] = liberal ? v[kSiret].substr(0, 9) : "";
  v[kFinessSite] = liberal ? "" : Digits(rng, 9);
  v[kFinessEj] = liberal ? "" : Digits(rng, 9);
  v[kStructId] = "R" + Digits(rng, 14);
  v[kRaisonSociale] = liberal ? "CABINET " + r.family_name : "CENTRE HOSPITALIER " + r.city;
  v[kNumVoie] = std::to_string(1 + rng() % 180);
  static const char* const kVoies[][3] = {{"R", "Rue", "de la République"}, {"AV", "Avenue", "Jean Jaurès"},
                                          {"BD", "Boulevard", "Gambetta"}, {"PL", "Place", "du Marché"},
                                          {"R", "Rue", "Victor Hugo"}, {"QU", "Quai", "Claude Bernard"}};
  const auto& voie = kVoies[rng() % 6];
  v[kTypeVoieCode] = voie[0];
  v[kTypeVoieLabel] = voie[1];
  v[kVoie] = voie[2];
  v[kPostcode] = r.postcode;
  v[kCity] = r.city;
  for (const Place& p : kPlaces) {
    if (r.postcode == p.postcode) {
      v[kCommuneCode] = p.insee;
      v[kDeptCode] = p.dept;
      v[kDeptLabel] = p.dept_label;
      break;
    }
  }
  v[kMentionDistrib] = "";
  v[kCedex] = "";
  v[kPhone] = "0" + std::to_string(1 + rng() % 5) + Digits(rng, 8);
  v[kAuthority] = r.identifier_type == "0" ? "ARS/ARS/ARS" : physician ? "CNOM/CNOM/CNOM" : "ORDRE/ORDRE/ORDRE";
  v[kSectorCode] = liberal ? "SA07" : "SA01";
  v[kSectorLabel] = liberal ? "Cabinet individuel" : "Établissement public de santé";
  v[kRoleCode] = liberal ? "FON-01" : "FON-05";
  v[kRoleLabel] = liberal ? "Titulaire de cabinet" : "Salarié";
  v[kGenreCode] = "GENR01";
  v[kGenreLabel] = "Activité standard de soin ou de pharmacien";
}

void AppendLine(std::string& out, RegisterVariant variant, const FullRow& row) {
  for (int c : ColumnsOf(variant)) {
    out += row.v[c];
    out += '|';
  }
}

}  // namespace

std::string RegisterHeader(RegisterVariant variant) {
  std::string out;
  for (int c : ColumnsOf(variant)) {
    out += kColNames[c];
    out += '|';
  }
  return out;
}

std::string RppsFromBase(uint64_t base) {
  const std::string digits = std::to_string(base);
  int sum = 0;
  // The check digit will be rightmost, so the last digit of the base is doubled.
  bool double_it = true;
  for (size_t i = digits.size(); i-- > 0;) {
    int d = digits[i] - '0';
    if (double_it) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
    double_it = !double_it;
  }
  return digits + static_cast<char>('0' + (10 - sum % 10) % 10);
}

std::string RegisterLine(RegisterVariant variant, const RegisterRecord& record) {
  FullRow row;
  FillDefaults(row, record, std::hash<std::string>()(record.identifier));
  std::string out;
  AppendLine(out, variant, row);
  return out;
}

RegisterGenStats WriteRegister(std::FILE* out, const RegisterGenOptions& options) {
  std::mt19937_64 rng(options.seed);
  RegisterGenStats stats;
  std::string buffer = RegisterHeader(options.variant) + "\n";
  FullRow row;
  uint64_t next_base = 1000000000ULL + options.seed % 1000 * 1000000ULL;
  uint64_t next_adeli = 100000000ULL;
  const int64_t bad_every = options.bad_rows > 0 ? std::max<int64_t>(1, options.rows / options.bad_rows) : 0;
  while (stats.rows < options.rows) {
    // One professional: a physician for about a quarter of them (as in the real file).
    const bool physician = rng() % 100 < 26;
    RegisterRecord r;
    r.family_name = Pick(rng, kFamilyNames);
    r.given_name = Pick(rng, kGivenNames);
    if (rng() % 8 == 0) r.given_name += std::string(" ") + Pick(rng, kGivenNames);  // several first names
    std::vector<std::pair<const char*, const char*>> savoir_faire;  // code, label
    std::vector<std::string> sf_types;
    if (physician) {
      r.civility = rng() % 20 == 0 ? "Professeur" : "Docteur";
      r.profession_code = "10";
      r.profession_label = "Médecin";
      r.identifier_type = "8";
      r.identifier = RppsFromBase(next_base++);
      const Specialty& s = PickWeighted(rng, kSpecialties);
      savoir_faire.push_back({s.code, s.label});
      sf_types.push_back("S");
      if (rng() % 6 == 0) {  // a competence or a capacity beside the specialty
        static const std::pair<const char*, const char*> kExtra[] = {
            {"CEX01", "Médecine d'urgence"}, {"CAPA05", "Capacité de gérontologie"},
            {"CAPA10", "Capacité de médecine de catastrophe"}, {"CEX17", "Médecine du sport"}};
        const auto& e = kExtra[rng() % 4];
        savoir_faire.push_back(e);
        sf_types.push_back(e.first[1] == 'E' ? "CEX" : "CAPA");
      }
    } else {
      const Profession& p = PickWeighted(rng, kOtherProfessions);
      r.civility = "";
      r.profession_code = p.code;
      r.profession_label = p.label;
      if (p.adeli_some && rng() % 5 == 0) {
        r.identifier_type = "0";
        r.identifier = std::to_string(next_adeli++);
      } else {
        r.identifier_type = "8";
        r.identifier = RppsFromBase(next_base++);
      }
      savoir_faire.push_back({"", ""});
      sf_types.push_back("");
    }
    const int sites = physician ? (rng() % 10 < 6 ? 1 : rng() % 4 == 0 ? 3 : 2) : (rng() % 10 < 8 ? 1 : 2);
    ++stats.persons;
    if (physician) ++stats.physicians;
    for (int site = 0; site < sites; ++site) {
      const Place& place = Pick(rng, kPlaces);
      r.postcode = place.postcode;
      r.city = place.city;
      for (size_t k = 0; k < savoir_faire.size() && stats.rows < options.rows; ++k) {
        r.savoir_faire_type = sf_types[k];
        r.savoir_faire_code = savoir_faire[k].first;
        r.savoir_faire_label = savoir_faire[k].second;
        FillDefaults(row, r, rng());
        const size_t line_start = buffer.size();
        AppendLine(buffer, options.variant, row);
        ++stats.rows;
        if (physician) ++stats.physician_rows;
        if (bad_every > 0 && stats.rows % bad_every == 0 && stats.bad_rows < options.bad_rows) {
          // Damage this row in one of three ways the import must reject.
          std::string line = buffer.substr(line_start);
          buffer.resize(line_start);
          switch (stats.bad_rows % 3) {
            case 0: line = line.substr(0, line.size() / 2); break;  // short line
            case 1: {  // wrong check digit (an ADELI row is cut short instead)
              const size_t id_at = line.find('|') + 1;
              if (line.size() > id_at + 11 && line[id_at + 11] == '|') {
                char& check = line[id_at + 10];
                check = check == '9' ? '0' : static_cast<char>(check + 1);
              } else {
                line = line.substr(0, line.size() / 2);
              }
              break;
            }
            case 2: line.pop_back(); break;  // no trailing separator
          }
          buffer += line;
          ++stats.bad_rows;
          if (physician) --stats.physician_rows;
        }
        buffer += '\n';
        if (buffer.size() > (4 << 20)) {
          std::fwrite(buffer.data(), 1, buffer.size(), out);
          buffer.clear();
        }
      }
    }
  }
  std::fwrite(buffer.data(), 1, buffer.size(), out);
  return stats;
}

}  // namespace meltingdoc::testing
