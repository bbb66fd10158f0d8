// The patient-data guard, category by category: what must be reported (with exact code-point
// offsets and a French suggestion) and the medical language that must pass.
#include <algorithm>
#include <string>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "services/discussions/iban.h"
#include "libs/text/utf8.h"
#include "services/discussions/nir.h"
#include "services/discussions/phi_guard.h"

namespace meltingdoc::discussions {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;

// The text of a finding, cut by code points (as a client would).
std::string Cut(const std::string& text, const PhiFinding& f) {
  std::string out;
  int32_t cp = -1;
  for (unsigned char c : text) {
    if (text::StartsCodePoint(static_cast<char>(c))) ++cp;
    if (cp >= f.start && cp < f.end) out += static_cast<char>(c);
  }
  return out;
}

// "CATEGORY:text" for every finding.
std::vector<std::string> Found(const std::string& text) {
  std::vector<std::string> out;
  for (const PhiFinding& f : FindPatientData(text)) {
    out.push_back(std::string(PhiCategoryName(f.category)) + ":" + Cut(text, f));
  }
  return out;
}

// ---- NIR key math ----

// A key (1..97) as the two digits written in a NIR.
std::string TwoDigits(int v) {
  return std::string(1, static_cast<char>('0' + v / 10)) + static_cast<char>('0' + v % 10);
}

TEST(NirTest, KeyIs97MinusBodyMod97) {
  // 1 57 03 75 123 456: 1570375123456 mod 97 = 4 -> key 93
  EXPECT_EQ(NirKey("1570375123456"), 97 - static_cast<int>(1570375123456ULL % 97));
  EXPECT_TRUE(IsValidNir("1570375123456" + std::to_string(97 - static_cast<int>(1570375123456ULL % 97))));
}

TEST(NirTest, CorsicaCountsAs19And18) {
  // 2A -> 19, 2B -> 18 for the computation.
  const int key_2a = 97 - static_cast<int>(1570319123456ULL % 97);
  const int key_2b = 97 - static_cast<int>(1570318123456ULL % 97);
  EXPECT_EQ(NirKey("157032A123456"), key_2a);
  EXPECT_EQ(NirKey("157032B123456"), key_2b);
  EXPECT_NE(key_2a, key_2b);
  const std::string buf = TwoDigits(key_2a);
  EXPECT_TRUE(IsValidNir("157032A123456" + buf));
  EXPECT_FALSE(IsValidNir("157032B123456" + buf));  // the 2A key is wrong for 2B
}

TEST(NirTest, WrongKeyOrImpossibleFieldsAreNotNirs) {
  const int key = *NirKey("1570375123456");
  const std::string good = TwoDigits(key);
  const std::string bad = TwoDigits(key % 97 + 1);
  EXPECT_FALSE(IsValidNir("1570375123456" + bad));
  EXPECT_FALSE(IsValidNir("5570375123456" + good));  // sex digit 5
  EXPECT_FALSE(NirKey("15703751234").has_value());                 // too short
  EXPECT_FALSE(NirKey("1570375A23456").has_value());               // letter outside 2A/2B
  EXPECT_FALSE(NirKey("157033A123456").has_value());               // 3A is not a department
}

// Builds a spaced NIR with its right key.
std::string SpacedNir(const std::string& body13) {
  const std::string key = TwoDigits(*NirKey(body13));
  return body13.substr(0, 1) + " " + body13.substr(1, 2) + " " + body13.substr(3, 2) + " " + body13.substr(5, 2) +
         " " + body13.substr(7, 3) + " " + body13.substr(10, 3) + " " + key;
}

TEST(PhiGuardNirTest, SpacedCompactAndCorsicanNirsAreFound) {
  const std::string spaced = SpacedNir("2570375123456");
  EXPECT_THAT(Found("NIR " + spaced + " à retirer."), ElementsAre("NIR:" + spaced));
  std::string compact = spaced;
  compact.erase(std::remove(compact.begin(), compact.end(), ' '), compact.end());
  EXPECT_THAT(Found("Carte vitale " + compact + "."), ElementsAre("NIR:" + compact));
  const std::string corsica_a = SpacedNir("185092A012345");
  const std::string corsica_b = SpacedNir("185092B012345");
  EXPECT_THAT(Found("Né en Corse du Sud, " + corsica_a + "."), ElementsAre("NIR:" + corsica_a));
  EXPECT_THAT(Found("Haute-Corse : " + corsica_b), ElementsAre("NIR:" + corsica_b));
}

TEST(PhiGuardNirTest, FifteenDigitsWithAWrongKeyAreNotReported) {
  const int key = *NirKey("1570375123456");
  const std::string bad = TwoDigits(key % 97 + 1);
  EXPECT_THAT(Found("Lot 1570375123456" + bad + " du vaccin."), IsEmpty());
  // Longer numbers are not cut into a NIR either.
  const std::string good = TwoDigits(key);
  EXPECT_THAT(Found("Réf 91570375123456" + good + "7."), IsEmpty());
}

TEST(PhiGuardNirTest, ThirteenCharactersOnlyAfterANirCue) {
  EXPECT_THAT(Found("N° de sécurité sociale 1 57 03 75 123 456, clé illisible."),
              ElementsAre("NIR:1 57 03 75 123 456"));
  EXPECT_THAT(Found("Réf. 1 57 03 75 123 456 du lot."), IsEmpty());
}

// ---- phones ----

TEST(PhiGuardPhoneTest, FrenchFormats) {
  for (const std::string phone : {"06 12 34 56 78", "06.12.34.56.78", "06-12-34-56-78", "0612345678",
                                   "+33 6 12 34 56 78", "+33 (0)6 12 34 56 78", "0033 6 12 34 56 78",
                                   "+33612345678", "01 45 67 89 10", "0 800 123 456"}) {
    EXPECT_THAT(Found("Joindre la fille au " + phone + " le soir."), ElementsAre("PHONE:" + phone)) << phone;
  }
}

TEST(PhiGuardPhoneTest, NumbersInClinicalTextAreNotPhones) {
  EXPECT_THAT(Found("Plaquettes 150 000/mm³, leucocytes 12 000, CRP 0,5 mg/L."), IsEmpty());
  EXPECT_THAT(Found("Paliers à 0 5 10 15 20 25 mg."), IsEmpty());
  EXPECT_THAT(Found("RPPS 10003456789, FINESS 750712184."), IsEmpty());
  EXPECT_THAT(Found("Lot 061234567891."), IsEmpty());  // 12 digits
}

// ---- e-mail and IBAN ----

TEST(PhiGuardEmailTest, AddressesAreFoundWithoutTheFullStop) {
  EXPECT_THAT(Found("Écrire à marie.durand@orange.fr."), ElementsAre("EMAIL:marie.durand@orange.fr"));
  EXPECT_THAT(Found("contact: j_dupont+sante@mail.example.org, merci"),
              ElementsAre("EMAIL:j_dupont+sante@mail.example.org"));
  EXPECT_THAT(Found("Le @ de la messagerie et l'adresse a@b ne sont pas des e-mails."), IsEmpty());
}

// Found by the phi_guard fuzzer: two e-mail matches sharing "c.fr" were reported as two
// overlapping findings; the writer must see one highlight covering both.
TEST(PhiGuardEmailTest, OverlappingMatchesBecomeOneFinding) {
  EXPECT_THAT(Found("écrire à a.b@c.fr@d.fr merci"), ElementsAre("EMAIL:a.b@c.fr@d.fr"));
}

TEST(PhiGuardIbanTest, ChecksumValidatedIbans) {
  EXPECT_TRUE(IsValidIban("FR7630006000011234567890189"));
  EXPECT_FALSE(IsValidIban("FR7630006000011234567890188"));
  EXPECT_TRUE(IsValidIban("DE89370400440532013000"));
  EXPECT_THAT(Found("IBAN FR76 3000 6000 0112 3456 7890 189 merci"),
              ElementsAre("IBAN:FR76 3000 6000 0112 3456 7890 189"));
  EXPECT_THAT(Found("IBAN FR7630006000011234567890189."), ElementsAre("IBAN:FR7630006000011234567890189"));
  EXPECT_THAT(Found("Compte DE89 3704 0044 0532 0130 00 en Allemagne"),
              ElementsAre("IBAN:DE89 3704 0044 0532 0130 00"));
  EXPECT_THAT(Found("IBAN FR76 3000 6000 0112 3456 7890 188 (faux)"), IsEmpty());
}

// ---- dates ----

TEST(PhiGuardDateTest, DatesOfBirthAfterTheirCues) {
  EXPECT_THAT(Found("Patiente née le 12/03/1957, HTA."), ElementsAre("BIRTH_DATE:12/03/1957"));
  EXPECT_THAT(Found("Né(e) le 1er mars 1948"), ElementsAre("BIRTH_DATE:1er mars 1948"));
  EXPECT_THAT(Found("DDN : 05.11.62 ; G2P1"), ElementsAre("BIRTH_DATE:05.11.62"));
  EXPECT_THAT(Found("Date de naissance 3 août 1975."), ElementsAre("BIRTH_DATE:3 août 1975"));
  EXPECT_THAT(Found("Garçon né en mars 2015."), ElementsAre("BIRTH_DATE:mars 2015"));
  EXPECT_THAT(Found("Née le 12/03, fête son anniversaire."), ElementsAre("BIRTH_DATE:12/03"));
}

TEST(PhiGuardDateTest, AgesAndYearsAlonePass) {
  EXPECT_THAT(Found("Patiente de 54 ans, née en 1957, ménopausée en 2008."), IsEmpty());
  EXPECT_THAT(Found("Né à terme, Apgar 10/10, poids 3 450 g."), IsEmpty());
  EXPECT_THAT(Found("Le 3e trimestre, à J3 puis à S6, en mars dernier."), IsEmpty());
  EXPECT_THAT(Found("Hospitalisée en 2022 pour une pyélonéphrite."), IsEmpty());
}

TEST(PhiGuardDateTest, FullDatesAfterEventCues) {
  EXPECT_THAT(Found("Décédée le 15/06/2023 à domicile."), ElementsAre("IDENTIFYING_DATE:15/06/2023"));
  EXPECT_THAT(Found("Hospitalisé du 02/01/2024 au 09/01/2024."),
              ElementsAre("IDENTIFYING_DATE:02/01/2024", "IDENTIFYING_DATE:09/01/2024"));
  EXPECT_THAT(Found("Admise aux urgences le 3 mars 2024."), ElementsAre("IDENTIFYING_DATE:3 mars 2024"));
}

// ---- names ----

TEST(PhiGuardNameTest, NamesAfterCivilities) {
  EXPECT_THAT(Found("Mme Durand a 67 ans."), ElementsAre("PATIENT_NAME:Mme Durand"));
  EXPECT_THAT(Found("J'ai vu M. Jean Martin."), ElementsAre("PATIENT_NAME:M. Jean Martin"));
  EXPECT_THAT(Found("Mlle Rousseau, 19 ans"), ElementsAre("PATIENT_NAME:Mlle Rousseau"));
  EXPECT_THAT(Found("Madame Le Goff refuse."), ElementsAre("PATIENT_NAME:Madame Le Goff"));
  EXPECT_THAT(Found("Monsieur DUPUY est sorti."), ElementsAre("PATIENT_NAME:Monsieur DUPUY"));
  EXPECT_THAT(Found("Mme B. Chevalier"), ElementsAre("PATIENT_NAME:Mme B. Chevalier"));
  EXPECT_THAT(Found("M. de Villiers"), ElementsAre("PATIENT_NAME:M. de Villiers"));
}

TEST(PhiGuardNameTest, NamesAfterRolesAndInitials) {
  EXPECT_THAT(Found("Le patient Dupont présente une récidive."), ElementsAre("PATIENT_NAME:Dupont"));
  EXPECT_THAT(Found("Sa fille Julie est présente."), ElementsAre("PATIENT_NAME:Julie"));
  EXPECT_THAT(Found("Une patiente prénommée Chloé."), ElementsAre("PATIENT_NAME:Chloé"));
  EXPECT_THAT(Found("Chez J. Martin, rien."), ElementsAre("PATIENT_NAME:J. Martin"));
  EXPECT_THAT(Found("Adressé pour J.-P. Durand."), ElementsAre("PATIENT_NAME:J.-P. Durand"));
  EXPECT_THAT(Found("Patiente née Marchand."), ElementsAre("PATIENT_NAME:Marchand"));
}

TEST(PhiGuardNameTest, DoctorsEponymsAndAnonymizedFormsPass) {
  EXPECT_THAT(Found("Le Dr House aurait fait une biopsie ; avis du Pr Martin et du Docteur Durand."), IsEmpty());
  EXPECT_THAT(Found("Maladie de Crohn, syndrome de Guillain-Barré, signe de Murphy, Parkinson."), IsEmpty());
  EXPECT_THAT(Found("Mme X, 67 ans ; Mme D., 45 ans ; Madame, 38 ans."), IsEmpty());
  EXPECT_THAT(Found("Le patient VIH positif ; la patiente Covid ; le patient Parkinsonien."), IsEmpty());
  EXPECT_THAT(Found("Carence en vitamine D. Le bilan est normal. Hépatite B. Puis rémission."), IsEmpty());
  EXPECT_THAT(Found("Étude de Martin et al. en 2019."), IsEmpty());
}

TEST(PhiGuardNameTest, SuggestionFollowsTheGenderOfTheCue) {
  const std::vector<PhiFinding> f = FindPatientData("Mme Durand et M. Martin");
  ASSERT_EQ(f.size(), 2u);
  EXPECT_THAT(f[0].suggestion, HasSubstr("« la patiente »"));
  EXPECT_THAT(f[1].suggestion, HasSubstr("« le patient »"));
}

// ---- addresses and record numbers ----

TEST(PhiGuardAddressTest, NumberStreetTypeAndName) {
  EXPECT_THAT(Found("Elle habite 12 rue de la République, 69002 Lyon."),
              ElementsAre("ADDRESS:12 rue de la République, 69002 Lyon"));
  EXPECT_THAT(Found("Au 3 bis avenue Jean Jaurès."), ElementsAre("ADDRESS:3 bis avenue Jean Jaurès"));
  EXPECT_THAT(Found("Domicilié rue Lepic, à Paris."), ElementsAre("ADDRESS:rue Lepic"));
  EXPECT_THAT(Found("Il habite au 3e étage ; 2 voies veineuses ; 1 place en EHPAD ; vit à Lyon."), IsEmpty());
}

TEST(PhiGuardRecordTest, IdentifiersAfterCues) {
  EXPECT_THAT(Found("IPP : 80012345."), ElementsAre("RECORD_NUMBER:80012345"));
  EXPECT_THAT(Found("Dossier n° 2023-12345 aux archives."), ElementsAre("RECORD_NUMBER:2023-12345"));
  EXPECT_THAT(Found("N° de séjour : 800 123 456"), ElementsAre("RECORD_NUMBER:800 123 456"));
  EXPECT_THAT(Found("Sous IPP 20 mg, puis IPP 40 mg x 2."), IsEmpty());
}

TEST(PhiGuardRecordTest, RoomNumbersOnlyWithAName) {
  EXPECT_THAT(Found("Mme Guérin, chambre 12, confuse."),
              ElementsAre("PATIENT_NAME:Mme Guérin", "RECORD_NUMBER:chambre 12"));
  EXPECT_THAT(Found("La patiente de la chambre 12 est confuse."), IsEmpty());
  EXPECT_THAT(Found("Mme Guérin est confuse. La chambre 12 est libre."), ElementsAre("PATIENT_NAME:Mme Guérin"));
}

// ---- offsets ----

TEST(PhiGuardOffsetsTest, OffsetsAreCodePointsInAccentedText) {
  const std::string text = "Évolution défavorable chez Mme Lefèvre, née le 12/03/1957 à Évreux.";
  const std::vector<PhiFinding> f = FindPatientData(text);
  ASSERT_EQ(f.size(), 2u);
  // "Évolution défavorable chez " is 27 code points (31 bytes).
  EXPECT_EQ(f[0].category, PhiCategory::kPatientName);
  EXPECT_EQ(f[0].start, 27);
  EXPECT_EQ(f[0].end, 27 + 11);  // "Mme Lefèvre"
  EXPECT_EQ(f[1].category, PhiCategory::kBirthDate);
  EXPECT_EQ(f[1].start, 47);
  EXPECT_EQ(f[1].end, 57);
  EXPECT_EQ(Cut(text, f[1]), "12/03/1957");
}

TEST(PhiGuardOffsetsTest, FourByteCharactersCountOnce) {
  const std::string text = "🙂🙂 Mme Durand";
  const std::vector<PhiFinding> f = FindPatientData(text);
  ASSERT_EQ(f.size(), 1u);
  EXPECT_EQ(f[0].start, 3);
  EXPECT_EQ(f[0].end, 13);
}

TEST(PhiGuardTest, EveryFindingHasAFrenchSuggestionAndOrder) {
  const std::string text =
      "Mme Durand, née le 12/03/1957, tél 06 12 34 56 78, marie@orange.fr, 12 rue de la Paix, IPP 80012345.";
  const std::vector<PhiFinding> f = FindPatientData(text);
  ASSERT_EQ(f.size(), 6u);
  for (size_t i = 0; i < f.size(); ++i) {
    EXPECT_FALSE(f[i].suggestion.empty());
    if (i > 0) {
      EXPECT_LE(f[i - 1].end, f[i].start);
    }
  }
}

TEST(PhiGuardTest, EmptyAndOddInputIsSafe) {
  EXPECT_THAT(FindPatientData(""), IsEmpty());
  EXPECT_THAT(FindPatientData(std::string("\xC3", 1)), IsEmpty());
  EXPECT_THAT(FindPatientData("Mme"), IsEmpty());
  EXPECT_THAT(FindPatientData("né le"), IsEmpty());
  EXPECT_THAT(FindPatientData("+33"), IsEmpty());
  std::string zeros(100000, '0');
  EXPECT_THAT(FindPatientData(zeros), IsEmpty());
}

}  // namespace
}  // namespace meltingdoc::discussions
