// A Redis cache in front of GetProfile and BatchGetProfiles that can never serve a stale
// profile: every read first asks PostgreSQL for the profile's *stamp* (version, connection
// count and the viewer's own relation to it — one indexed query, no JSON), and a cached
// profile is used only when its version is the stamp's. Every change that shows in a profile
// bumps its version in the same transaction (updates, endorsements, register refresh), and a
// deleted profile has no stamp, so there is nothing to invalidate and no race between a
// writer's commit and a reader's refill. What the cache saves is the expensive part of a
// read: the jsonb columns parsed into the message and the competences query.
//
// Redis unavailable or answering garbage: the read goes to PostgreSQL, as without a cache.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "absl/time/time.h"
#include "libs/redis/redis_client.h"
#include "services/profiles/profiles_store.h"

namespace meltingdoc::profiles {

// Redis key of a cached profile (the serialized v1::Profile, viewer-independent parts only).
std::string ProfileCacheKey(const std::string& profile_id);

// A ProfilesStore that answers GetProfile/BatchGetProfiles from Redis when the cached copy is
// current, and forwards everything else to `inner`. `stamps` is usually the same object as
// `inner` (PgProfilesStore implements both).
class CachedProfilesStore final : public ProfilesStore {
 public:
  CachedProfilesStore(ProfilesStore* inner, ProfileStamps* stamps, redis::RedisClient* redis,
                      absl::Duration ttl = absl::Minutes(30))
      : inner_(inner), stamps_(stamps), redis_(redis), ttl_(ttl) {}

  absl::StatusOr<ProfileRead> GetProfile(const std::string& profile_id, const std::string& viewer_id) override;
  absl::StatusOr<std::vector<v1::Profile>> BatchGetProfiles(const std::vector<std::string>& profile_ids) override;

  absl::StatusOr<v1::Profile> UpdateProfile(const std::string& profile_id, int64_t expected_version,
                                            const ValidatedUpdate& update) override {
    return inner_->UpdateProfile(profile_id, expected_version, update);
  }
  absl::StatusOr<ExportPage> ExportProfiles(const std::string& after_profile_id, int limit) override {
    return inner_->ExportProfiles(after_profile_id, limit);
  }
  absl::StatusOr<Taxonomy> LoadTaxonomy() override { return inner_->LoadTaxonomy(); }
  absl::StatusOr<std::vector<CommuneCandidate>> FindCommunes(const std::string& postcode) override {
    return inner_->FindCommunes(postcode);
  }
  absl::Status RequestConnection(const std::string& me, const std::string& other,
                                 const std::string& message) override {
    return inner_->RequestConnection(me, other, message);
  }
  absl::Status RespondToConnection(const std::string& me, const std::string& requester, bool accept) override {
    return inner_->RespondToConnection(me, requester, accept);
  }
  absl::Status WithdrawConnectionRequest(const std::string& me, const std::string& addressee) override {
    return inner_->WithdrawConnectionRequest(me, addressee);
  }
  absl::Status RemoveConnection(const std::string& me, const std::string& other) override {
    return inner_->RemoveConnection(me, other);
  }
  absl::StatusOr<ConnectionsPage> ListConnections(const std::string& me, const ListCursor& after,
                                                  int limit) override {
    return inner_->ListConnections(me, after, limit);
  }
  absl::StatusOr<RequestsPage> ListConnectionRequests(const std::string& me, bool sent, const ListCursor& after,
                                                      int limit) override {
    return inner_->ListConnectionRequests(me, sent, after, limit);
  }
  absl::StatusOr<std::vector<v1::Suggestion>> SuggestColleagues(const std::string& me, int limit) override {
    return inner_->SuggestColleagues(me, limit);
  }
  absl::StatusOr<int32_t> Endorse(const std::string& me, const std::string& profile_id,
                                  const std::string& competence_key) override {
    return inner_->Endorse(me, profile_id, competence_key);
  }
  absl::StatusOr<int32_t> RetractEndorsement(const std::string& me, const std::string& profile_id,
                                             const std::string& competence_key) override {
    return inner_->RetractEndorsement(me, profile_id, competence_key);
  }

 private:
  // Cached profiles by id (absent: miss). Never fails: Redis trouble is a miss.
  std::vector<std::unique_ptr<v1::Profile>> Fetch(const std::vector<std::string>& ids);
  // Best effort; the viewer-dependent fields are cleared before caching.
  void Store(const std::vector<const v1::Profile*>& profiles);

  ProfilesStore* const inner_;
  ProfileStamps* const stamps_;
  redis::RedisClient* const redis_;
  const absl::Duration ttl_;
};

}  // namespace meltingdoc::profiles
