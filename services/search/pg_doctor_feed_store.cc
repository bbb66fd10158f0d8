#include "services/search/pg_doctor_feed_store.h"

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

std::vector<SuggestionRow> ReadSuggestions(pqxx::transaction_base& txn, SqlParams& p,
                                           const std::string& where) {
  std::vector<SuggestionRow> out;
  for (const pqxx::row& r :
       p.Exec(txn, absl::StrCat("SELECT kind, key, label, value, detail FROM suggestions WHERE ",
                                where))) {
    out.push_back(SuggestionRow{r[0].as<std::string>(), r[1].as<std::string>(),
                                r[2].as<std::string>(), r[3].as<std::string>(),
                                r[4].as<std::string>()});
  }
  return out;
}

// Doctors matching `where` (over doctors d) with their competences and places.
absl::StatusOr<std::vector<DoctorRow>> ReadDoctors(pqxx::transaction_base& txn, SqlParams& p,
                                                   const std::string& where) {
  std::vector<DoctorRow> doctors;
  absl::flat_hash_map<std::string, size_t> index;
  const pqxx::result rows = p.Exec(
      txn, absl::StrCat(
               "SELECT d.profile_id::text, d.version, d.deleted, d.display_name, "
               "d.specialty_code, d.specialty_label, d.headline, array_to_string(d.languages, E'",
               kSeparator, "'), d.accepting_referrals, array_to_string(d.competence_keys, E'",
               kSeparator, "'), d.endorsement_total, array_to_string(d.words, ' '), "
               "d.document::text FROM doctors d WHERE ", where));
  doctors.reserve(rows.size());
  for (const pqxx::row& r : rows) {
    DoctorRow& d = doctors.emplace_back();
    d.profile_id = r[0].as<std::string>();
    d.version = r[1].as<int64_t>();
    d.deleted = r[2].as<bool>();
    d.display_name = r[3].as<std::string>();
    d.specialty_code = r[4].as<std::string>();
    d.specialty_label = r[5].as<std::string>();
    d.headline = r[6].as<std::string>();
    d.languages = Split(r[7], kSeparator);
    d.accepting_referrals = r[8].as<bool>();
    d.filter_keys = Split(r[9], kSeparator);
    d.endorsement_total = r[10].as<int>();
    d.words = Split(r[11], " ");
    ASSIGN_OR_RETURN(d.document, ParseTsVector(r[12].c_str()));
    index[d.profile_id] = doctors.size() - 1;
  }
  for (const pqxx::row& r : p.Exec(
           txn, absl::StrCat("SELECT c.profile_id::text, c.competence_key, c.label, "
                             "c.endorsement_count, array_to_string(tsvector_to_array(c.document), "
                             "' ') FROM doctor_competences c JOIN doctors d USING (profile_id) "
                             "WHERE ", where, " ORDER BY c.profile_id, c.ordinal"))) {
    auto it = index.find(r[0].c_str());
    if (it == index.end()) continue;
    doctors[it->second].competences.push_back(DoctorRow::Competence{
        r[1].as<std::string>(), r[2].as<std::string>(), r[3].as<int>(), Split(r[4], " ")});
  }
  for (const pqxx::row& r : p.Exec(
           txn, absl::StrCat("SELECT pl.profile_id::text, pl.commune, pl.commune_key, "
                             "pl.postcode, pl.latitude, pl.longitude FROM doctor_places pl "
                             "JOIN doctors d USING (profile_id) WHERE ", where,
                             " ORDER BY pl.profile_id, pl.ordinal"))) {
    auto it = index.find(r[0].c_str());
    if (it == index.end()) continue;
    DoctorRow::Place pl{r[1].as<std::string>(), r[2].as<std::string>(), r[3].as<std::string>(),
                        std::nullopt, std::nullopt};
    if (!r[4].is_null()) pl.latitude = r[4].as<double>();
    if (!r[5].is_null()) pl.longitude = r[5].as<double>();
    doctors[it->second].places.push_back(std::move(pl));
  }
  return doctors;
}

}  // namespace

absl::StatusOr<DoctorSnapshot> PgDoctorFeedStore::LoadAll() {
  return pg::InTransaction<DoctorSnapshot>(
      *pool_, [&](pqxx::transaction_base& txn) -> absl::StatusOr<DoctorSnapshot> {
        BeginReading(txn);
        DoctorSnapshot s;
        s.at = ReadPosition(txn);
        SqlParams p;
        ASSIGN_OR_RETURN(s.doctors, ReadDoctors(txn, p, "NOT d.deleted"));
        SqlParams q;
        s.suggestions = ReadSuggestions(txn, q, "true");
        return s;
      });
}

absl::StatusOr<DoctorChanges> PgDoctorFeedStore::ChangesSince(const FeedPosition& from) {
  return pg::InTransaction<DoctorChanges>(
      *pool_, [&](pqxx::transaction_base& txn) -> absl::StatusOr<DoctorChanges> {
        BeginReading(txn);
        DoctorChanges c;
        c.at = ReadPosition(txn);
        if (c.at.doctors_table != from.doctors_table) {
          c.table_replaced = true;
          return c;
        }
        SqlParams p;
        const std::string x = p.Text(from.xmin);
        for (const pqxx::row& r : p.Exec(
                 txn, absl::StrCat("SELECT profile_id::text, version FROM doctors WHERE "
                                   "change_xid >= ", x, "::xid8"))) {
          c.versions.emplace_back(r[0].as<std::string>(), r[1].as<int64_t>());
        }
        SqlParams q;
        c.suggestions = ReadSuggestions(
            txn, q, absl::StrCat("change_xid >= ", q.Text(from.xmin), "::xid8 AND kind <> 'doctor'"));
        return c;
      });
}

absl::StatusOr<DoctorRows> PgDoctorFeedStore::LoadDoctors(const std::vector<std::string>& ids) {
  return pg::InTransaction<DoctorRows>(
      *pool_, [&](pqxx::transaction_base& txn) -> absl::StatusOr<DoctorRows> {
        BeginReading(txn);
        DoctorRows out;
        SqlParams p;
        ASSIGN_OR_RETURN(out.doctors,
                         ReadDoctors(txn, p, absl::StrCat("d.profile_id = ANY(",
                                                          p.TextArray(ids), "::uuid[])")));
        SqlParams q;
        out.suggestions = ReadSuggestions(
            txn, q, absl::StrCat("kind = 'doctor' AND value = ANY(", q.TextArray(ids), ")"));
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
