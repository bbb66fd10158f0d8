#include "services/search/pg_doctor_feed_store.h"

#include <algorithm>
#include <functional>
#include <tuple>

#include <pqxx/pqxx>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "libs/common/status_macros.h"
#include "services/search/sql_params.h"

namespace meltingdoc::search {
namespace {

constexpr char kSeparator[] = "\x1f";

// One snapshot for every statement of a reading, so that the xmin it records and the rows it
// reads agree; long statements for the full load.
void BeginReading(pqxx::transaction_base& txn) {
  txn.exec("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY");
  txn.exec("SET LOCAL statement_timeout = '10min'");
}

FeedPosition ReadPosition(pqxx::transaction_base& txn) {
  const pqxx::row r = txn.exec1(
      "SELECT pg_snapshot_xmin(pg_current_snapshot())::text, 'doctors'::regclass::oid::int8");
  return FeedPosition{r[0].as<std::string>(), r[1].as<int64_t>()};
}

std::vector<std::string> Split(const pqxx::field& f, const char* sep) {
  if (f.is_null()) return {};
  return absl::StrSplit(f.as<std::string>(), sep, absl::SkipEmpty());
}

// The doctor's own columns from `r[at]` on, in the order both readings select them
// (profile_id, version, deleted, display_name, specialty code and label, headline, languages,
// accepting_referrals, competence keys, endorsement_total, words, document); no children.
absl::StatusOr<DoctorRow> DoctorColumns(const pqxx::row& r, int at) {
  DoctorRow d;
  d.profile_id = r[at].as<std::string>();
  d.version = r[at + 1].as<int64_t>();
  d.deleted = r[at + 2].as<bool>();
  d.display_name = r[at + 3].as<std::string>();
  d.specialty_code = r[at + 4].as<std::string>();
  d.specialty_label = r[at + 5].as<std::string>();
  d.headline = r[at + 6].as<std::string>();
  d.languages = Split(r[at + 7], kSeparator);
  d.accepting_referrals = r[at + 8].as<bool>();
  d.filter_keys = Split(r[at + 9], kSeparator);
  d.endorsement_total = r[at + 10].as<int>();
  d.words = Split(r[at + 11], " ");
  ASSIGN_OR_RETURN(d.document, ParseTsVector(r[at + 12].c_str()));
  return d;
}

// A competence from `r[at]` on: key, label, endorsement count, its lexemes (space-separated).
DoctorRow::Competence CompetenceColumns(const pqxx::row& r, int at) {
  return DoctorRow::Competence{r[at].as<std::string>(), r[at + 1].as<std::string>(), r[at + 2].as<int>(),
                               Split(r[at + 3], " ")};
}

// A practice place from `r[at]` on: commune, commune_key, postcode, latitude, longitude.
DoctorRow::Place PlaceColumns(const pqxx::row& r, int at) {
  DoctorRow::Place pl{r[at].as<std::string>(), r[at + 1].as<std::string>(),
                      r[at + 2].as<std::string>(), std::nullopt, std::nullopt};
  if (!r[at + 3].is_null()) pl.latitude = r[at + 3].as<double>();
  if (!r[at + 4].is_null()) pl.longitude = r[at + 4].as<double>();
  return pl;
}

// A suggestion from `r[at]` on: kind, key, label, value, detail.
SuggestionRow SuggestionColumns(const pqxx::row& r, int at) {
  return SuggestionRow{r[at].as<std::string>(), r[at + 1].as<std::string>(), r[at + 2].as<std::string>(),
                       r[at + 3].as<std::string>(), r[at + 4].as<std::string>()};
}

std::vector<SuggestionRow> ReadSuggestions(pqxx::transaction_base& txn, SqlParams& p,
                                           const std::string& where) {
  std::vector<SuggestionRow> out;
  for (const pqxx::row& r :
       p.Exec(txn, absl::StrCat("SELECT kind, key, label, value, detail FROM suggestions WHERE ",
                                where))) {
    out.push_back(SuggestionColumns(r, 0));
  }
  return out;
}

// Doctors matching `where` (over doctors d) with their competences and places, in profile id
// order, each handed to `out` complete.
absl::Status ReadDoctors(pqxx::transaction_base& txn, SqlParams& p, const std::string& where,
                         const std::function<void(DoctorRow&&)>& out) {
  const pqxx::result competences = p.Exec(
      txn, absl::StrCat("SELECT c.profile_id::text, c.competence_key, c.label, "
                        "c.endorsement_count, array_to_string(tsvector_to_array(c.document), "
                        "' ') FROM doctor_competences c JOIN doctors d USING (profile_id) "
                        "WHERE ", where, " ORDER BY c.profile_id, c.ordinal"));
  const pqxx::result places = p.Exec(
      txn, absl::StrCat("SELECT pl.profile_id::text, pl.commune, pl.commune_key, "
                        "pl.postcode, pl.latitude, pl.longitude FROM doctor_places pl "
                        "JOIN doctors d USING (profile_id) WHERE ", where,
                        " ORDER BY pl.profile_id, pl.ordinal"));
  const pqxx::result rows = p.Exec(
      txn, absl::StrCat(
               "SELECT d.profile_id::text, d.version, d.deleted, d.display_name, "
               "d.specialty_code, d.specialty_label, d.headline, array_to_string(d.languages, E'",
               kSeparator, "'), d.accepting_referrals, array_to_string(d.competence_keys, E'",
               kSeparator, "'), d.endorsement_total, array_to_string(d.words, ' '), "
               "d.document::text FROM doctors d WHERE ", where, " ORDER BY d.profile_id"));
  pqxx::result::size_type ci = 0, pi = 0;
  for (const pqxx::row& r : rows) {
    ASSIGN_OR_RETURN(DoctorRow d, DoctorColumns(r, 0));
    // Both child lists are in the same id order.
    while (ci < competences.size() && competences[ci][0].c_str() < d.profile_id) ++ci;
    for (; ci < competences.size() && competences[ci][0].c_str() == d.profile_id; ++ci) {
      d.competences.push_back(CompetenceColumns(competences[ci], 1));
    }
    while (pi < places.size() && places[pi][0].c_str() < d.profile_id) ++pi;
    for (; pi < places.size() && places[pi][0].c_str() == d.profile_id; ++pi) {
      d.places.push_back(PlaceColumns(places[pi], 1));
    }
    out(std::move(d));
  }
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<FeedPosition> PgDoctorFeedStore::LoadAll(
    const std::function<void(DoctorRow&&)>& doctor,
    const std::function<void(SuggestionRow&&)>& suggestion) {
  return pg::InTransaction<FeedPosition>(
      *pool_, [&](pqxx::transaction_base& txn) -> absl::StatusOr<FeedPosition> {
        BeginReading(txn);
        // Before the snapshot (the first query takes it): the tables as they are now, held
        // so that a Reindex cannot switch them under the reading — without the locks, a
        // switch committed after the snapshot would show the new tables through an older
        // snapshot, without the rows its last pages wrote.
        txn.exec("LOCK TABLE doctors, doctor_competences, doctor_places, suggestions IN ACCESS "
                 "SHARE MODE");
        const FeedPosition at = ReadPosition(txn);
        SqlParams p;
        RETURN_IF_ERROR(ReadDoctors(txn, p, "NOT d.deleted", doctor));
        SqlParams q;
        for (SuggestionRow& s : ReadSuggestions(txn, q, "true")) suggestion(std::move(s));
        return at;
      });
}

// One statement (one snapshot, one round trip, no BEGIN/COMMIT): the position, the changed
// doctors' ids and versions, the new suggestion entries.
absl::StatusOr<DoctorChanges> PgDoctorFeedStore::ChangesSince(const FeedPosition& from) {
  return pg::ReadOneStatement<DoctorChanges>(
      *pool_, [&](pqxx::transaction_base& txn) -> absl::StatusOr<DoctorChanges> {
        SqlParams p;
        const std::string x = p.Text(from.xmin);
        // The tables are named (and locked) before 'doctors'::regclass is read, so that a
        // Reindex switch cannot give the old oid with the new table's rows; each changed row
        // says which table it came from too.
        const pqxx::result rows = p.Exec(
            txn, absl::StrCat(
                     "SELECT 'd', profile_id::text, version::text, tableoid::oid::text, NULL, "
                     "NULL FROM doctors WHERE change_xid >= ", x, "::xid8 "
                     "UNION ALL SELECT 's', kind, key, label, value, detail FROM suggestions "
                     "WHERE change_xid >= ", x, "::xid8 AND kind <> 'doctor' "
                     "UNION ALL SELECT 'p', pg_snapshot_xmin(pg_current_snapshot())::text, "
                     "'doctors'::regclass::oid::text, NULL, NULL, NULL"));
        DoctorChanges c;
        bool other_table = false;
        for (const pqxx::row& r : rows) {
          const char kind = r[0].c_str()[0];
          if (kind == 'p') {
            c.at = FeedPosition{r[1].as<std::string>(), r[2].as<int64_t>()};
          } else if (kind == 'd') {
            c.versions.emplace_back(r[1].as<std::string>(), r[2].as<int64_t>());
            other_table = other_table || r[3].as<int64_t>() != from.doctors_table;
          } else {
            c.suggestions.push_back(SuggestionRow{r[1].as<std::string>(), r[2].as<std::string>(),
                                                  r[3].as<std::string>(), r[4].as<std::string>(),
                                                  r[5].as<std::string>()});
          }
        }
        if (c.at.doctors_table != from.doctors_table || other_table) {
          c.table_replaced = true;
          c.versions.clear();
          c.suggestions.clear();
        }
        return c;
      });
}

// One statement too: the doctors, their competences and places, their own suggestion entries.
absl::StatusOr<DoctorRows> PgDoctorFeedStore::LoadDoctors(const std::vector<std::string>& ids) {
  return pg::ReadOneStatement<DoctorRows>(
      *pool_, [&](pqxx::transaction_base& txn) -> absl::StatusOr<DoctorRows> {
        SqlParams p;
        const std::string a = p.TextArray(ids);
        const std::string nulls8 = "NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL";
        const pqxx::result rows = p.Exec(
            txn, absl::StrCat(
                     "SELECT 'd', d.profile_id::text, d.version::text, d.deleted::text, "
                     "d.display_name, d.specialty_code, d.specialty_label, d.headline, "
                     "array_to_string(d.languages, E'", kSeparator, "'), "
                     "d.accepting_referrals::text, array_to_string(d.competence_keys, E'",
                     kSeparator, "'), d.endorsement_total::text, array_to_string(d.words, ' '), "
                     "d.document::text, 0 FROM doctors d WHERE d.profile_id = ANY(", a,
                     "::uuid[]) "
                     "UNION ALL SELECT 'c', c.profile_id::text, c.competence_key, c.label, "
                     "c.endorsement_count::text, array_to_string(tsvector_to_array(c.document), "
                     "' '), ", nulls8, ", c.ordinal FROM doctor_competences c WHERE c.profile_id "
                     "= ANY(", a, "::uuid[]) "
                     "UNION ALL SELECT 'p', pl.profile_id::text, pl.commune, pl.commune_key, "
                     "pl.postcode, pl.latitude::text, pl.longitude::text, NULL, NULL, NULL, NULL, "
                     "NULL, NULL, NULL, pl.ordinal FROM doctor_places pl WHERE pl.profile_id = "
                     "ANY(", a, "::uuid[]) "
                     "UNION ALL SELECT 's', kind, key, label, value, detail, ", nulls8,
                     ", 0 FROM suggestions WHERE kind = 'doctor' AND value = ANY(", a, ")"));
        DoctorRows out;
        absl::flat_hash_map<std::string, size_t> index;
        std::vector<std::tuple<std::string, int, DoctorRow::Competence>> competences;
        std::vector<std::tuple<std::string, int, DoctorRow::Place>> places;
        for (const pqxx::row& r : rows) {
          const char kind = r[0].c_str()[0];
          if (kind == 'd') {
            ASSIGN_OR_RETURN(DoctorRow d, DoctorColumns(r, 1));
            index[d.profile_id] = out.doctors.size();
            out.doctors.push_back(std::move(d));
          } else if (kind == 'c') {
            competences.emplace_back(
                r[1].as<std::string>(), r[14].as<int>(),
                CompetenceColumns(r, 2));
          } else if (kind == 'p') {
            places.emplace_back(r[1].as<std::string>(), r[14].as<int>(), PlaceColumns(r, 2));
          } else {
            out.suggestions.push_back(SuggestionColumns(r, 1));
          }
        }
        // Children in ordinal order.
        const auto by_ordinal = [](const auto& x, const auto& y) {
          return std::get<1>(x) < std::get<1>(y);
        };
        std::sort(competences.begin(), competences.end(), by_ordinal);
        std::sort(places.begin(), places.end(), by_ordinal);
        for (auto& [id, ordinal, c] : competences) {
          auto it = index.find(id);
          if (it != index.end()) out.doctors[it->second].competences.push_back(std::move(c));
        }
        for (auto& [id, ordinal, pl] : places) {
          auto it = index.find(id);
          if (it != index.end()) out.doctors[it->second].places.push_back(std::move(pl));
        }
        return out;
      });
}

absl::StatusOr<absl::flat_hash_map<std::string, std::vector<std::string>>> PgDoctorFeedStore::Stem(
    const std::vector<std::string>& words) {
  using Stems = absl::flat_hash_map<std::string, std::vector<std::string>>;
  return pg::ReadOneStatement<Stems>(*pool_, [&](pqxx::transaction_base& txn) -> absl::StatusOr<Stems> {
    SqlParams p;
    Stems out;
    for (const pqxx::row& r : p.Exec(
             txn, absl::StrCat("SELECT w, array_to_string(tsvector_to_array(to_tsvector('fr', w)), "
                               "' ') FROM unnest(", p.TextArray(words), ") AS w"))) {
      out[r[0].as<std::string>()] = Split(r[1], " ");
    }
    return out;
  });
}

}  // namespace meltingdoc::search
