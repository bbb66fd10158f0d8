// ProfilesStore over PostgreSQL (schema profiles). All of the service's SQL is here and in
// pg_network_store.cc.
#pragma once

#include "libs/common/clock.h"
#include "libs/pg/pool.h"
#include "services/profiles/profiles_store.h"
#include "services/profiles/snapshot.h"

namespace meltingdoc::profiles {

class PgProfilesStore final : public ProfilesStore, public ProfileStamps {
 public:
  explicit PgProfilesStore(pg::Pool* pool, const Clock* clock = &Clock::Real()) : pool_(pool), clock_(clock) {}

  absl::StatusOr<ProfileRead> GetProfile(const std::string& profile_id, const std::string& viewer_id) override;
  absl::StatusOr<std::vector<v1::Profile>> BatchGetProfiles(const std::vector<std::string>& profile_ids) override;
  absl::StatusOr<v1::Profile> UpdateProfile(const std::string& profile_id, int64_t expected_version,
                                            const ValidatedUpdate& update) override;
  absl::StatusOr<ExportPage> ExportProfiles(const std::string& after_profile_id, int limit) override;
  absl::StatusOr<Taxonomy> LoadTaxonomy() override;
  absl::StatusOr<std::vector<CommuneCandidate>> FindCommunes(const std::string& postcode) override;

  absl::Status RequestConnection(const std::string& me, const std::string& other,
                                 const std::string& message) override;
  absl::Status RespondToConnection(const std::string& me, const std::string& requester, bool accept) override;
  absl::Status WithdrawConnectionRequest(const std::string& me, const std::string& addressee) override;
  absl::Status RemoveConnection(const std::string& me, const std::string& other) override;
  absl::StatusOr<ConnectionsPage> ListConnections(const std::string& me, const ListCursor& after,
                                                  int limit) override;
  absl::StatusOr<RequestsPage> ListConnectionRequests(const std::string& me, bool sent, const ListCursor& after,
                                                      int limit) override;
  absl::StatusOr<std::vector<v1::Suggestion>> SuggestColleagues(const std::string& me, int limit) override;
  absl::StatusOr<int32_t> Endorse(const std::string& me, const std::string& profile_id,
                                  const std::string& competence_key) override;
  absl::StatusOr<int32_t> RetractEndorsement(const std::string& me, const std::string& profile_id,
                                             const std::string& competence_key) override;

  absl::StatusOr<std::vector<ProfileStamp>> GetProfileStamps(const std::vector<std::string>& profile_ids,
                                                             const std::string& viewer_id) override;

  // The StreamConsumer handler for identity's stream (meltingdoc.identity): AccountVerified
  // creates or refreshes the profile, AccountDeleted removes everything of the account. Runs
  // in the consumer's transaction; older aggregate versions than the one applied are ignored.
  absl::Status ApplyIdentityEvent(pqxx::transaction_base& txn, const events::v1::Event& event);

  // Makes `specialties` (and the savoir-faire of type S) equal to the suite's one list,
  // libs/taxonomy (TRE_R38): adds missing codes, corrects labels and canonical codes, and
  // republishes the snapshots of the profiles whose specialty changed. Run at start-up before
  // serving; a no-op when nothing differs. Never deletes (profiles reference the codes): a code
  // in the table but not in the list is logged.
  absl::Status SyncSpecialties();

 private:
  pg::Pool* const pool_;
  const Clock* const clock_;
};

// --- Shared by pg_profiles_store.cc and pg_network_store.cc (SQL helpers). ---
namespace pgstore {
// NOT_FOUND when absent. viewer_id may be empty.
absl::StatusOr<v1::Profile> LoadProfile(pqxx::transaction_base& txn, const std::string& profile_id,
                                        const std::string& viewer_id);
// version + 1, updated_at = now(), then a ProfileChanged event with the new snapshot. The row
// must exist; it is locked by the UPDATE before the event is appended.
absl::Status BumpAndPublish(pqxx::transaction_base& txn, const std::string& profile_id, const Clock& clock);
// Appends a ProfileChanged event for the profile as it is now in `txn`.
absl::Status PublishSnapshot(pqxx::transaction_base& txn, const v1::Profile& profile, const Clock& clock);
absl::StatusOr<events::v1::ProfileChanged> Snapshot(pqxx::transaction_base& txn, const v1::Profile& profile);
}  // namespace pgstore

}  // namespace meltingdoc::profiles
