#include "services/profiles/pg_profiles_store.h"

#include <pqxx/pqxx>

#include "google/protobuf/util/time_util.h"

namespace meltingdoc::profiles {

using google::protobuf::util::TimeUtil;

absl::StatusOr<v1::Profile> PgProfilesStore::GetProfile(const std::string& profile_id) {
  return pg::ReadOneStatement<v1::Profile>(
      *pool_, [&](pqxx::transaction_base& txn) -> absl::StatusOr<v1::Profile> {
        const pqxx::result rows = txn.exec_params(
            "SELECT profile_id::text, rpps, civility, given_name, family_name, specialty_code, "
            "       specialty_label, bio, version, "
            "       (extract(epoch FROM created_at) * 1000000)::int8, "
            "       (extract(epoch FROM updated_at) * 1000000)::int8 "
            "FROM profiles WHERE profile_id = $1::uuid",
            profile_id);
        if (rows.empty()) return absl::NotFoundError("profile not found");
        const pqxx::row& r = rows[0];
        v1::Profile p;
        p.set_profile_id(r[0].as<std::string>());
        p.set_rpps(r[1].as<std::string>());
        p.set_civility(r[2].as<std::string>());
        p.set_given_name(r[3].as<std::string>());
        p.set_family_name(r[4].as<std::string>());
        p.set_specialty_code(r[5].as<std::string>());
        p.set_specialty_label(r[6].as<std::string>());
        p.set_bio(r[7].as<std::string>());
        p.set_version(r[8].as<int64_t>());
        *p.mutable_create_time() = TimeUtil::MicrosecondsToTimestamp(r[9].as<int64_t>());
        *p.mutable_update_time() = TimeUtil::MicrosecondsToTimestamp(r[10].as<int64_t>());
        return p;
      });
}

}  // namespace meltingdoc::profiles
