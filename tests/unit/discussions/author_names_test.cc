// The author-name cache in front of profiles: one batch per page, cached with a bounded size
// and an expiry, and pages served without names while profiles fails.
#include "services/discussions/author_names.h"

#include <gtest/gtest.h>

#include "absl/strings/str_cat.h"

namespace meltingdoc::discussions {
namespace {

class FakeSource : public AuthorNameSource {
 public:
  absl::StatusOr<absl::flat_hash_map<std::string, std::string>> Fetch(const std::vector<std::string>& ids,
                                                                      const std::string& authorization) override {
    ++calls;
    last_ids = ids;
    last_authorization = authorization;
    if (!fail.ok()) return fail;
    absl::flat_hash_map<std::string, std::string> out;
    for (const std::string& id : ids) {
      if (id.rfind("unknown", 0) != 0) out[id] = "Dr " + id;
    }
    return out;
  }
  int calls = 0;
  std::vector<std::string> last_ids;
  std::string last_authorization;
  absl::Status fail;
};

std::vector<std::string> Ids(int n, const std::string& prefix = "a") {
  std::vector<std::string> ids;
  for (int i = 0; i < n; ++i) ids.push_back(absl::StrCat(prefix, i));
  return ids;
}

TEST(AuthorNamesTest, OneBatchPerPageThenFromTheCache) {
  FakeSource source;
  FakeClock clock;
  AuthorNames names(&source, &clock);
  std::vector<std::string> page = Ids(50);
  page.push_back("a3");  // the same author twice on a page
  page.push_back("");    // a deleted account has no id
  page.push_back("unknown-1");
  auto got = names.Lookup(page, "Bearer t");
  EXPECT_EQ(source.calls, 1);
  EXPECT_EQ(source.last_ids.size(), 51u) << "each id once";
  EXPECT_EQ(source.last_authorization, "Bearer t");
  EXPECT_EQ(got.size(), 50u);
  EXPECT_EQ(got["a7"], "Dr a7");
  EXPECT_EQ(got.count("unknown-1"), 0u);
  got = names.Lookup(page, "Bearer t");
  EXPECT_EQ(source.calls, 1) << "second page of the same authors: no call";
  EXPECT_EQ(got.size(), 50u);
}

TEST(AuthorNamesTest, MoreThanABatchIsSplit) {
  FakeSource source;
  FakeClock clock;
  AuthorNames names(&source, &clock);
  EXPECT_EQ(names.Lookup(Ids(250), "").size(), 250u);
  EXPECT_EQ(source.calls, 3);
}

TEST(AuthorNamesTest, NamesExpire) {
  FakeSource source;
  FakeClock clock;
  AuthorNames names(&source, &clock, {.ttl = absl::Minutes(5)});
  names.Lookup(Ids(3), "");
  clock.Advance(absl::Minutes(4));
  names.Lookup(Ids(3), "");
  EXPECT_EQ(source.calls, 1);
  clock.Advance(absl::Minutes(2));
  names.Lookup(Ids(3), "");
  EXPECT_EQ(source.calls, 2);
}

TEST(AuthorNamesTest, TheCacheIsBounded) {
  FakeSource source;
  FakeClock clock;
  AuthorNames names(&source, &clock, {.max_entries = 100});
  for (int p = 0; p < 20; ++p) {
    names.Lookup(Ids(40, absl::StrCat("p", p, "-")), "");
    EXPECT_LE(names.cached(), 100u);
  }
}

TEST(AuthorNamesTest, ProfilesDownGivesNoNamesAndIsNotAskedForAWhile) {
  FakeSource source;
  FakeClock clock;
  AuthorNames names(&source, &clock, {.pause_after_failure = absl::Seconds(5)});
  names.Lookup({"a1"}, "");
  source.fail = absl::UnavailableError("profiles down");
  auto got = names.Lookup({"a1", "a2"}, "");
  EXPECT_EQ(got.size(), 1u) << "cached names still shown";
  EXPECT_EQ(got["a1"], "Dr a1");
  EXPECT_EQ(source.calls, 2);
  names.Lookup({"a2"}, "");
  EXPECT_EQ(source.calls, 2) << "paused after the failure";
  clock.Advance(absl::Seconds(6));
  source.fail = absl::OkStatus();
  EXPECT_EQ(names.Lookup({"a2"}, "")["a2"], "Dr a2");
  EXPECT_EQ(source.calls, 3);
}

TEST(AuthorNamesTest, NoSourceNoNames) {
  FakeClock clock;
  AuthorNames names(nullptr, &clock);
  EXPECT_TRUE(names.Lookup({"a1"}, "").empty());
}

}  // namespace
}  // namespace meltingdoc::discussions
