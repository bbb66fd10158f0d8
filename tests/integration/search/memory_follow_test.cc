// The in-memory doctor index follows search.doctors, whoever writes it: a doctor changed by an
// event this process's indexer applies, one written by another instance (a transaction of its
// own, as a second consumer of the group would), a deletion, and Reindex's table switch each
// become visible to SearchDoctors and Suggest through a MemorySearchStore following on its own
// thread (every 50 ms here), within a bound. Also: until its first load, queries go to
// PostgreSQL.
#include <chrono>
#include <functional>

#include "tests/integration/search/search_fixture.h"
#include "services/search/pg_reindex_store.h"

namespace meltingdoc::search::testing {
namespace {

constexpr absl::Duration kBound = absl::Seconds(2);

class MemoryFollowTest : public SearchFixture {
 protected:
  void SetUp() override {
    SearchFixture::SetUp();
    if (IsSkipped() || HasFatalFailure()) return;
    follower_ = std::make_unique<MemorySearchStore>(
        pool_.get(), store_.get(), MemorySearchStoreOptions{.poll_interval = absl::Milliseconds(50)});
  }
  void TearDown() override {
    if (follower_) follower_->Stop();
    SearchFixture::TearDown();
  }

  std::vector<std::string> Found(const std::string& text) {
    DoctorQuery q;
    q.text = ParseQuery(text);
    absl::StatusOr<DoctorPage> page = follower_->SearchDoctors(q);
    EXPECT_TRUE(page.ok()) << page.status();
    std::vector<std::string> ids;
    if (page.ok()) {
      for (const auto& h : page->hits) ids.push_back(h.profile_id());
    }
    return ids;
  }
  std::vector<std::string> Suggested(const std::string& key) {
    absl::StatusOr<std::vector<v1::Suggestion>> s = follower_->Suggest(key, 10, {"doctor"});
    EXPECT_TRUE(s.ok()) << s.status();
    std::vector<std::string> values;
    if (s.ok()) {
      for (const auto& x : *s) values.push_back(x.value());
    }
    return values;
  }
  // Waits until `done` holds; the time it took, or fails after kBound.
  absl::Duration Within(const std::string& what, const std::function<bool()>& done) {
    const absl::Time start = absl::Now();
    while (!done()) {
      if (absl::Now() - start > kBound) {
        ADD_FAILURE() << what << ": not visible after " << kBound;
        return kBound;
      }
      absl::SleepFor(absl::Milliseconds(5));
    }
    const absl::Duration took = absl::Now() - start;
    std::printf("%s: visible after %.0f ms\n", what.c_str(), absl::ToDoubleMilliseconds(took));
    return took;
  }
  static bool Has(const std::vector<std::string>& v, const std::string& x) {
    return std::find(v.begin(), v.end(), x) != v.end();
  }

  std::unique_ptr<MemorySearchStore> follower_;
};

TEST_F(MemoryFollowTest, EventsOtherWritersDeletionsAndReindexBecomeVisible) {
  DoctorSpec first;
  first.family = "Quintavalle";
  PublishProfile(ProfileChanged(first, 1));
  Drain();
  // Not loaded yet: answered by PostgreSQL.
  EXPECT_FALSE(follower_->loaded());
  EXPECT_TRUE(Has(Found("quintavalle "), first.id));
  follower_->Start();
  Within("first load", [&] { return follower_->loaded(); });
  EXPECT_TRUE(Has(Found("quintavalle "), first.id));

  // Changed by an event the indexer applies: the old name goes, the new one comes.
  first.family = "Zerbinati";
  PublishProfile(ProfileChanged(first, 2));
  Drain();
  Within("changed by an event", [&] {
    return Has(Found("zerbinati "), first.id) && !Has(Found("quintavalle "), first.id) &&
           Has(Suggested("claire zerb"), first.id);
  });

  // Written by another instance: its own transaction, no event through this process.
  DoctorSpec other;
  other.family = "Ottaviani";
  ASSERT_TRUE(pool_->InTransaction([&](pqxx::transaction_base& txn) {
                     return ApplyEvent(txn, ProfileChanged(other, 1)).status();
                   }).ok());
  Within("written by another instance",
         [&] { return Has(Found("ottaviani "), other.id) && Has(Suggested("claire ott"), other.id); });

  // Deleted.
  PublishProfile(ProfileDeleted(first.id, 3));
  Drain();
  Within("deleted", [&] {
    return !Has(Found("zerbinati "), first.id) && !Has(Suggested("claire zerb"), first.id);
  });

  // Reindex: the tables are switched for copies built from an export (here: only `other`,
  // renamed); the follower loads everything again.
  PgReindexStore reindex(pool_.get());
  absl::StatusOr<std::string> owner = reindex.Begin();
  ASSERT_TRUE(owner.ok()) << owner.status();
  other.family = "Bellavista";
  ASSERT_TRUE(reindex.Apply(*owner, {ProfileChanged(other, 2)}, 1, 0).ok());
  ASSERT_TRUE(reindex.Switch(*owner).ok());
  Within("after Reindex's switch", [&] {
    return Has(Found("bellavista "), other.id) && !Has(Found("ottaviani "), other.id);
  });
  // The switched-in table stamps changes too (its trigger was copied).
  other.family = "Sorrentino";
  PublishProfile(ProfileChanged(other, 3));
  Drain();
  Within("changed after the switch", [&] { return Has(Found("sorrentino "), other.id); });
  EXPECT_EQ(follower_->doctor_count(), 1);
}

}  // namespace
}  // namespace meltingdoc::search::testing
