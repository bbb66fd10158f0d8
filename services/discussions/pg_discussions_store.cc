#include "services/discussions/pg_discussions_store.h"

#include <pqxx/pqxx>

#include "google/protobuf/util/time_util.h"

namespace meltingdoc::discussions {

using google::protobuf::util::TimeUtil;

namespace {

v1::SpaceKind KindFromText(const std::string& s) {
  if (s == "general") return v1::SPACE_KIND_GENERAL;
  if (s == "specialty") return v1::SPACE_KIND_SPECIALTY;
  if (s == "private_group") return v1::SPACE_KIND_PRIVATE_GROUP;
  return v1::SPACE_KIND_UNSPECIFIED;
}

}  // namespace

absl::StatusOr<std::vector<v1::Space>> PgDiscussionsStore::ListSpaces(
    const std::string& account_id, const std::optional<SpaceCursor>& after, int limit) {
  return pg::ReadOneStatement<std::vector<v1::Space>>(
      *pool_, [&](pqxx::transaction_base& txn) -> absl::StatusOr<std::vector<v1::Space>> {
        // Private groups arrive with the discussions issue, with their membership table;
        // until then only open spaces exist, and only open spaces are listed.
        const pqxx::result rows = txn.exec_params(
            "SELECT space_id::text, kind, title, coalesce(specialty_code, ''), "
            "       (extract(epoch FROM created_at) * 1000000)::int8 "
            "FROM spaces "
            "WHERE kind <> 'private_group' "
            "  AND ($1::text IS NULL OR (title, space_id) > ($1::text, $2::uuid)) "
            "ORDER BY title, space_id LIMIT $3",
            after ? std::optional<std::string>(after->title) : std::nullopt,
            after ? std::optional<std::string>(after->space_id) : std::nullopt, limit);
        std::vector<v1::Space> spaces;
        spaces.reserve(rows.size());
        for (const pqxx::row& r : rows) {
          v1::Space& s = spaces.emplace_back();
          s.set_space_id(r[0].as<std::string>());
          s.set_kind(KindFromText(r[1].as<std::string>()));
          s.set_title(r[2].as<std::string>());
          s.set_specialty_code(r[3].as<std::string>());
          *s.mutable_create_time() = TimeUtil::MicrosecondsToTimestamp(r[4].as<int64_t>());
        }
        return spaces;
      });
}

}  // namespace meltingdoc::discussions
