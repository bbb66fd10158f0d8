#include "services/search/pg_index_store.h"

#include <algorithm>
#include <functional>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include <pqxx/pqxx>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "google/protobuf/util/time_util.h"
#include "libs/common/status_macros.h"
#include "libs/common/uuid.h"
#include "libs/pg/errors.h"
#include "libs/text/fold.h"
#include "libs/text/utf8.h"
#include "services/search/sql_params.h"

namespace meltingdoc::search {
namespace {

using events::v1::Event;
using google::protobuf::util::TimeUtil;

// Lexicon scopes (see migrations/0001_index.sql).
constexpr char kDoctorScope[] = "d";
constexpr char kCaseScope[] = "c";
std::vector<std::string> SplitWords(const std::string& joined) {
  return absl::StrSplit(joined, ' ', absl::SkipEmpty());
}

// Adds a document's words to the lexicon and removes its previous ones.
void UpdateLexicon(pqxx::transaction_base& txn, const IndexTables& t, const char* scope,
                   const std::vector<std::string>& old_words,
                   const std::vector<std::string>& new_words) {
  std::vector<std::string> added, removed;
  std::set_difference(new_words.begin(), new_words.end(), old_words.begin(), old_words.end(),
                      std::back_inserter(added));
  std::set_difference(old_words.begin(), old_words.end(), new_words.begin(), new_words.end(),
                      std::back_inserter(removed));
  if (t.lexicon_deltas != nullptr) {  // a batch: written once, by FlushLexicon
    for (const std::string& w : added) ++(*t.lexicon_deltas)[{scope, w}];
    for (const std::string& w : removed) --(*t.lexicon_deltas)[{scope, w}];
    return;
  }
  if (!added.empty()) {
    SqlParams p;
    const std::string s = p.Text(scope), w = p.TextArray(added);
    p.Exec(txn, absl::StrCat(
                    "INSERT INTO ", t.lexicon, " AS lexicon (scope, word, doc_count) SELECT ", s,
                    "::\"char\", w, 1 FROM unnest(", w, ") AS w ORDER BY w "
                    "ON CONFLICT (scope, word) DO UPDATE SET doc_count = lexicon.doc_count + 1"));
  }
  if (!removed.empty()) {
    SqlParams p;
    const std::string s = p.Text(scope), w = p.TextArray(removed);
    p.Exec(txn, absl::StrCat("UPDATE ", t.lexicon, " SET doc_count = doc_count - 1 WHERE scope = ", s,
                             "::\"char\" AND word = ANY(", w, ")"));
    p.Exec(txn, absl::StrCat("DELETE FROM ", t.lexicon, " WHERE scope = ", s,
                             "::\"char\" AND word = ANY(", w, ") AND doc_count <= 0"));
  }
}

std::string OccurTime(SqlParams& p, const Event& event) {
  if (!event.has_occur_time()) return p.Null("timestamptz");
  return absl::StrCat("to_timestamp(", p.Double(TimeUtil::TimestampToMicroseconds(event.occur_time()) / 1e6), ")");
}

std::string TimeParam(SqlParams& p, const google::protobuf::Timestamp& t, bool set) {
  if (!set) return p.Null("timestamptz");
  return absl::StrCat("to_timestamp(", p.Double(TimeUtil::TimestampToMicroseconds(t) / 1e6), ")");
}

// The row's current version and stored words, locked for the rest of the transaction;
// nullopt when the aggregate was never indexed.
struct Existing {
  int64_t version;
  std::vector<std::string> words;
};
std::optional<Existing> LockRow(pqxx::transaction_base& txn, const std::string& table,
                                const std::string& key_column, const std::string& id) {
  SqlParams p;
  const std::string k = p.Uuid(id);
  const pqxx::result r =
      p.Exec(txn, absl::StrCat("SELECT version, array_to_string(words, ' ') FROM ", table,
                               " WHERE ", key_column, " = ", k, " FOR UPDATE"));
  if (r.empty()) return std::nullopt;
  return Existing{r[0][0].as<int64_t>(), SplitWords(r[0][1].as<std::string>())};
}

// Serialises the first indexing of an aggregate: two events of a new aggregate applied at
// once (a retried entry and a newer one) would otherwise both see "no row". Released at commit.
void LockAggregate(pqxx::transaction_base& txn, const std::string& id) {
  SqlParams p;
  p.Exec(txn, absl::StrCat("SELECT pg_advisory_xact_lock(hashtextextended(", p.Text(id), ", 0))"));
}

// ---------------------------------------------------------------- doctors

// One profile's rows, computed from its snapshot.
struct ProfileRows {
  std::string id;
  int64_t version = 0;
  std::optional<double> occur_seconds;
  const events::v1::ProfileChanged* pc = nullptr;
  // The document's parts, by weight: A names, specialty and competences (with synonyms);
  // B headline and register know-how; C places; D bio.
  std::string names, specialty_and_competences, headline, places;
  std::vector<std::string> languages, filter_keys, words;
  int64_t endorsement_total = 0;
  // Per competence (doctor_competences): its code, or "label:<folded label>" without one.
  std::vector<std::string> competence_keys, competence_labels, competence_docs;
  std::vector<int64_t> endorsements;
  std::vector<std::string> communes, commune_keys, postcodes;
  std::vector<std::optional<double>> lats, lons;
  // Autocomplete: the doctor's own entry (replaced); specialty, competences with their
  // synonyms, communes (shared entries, added once).
  std::vector<std::string> s_kinds, s_keys, s_labels, s_values, s_details;
};

ProfileRows BuildProfileRows(const std::string& id, const Event& event) {
  const events::v1::ProfileChanged& pc = event.profile_changed();
  ProfileRows r;
  r.id = id;
  r.version = event.aggregate_version();
  if (event.has_occur_time()) {
    r.occur_seconds = TimeUtil::TimestampToMicroseconds(event.occur_time()) / 1e6;
  }
  r.pc = &pc;
  r.names = absl::StrJoin({pc.display_name(), pc.given_name(), pc.family_name()}, " ");
  std::vector<std::string> competence_texts;
  for (const auto& c : pc.competences()) {
    const std::string key = c.code().empty() ? "label:" + text::FoldedKey(c.label()) : c.code();
    if (key == "label:") continue;
    std::string doc = c.label();
    for (const std::string& s : c.synonyms()) absl::StrAppend(&doc, " ", s);
    r.competence_keys.push_back(key);
    // On the doctor (filters): codes and label keys, so that either names a competence.
    r.filter_keys.push_back(key);
    if (!c.code().empty() && !text::FoldedKey(c.label()).empty()) {
      r.filter_keys.push_back("label:" + text::FoldedKey(c.label()));
    }
    r.competence_labels.push_back(c.label());
    r.competence_docs.push_back(doc);
    competence_texts.push_back(doc);
    r.endorsements.push_back(std::max(0, c.endorsement_count()));
    r.endorsement_total += std::max(0, c.endorsement_count());
  }
  r.specialty_and_competences =
      absl::StrCat(pc.specialty_label(), " ", absl::StrJoin(competence_texts, " "));
  r.headline = absl::StrCat(pc.headline(), " ", absl::StrJoin(pc.savoir_faire_labels(), " "));
  std::vector<std::string> place_texts;
  for (const auto& pl : pc.places()) {
    place_texts.push_back(absl::StrJoin({pl.name(), pl.commune(), pl.postcode()}, " "));
    r.communes.push_back(pl.commune());
    r.commune_keys.push_back(text::FoldedKey(pl.commune()));
    r.postcodes.push_back(pl.postcode());
    const bool has = pl.has_coordinates() && pl.latitude() >= -90 && pl.latitude() <= 90 &&
                     pl.longitude() >= -180 && pl.longitude() <= 180;
    r.lats.push_back(has ? std::optional<double>(pl.latitude()) : std::nullopt);
    r.lons.push_back(has ? std::optional<double>(pl.longitude()) : std::nullopt);
  }
  r.places = absl::StrJoin(place_texts, " ");
  r.words = LexiconWords({r.names, r.specialty_and_competences, r.headline, r.places, pc.bio()});
  r.languages.assign(pc.languages().begin(), pc.languages().end());
  for (std::string& l : r.languages) l = text::FoldedKey(l);

  const auto add = [&](const char* kind, const std::string& label, const std::string& value,
                       const std::string& detail) {
    const std::string key = text::FoldedKey(label);
    if (key.empty() || value.empty()) return;
    r.s_kinds.push_back(kind);
    r.s_keys.push_back(key);
    r.s_labels.push_back(label);
    r.s_values.push_back(value);
    r.s_details.push_back(detail);
  };
  const std::string person = absl::StrJoin({pc.given_name(), pc.family_name()}, " ");
  add("doctor", text::FoldedKey(person).empty() ? pc.display_name() : person, id, pc.specialty_label());
  add("specialty", pc.specialty_label(), pc.specialty_code(), "");
  for (const auto& c : pc.competences()) {
    const std::string key = c.code().empty() ? "label:" + text::FoldedKey(c.label()) : c.code();
    add("competence", c.label(), key, "");
    for (const std::string& s : c.synonyms()) add("competence", s, key, c.label());
  }
  for (const auto& pl : pc.places()) add("commune", pl.commune(), text::FoldedKey(pl.commune()), pl.departement());
  return r;
}

// Per-row lists travel as one text joined by this (keys and languages never contain it).
constexpr char kListSeparator[] = "\x1f";

// A run of events of one kind written together (ApplyEvents): the newest event of each
// aggregate (its index in `events`; an older one of the same aggregate is marked stale in
// `results`, whatever its place), then the first indexing of each aggregate serialised (an
// advisory lock per id, in id order: one lock order for every transaction) and the rows it
// already has locked, with their versions and words.
struct LockedRun {
  std::map<std::string, size_t> newest;  // aggregate id -> index of its newest event
  std::map<std::string, Existing> existing;
};
LockedRun LockRun(pqxx::transaction_base& txn, const std::vector<const Event*>& events,
                  const std::function<std::string(const Event&)>& id_of,
                  const std::string& table, const std::string& key_column,
                  std::vector<ApplyResult>& results) {
  results.assign(events.size(), ApplyResult::kIgnored);
  LockedRun run;
  for (size_t i = 0; i < events.size(); ++i) {
    const std::string id = id_of(*events[i]);
    if (!IsValidUuid(id)) continue;
    auto [it, inserted] = run.newest.emplace(id, i);
    if (inserted) continue;
    if (events[i]->aggregate_version() > events[it->second]->aggregate_version()) {
      results[it->second] = ApplyResult::kStale;
      it->second = i;
    } else {
      results[i] = ApplyResult::kStale;
    }
  }
  if (run.newest.empty()) return run;
  std::vector<std::string> ids;
  for (const auto& [id, i] : run.newest) ids.push_back(id);
  SqlParams p;
  const std::string a = p.TextArray(ids);
  p.Exec(txn, absl::StrCat("SELECT pg_advisory_xact_lock(hashtextextended(id, 0)) FROM unnest(",
                           a, ") AS id"));
  const pqxx::result r = p.Exec(
      txn, absl::StrCat("SELECT ", key_column, "::text, version, array_to_string(words, ' ') "
                        "FROM ", table, " WHERE ", key_column, " = ANY(", a, "::uuid[]) ORDER BY ",
                        key_column, " FOR UPDATE"));
  for (const pqxx::row& row : r) {
    run.existing[row[0].as<std::string>()] =
        Existing{row[1].as<int64_t>(), SplitWords(row[2].as<std::string>())};
  }
  return run;
}

// ProfileChanged events, written together: a handful of statements for the whole list
// instead of per profile. The newest version per profile wins; `results` gets one entry per
// event. A single event (the stream) goes through here too, so a bulk load and the stream
// index alike.
absl::Status ApplyProfilesChanged(pqxx::transaction_base& txn, const IndexTables& t,
                                  const std::vector<const Event*>& events,
                                  std::vector<ApplyResult>& results) {
  const LockedRun run = LockRun(
      txn, events,
      [](const Event& e) {
        const std::string& pid = e.profile_changed().profile_id();
        return pid.empty() ? e.aggregate_id() : pid;
      },
      t.doctors, "profile_id", results);
  if (run.newest.empty()) return absl::OkStatus();
  const std::map<std::string, size_t>& newest = run.newest;
  const std::map<std::string, Existing>& existing = run.existing;
  std::vector<ProfileRows> rows;
  for (const auto& [id, i] : newest) {
    const auto it = existing.find(id);
    if (it != existing.end() && it->second.version >= events[i]->aggregate_version()) {
      results[i] = ApplyResult::kStale;
      continue;
    }
    results[i] = ApplyResult::kApplied;
    rows.push_back(BuildProfileRows(id, *events[i]));
  }
  if (rows.empty()) return absl::OkStatus();

  std::vector<std::string> kept, display_names, specialty_codes, specialty_labels, headlines,
      languages, accepting, filter_keys, words, names, spec_comps, headline_docs, places, bios;
  std::vector<int64_t> versions, endorsement_totals;
  std::vector<std::optional<double>> occurs;
  std::vector<std::string> c_ids, c_keys, c_labels, c_docs;
  std::vector<int64_t> c_ords, c_ns;
  std::vector<std::string> p_ids, p_communes, p_ckeys, p_postcodes;
  std::vector<int64_t> p_ords;
  std::vector<std::optional<double>> p_lats, p_lons;
  std::vector<std::string> s_kinds, s_keys, s_labels, s_values, s_details;
  for (const ProfileRows& r : rows) {
    const events::v1::ProfileChanged& pc = *r.pc;
    kept.push_back(r.id);
    versions.push_back(r.version);
    display_names.push_back(pc.display_name());
    specialty_codes.push_back(pc.specialty_code());
    specialty_labels.push_back(pc.specialty_label());
    headlines.push_back(pc.headline());
    languages.push_back(absl::StrJoin(r.languages, kListSeparator));
    accepting.push_back(pc.accepting_referrals() ? "t" : "f");
    filter_keys.push_back(absl::StrJoin(r.filter_keys, kListSeparator));
    endorsement_totals.push_back(r.endorsement_total);
    words.push_back(absl::StrJoin(r.words, " "));
    names.push_back(r.names);
    spec_comps.push_back(r.specialty_and_competences);
    headline_docs.push_back(r.headline);
    places.push_back(r.places);
    bios.push_back(pc.bio());
    occurs.push_back(r.occur_seconds);
    for (size_t k = 0; k < r.competence_keys.size(); ++k) {
      c_ids.push_back(r.id);
      c_ords.push_back(static_cast<int64_t>(k) + 1);
      c_keys.push_back(r.competence_keys[k]);
      c_labels.push_back(r.competence_labels[k]);
      c_ns.push_back(r.endorsements[k]);
      c_docs.push_back(r.competence_docs[k]);
    }
    for (size_t k = 0; k < r.communes.size(); ++k) {
      p_ids.push_back(r.id);
      p_ords.push_back(static_cast<int64_t>(k) + 1);
      p_communes.push_back(r.communes[k]);
      p_ckeys.push_back(r.commune_keys[k]);
      p_postcodes.push_back(r.postcodes[k]);
      p_lats.push_back(r.lats[k]);
      p_lons.push_back(r.lons[k]);
    }
    s_kinds.insert(s_kinds.end(), r.s_kinds.begin(), r.s_kinds.end());
    s_keys.insert(s_keys.end(), r.s_keys.begin(), r.s_keys.end());
    s_labels.insert(s_labels.end(), r.s_labels.begin(), r.s_labels.end());
    s_values.insert(s_values.end(), r.s_values.begin(), r.s_values.end());
    s_details.insert(s_details.end(), r.s_details.begin(), r.s_details.end());
  }
  {
    SqlParams p;
    const std::string sep = p.Text(kListSeparator);
    const std::string sql = absl::StrCat(
        "INSERT INTO ", t.doctors, " AS doctors (profile_id, version, deleted, display_name, "
        "specialty_code, specialty_label, headline, languages, accepting_referrals, "
        "competence_keys, endorsement_total, words, document, occur_time, indexed_at) "
        "SELECT u.id::uuid, u.version, false, u.display_name, u.specialty_code, u.specialty_label, "
        "u.headline, string_to_array(u.languages, ", sep, "), u.accepting::boolean, "
        "string_to_array(u.filter_keys, ", sep, "), u.endorsements, "
        "string_to_array(u.words, ' '), "
        "setweight(to_tsvector('fr', u.names), 'A') || "
        "setweight(to_tsvector('fr', u.spec_comps), 'A') || "
        "setweight(to_tsvector('fr', u.headline_doc), 'B') || "
        "setweight(to_tsvector('fr', u.places), 'C') || "
        "setweight(to_tsvector('fr', u.bio), 'D'), to_timestamp(u.occur), clock_timestamp() "
        "FROM unnest(", p.TextArray(kept), ", ", p.IntArray(versions), ", ",
        p.TextArray(display_names), ", ", p.TextArray(specialty_codes), ", ",
        p.TextArray(specialty_labels), ", ", p.TextArray(headlines), ", ", p.TextArray(languages),
        ", ", p.TextArray(accepting), ", ", p.TextArray(filter_keys), ", ",
        p.IntArray(endorsement_totals), ", ", p.TextArray(words), ", ", p.TextArray(names), ", ",
        p.TextArray(spec_comps), ", ", p.TextArray(headline_docs), ", ", p.TextArray(places),
        ", ", p.TextArray(bios), ", ", p.DoubleArray(occurs),
        ") AS u(id, version, display_name, specialty_code, specialty_label, headline, languages, "
        "accepting, filter_keys, endorsements, words, names, spec_comps, headline_doc, places, "
        "bio, occur) "
        "ON CONFLICT (profile_id) DO UPDATE SET version = EXCLUDED.version, "
        "deleted = false, display_name = EXCLUDED.display_name, "
        "specialty_code = EXCLUDED.specialty_code, specialty_label = EXCLUDED.specialty_label, "
        "headline = EXCLUDED.headline, languages = EXCLUDED.languages, "
        "accepting_referrals = EXCLUDED.accepting_referrals, "
        "competence_keys = EXCLUDED.competence_keys, "
        "endorsement_total = EXCLUDED.endorsement_total, words = EXCLUDED.words, "
        "document = EXCLUDED.document, occur_time = EXCLUDED.occur_time, indexed_at = clock_timestamp() "
        "WHERE doctors.version < EXCLUDED.version");
    p.Exec(txn, sql);
  }
  {
    SqlParams p;
    p.Exec(txn, absl::StrCat("DELETE FROM ", t.doctor_competences, " WHERE profile_id = ANY(",
                             p.TextArray(kept), "::uuid[])"));
  }
  if (!c_ids.empty()) {
    SqlParams p;
    p.Exec(txn, absl::StrCat(
                    "INSERT INTO ", t.doctor_competences, " (profile_id, ordinal, competence_key, "
                    "label, endorsement_count, document) SELECT c.id::uuid, c.ord, c.key, c.label, "
                    "c.n, to_tsvector('fr', c.doc) FROM unnest(", p.TextArray(c_ids), ", ",
                    p.IntArray(c_ords), ", ", p.TextArray(c_keys), ", ", p.TextArray(c_labels), ", ",
                    p.IntArray(c_ns), ", ", p.TextArray(c_docs),
                    ") AS c(id, ord, key, label, n, doc)"));
  }
  {
    SqlParams p;
    p.Exec(txn, absl::StrCat("DELETE FROM ", t.doctor_places, " WHERE profile_id = ANY(",
                             p.TextArray(kept), "::uuid[])"));
  }
  if (!p_ids.empty()) {
    SqlParams p;
    p.Exec(txn, absl::StrCat(
                    "INSERT INTO ", t.doctor_places, " (profile_id, ordinal, commune, commune_key, "
                    "postcode, latitude, longitude) SELECT pl.id::uuid, pl.ord, pl.commune, pl.ckey, "
                    "pl.postcode, pl.lat, pl.lon FROM unnest(", p.TextArray(p_ids), ", ",
                    p.IntArray(p_ords), ", ", p.TextArray(p_communes), ", ", p.TextArray(p_ckeys),
                    ", ", p.TextArray(p_postcodes), ", ", p.DoubleArray(p_lats), ", ",
                    p.DoubleArray(p_lons), ") AS pl(id, ord, commune, ckey, postcode, lat, lon)"));
  }
  for (const ProfileRows& r : rows) {
    const auto it = existing.find(r.id);
    UpdateLexicon(txn, t, kDoctorScope,
                  it != existing.end() ? it->second.words : std::vector<std::string>{}, r.words);
  }
  {
    SqlParams d;
    d.Exec(txn, absl::StrCat("DELETE FROM ", t.suggestions, " WHERE kind = 'doctor' AND value = ANY(",
                             d.TextArray(kept), ")"));
  }
  if (!s_kinds.empty()) {
    SqlParams p;
    p.Exec(txn, absl::StrCat(
                    "INSERT INTO ", t.suggestions, " (kind, key, label, value, detail) "
                    "SELECT DISTINCT ON (kind, value, key) kind, key, label, value, detail "
                    "FROM unnest(", p.TextArray(s_kinds), ", ", p.TextArray(s_keys), ", ",
                    p.TextArray(s_labels), ", ", p.TextArray(s_values), ", ", p.TextArray(s_details),
                    ") AS s(kind, key, label, value, detail) "
                    "ON CONFLICT (kind, value, key) DO NOTHING"));
  }
  return absl::OkStatus();
}

absl::StatusOr<ApplyResult> ApplyProfileChanged(pqxx::transaction_base& txn, const IndexTables& t,
                                                const Event& event) {
  std::vector<ApplyResult> results;
  RETURN_IF_ERROR(ApplyProfilesChanged(txn, t, {&event}, results));
  return results[0];
}

absl::StatusOr<ApplyResult> ApplyProfileDeleted(pqxx::transaction_base& txn, const IndexTables& t,
                                                const Event& event) {
  const std::string id = event.profile_deleted().profile_id().empty()
                             ? event.aggregate_id()
                             : event.profile_deleted().profile_id();
  if (!IsValidUuid(id)) return ApplyResult::kIgnored;
  LockAggregate(txn, id);
  const std::optional<Existing> existing = LockRow(txn, t.doctors, "profile_id", id);
  if (existing.has_value() && existing->version >= event.aggregate_version()) {
    return ApplyResult::kStale;
  }
  SqlParams p;
  const std::string i = p.Uuid(id);
  SqlParams u;
  u.Exec(txn, absl::StrCat(
                  "INSERT INTO ", t.doctors, " AS doctors (profile_id, version, deleted, occur_time) VALUES (",
                  u.Uuid(id), ", ", u.Int(event.aggregate_version()), ", true, ",
                  OccurTime(u, event), ") ON CONFLICT (profile_id) DO UPDATE SET "
                  "version = EXCLUDED.version, deleted = true, display_name = '', "
                  "specialty_code = '', specialty_label = '', headline = '', languages = '{}', "
                  "accepting_referrals = false, competence_keys = '{}', endorsement_total = 0, "
                  "words = '{}', document = ''::tsvector, occur_time = EXCLUDED.occur_time, "
                  "indexed_at = clock_timestamp() WHERE doctors.version < EXCLUDED.version"));
  p.Exec(txn, absl::StrCat("DELETE FROM ", t.doctor_competences, " WHERE profile_id = ", i));
  p.Exec(txn, absl::StrCat("DELETE FROM ", t.doctor_places, " WHERE profile_id = ", i));
  p.Exec(txn, absl::StrCat("DELETE FROM ", t.suggestions, " WHERE kind = 'doctor' AND value = ", i, "::text"));
  if (existing.has_value()) UpdateLexicon(txn, t, kDoctorScope, existing->words, {});
  return ApplyResult::kApplied;
}

// ---------------------------------------------------------------- spaces and cases

absl::StatusOr<ApplyResult> ApplyGroupMembershipChanged(pqxx::transaction_base& txn,
                                                        const IndexTables& t, const Event& event) {
  const events::v1::GroupMembershipChanged& m = event.group_membership_changed();
  const std::string space = m.space_id().empty() ? event.aggregate_id() : m.space_id();
  if (!IsValidUuid(space) || !IsValidUuid(m.account_id())) return ApplyResult::kIgnored;
  // Versions order the changes of one group; compare with this member's last change.
  SqlParams p;
  const pqxx::result r = p.Exec(
      txn, absl::StrCat("INSERT INTO ", t.space_members,
                        " AS space_members (space_id, account_id, member, version) VALUES (",
                        p.Uuid(space), ", ", p.Uuid(m.account_id()), ", ", p.Bool(m.member()), ", ",
                        p.Int(event.aggregate_version()),
                        ") ON CONFLICT (space_id, account_id) DO UPDATE SET "
                        "member = EXCLUDED.member, version = EXCLUDED.version "
                        "WHERE space_members.version < EXCLUDED.version RETURNING 1"));
  return r.empty() ? ApplyResult::kStale : ApplyResult::kApplied;
}

// Recomputes a case's replies text and document from its visible replies.
void RefreshCaseDocument(pqxx::transaction_base& txn, const IndexTables& t,
                         const std::string& case_id) {
  SqlParams p;
  const std::string i = p.Uuid(case_id);
  p.Exec(txn, absl::StrCat(
                  "UPDATE ", t.cases, " c SET replies_text = r.text, "
                  "document = setweight(to_tsvector('fr', c.title), 'A') || "
                  "setweight(to_tsvector('fr', c.body), 'B') || "
                  "setweight(to_tsvector('fr', r.text), 'C') "
                  "FROM (SELECT coalesce(string_agg(text, E'\\n' ORDER BY create_time, reply_id), '') "
                  "AS text FROM ", t.replies, " WHERE case_id = ", i, " AND NOT hidden AND NOT deleted) r "
                  "WHERE c.case_id = ", i, " AND NOT c.deleted"));
}

std::string CaseId(const Event& event) {
  const events::v1::CaseChanged& cc = event.case_changed();
  return cc.case_id().empty() ? event.aggregate_id() : cc.case_id();
}

// What a CaseChanged writes besides its ids and times.
struct CaseText {
  std::string title, body;
  std::vector<std::string> tags, words;
};

CaseText BuildCaseText(const events::v1::CaseChanged& cc) {
  CaseText c;
  c.title = text::StripControlCharacters(cc.title());
  std::vector<std::string> parts;
  for (const std::string* part : {&cc.context(), &cc.examination(), &cc.investigations(),
                                  &cc.question()}) {
    if (!part->empty()) parts.push_back(text::StripControlCharacters(*part));
  }
  c.body = absl::StrJoin(parts, "\n\n");
  c.tags.assign(cc.competence_tags().begin(), cc.competence_tags().end());
  c.tags.insert(c.tags.end(), cc.specialty_codes().begin(), cc.specialty_codes().end());
  std::sort(c.tags.begin(), c.tags.end());
  c.tags.erase(std::unique(c.tags.begin(), c.tags.end()), c.tags.end());
  c.words = LexiconWords({c.title, c.body});
  return c;
}

absl::StatusOr<ApplyResult> ApplyCaseChanged(pqxx::transaction_base& txn, const IndexTables& t,
                                             const Event& event) {
  const events::v1::CaseChanged& cc = event.case_changed();
  const std::string id = CaseId(event);
  if (!IsValidUuid(id)) return ApplyResult::kIgnored;
  LockAggregate(txn, id);
  const std::optional<Existing> existing = LockRow(txn, t.cases, "case_id", id);
  if (existing.has_value() && existing->version >= event.aggregate_version()) {
    return ApplyResult::kStale;
  }
  const CaseText ct = BuildCaseText(cc);
  const std::string& title = ct.title;
  const std::string& body = ct.body;
  const std::vector<std::string>& tags = ct.tags;
  const std::vector<std::string>& words = ct.words;

  SqlParams p;
  const std::string space = IsValidUuid(cc.space_id()) ? p.Uuid(cc.space_id()) : p.Null("uuid");
  p.Exec(txn, absl::StrCat(
                  "INSERT INTO ", t.cases, " AS cases (case_id, version, deleted, hidden, space_id, private_group, "
                  "title, body, tags, resolved, reply_count, create_time, last_activity_time, "
                  "words, occur_time, indexed_at) VALUES (",
                  p.Uuid(id), ", ", p.Int(event.aggregate_version()), ", false, ",
                  p.Bool(cc.hidden()), ", ", space, ", ", p.Bool(cc.private_group()), ", ",
                  p.Text(title), ", ", p.Text(body), ", ", p.TextArray(tags), ", ",
                  p.Bool(cc.resolved()), ", ", p.Int(cc.reply_count()), ", ",
                  TimeParam(p, cc.create_time(), cc.has_create_time()), ", ",
                  TimeParam(p, cc.last_activity_time(), cc.has_last_activity_time()), ", ",
                  p.TextArray(words), ", ", OccurTime(p, event),
                  ", clock_timestamp()) ON CONFLICT (case_id) DO UPDATE SET version = EXCLUDED.version, "
                  "deleted = false, hidden = EXCLUDED.hidden, space_id = EXCLUDED.space_id, "
                  "private_group = EXCLUDED.private_group, title = EXCLUDED.title, "
                  "body = EXCLUDED.body, tags = EXCLUDED.tags, resolved = EXCLUDED.resolved, "
                  "reply_count = EXCLUDED.reply_count, "
                  "create_time = coalesce(EXCLUDED.create_time, cases.create_time), "
                  "last_activity_time = EXCLUDED.last_activity_time, words = EXCLUDED.words, "
                  "occur_time = EXCLUDED.occur_time, indexed_at = clock_timestamp() "
                  "WHERE cases.version < EXCLUDED.version"));
  RefreshCaseDocument(txn, t, id);
  UpdateLexicon(txn, t, kCaseScope, existing.has_value() ? existing->words : std::vector<std::string>{},
                words);
  return ApplyResult::kApplied;
}

// CaseChanged events, written together (ApplyEvents' runs of consecutive CaseChanged, e.g.
// what one read of the discussions stream returns): advisory locks and row locks for all,
// then ONE statement for every case, its document computed with its visible replies as
// RefreshCaseDocument does; about four statements for the run instead of four per case.
// The newest version per case wins; `results` gets one entry per event. Same effect as
// ApplyCaseChanged on each in turn (tested).
absl::Status ApplyCasesChanged(pqxx::transaction_base& txn, const IndexTables& t,
                               const std::vector<const Event*>& events,
                               std::vector<ApplyResult>& results) {
  const LockedRun run = LockRun(txn, events, CaseId, t.cases, "case_id", results);
  if (run.newest.empty()) return absl::OkStatus();
  const std::map<std::string, size_t>& newest = run.newest;
  const std::map<std::string, Existing>& existing = run.existing;
  std::vector<std::string> kept, hidden, spaces, privates, titles, bodies, tags, resolved, words;
  std::vector<int64_t> versions, reply_counts;
  std::vector<std::optional<double>> create_times, activity_times, occurs;
  const auto seconds = [](const google::protobuf::Timestamp& ts, bool set) {
    return set ? std::optional<double>(TimeUtil::TimestampToMicroseconds(ts) / 1e6)
               : std::nullopt;
  };
  for (const auto& [id, i] : newest) {
    const Event& e = *events[i];
    const auto it = existing.find(id);
    if (it != existing.end() && it->second.version >= e.aggregate_version()) {
      results[i] = ApplyResult::kStale;
      continue;
    }
    results[i] = ApplyResult::kApplied;
    const events::v1::CaseChanged& cc = e.case_changed();
    CaseText ct = BuildCaseText(cc);
    UpdateLexicon(txn, t, kCaseScope,
                  it != existing.end() ? it->second.words : std::vector<std::string>{}, ct.words);
    kept.push_back(id);
    versions.push_back(e.aggregate_version());
    hidden.push_back(cc.hidden() ? "t" : "f");
    spaces.push_back(IsValidUuid(cc.space_id()) ? cc.space_id() : "");
    privates.push_back(cc.private_group() ? "t" : "f");
    titles.push_back(std::move(ct.title));
    bodies.push_back(std::move(ct.body));
    tags.push_back(absl::StrJoin(ct.tags, kListSeparator));
    resolved.push_back(cc.resolved() ? "t" : "f");
    reply_counts.push_back(cc.reply_count());
    create_times.push_back(seconds(cc.create_time(), cc.has_create_time()));
    activity_times.push_back(seconds(cc.last_activity_time(), cc.has_last_activity_time()));
    words.push_back(absl::StrJoin(ct.words, " "));
    occurs.push_back(seconds(e.occur_time(), e.has_occur_time()));
  }
  if (kept.empty()) return absl::OkStatus();
  SqlParams p;
  const std::string sep = p.Text(kListSeparator);
  p.Exec(txn, absl::StrCat(
                  "INSERT INTO ", t.cases, " AS cases (case_id, version, deleted, hidden, space_id, "
                  "private_group, title, body, replies_text, tags, resolved, reply_count, "
                  "create_time, last_activity_time, words, document, occur_time, indexed_at) "
                  "SELECT u.id::uuid, u.version, false, u.hidden::boolean, "
                  "nullif(u.space, '')::uuid, u.private::boolean, u.title, u.body, r.text, "
                  "string_to_array(u.tags, ", sep, "), u.resolved::boolean, u.reply_count, "
                  "to_timestamp(u.create_at), to_timestamp(u.activity_at), "
                  "string_to_array(u.words, ' '), "
                  "setweight(to_tsvector('fr', u.title), 'A') || "
                  "setweight(to_tsvector('fr', u.body), 'B') || "
                  "setweight(to_tsvector('fr', r.text), 'C'), to_timestamp(u.occur), "
                  "clock_timestamp() FROM unnest(",
                  p.TextArray(kept), ", ", p.IntArray(versions), ", ", p.TextArray(hidden), ", ",
                  p.TextArray(spaces), ", ", p.TextArray(privates), ", ", p.TextArray(titles),
                  ", ", p.TextArray(bodies), ", ", p.TextArray(tags), ", ", p.TextArray(resolved),
                  ", ", p.IntArray(reply_counts), ", ", p.DoubleArray(create_times), ", ",
                  p.DoubleArray(activity_times), ", ", p.TextArray(words), ", ",
                  p.DoubleArray(occurs),
                  ") AS u(id, version, hidden, space, private, title, body, tags, resolved, "
                  "reply_count, create_at, activity_at, words, occur) "
                  // The case's visible replies, as RefreshCaseDocument reads them.
                  "CROSS JOIN LATERAL (SELECT coalesce(string_agg(text, E'\\n' ORDER BY "
                  "create_time, reply_id), '') AS text FROM ", t.replies,
                  " WHERE case_id = u.id::uuid AND NOT hidden AND NOT deleted) r "
                  "ON CONFLICT (case_id) DO UPDATE SET version = EXCLUDED.version, "
                  "deleted = false, hidden = EXCLUDED.hidden, space_id = EXCLUDED.space_id, "
                  "private_group = EXCLUDED.private_group, title = EXCLUDED.title, "
                  "body = EXCLUDED.body, replies_text = EXCLUDED.replies_text, "
                  "tags = EXCLUDED.tags, resolved = EXCLUDED.resolved, "
                  "reply_count = EXCLUDED.reply_count, "
                  "create_time = coalesce(EXCLUDED.create_time, cases.create_time), "
                  "last_activity_time = EXCLUDED.last_activity_time, words = EXCLUDED.words, "
                  "document = EXCLUDED.document, occur_time = EXCLUDED.occur_time, "
                  "indexed_at = clock_timestamp() WHERE cases.version < EXCLUDED.version"));
  return absl::OkStatus();
}

absl::StatusOr<ApplyResult> ApplyCaseDeleted(pqxx::transaction_base& txn, const IndexTables& t,
                                             const Event& event) {
  const std::string id = event.case_deleted().case_id().empty() ? event.aggregate_id()
                                                                 : event.case_deleted().case_id();
  if (!IsValidUuid(id)) return ApplyResult::kIgnored;
  LockAggregate(txn, id);
  const std::optional<Existing> existing = LockRow(txn, t.cases, "case_id", id);
  if (existing.has_value() && existing->version >= event.aggregate_version()) {
    return ApplyResult::kStale;
  }
  SqlParams p;
  const std::string i = p.Uuid(id);
  SqlParams u;
  u.Exec(txn, absl::StrCat(
                  "INSERT INTO ", t.cases, " AS cases (case_id, version, deleted, occur_time) VALUES (", u.Uuid(id),
                  ", ", u.Int(event.aggregate_version()), ", true, ", OccurTime(u, event),
                  ") ON CONFLICT (case_id) DO UPDATE SET version = EXCLUDED.version, "
                  "deleted = true, title = '', body = '', replies_text = '', tags = '{}', "
                  "words = '{}', document = ''::tsvector, occur_time = EXCLUDED.occur_time, "
                  "indexed_at = clock_timestamp() WHERE cases.version < EXCLUDED.version"));
  if (existing.has_value()) UpdateLexicon(txn, t, kCaseScope, existing->words, {});
  // Forget the replies' text too: a deleted case is gone with everything said under it.
  const pqxx::result replies = p.Exec(
      txn, absl::StrCat("SELECT array_to_string(words, ' ') FROM ", t.replies, " WHERE case_id = ", i,
                        " AND NOT deleted FOR UPDATE"));
  for (const pqxx::row& r : replies) {
    UpdateLexicon(txn, t, kCaseScope, SplitWords(r[0].as<std::string>()), {});
  }
  p.Exec(txn, absl::StrCat("UPDATE ", t.replies, " SET deleted = true, text = '', words = '{}' "
                           "WHERE case_id = ", i));
  return ApplyResult::kApplied;
}

absl::StatusOr<ApplyResult> ApplyReplyChanged(pqxx::transaction_base& txn, const IndexTables& t,
                                              const Event& event) {
  const events::v1::ReplyChanged& rc = event.reply_changed();
  const std::string id = rc.reply_id().empty() ? event.aggregate_id() : rc.reply_id();
  if (!IsValidUuid(id) || !IsValidUuid(rc.case_id())) return ApplyResult::kIgnored;
  LockAggregate(txn, id);
  const std::optional<Existing> existing = LockRow(txn, t.replies, "reply_id", id);
  if (existing.has_value() && existing->version >= event.aggregate_version()) {
    return ApplyResult::kStale;
  }
  SqlParams p;
  const std::string case_id = p.Uuid(rc.case_id());
  // Under a deleted case, a reply is kept without its text (only to hold its version).
  const pqxx::result c = p.Exec(
      txn, absl::StrCat("SELECT deleted FROM ", t.cases, " WHERE case_id = ", case_id, " FOR UPDATE"));
  const bool case_deleted = !c.empty() && c[0][0].as<bool>();
  const std::string text = case_deleted ? "" : text::StripControlCharacters(rc.text());
  const std::vector<std::string> words =
      case_deleted ? std::vector<std::string>{} : LexiconWords({text});
  p.Exec(txn, absl::StrCat(
                  "INSERT INTO ", t.replies, " AS replies (reply_id, case_id, version, hidden, deleted, text, words, "
                  "create_time) VALUES (", p.Uuid(id), ", ", case_id, ", ",
                  p.Int(event.aggregate_version()), ", ", p.Bool(rc.hidden()), ", ",
                  p.Bool(case_deleted), ", ", p.Text(text), ", ", p.TextArray(words), ", ",
                  TimeParam(p, rc.create_time(), rc.has_create_time()),
                  ") ON CONFLICT (reply_id) DO UPDATE SET case_id = EXCLUDED.case_id, "
                  "version = EXCLUDED.version, hidden = EXCLUDED.hidden, "
                  "deleted = EXCLUDED.deleted, text = EXCLUDED.text, words = EXCLUDED.words, "
                  "create_time = coalesce(EXCLUDED.create_time, replies.create_time) "
                  "WHERE replies.version < EXCLUDED.version"));
  UpdateLexicon(txn, t, kCaseScope, existing.has_value() ? existing->words : std::vector<std::string>{},
                words);
  if (!c.empty() && !case_deleted) RefreshCaseDocument(txn, t, rc.case_id());
  return ApplyResult::kApplied;
}

}  // namespace

std::vector<std::string> LexiconWords(const std::vector<std::string>& texts) {
  std::set<std::string> words;
  for (const std::string& t : texts) {
    for (std::string& w : text::FoldedWords(t)) {
      if (w.size() >= kMinLexiconWordLength && w.size() <= 64) words.insert(std::move(w));
    }
  }
  return {words.begin(), words.end()};
}

IndexTables::IndexTables(absl::string_view prefix)
    : doctors(absl::StrCat(prefix, "doctors")),
      doctor_competences(absl::StrCat(prefix, "doctor_competences")),
      doctor_places(absl::StrCat(prefix, "doctor_places")),
      lexicon(absl::StrCat(prefix, "lexicon")),
      suggestions(absl::StrCat(prefix, "suggestions")),
      space_members(absl::StrCat(prefix, "space_members")),
      cases(absl::StrCat(prefix, "cases")),
      replies(absl::StrCat(prefix, "replies")) {}

namespace {

// Writes the lexicon changes a batch collected (IndexTables::lexicon_deltas).
absl::Status FlushLexicon(pqxx::transaction_base& txn, const IndexTables& t) {
  if (t.lexicon_deltas == nullptr || t.lexicon_deltas->empty()) return absl::OkStatus();
  std::vector<std::string> scopes, words;
  std::vector<int64_t> deltas;
  for (const auto& [key, delta] : *t.lexicon_deltas) {  // in key order: one lock order
    if (delta == 0) continue;
    scopes.push_back(key.first);
    words.push_back(key.second);
    deltas.push_back(delta);
  }
  t.lexicon_deltas->clear();
  if (words.empty()) return absl::OkStatus();
  try {
    SqlParams p;
    const std::string s = p.TextArray(scopes), w = p.TextArray(words), n = p.IntArray(deltas);
    p.Exec(txn, absl::StrCat(
                    "INSERT INTO ", t.lexicon, " AS lexicon (scope, word, doc_count) "
                    "SELECT s::\"char\", w, n FROM unnest(", s, ", ", w, ", ", n, ") AS d(s, w, n) "
                    "ORDER BY s, w ON CONFLICT (scope, word) DO UPDATE "
                    "SET doc_count = lexicon.doc_count + EXCLUDED.doc_count"));
    SqlParams d;
    const std::string ds = d.TextArray(scopes), dw = d.TextArray(words);
    d.Exec(txn, absl::StrCat("DELETE FROM ", t.lexicon, " l USING unnest(", ds, ", ", dw,
                             ") AS d(s, w) WHERE l.scope = d.s::\"char\" AND l.word = d.w "
                             "AND l.doc_count <= 0"));
  } catch (const std::exception& e) {
    return pg::StatusFromException(e);
  }
  return absl::OkStatus();
}

}  // namespace

const IndexTables& IndexTables::Live() {
  static const IndexTables* const live = new IndexTables("");
  return *live;
}

absl::StatusOr<ApplyResult> ApplyEvent(pqxx::transaction_base& txn, const Event& event,
                                       const IndexTables& t) {
  switch (event.payload_case()) {
    case Event::kProfileChanged:
      return ApplyProfileChanged(txn, t, event);
    case Event::kProfileDeleted:
      return ApplyProfileDeleted(txn, t, event);
    case Event::kCaseChanged:
      return ApplyCaseChanged(txn, t, event);
    case Event::kCaseDeleted:
      return ApplyCaseDeleted(txn, t, event);
    case Event::kReplyChanged:
      return ApplyReplyChanged(txn, t, event);
    case Event::kGroupMembershipChanged:
      return ApplyGroupMembershipChanged(txn, t, event);
    default:
      return ApplyResult::kIgnored;
  }
}

absl::StatusOr<std::vector<ApplyResult>> ApplyEvents(pqxx::transaction_base& txn,
                                                     const std::vector<Event>& events,
                                                     const IndexTables& tables) {
  std::map<std::pair<std::string, std::string>, int64_t> lexicon;
  IndexTables t = tables;
  t.lexicon_deltas = &lexicon;
  std::vector<ApplyResult> results(events.size(), ApplyResult::kIgnored);
  try {
    for (size_t i = 0; i < events.size();) {
      const Event::PayloadCase kind = events[i].payload_case();
      if (kind != Event::kProfileChanged && kind != Event::kCaseChanged) {
        ASSIGN_OR_RETURN(results[i], ApplyEvent(txn, events[i], t));
        ++i;
        continue;
      }
      // Consecutive ProfileChanged, or CaseChanged: written together.
      std::vector<const Event*> run;
      size_t j = i;
      for (; j < events.size() && events[j].payload_case() == kind; ++j) {
        run.push_back(&events[j]);
      }
      std::vector<ApplyResult> r;
      RETURN_IF_ERROR(kind == Event::kProfileChanged ? ApplyProfilesChanged(txn, t, run, r)
                                                     : ApplyCasesChanged(txn, t, run, r));
      std::copy(r.begin(), r.end(), results.begin() + static_cast<std::ptrdiff_t>(i));
      i = j;
    }
    RETURN_IF_ERROR(FlushLexicon(txn, t));
  } catch (const std::exception& e) {
    return pg::StatusFromException(e);
  }
  return results;
}

}  // namespace meltingdoc::search
