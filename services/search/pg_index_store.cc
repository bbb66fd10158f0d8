#include "services/search/pg_index_store.h"

#include <algorithm>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include <pqxx/pqxx>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "google/protobuf/util/time_util.h"
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

absl::StatusOr<ApplyResult> ApplyProfileChanged(pqxx::transaction_base& txn, const IndexTables& t,
                                                const Event& event) {
  const events::v1::ProfileChanged& pc = event.profile_changed();
  const std::string id = pc.profile_id().empty() ? event.aggregate_id() : pc.profile_id();
  if (!IsValidUuid(id)) return ApplyResult::kIgnored;
  LockAggregate(txn, id);
  const std::optional<Existing> existing = LockRow(txn, t.doctors, "profile_id", id);
  if (existing.has_value() && existing->version >= event.aggregate_version()) {
    return ApplyResult::kStale;
  }

  // The document's parts, by weight: A names, specialty and competences (with synonyms);
  // B headline and register know-how; C places; D bio.
  const std::string names =
      absl::StrJoin({pc.display_name(), pc.given_name(), pc.family_name()}, " ");
  std::vector<std::string> competence_texts;
  // Per competence (doctor_competences): its code, or "label:<folded label>" without one.
  std::vector<std::string> competence_keys, competence_labels, competence_docs;
  // On the doctor (filters): codes and label keys, so that either names a competence.
  std::vector<std::string> filter_keys;
  std::vector<int64_t> endorsements;
  int64_t endorsement_total = 0;
  for (const auto& c : pc.competences()) {
    const std::string key = c.code().empty() ? "label:" + text::FoldedKey(c.label()) : c.code();
    if (key == "label:") continue;
    std::string doc = c.label();
    for (const std::string& s : c.synonyms()) absl::StrAppend(&doc, " ", s);
    competence_keys.push_back(key);
    filter_keys.push_back(key);
    if (!c.code().empty() && !text::FoldedKey(c.label()).empty()) {
      filter_keys.push_back("label:" + text::FoldedKey(c.label()));
    }
    competence_labels.push_back(c.label());
    competence_docs.push_back(doc);
    competence_texts.push_back(doc);
    endorsements.push_back(std::max(0, c.endorsement_count()));
    endorsement_total += std::max(0, c.endorsement_count());
  }
  const std::string specialty_and_competences =
      absl::StrCat(pc.specialty_label(), " ", absl::StrJoin(competence_texts, " "));
  const std::string headline =
      absl::StrCat(pc.headline(), " ", absl::StrJoin(pc.savoir_faire_labels(), " "));
  std::vector<std::string> place_texts, communes, commune_keys, postcodes;
  std::vector<std::optional<double>> lats, lons;
  for (const auto& pl : pc.places()) {
    place_texts.push_back(absl::StrJoin({pl.name(), pl.commune(), pl.postcode()}, " "));
    communes.push_back(pl.commune());
    commune_keys.push_back(text::FoldedKey(pl.commune()));
    postcodes.push_back(pl.postcode());
    const bool has = pl.has_coordinates() && pl.latitude() >= -90 && pl.latitude() <= 90 &&
                     pl.longitude() >= -180 && pl.longitude() <= 180;
    lats.push_back(has ? std::optional<double>(pl.latitude()) : std::nullopt);
    lons.push_back(has ? std::optional<double>(pl.longitude()) : std::nullopt);
  }
  const std::string places = absl::StrJoin(place_texts, " ");
  const std::vector<std::string> words =
      LexiconWords({names, specialty_and_competences, headline, places, pc.bio()});
  std::vector<std::string> languages(pc.languages().begin(), pc.languages().end());
  for (std::string& l : languages) l = text::FoldedKey(l);

  {
    SqlParams p;
    const std::string sql = absl::StrCat(
        "INSERT INTO ", t.doctors, " AS doctors (profile_id, version, deleted, display_name, specialty_code, "
        "specialty_label, headline, languages, accepting_referrals, competence_keys, "
        "endorsement_total, words, document, occur_time, indexed_at) VALUES (",
        p.Uuid(id), ", ", p.Int(event.aggregate_version()), ", false, ", p.Text(pc.display_name()),
        ", ", p.Text(pc.specialty_code()), ", ", p.Text(pc.specialty_label()), ", ",
        p.Text(pc.headline()), ", ", p.TextArray(languages), ", ", p.Bool(pc.accepting_referrals()),
        ", ", p.TextArray(filter_keys), ", ", p.Int(endorsement_total), ", ",
        p.TextArray(words), ", ",
        "setweight(to_tsvector('fr', ", p.Text(names), "), 'A') || ",
        "setweight(to_tsvector('fr', ", p.Text(specialty_and_competences), "), 'A') || ",
        "setweight(to_tsvector('fr', ", p.Text(headline), "), 'B') || ",
        "setweight(to_tsvector('fr', ", p.Text(places), "), 'C') || ",
        "setweight(to_tsvector('fr', ", p.Text(pc.bio()), "), 'D'), ", OccurTime(p, event),
        ", clock_timestamp()) ON CONFLICT (profile_id) DO UPDATE SET version = EXCLUDED.version, "
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
    const std::string i = p.Uuid(id);
    p.Exec(txn, absl::StrCat("DELETE FROM ", t.doctor_competences, " WHERE profile_id = ", i));
    if (!competence_keys.empty()) {
      p.Exec(txn, absl::StrCat(
                      "INSERT INTO ", t.doctor_competences, " (profile_id, ordinal, competence_key, label, "
                      "endorsement_count, document) SELECT ", i, ", c.ord, c.key, c.label, c.n, "
                      "to_tsvector('fr', c.doc) FROM unnest(", p.TextArray(competence_keys), ", ",
                      p.TextArray(competence_labels), ", ", p.IntArray(endorsements), ", ",
                      p.TextArray(competence_docs),
                      ") WITH ORDINALITY AS c(key, label, n, doc, ord)"));
    }
  }
  {
    SqlParams p;
    const std::string i = p.Uuid(id);
    p.Exec(txn, absl::StrCat("DELETE FROM ", t.doctor_places, " WHERE profile_id = ", i));
    if (!communes.empty()) {
      p.Exec(txn, absl::StrCat(
                      "INSERT INTO ", t.doctor_places, " (profile_id, ordinal, commune, commune_key, "
                      "postcode, latitude, longitude) SELECT ", i,
                      ", pl.ord, pl.commune, pl.ckey, pl.postcode, pl.lat, pl.lon FROM unnest(",
                      p.TextArray(communes), ", ", p.TextArray(commune_keys), ", ",
                      p.TextArray(postcodes), ", ", p.DoubleArray(lats), ", ", p.DoubleArray(lons),
                      ") WITH ORDINALITY AS pl(commune, ckey, postcode, lat, lon, ord)"));
    }
  }
  UpdateLexicon(txn, t, kDoctorScope, existing.has_value() ? existing->words : std::vector<std::string>{},
                words);

  // Autocomplete: the doctor's own entry is replaced; specialties, competences (with their
  // synonyms) and communes are shared entries, added once.
  std::vector<std::string> kinds, keys, labels, values, details;
  const auto add = [&](const char* kind, const std::string& label, const std::string& value,
                       const std::string& detail) {
    const std::string key = text::FoldedKey(label);
    if (key.empty() || value.empty()) return;
    kinds.push_back(kind);
    keys.push_back(key);
    labels.push_back(label);
    values.push_back(value);
    details.push_back(detail);
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
  {
    SqlParams d;
    d.Exec(txn, absl::StrCat("DELETE FROM ", t.suggestions, " WHERE kind = 'doctor' AND value = ", d.Text(id)));
    if (!kinds.empty()) {
      SqlParams p;
      p.Exec(txn, absl::StrCat(
                      "INSERT INTO ", t.suggestions, " (kind, key, label, value, detail) "
                      "SELECT DISTINCT ON (kind, value, key) kind, key, label, value, detail "
                      "FROM unnest(", p.TextArray(kinds), ", ", p.TextArray(keys), ", ",
                      p.TextArray(labels), ", ", p.TextArray(values), ", ", p.TextArray(details),
                      ") AS s(kind, key, label, value, detail) "
                      "ON CONFLICT (kind, value, key) DO NOTHING"));
    }
  }
  return ApplyResult::kApplied;
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

absl::StatusOr<ApplyResult> ApplyCaseChanged(pqxx::transaction_base& txn, const IndexTables& t,
                                             const Event& event) {
  const events::v1::CaseChanged& cc = event.case_changed();
  const std::string id = cc.case_id().empty() ? event.aggregate_id() : cc.case_id();
  if (!IsValidUuid(id)) return ApplyResult::kIgnored;
  LockAggregate(txn, id);
  const std::optional<Existing> existing = LockRow(txn, t.cases, "case_id", id);
  if (existing.has_value() && existing->version >= event.aggregate_version()) {
    return ApplyResult::kStale;
  }
  const std::string title = text::StripControlCharacters(cc.title());
  std::vector<std::string> parts;
  for (const std::string* part : {&cc.context(), &cc.examination(), &cc.investigations(),
                                  &cc.question()}) {
    if (!part->empty()) parts.push_back(text::StripControlCharacters(*part));
  }
  const std::string body = absl::StrJoin(parts, "\n\n");
  std::vector<std::string> tags(cc.competence_tags().begin(), cc.competence_tags().end());
  tags.insert(tags.end(), cc.specialty_codes().begin(), cc.specialty_codes().end());
  std::sort(tags.begin(), tags.end());
  tags.erase(std::unique(tags.begin(), tags.end()), tags.end());
  const std::vector<std::string> words = LexiconWords({title, body});

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

}  // namespace meltingdoc::search
