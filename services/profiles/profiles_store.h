// Everything the profiles service keeps, behind an interface so that handler logic can be
// unit-tested with a fake; the real one is PgProfilesStore (all SQL in pg_*_store.cc).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "meltingdoc/events/v1/event.pb.h"
#include "meltingdoc/profiles/v1/profiles_service.pb.h"
#include "services/profiles/geocoding.h"
#include "services/profiles/profile_validation.h"
#include "services/profiles/taxonomy.h"

namespace meltingdoc::profiles {

struct ProfileRead {
  v1::Profile profile;  // contact included: the handler decides who sees it
  bool viewer_is_connection = false;
};

struct ExportPage {
  std::vector<events::v1::ProfileChanged> profiles;
  std::string last_profile_id;  // empty when the page was the last
};

// A position in a list ordered by (time DESC, profile id ASC), for keyset pages.
struct ListCursor {
  bool set = false;
  int64_t micros = 0;
  std::string profile_id;
};

struct ConnectionsPage {
  std::vector<v1::Connection> connections;
  ListCursor next;  // set when there may be more
};

struct RequestsPage {
  std::vector<v1::ConnectionRequest> requests;
  ListCursor next;
};

// What a profile read depends on beyond its version: the live counts and the viewer's own
// relation to the profile. Cheap to read (no JSON, no competences), so that a cached copy can
// be checked on every read (profile_cache.h).
struct ProfileStamp {
  std::string profile_id;
  int64_t version = 0;
  int32_t connection_count = 0;
  bool viewer_is_connection = false;
  // Keys of the competences the viewer endorsed.
  std::vector<std::string> endorsed_keys;
};

class ProfileStamps {
 public:
  virtual ~ProfileStamps() = default;
  // The stamps of the profiles that exist among `profile_ids` (validated UUIDs), any order.
  // `viewer_id` may be empty.
  virtual absl::StatusOr<std::vector<ProfileStamp>> GetProfileStamps(const std::vector<std::string>& profile_ids,
                                                                     const std::string& viewer_id) = 0;
};

class ProfilesStore {
 public:
  virtual ~ProfilesStore() = default;

  // --- Profiles ---
  // NOT_FOUND when there is no such profile. `viewer_id` (may be empty) decides
  // Competence.endorsed_by_caller and viewer_is_connection.
  virtual absl::StatusOr<ProfileRead> GetProfile(const std::string& profile_id,
                                                 const std::string& viewer_id) = 0;
  // The profiles that exist among `profile_ids` (validated UUIDs), in that order.
  virtual absl::StatusOr<std::vector<v1::Profile>> BatchGetProfiles(
      const std::vector<std::string>& profile_ids) = 0;
  // Applies the masked fields in one transaction with a version bump and a ProfileChanged
  // event; ABORTED when expected_version (if > 0) is not the current version.
  virtual absl::StatusOr<v1::Profile> UpdateProfile(const std::string& profile_id, int64_t expected_version,
                                                    const ValidatedUpdate& update) = 0;
  // Profiles with id > after_profile_id, by id.
  virtual absl::StatusOr<ExportPage> ExportProfiles(const std::string& after_profile_id, int limit) = 0;

  // --- Reference data ---
  virtual absl::StatusOr<Taxonomy> LoadTaxonomy() = 0;
  // The communes a postcode serves (one row per commune and La Poste name).
  virtual absl::StatusOr<std::vector<CommuneCandidate>> FindCommunes(const std::string& postcode) = 0;

  // --- Network (all ids are validated UUIDs; `me` is the caller) ---
  virtual absl::Status RequestConnection(const std::string& me, const std::string& other,
                                         const std::string& message) = 0;
  virtual absl::Status RespondToConnection(const std::string& me, const std::string& requester,
                                           bool accept) = 0;
  virtual absl::Status WithdrawConnectionRequest(const std::string& me, const std::string& addressee) = 0;
  virtual absl::Status RemoveConnection(const std::string& me, const std::string& other) = 0;
  virtual absl::StatusOr<ConnectionsPage> ListConnections(const std::string& me, const ListCursor& after,
                                                          int limit) = 0;
  virtual absl::StatusOr<RequestsPage> ListConnectionRequests(const std::string& me, bool sent,
                                                              const ListCursor& after, int limit) = 0;
  virtual absl::StatusOr<std::vector<v1::Suggestion>> SuggestColleagues(const std::string& me, int limit) = 0;
  // Returns the competence's endorsement count after the change.
  virtual absl::StatusOr<int32_t> Endorse(const std::string& me, const std::string& profile_id,
                                          const std::string& competence_key) = 0;
  virtual absl::StatusOr<int32_t> RetractEndorsement(const std::string& me, const std::string& profile_id,
                                                     const std::string& competence_key) = 0;
};

}  // namespace meltingdoc::profiles
