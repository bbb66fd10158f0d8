#include "services/search/suggest_index.h"

#include <gtest/gtest.h>

namespace meltingdoc::search {
namespace {

std::vector<std::string> Texts(const std::vector<v1::Suggestion>& s) {
  std::vector<std::string> out;
  for (const v1::Suggestion& x : s) out.push_back(x.text());
  return out;
}

SuggestIndex Sample() {
  SuggestIndex i;
  i.Add({"competence", "fertilite et amp", "Fertilité et AMP", "gyn-fertilite", ""});
  i.Add({"competence", "pma", "PMA", "gyn-fertilite", "Fertilité et AMP"});
  i.Add({"specialty", "gynecologie medicale", "Gynécologie médicale", "gyn-med", ""});
  i.Add({"doctor", "marie gyneau", "Marie Gyneau", "11111111-1111-1111-1111-111111111111", "ORL"});
  i.Add({"commune", "saint etienne", "Saint-Étienne", "saint etienne", "Loire"});
  i.Add({"doctor", "jean martin", "Jean Martin", "22222222-2222-2222-2222-222222222222", ""});
  i.Add({"doctor", "anne martineau", "Anne Martineau", "33333333-3333-3333-3333-333333333333", ""});
  return i;
}

TEST(SuggestIndex, PrefixesThenLaterWordsOrderedByKindThenLength) {
  const SuggestIndex i = Sample();
  // Specialty before doctor, both starting the key.
  EXPECT_EQ(Texts(i.Suggest("gyn", 10, {})),
            (std::vector<std::string>{"Gynécologie médicale", "Marie Gyneau"}));
  // "amp" starts a later word only; "pma" a key.
  EXPECT_EQ(Texts(i.Suggest("amp", 10, {})), (std::vector<std::string>{"Fertilité et AMP"}));
  EXPECT_EQ(Texts(i.Suggest("pma", 10, {})), (std::vector<std::string>{"PMA"}));
  EXPECT_EQ(i.Suggest("pma", 10, {})[0].detail(), "Fertilité et AMP");
  EXPECT_EQ(i.Suggest("pma", 10, {})[0].value(), "gyn-fertilite");
  // Later words only from 3 characters: "ma" starts "marie" (a key) but not "martin".
  EXPECT_EQ(Texts(i.Suggest("ma", 10, {})), (std::vector<std::string>{"Marie Gyneau"}));
  // Shorter keys first within a kind and rank.
  EXPECT_EQ(Texts(i.Suggest("mar", 10, {})),
            (std::vector<std::string>{"Marie Gyneau", "Jean Martin", "Anne Martineau"}));
  EXPECT_EQ(Texts(i.Suggest("mar", 2, {})),
            (std::vector<std::string>{"Marie Gyneau", "Jean Martin"}));
  EXPECT_EQ(Texts(i.Suggest("saint e", 10, {})), (std::vector<std::string>{"Saint-Étienne"}));
  EXPECT_EQ(Texts(i.Suggest("gyn", 10, {"doctor"})), (std::vector<std::string>{"Marie Gyneau"}));
  EXPECT_TRUE(i.Suggest("zzz", 10, {}).empty());
}

TEST(SuggestIndex, ADoctorsEntriesAreReplacedAndRemoved) {
  SuggestIndex i = Sample();
  const std::string id = "22222222-2222-2222-2222-222222222222";
  i.RemoveValue("doctor", id);
  EXPECT_EQ(Texts(i.Suggest("mar", 10, {})),
            (std::vector<std::string>{"Marie Gyneau", "Anne Martineau"}));
  i.Add({"doctor", "jean marchand", "Jean Marchand", id, ""});
  EXPECT_EQ(Texts(i.Suggest("marc", 10, {})), (std::vector<std::string>{"Jean Marchand"}));
  // Adding the same row again changes nothing.
  const size_t n = i.size();
  i.Add({"doctor", "jean marchand", "Jean Marchand", id, ""});
  EXPECT_EQ(i.size(), n);
}

}  // namespace
}  // namespace meltingdoc::search
