#include "services/profiles/profile_cache.h"

#include <algorithm>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "absl/strings/str_cat.h"
#include "libs/common/status_macros.h"

namespace meltingdoc::profiles {
namespace {

// SET of several keys with one expiry in one round trip (MSET has no expiry).
constexpr const char* kSetAllScript =
    "for i, key in ipairs(KEYS) do redis.call('SET', key, ARGV[i + 1], 'EX', ARGV[1]) end "
    "return #KEYS";

// Puts the stamp's live values on a cached copy.
void ApplyStamp(const ProfileStamp& stamp, v1::Profile* profile) {
  profile->set_connection_count(stamp.connection_count);
  const absl::flat_hash_set<std::string> endorsed(stamp.endorsed_keys.begin(), stamp.endorsed_keys.end());
  for (v1::Competence& c : *profile->mutable_competences()) c.set_endorsed_by_caller(endorsed.contains(c.key()));
}

}  // namespace

std::string ProfileCacheKey(const std::string& profile_id) {
  return absl::StrCat("meltingdoc:profiles:profile:", profile_id);
}

std::vector<std::unique_ptr<v1::Profile>> CachedProfilesStore::Fetch(const std::vector<std::string>& ids) {
  std::vector<std::unique_ptr<v1::Profile>> out(ids.size());
  if (ids.empty()) return out;
  std::vector<std::string> argv{"MGET"};
  for (const std::string& id : ids) argv.push_back(ProfileCacheKey(id));
  absl::StatusOr<redis::RedisReply> reply = redis_->Command(argv);
  if (!reply.ok() || reply->type != redis::RedisReply::Type::kArray || reply->elements.size() != ids.size()) {
    return out;
  }
  for (size_t i = 0; i < ids.size(); ++i) {
    const redis::RedisReply& e = reply->elements[i];
    if (e.type != redis::RedisReply::Type::kString) continue;
    auto profile = std::make_unique<v1::Profile>();
    // A value that does not parse, or is another profile's, is a miss (and gets overwritten).
    if (profile->ParseFromString(e.str) && profile->profile_id() == ids[i]) out[i] = std::move(profile);
  }
  return out;
}

void CachedProfilesStore::Store(const std::vector<const v1::Profile*>& profiles) {
  if (profiles.empty()) return;
  std::vector<std::string> argv{"EVAL", kSetAllScript, absl::StrCat(profiles.size())};
  for (const v1::Profile* p : profiles) argv.push_back(ProfileCacheKey(p->profile_id()));
  argv.push_back(absl::StrCat(std::max<int64_t>(1, absl::ToInt64Seconds(ttl_))));
  for (const v1::Profile* p : profiles) {
    v1::Profile shared = *p;
    for (v1::Competence& c : *shared.mutable_competences()) c.set_endorsed_by_caller(false);
    std::string bytes;
    if (!shared.SerializeToString(&bytes)) return;
    argv.push_back(std::move(bytes));
  }
  (void)redis_->Command(argv);  // a failed fill only costs the next read a miss
}

absl::StatusOr<ProfileRead> CachedProfilesStore::GetProfile(const std::string& profile_id,
                                                            const std::string& viewer_id) {
  ASSIGN_OR_RETURN(const std::vector<ProfileStamp> stamps, stamps_->GetProfileStamps({profile_id}, viewer_id));
  if (stamps.empty()) return absl::NotFoundError("profile not found");
  const ProfileStamp& stamp = stamps[0];
  std::vector<std::unique_ptr<v1::Profile>> cached = Fetch({profile_id});
  if (cached[0] != nullptr && cached[0]->version() == stamp.version) {
    ProfileRead read;
    read.profile = std::move(*cached[0]);
    ApplyStamp(stamp, &read.profile);
    read.viewer_is_connection = stamp.viewer_is_connection;
    return read;
  }
  ASSIGN_OR_RETURN(ProfileRead read, inner_->GetProfile(profile_id, viewer_id));
  Store({&read.profile});
  return read;
}

absl::StatusOr<std::vector<v1::Profile>> CachedProfilesStore::BatchGetProfiles(
    const std::vector<std::string>& profile_ids) {
  ASSIGN_OR_RETURN(const std::vector<ProfileStamp> stamps, stamps_->GetProfileStamps(profile_ids, ""));
  absl::flat_hash_map<std::string, const ProfileStamp*> stamp_of;
  for (const ProfileStamp& s : stamps) stamp_of[s.profile_id] = &s;
  std::vector<std::string> existing;
  for (const std::string& id : profile_ids) {
    if (stamp_of.contains(id)) existing.push_back(id);
  }
  std::vector<std::unique_ptr<v1::Profile>> cached = Fetch(existing);
  absl::flat_hash_map<std::string, v1::Profile> found;
  std::vector<std::string> missing;
  for (size_t i = 0; i < existing.size(); ++i) {
    const ProfileStamp& stamp = *stamp_of.at(existing[i]);
    if (cached[i] != nullptr && cached[i]->version() == stamp.version) {
      ApplyStamp(stamp, cached[i].get());
      found[existing[i]] = std::move(*cached[i]);
    } else {
      missing.push_back(existing[i]);
    }
  }
  if (!missing.empty()) {
    ASSIGN_OR_RETURN(std::vector<v1::Profile> loaded, inner_->BatchGetProfiles(missing));
    std::vector<std::string> loaded_ids;
    for (v1::Profile& p : loaded) {
      loaded_ids.push_back(p.profile_id());
      found[loaded_ids.back()] = std::move(p);
    }
    // Pointers only once the map stops growing (a rehash moves its values).
    std::vector<const v1::Profile*> fill;
    for (const std::string& id : loaded_ids) fill.push_back(&found.at(id));
    Store(fill);
  }
  std::vector<v1::Profile> ordered;
  for (const std::string& id : profile_ids) {
    auto it = found.find(id);
    if (it != found.end()) ordered.push_back(it->second);
  }
  return ordered;
}

}  // namespace meltingdoc::profiles
