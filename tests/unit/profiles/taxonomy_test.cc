// The curated taxonomy as shipped (parsed from the embedded migration, exactly as the
// migration's SQL parses it) and the lookups built on it.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "absl/strings/match.h"
#include "absl/strings/str_replace.h"
#include "libs/pg/migrations.h"
#include "services/profiles/taxonomy.h"

const std::vector<meltingdoc::pg::Migration>& ProfilesMigrations();

namespace meltingdoc::profiles {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;
using ::testing::UnorderedElementsAre;

std::string MigrationSql(absl::string_view name) {
  for (const pg::Migration& m : ProfilesMigrations()) {
    if (m.name == name) return m.sql;
  }
  return "";
}

// The SM codes as the migration inserts them: ('SMxx', 'label', 'SMyy').
std::vector<SpecialtyEntry> ShippedSpecialties() {
  std::vector<SpecialtyEntry> list;
  const std::string sql = MigrationSql("0002_taxonomy");
  size_t pos = 0;
  while ((pos = sql.find("('SM", pos)) != std::string::npos) {
    const size_t end = sql.find("),\n", pos);
    const size_t end2 = sql.find(");\n", pos);
    const std::string row = sql.substr(pos + 1, std::min(end, end2) - pos - 1);
    SpecialtyEntry e;
    e.code = row.substr(1, 4);
    const size_t last_quote = row.rfind('\'');
    e.canonical_code = row.substr(last_quote - 4, 4);
    const size_t label_start = row.find('\'', 6) + 1;
    const size_t label_end = row.rfind("', '");
    e.label = absl::StrReplaceAll(row.substr(label_start, label_end - label_start), {{"''", "'"}});
    list.push_back(e);
    pos += 4;
  }
  return list;
}

class ShippedTaxonomyTest : public ::testing::Test {
 protected:
  void SetUp() override {
    specialties_ = ShippedSpecialties();
    absl::StatusOr<std::string> block = ExtractTaxonomyBlock(MigrationSql("0002_taxonomy"));
    ASSERT_TRUE(block.ok()) << block.status();
    absl::StatusOr<std::vector<CompetenceEntry>> entries = ParseTaxonomyBlock(*block);
    ASSERT_TRUE(entries.ok()) << entries.status();
    competences_ = *entries;
    taxonomy_ = Taxonomy(specialties_, competences_);
  }
  std::vector<SpecialtyEntry> specialties_;
  std::vector<CompetenceEntry> competences_;
  Taxonomy taxonomy_;
};

TEST_F(ShippedTaxonomyTest, HasEveryOrdinalSpecialtySm01ToSm95) {
  ASSERT_EQ(specialties_.size(), 95u);
  for (int i = 1; i <= 95; ++i) {
    const std::string code = (i < 10 ? "SM0" : "SM") + std::to_string(i);
    ASSERT_NE(taxonomy_.FindSpecialty(code), nullptr) << code;
  }
  EXPECT_EQ(taxonomy_.FindSpecialty("SM20")->label, "Gynécologie-obstétrique");
  EXPECT_EQ(taxonomy_.FindSpecialty("SM48")->label, "Rhumatologie");
  EXPECT_EQ(taxonomy_.FindSpecialty("SM59")->label, "Médecine d'urgence");
}

TEST_F(ShippedTaxonomyTest, GeneralPracticeCodesCountAsOneSpecialty) {
  EXPECT_EQ(taxonomy_.CanonicalSpecialty("SM26"), "SM54");
  EXPECT_EQ(taxonomy_.CanonicalSpecialty("SM53"), "SM54");
  EXPECT_EQ(taxonomy_.CanonicalSpecialty("SM54"), "SM54");
  EXPECT_EQ(taxonomy_.CanonicalSpecialty("SM20"), "SM20");
  EXPECT_THAT(taxonomy_.AlternateCodes("SM54"), ElementsAre("SM26", "SM53"));
  EXPECT_EQ(taxonomy_.CanonicalSpecialties().size(), 93u);
  for (const SpecialtyEntry* s : taxonomy_.CanonicalSpecialties()) {
    EXPECT_NE(s->code, "SM26");
    EXPECT_NE(s->code, "SM53");
  }
}

TEST_F(ShippedTaxonomyTest, IsSound) {
  // Every competence under a known canonical specialty, unique codes, no duplicate synonym
  // within a specialty, >= 20 specialties with >= 6 competences.
  EXPECT_THAT(CheckTaxonomy(specialties_, competences_, 20, 6), IsEmpty());
}

TEST_F(ShippedTaxonomyTest, IntegrityCheckCatchesBrokenData) {
  std::vector<CompetenceEntry> broken = competences_;
  broken.push_back({"go-obstetrique", "SM20", "Doublon", {}});               // duplicate code
  broken.push_back({"xx-orphan", "SM99", "Sans spécialité", {}});            // unknown specialty
  broken.push_back({"mg-alias", "SM26", "Alias", {}});                       // non-canonical
  broken.push_back({"go-autre", "SM20", "Autre", {"pma"}});                  // synonym twice in SM20
  const std::vector<std::string> problems = CheckTaxonomy(specialties_, broken, 20, 6);
  ASSERT_EQ(problems.size(), 4u) << ::testing::PrintToString(problems);
  EXPECT_TRUE(absl::StrContains(problems[0], "duplicate code"));
  EXPECT_TRUE(absl::StrContains(problems[1], "unknown specialty SM99"));
  EXPECT_TRUE(absl::StrContains(problems[2], "not canonical"));
  EXPECT_TRUE(absl::StrContains(problems[3], "already names go-fertilite-amp"));
  EXPECT_THAT(CheckTaxonomy(specialties_, competences_, 40, 6), ::testing::SizeIs(1));
}

TEST_F(ShippedTaxonomyTest, FindsCompetencesByWhatDoctorsType) {
  auto codes = [&](absl::string_view term) {
    std::vector<std::string> out;
    for (const CompetenceEntry* c : taxonomy_.FindByTerm(term)) out.push_back(c->code);
    return out;
  };
  EXPECT_THAT(codes("PMA"), ElementsAre("go-fertilite-amp"));
  EXPECT_THAT(codes("amp"), ElementsAre("go-fertilite-amp"));
  EXPECT_THAT(codes("FIV"), ElementsAre("go-fertilite-amp"));
  EXPECT_THAT(codes("fecondation in vitro"), ElementsAre("go-fertilite-amp"));
  EXPECT_THAT(codes("IVG"), ElementsAre("go-orthogenie"));
  EXPECT_THAT(codes("bpco"), ElementsAre("pneumo-bpco"));
  EXPECT_THAT(codes("SEP"), ElementsAre("neuro-sep"));
  EXPECT_THAT(codes("Sclérose en plaques"), ElementsAre("neuro-sep"));
  EXPECT_THAT(codes("TSA"), ElementsAre("pedopsy-tsa"));
  EXPECT_THAT(codes("cancer du sein"), UnorderedElementsAre("go-cancer-sein", "onco-sein"));
  EXPECT_THAT(codes("chirurgie de la main"), ElementsAre("ortho-main"));
  EXPECT_THAT(codes("homéopathie quantique"), IsEmpty());
  EXPECT_EQ(taxonomy_.FindCompetence("go-fertilite-amp")->label, "Fertilité et AMP");
  EXPECT_EQ(taxonomy_.FindCompetence("nope"), nullptr);
}

TEST(ParseTaxonomyBlockTest, RejectsMalformedLines) {
  EXPECT_FALSE(ParseTaxonomyBlock("SM20 | a-b | label\n").ok());
  absl::StatusOr<std::vector<CompetenceEntry>> ok = ParseTaxonomyBlock("\nSM20 | a-b | Label | x, , y \n\n");
  ASSERT_TRUE(ok.ok());
  ASSERT_EQ(ok->size(), 1u);
  EXPECT_THAT((*ok)[0].synonyms, ElementsAre("x", "y"));
}

}  // namespace
}  // namespace meltingdoc::profiles
