// The professional network's SQL: connections (one row per pair of doctors) and endorsements.
#include <pqxx/pqxx>

#include "google/protobuf/util/time_util.h"
#include "libs/common/status_macros.h"
#include "services/profiles/pg_profiles_store.h"

namespace meltingdoc::profiles {

using google::protobuf::util::TimeUtil;

namespace {

// Columns of a Colleague from profiles alias o, starting at column `first`.
constexpr const char* kColleagueColumns =
    "o.profile_id::text, o.civility, o.given_name, o.family_name, o.specialty_code, o.specialty_label, "
    "o.headline";

v1::Colleague ColleagueFromRow(const pqxx::row& r, int first) {
  v1::Colleague c;
  c.set_profile_id(r[first].as<std::string>());
  c.set_civility(r[first + 1].as<std::string>());
  c.set_given_name(r[first + 2].as<std::string>());
  c.set_family_name(r[first + 3].as<std::string>());
  c.set_specialty_code(r[first + 4].as<std::string>());
  c.set_specialty_label(r[first + 5].as<std::string>());
  c.set_headline(r[first + 6].as<std::string>());
  return c;
}

bool ProfileExists(pqxx::transaction_base& txn, const std::string& id) {
  return !txn.exec_params("SELECT 1 FROM profiles WHERE profile_id = $1::uuid", id).empty();
}

bool Connected(pqxx::transaction_base& txn, const std::string& a, const std::string& b) {
  return txn
      .exec_params("SELECT EXISTS (SELECT 1 FROM connections WHERE status = 'accepted' AND "
                   "  LEAST(requester_id, addressee_id) = LEAST($1::uuid, $2::uuid) AND "
                   "  GREATEST(requester_id, addressee_id) = GREATEST($1::uuid, $2::uuid))",
                   a, b)[0][0]
      .as<bool>();
}

int32_t EndorsementCount(pqxx::transaction_base& txn, const std::string& profile_id, const std::string& key) {
  return txn
      .exec_params("SELECT count(*)::int4 FROM endorsements WHERE profile_id = $1::uuid AND competence_key = $2",
                   profile_id, key)[0][0]
      .as<int32_t>();
}

}  // namespace

absl::Status PgProfilesStore::RequestConnection(const std::string& me, const std::string& other,
                                                const std::string& message) {
  return pool_->InTransaction([&](pqxx::transaction_base& txn) -> absl::Status {
    if (!ProfileExists(txn, me)) {
      return absl::FailedPreconditionError("your profile does not exist yet (verification pending)");
    }
    if (!ProfileExists(txn, other)) {
      return absl::NotFoundError("profile_id: no verified doctor with this id");
    }
    const pqxx::result pair = txn.exec_params(
        "SELECT requester_id::text, status FROM connections WHERE "
        "  LEAST(requester_id, addressee_id) = LEAST($1::uuid, $2::uuid) AND "
        "  GREATEST(requester_id, addressee_id) = GREATEST($1::uuid, $2::uuid) FOR UPDATE",
        me, other);
    if (!pair.empty()) {
      const bool mine = pair[0][0].as<std::string>() == me;
      const std::string status = pair[0][1].as<std::string>();
      if (status == "accepted") return absl::AlreadyExistsError("you are already connected");
      if (status == "pending" && mine) return absl::AlreadyExistsError("your request is already pending");
      if (status == "pending") {
        return absl::FailedPreconditionError("this colleague already asked you: respond to their request");
      }
      if (mine) return absl::FailedPreconditionError("this colleague declined your request");
      // They asked once and you declined; now you ask them: a fresh request.
      txn.exec_params("DELETE FROM connections WHERE requester_id = $2::uuid AND addressee_id = $1::uuid", me,
                      other);
    }
    txn.exec_params(
        "INSERT INTO connections (requester_id, addressee_id, status, message) "
        "VALUES ($1::uuid, $2::uuid, 'pending', $3)",
        me, other, message);
    return absl::OkStatus();
  });
}

absl::Status PgProfilesStore::RespondToConnection(const std::string& me, const std::string& requester, bool accept) {
  return pool_->InTransaction([&](pqxx::transaction_base& txn) -> absl::Status {
    const pqxx::result updated = txn.exec_params(
        "UPDATE connections SET status = $3, responded_at = now() "
        "WHERE requester_id = $2::uuid AND addressee_id = $1::uuid AND status = 'pending' RETURNING 1",
        me, requester, accept ? "accepted" : "declined");
    if (updated.empty()) return absl::NotFoundError("profile_id: no pending request from this colleague");
    return absl::OkStatus();
  });
}

absl::Status PgProfilesStore::WithdrawConnectionRequest(const std::string& me, const std::string& addressee) {
  return pool_->InTransaction([&](pqxx::transaction_base& txn) -> absl::Status {
    const pqxx::result deleted = txn.exec_params(
        "DELETE FROM connections WHERE requester_id = $1::uuid AND addressee_id = $2::uuid "
        "AND status = 'pending' RETURNING 1",
        me, addressee);
    if (deleted.empty()) return absl::NotFoundError("profile_id: no pending request of yours to this colleague");
    return absl::OkStatus();
  });
}

absl::Status PgProfilesStore::RemoveConnection(const std::string& me, const std::string& other) {
  return pool_->InTransaction([&](pqxx::transaction_base& txn) -> absl::Status {
    const pqxx::result deleted = txn.exec_params(
        "DELETE FROM connections WHERE status = 'accepted' AND "
        "  LEAST(requester_id, addressee_id) = LEAST($1::uuid, $2::uuid) AND "
        "  GREATEST(requester_id, addressee_id) = GREATEST($1::uuid, $2::uuid) RETURNING 1",
        me, other);
    if (deleted.empty()) return absl::NotFoundError("profile_id: you are not connected to this colleague");
    return absl::OkStatus();
  });
}

absl::StatusOr<ConnectionsPage> PgProfilesStore::ListConnections(const std::string& me, const ListCursor& after,
                                                                 int limit) {
  return pg::InTransaction<ConnectionsPage>(
      *pool_, [&](pqxx::transaction_base& txn) -> absl::StatusOr<ConnectionsPage> {
        const pqxx::result rows = txn.exec_params(
            std::string("WITH mine AS ("
                        "  SELECT CASE WHEN requester_id = $1::uuid THEN addressee_id ELSE requester_id END AS other,"
                        "         (extract(epoch FROM responded_at) * 1000000)::int8 AS t "
                        "  FROM connections WHERE status = 'accepted' AND $1::uuid IN (requester_id, addressee_id)) "
                        "SELECT m.t, ") +
                kColleagueColumns +
                " FROM mine m JOIN profiles o ON o.profile_id = m.other "
                "WHERE (NOT $2 OR m.t < $3 OR (m.t = $3 AND m.other > $4::uuid)) "
                "ORDER BY m.t DESC, m.other LIMIT $5",
            me, after.set, after.micros, after.set ? after.profile_id : me, limit + 1);
        ConnectionsPage page;
        for (int i = 0; i < static_cast<int>(rows.size()) && i < limit; ++i) {
          v1::Connection c;
          *c.mutable_connect_time() = TimeUtil::MicrosecondsToTimestamp(rows[i][0].as<int64_t>());
          *c.mutable_colleague() = ColleagueFromRow(rows[i], 1);
          page.connections.push_back(std::move(c));
        }
        if (static_cast<int>(rows.size()) > limit) {
          page.next = {true, rows[limit - 1][0].as<int64_t>(), rows[limit - 1][1].as<std::string>()};
        }
        return page;
      });
}

absl::StatusOr<RequestsPage> PgProfilesStore::ListConnectionRequests(const std::string& me, bool sent,
                                                                     const ListCursor& after, int limit) {
  return pg::InTransaction<RequestsPage>(*pool_, [&](pqxx::transaction_base& txn) -> absl::StatusOr<RequestsPage> {
    const pqxx::result rows = txn.exec_params(
        std::string("WITH mine AS ("
                    "  SELECT CASE WHEN $2 THEN addressee_id ELSE requester_id END AS other, message,"
                    "         (extract(epoch FROM created_at) * 1000000)::int8 AS t "
                    "  FROM connections WHERE status = 'pending' AND "
                    "       CASE WHEN $2 THEN requester_id ELSE addressee_id END = $1::uuid) "
                    "SELECT m.t, m.message, ") +
            kColleagueColumns +
            " FROM mine m JOIN profiles o ON o.profile_id = m.other "
            "WHERE (NOT $3 OR m.t < $4 OR (m.t = $4 AND m.other > $5::uuid)) "
            "ORDER BY m.t DESC, m.other LIMIT $6",
        me, sent, after.set, after.micros, after.set ? after.profile_id : me, limit + 1);
    RequestsPage page;
    for (int i = 0; i < static_cast<int>(rows.size()) && i < limit; ++i) {
      v1::ConnectionRequest r;
      *r.mutable_create_time() = TimeUtil::MicrosecondsToTimestamp(rows[i][0].as<int64_t>());
      r.set_message(rows[i][1].as<std::string>());
      *r.mutable_colleague() = ColleagueFromRow(rows[i], 2);
      page.requests.push_back(std::move(r));
    }
    if (static_cast<int>(rows.size()) > limit) {
      page.next = {true, rows[limit - 1][0].as<int64_t>(), rows[limit - 1][2].as<std::string>()};
    }
    return page;
  });
}

absl::StatusOr<std::vector<v1::Suggestion>> PgProfilesStore::SuggestColleagues(const std::string& me, int limit) {
  return pg::InTransaction<std::vector<v1::Suggestion>>(
      *pool_, [&](pqxx::transaction_base& txn) -> absl::StatusOr<std::vector<v1::Suggestion>> {
        // Candidates: friends of friends, colleagues of the same place (name + commune), of the
        // same faculty within two years of entry, and of the same specialty in the same commune.
        // Anyone the caller is already related to (connected, pending, declined) is left out.
        const pqxx::result rows = txn.exec_params(
            std::string(
                "WITH me AS (SELECT * FROM profiles WHERE profile_id = $1::uuid), "
                "related AS (SELECT CASE WHEN requester_id = $1::uuid THEN addressee_id ELSE requester_id END AS id,"
                "                   status FROM connections WHERE $1::uuid IN (requester_id, addressee_id)), "
                "friends AS (SELECT id FROM related WHERE status = 'accepted'), "
                "shared AS (SELECT CASE WHEN c.requester_id = f.id THEN c.addressee_id ELSE c.requester_id END AS id,"
                "                  count(*)::int4 AS n "
                "           FROM connections c JOIN friends f ON f.id IN (c.requester_id, c.addressee_id) "
                "           WHERE c.status = 'accepted' GROUP BY 1), "
                "my_places AS (SELECT lower(pl->>'name') AS name, coalesce(pl->>'insee_code', '') AS insee "
                "              FROM me, jsonb_array_elements(me.practice_places) pl "
                // A place named only by its commune (a register site not yet renamed by the
                // doctor) says no more than the commune: it is not "the same place".
                "              WHERE lower(pl->>'name') <> lower(coalesce(pl->>'commune', ''))), "
                "same_place AS (SELECT DISTINCT o.profile_id AS id FROM profiles o, "
                "                 jsonb_array_elements(o.practice_places) pl, my_places m "
                "               WHERE lower(pl->>'name') = m.name AND coalesce(pl->>'insee_code', '') = m.insee), "
                "my_faculty AS (SELECT lower(e->>'institution') AS inst, (e->>'start_year')::int AS y "
                "               FROM me, jsonb_array_elements(me.education) e "
                "               WHERE e->>'kind' = 'EDUCATION_KIND_FACULTY' AND coalesce(e->>'institution', '') <> ''), "
                "same_faculty AS (SELECT DISTINCT o.profile_id AS id FROM profiles o, "
                "                   jsonb_array_elements(o.education) e, my_faculty m "
                "                 WHERE e->>'kind' = 'EDUCATION_KIND_FACULTY' "
                "                   AND lower(e->>'institution') = m.inst "
                "                   AND abs((e->>'start_year')::int - m.y) <= 2), "
                "my_specialty AS (SELECT coalesce((SELECT canonical_code FROM specialties s "
                "                   WHERE s.code = me.specialty_code), me.specialty_code) AS code FROM me), "
                "same_specialty_commune AS (SELECT DISTINCT o.profile_id AS id FROM profiles o, "
                "                   jsonb_array_elements(o.practice_places) pl, my_specialty ms "
                "                 WHERE coalesce((SELECT canonical_code FROM specialties s "
                "                   WHERE s.code = o.specialty_code), o.specialty_code) = ms.code "
                "                   AND pl->>'insee_code' IN (SELECT insee FROM my_places WHERE insee <> '')), "
                "candidates AS (SELECT id FROM shared UNION SELECT id FROM same_place "
                "               UNION SELECT id FROM same_faculty UNION SELECT id FROM same_specialty_commune) "
                "SELECT coalesce(s.n, 0), sp.id IS NOT NULL, sf.id IS NOT NULL, sc.id IS NOT NULL, ") +
                kColleagueColumns +
                " FROM candidates c JOIN profiles o ON o.profile_id = c.id "
                "LEFT JOIN shared s ON s.id = c.id LEFT JOIN same_place sp ON sp.id = c.id "
                "LEFT JOIN same_faculty sf ON sf.id = c.id LEFT JOIN same_specialty_commune sc ON sc.id = c.id "
                "WHERE c.id <> $1::uuid AND c.id NOT IN (SELECT id FROM related) "
                "ORDER BY 2 * coalesce(s.n, 0) + 3 * (sp.id IS NOT NULL)::int + 3 * (sf.id IS NOT NULL)::int "
                "       + (sc.id IS NOT NULL)::int DESC, o.profile_id "
                "LIMIT $2",
            me, limit);
        std::vector<v1::Suggestion> suggestions;
        for (const pqxx::row& r : rows) {
          v1::Suggestion s;
          s.set_shared_connections(r[0].as<int32_t>());
          if (s.shared_connections() > 0) s.add_reasons("shared_connections");
          if (r[1].as<bool>()) s.add_reasons("same_place");
          if (r[2].as<bool>()) s.add_reasons("same_faculty_years");
          if (r[3].as<bool>()) s.add_reasons("same_specialty_commune");
          *s.mutable_colleague() = ColleagueFromRow(r, 4);
          suggestions.push_back(std::move(s));
        }
        return suggestions;
      });
}

absl::StatusOr<int32_t> PgProfilesStore::Endorse(const std::string& me, const std::string& profile_id,
                                                 const std::string& competence_key) {
  return pg::InTransaction<int32_t>(*pool_, [&](pqxx::transaction_base& txn) -> absl::StatusOr<int32_t> {
    if (txn.exec_params("SELECT 1 FROM profiles WHERE profile_id = $1::uuid FOR UPDATE", profile_id).empty()) {
      return absl::NotFoundError("profile_id: no verified doctor with this id");
    }
    if (!Connected(txn, me, profile_id)) {
      return absl::FailedPreconditionError("only connections can endorse: connect with this colleague first");
    }
    if (txn.exec_params("SELECT 1 FROM profile_competences WHERE profile_id = $1::uuid AND competence_key = $2",
                        profile_id, competence_key)
            .empty()) {
      return absl::NotFoundError("competence_key: this competence is not on the colleague's profile");
    }
    const pqxx::result inserted = txn.exec_params(
        "INSERT INTO endorsements (profile_id, competence_key, endorser_id) VALUES ($1::uuid, $2, $3::uuid) "
        "ON CONFLICT DO NOTHING RETURNING 1",
        profile_id, competence_key, me);
    if (inserted.empty()) return absl::AlreadyExistsError("you already endorsed this competence");
    RETURN_IF_ERROR(pgstore::BumpAndPublish(txn, profile_id, *clock_));
    return EndorsementCount(txn, profile_id, competence_key);
  });
}

absl::StatusOr<int32_t> PgProfilesStore::RetractEndorsement(const std::string& me, const std::string& profile_id,
                                                            const std::string& competence_key) {
  return pg::InTransaction<int32_t>(*pool_, [&](pqxx::transaction_base& txn) -> absl::StatusOr<int32_t> {
    if (txn.exec_params("SELECT 1 FROM profiles WHERE profile_id = $1::uuid FOR UPDATE", profile_id).empty()) {
      return absl::NotFoundError("profile_id: no verified doctor with this id");
    }
    const pqxx::result deleted = txn.exec_params(
        "DELETE FROM endorsements WHERE profile_id = $1::uuid AND competence_key = $2 AND endorser_id = $3::uuid "
        "RETURNING 1",
        profile_id, competence_key, me);
    if (deleted.empty()) return absl::NotFoundError("competence_key: you have not endorsed this competence");
    RETURN_IF_ERROR(pgstore::BumpAndPublish(txn, profile_id, *clock_));
    return EndorsementCount(txn, profile_id, competence_key);
  });
}

}  // namespace meltingdoc::profiles
