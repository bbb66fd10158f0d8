#include "services/search/pg_search_store.h"

#include <algorithm>
#include <map>
#include <optional>

#include <pqxx/pqxx>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "google/protobuf/util/time_util.h"
#include "libs/text/fold.h"
#include "services/search/pg_index_store.h"
#include "services/search/ranking.h"
#include "services/search/snippet.h"
#include "services/search/sql_params.h"

namespace meltingdoc::search {
namespace {

using google::protobuf::util::TimeUtil;

constexpr char kSeparator[] = "\x1f";
// Sort value of a doctor without coordinates when sorting by distance: after everyone else.
constexpr double kUnknownDistance = 1e9;
constexpr int kFacetLimit = 20;
// Candidates read from the lexicon per word before the exact one-edit check.
constexpr int kTypoCandidates = 30;
// Lexicon words whose counts make a prefix's estimate (a bound on the work, not exact).
constexpr int kMaxPrefixWordsCounted = 200;

std::vector<std::string> SplitField(const pqxx::field& f) {
  if (f.is_null()) return {};
  return absl::StrSplit(f.as<std::string>(), kSeparator, absl::SkipEmpty());
}

// The settings the search statements rely on: pg_trgm's default similarity threshold (0.3)
// misses some one-letter typos in 5-letter words (the exact edit-distance check in C++
// removes what 0.2 lets through); JIT compilation pays off for long analytical queries, not
// for these (it added ~140 ms to a ranked query over a common word, measured in bench/search).
// (Not plan_cache_mode = force_generic_plan for the prepared look-up's sake: it applies to
// the unnamed statements of the extended protocol too, and the ranked page then lost the
// window's bound from its plan — a common word took seconds.)
constexpr char kSearchSettings[] = "SET pg_trgm.similarity_threshold = 0.2; SET jit = off";
// Whether this session has them (SearchCases sets them for the session, not per transaction).
constexpr char kSearchSettingsCheck[] =
    "current_setting('pg_trgm.similarity_threshold', true) = '0.2' AND "
    "current_setting('jit') = 'off'";

// What the lexicon says about a query's terms.
struct TermsLookup {
  // Documents matching all the terms, at most (-1: unknown): per term, the lexicon's document
  // count of the word (of the words it starts, for a prefix) plus its alternatives'; the
  // smallest over the terms (words are not stems and replies count apart: an upper bound).
  int64_t estimate = -1;
  // With a WindowGuess (SearchCases): the rows of `cases` (reltuples), and the window the
  // statement computed from its own estimate before any typo alternative was known: its size
  // (-1: none computed) and where it starts (nullopt: no row there).
  int64_t cases = 0;
  int64_t guessed_window = -1;
  std::optional<int64_t> guessed_window_start;
  bool session_configured = true;
};

// With SearchCases' lexicon look-up, in the same statement: the table's size and, when no
// term may be a typo (so that the estimate is the lexicon's counts as they are), the start
// of the window of newest cases (RecentWindowSize below) for that estimate — the ranked query
// then follows in one more round trip.
struct WindowGuess {
  double ranked_candidates = 0;
};

// Adds one-typo alternatives to the words of `query` that are not in the lexicon of `scope`
// (a word that may be a typo: unknown word of 5+ letters, unknown prefix), with the document
// counts of every term and candidate, in ONE statement.
TermsLookup LookUpTerms(pqxx::transaction_base& txn, const char* scope, ParsedQuery& query,
                        const WindowGuess* window) {
  TermsLookup out;
  std::vector<std::string> words, prefixes;
  for (const QueryTerm& t : query.terms) {
    words.push_back(t.word);
    prefixes.push_back(t.prefix ? "t" : "f");
  }
  if (words.empty()) return out;
  SqlParams p;
  const std::string s = p.Text(scope);
  const std::string terms = absl::StrCat(
      "SELECT t.word, t.prefix, e.n AS exact_n, pf.n AS prefix_n, "
      "CASE WHEN length(t.word) >= ", kMinTypoWordLength, " AND e.n IS NULL AND "
      "(NOT t.prefix OR pf.n IS NULL) THEN array_to_string(ARRAY(SELECT l.word || ':' || "
      "l.doc_count FROM lexicon l WHERE l.scope = ", s, "::\"char\" AND l.word % t.word "
      "ORDER BY similarity(l.word, t.word) DESC, l.word LIMIT ", kTypoCandidates, "), ' ') "
      "END AS candidates "
      "FROM unnest(", p.TextArray(words), ", ", p.TextArray(prefixes), "::bool[]) AS "
      "t(word, prefix) "
      "LEFT JOIN LATERAL (SELECT l.doc_count::int8 AS n FROM lexicon l WHERE l.scope = ", s,
      "::\"char\" AND l.word = t.word) e ON true "
      // Words starting with a prefix: their counts (a bounded sum), or only whether one
      // exists for a finished word.
      "LEFT JOIN LATERAL (SELECT sum(x.doc_count)::int8 AS n FROM (SELECT l.doc_count FROM "
      "lexicon l WHERE l.scope = ", s, "::\"char\" AND l.word ~>=~ t.word AND l.word ~<~ "
      "(t.word || '{') LIMIT CASE WHEN t.prefix THEN ", kMaxPrefixWordsCounted,
      " ELSE 1 END) x HAVING count(*) > 0) pf ON true");
  std::string sql;
  if (window == nullptr) {
    sql = absl::StrCat("SELECT t.*, NULL::int8 AS cases, NULL::int8 AS window_size, "
                       "NULL::int8 AS window_start, ", kSearchSettingsCheck,
                       " AS configured FROM (", terms, ") t");
  } else {
    // The estimate as the C++ below computes it when no term has alternatives (a term of
    // fewer letters than the lexicon's words has none), and RecentWindowSize's formula.
    sql = absl::StrCat(
        "WITH t AS MATERIALIZED (", terms, "), "
        "e AS (SELECT min(CASE WHEN t.prefix THEN coalesce(t.prefix_n, 0) ELSE "
        "coalesce(t.exact_n, 0) END) FILTER (WHERE t.prefix OR length(t.word) >= ",
        kMinLexiconWordLength, ") AS n, bool_or(t.candidates IS NOT NULL) AS typos FROM t), "
        "n AS (SELECT greatest(reltuples, 0)::int8 AS cases FROM pg_class "
        "WHERE oid = 'cases'::regclass), "
        "w AS (SELECT n.cases, CASE WHEN NOT e.typos AND e.n > 0 AND 1.5::float8 * ",
        p.Double(window->ranked_candidates), " * n.cases / e.n < least(e.n, n.cases) "
        "THEN trunc(1.5::float8 * ", p.Double(window->ranked_candidates),
        " * n.cases / e.n)::int8 END AS size FROM e, n) "
        "SELECT t.*, w.cases, w.size AS window_size, CASE WHEN w.size IS NOT NULL THEN "
        "(SELECT (extract(epoch FROM create_time) * 1000000)::int8 FROM cases WHERE NOT deleted "
        "AND NOT hidden ORDER BY create_time DESC, case_id OFFSET w.size LIMIT 1) END AS "
        "window_start, ", kSearchSettingsCheck, " AS configured FROM t, w");
  }
  // The text depends only on the scope and whether the window is guessed: parsed once per
  // connection (PostgreSQL keeps a generic plan after five calls when it costs no more).
  const pqxx::result rows = p.ExecPrepared(
      txn, absl::StrCat("search_terms_", scope, window == nullptr ? "" : "_window"), sql);
  for (const pqxx::row& r : rows) {
    out.session_configured = r["configured"].as<bool>();
    if (!r["cases"].is_null()) out.cases = r["cases"].as<int64_t>();
    if (!r["window_size"].is_null()) {
      out.guessed_window = r["window_size"].as<int64_t>();
      if (!r["window_start"].is_null()) out.guessed_window_start = r["window_start"].as<int64_t>();
    }
    const std::string word = r["word"].as<std::string>();
    for (QueryTerm& t : query.terms) {
      if (t.word != word) continue;
      int64_t n = t.prefix ? (r["prefix_n"].is_null() ? 0 : r["prefix_n"].as<int64_t>())
                           : (r["exact_n"].is_null() ? 0 : r["exact_n"].as<int64_t>());
      if (WantsTypoAlternatives(t, !r["exact_n"].is_null(), !r["prefix_n"].is_null())) {
        std::vector<std::string> candidates;
        std::map<std::string, int64_t> counts;
        if (!r["candidates"].is_null()) {
          for (absl::string_view c : absl::StrSplit(r["candidates"].as<std::string>(), ' ',
                                                    absl::SkipEmpty())) {
            const std::pair<absl::string_view, absl::string_view> wc =
                absl::StrSplit(c, absl::MaxSplits(':', 1));
            int64_t count = 0;
            (void)absl::SimpleAtoi(wc.second, &count);
            candidates.emplace_back(wc.first);
            counts[std::string(wc.first)] = count;
          }
        }
        t.alternatives = PickTypoAlternatives(word, candidates);
        for (const std::string& a : t.alternatives) {
          n = std::max<int64_t>(0, n) + counts[a];
        }
      }
      // A short finished word is not in the lexicon (too short): no estimate.
      if (!t.prefix && t.word.size() < kMinLexiconWordLength) n = -1;
      t.estimated_documents = n;
    }
  }
  for (const QueryTerm& t : query.terms) {
    if (t.estimated_documents < 0) continue;
    out.estimate =
        out.estimate < 0 ? t.estimated_documents : std::min(out.estimate, t.estimated_documents);
  }
  return out;
}

// Adds one-typo alternatives to the words of `query` that are not in the lexicon of `scope`,
// and returns an estimate of how many documents match all the terms (TermsLookup::estimate).
int64_t AddTypoAlternatives(pqxx::transaction_base& txn, const char* scope, ParsedQuery& query) {
  if (query.terms.empty()) return -1;
  txn.exec(absl::StrCat("SET LOCAL pg_trgm.similarity_threshold = 0.2; SET LOCAL jit = off"));
  return LookUpTerms(txn, scope, query, nullptr).estimate;
}

// The WHERE clause shared by the doctors page and its facets.
std::string DoctorFilter(SqlParams& p, const DoctorQuery& q, const std::string& tsquery_all) {
  std::vector<std::string> where = {"NOT d.deleted"};
  if (!tsquery_all.empty()) {
    where.push_back(absl::StrCat("d.document @@ to_tsquery('fr', ", p.Text(tsquery_all), ")"));
  }
  if (!q.specialty_codes.empty()) {
    where.push_back(absl::StrCat("d.specialty_code = ANY(", p.TextArray(q.specialty_codes), ")"));
  }
  // A competence is named by its taxonomy code or by its label (free-text competences have
  // no code); the index keeps both forms.
  for (const std::string& c : q.competence_keys) {
    where.push_back(absl::StrCat("d.competence_keys && ",
                                 p.TextArray({c, "label:" + text::FoldedKey(c)})));
  }
  if (!q.languages.empty()) {
    where.push_back(absl::StrCat("d.languages && ", p.TextArray(q.languages)));
  }
  if (q.accepting_referrals) where.push_back("d.accepting_referrals");
  if (q.origin.has_value() && q.radius_km > 0) {
    const BoundingBox box = BoxAround(q.origin->latitude, q.origin->longitude, q.radius_km);
    where.push_back(absl::StrCat(
        "EXISTS (SELECT 1 FROM doctor_places pl WHERE pl.profile_id = d.profile_id "
        "AND pl.latitude BETWEEN ", p.Double(box.min_lat), " AND ", p.Double(box.max_lat),
        " AND pl.longitude BETWEEN ", p.Double(box.min_lon), " AND ", p.Double(box.max_lon),
        " AND haversine_km(", p.Double(q.origin->latitude), ", ", p.Double(q.origin->longitude),
        ", pl.latitude, pl.longitude) <= ", p.Double(q.radius_km), ")"));
  }
  return absl::StrJoin(where, " AND ");
}

void ReadFacets(pqxx::transaction_base& txn, const DoctorQuery& q, const std::string& tsquery_all,
                DoctorPage& page) {
  SqlParams p;
  const std::string where = DoctorFilter(p, q, tsquery_all);
  const pqxx::result rows = p.Exec(
      txn,
      absl::StrCat(
          "WITH m AS MATERIALIZED (SELECT d.profile_id, d.specialty_code, d.specialty_label "
          "FROM doctors d WHERE ", where, ") "
          "(SELECT 't', '', '', count(*) FROM m) UNION ALL "
          "(SELECT 's', specialty_code, max(specialty_label), count(*) FROM m "
          " WHERE specialty_code <> '' GROUP BY specialty_code ORDER BY 4 DESC, 2 LIMIT ",
          kFacetLimit, ") UNION ALL "
          "(SELECT 'c', dc.competence_key, max(dc.label), count(DISTINCT dc.profile_id) "
          " FROM m JOIN doctor_competences dc ON dc.profile_id = m.profile_id "
          " GROUP BY dc.competence_key ORDER BY 4 DESC, 2 LIMIT ", kFacetLimit, ") UNION ALL "
          "(SELECT 'p', pl.commune_key, max(pl.commune), count(DISTINCT pl.profile_id) "
          " FROM m JOIN doctor_places pl ON pl.profile_id = m.profile_id "
          " WHERE pl.commune_key <> '' GROUP BY pl.commune_key ORDER BY 4 DESC, 2 LIMIT ",
          kFacetLimit, ")"));
  for (const pqxx::row& r : rows) {
    const std::string kind = r[0].as<std::string>();
    if (kind == "t") {
      page.total = r[3].as<int64_t>();
      continue;
    }
    v1::FacetCount f;
    f.set_value(r[1].as<std::string>());
    f.set_label(r[2].as<std::string>());
    f.set_count(r[3].as<int64_t>());
    if (kind == "s") page.specialty_facets.push_back(std::move(f));
    if (kind == "c") page.competence_facets.push_back(std::move(f));
    if (kind == "p") page.commune_facets.push_back(std::move(f));
  }
}

google::protobuf::Timestamp MicrosToTimestamp(const pqxx::field& f) {
  return TimeUtil::MicrosecondsToTimestamp(f.is_null() ? 0 : f.as<int64_t>());
}

}  // namespace

absl::StatusOr<std::vector<v1::StreamStats>> PgSearchStore::StreamStats() {
  return pg::ReadOneStatement<std::vector<v1::StreamStats>>(
      *pool_, [&](pqxx::transaction_base& txn) -> absl::StatusOr<std::vector<v1::StreamStats>> {
        const pqxx::result rows = txn.exec(
            "SELECT stream, count(*), (extract(epoch FROM max(applied_at)) * 1000000)::int8 "
            "FROM processed_events GROUP BY stream ORDER BY stream");
        std::vector<v1::StreamStats> stats;
        for (const pqxx::row& r : rows) {
          v1::StreamStats& s = stats.emplace_back();
          s.set_stream(r[0].as<std::string>());
          s.set_applied_event_count(r[1].as<int64_t>());
          *s.mutable_last_apply_time() =
              google::protobuf::util::TimeUtil::MicrosecondsToTimestamp(r[2].as<int64_t>());
        }
        return stats;
      });
}

absl::StatusOr<std::pair<int64_t, int64_t>> PgSearchStore::IndexedCounts() {
  return pg::InTransaction<std::pair<int64_t, int64_t>>(
      *pool_, [&](pqxx::transaction_base& txn) -> absl::StatusOr<std::pair<int64_t, int64_t>> {
        const pqxx::row r = txn.exec1(
            "SELECT (SELECT count(*) FROM doctors WHERE NOT deleted), "
            "(SELECT count(*) FROM cases WHERE NOT deleted AND NOT hidden)");
        return std::make_pair(r[0].as<int64_t>(), r[1].as<int64_t>());
      });
}

absl::StatusOr<std::optional<GeoPoint>> PgSearchStore::ResolvePlace(const std::string& place) {
  return pg::InTransaction<std::optional<GeoPoint>>(
      *pool_, [&](pqxx::transaction_base& txn) -> absl::StatusOr<std::optional<GeoPoint>> {
        SqlParams p;
        const pqxx::result r = p.Exec(
            txn, absl::StrCat("SELECT avg(pl.latitude), avg(pl.longitude) FROM doctor_places pl "
                              "JOIN doctors d ON d.profile_id = pl.profile_id "
                              "WHERE NOT d.deleted AND pl.latitude IS NOT NULL AND "
                              "(pl.postcode = ", p.Text(place), " OR pl.commune_key = ",
                              p.Text(text::FoldedKey(place)), ")"));
        if (r.empty() || r[0][0].is_null()) return std::optional<GeoPoint>();
        return std::optional<GeoPoint>(GeoPoint{r[0][0].as<double>(), r[0][1].as<double>()});
      });
}

absl::StatusOr<DoctorPage> PgSearchStore::SearchDoctors(DoctorQuery q) {
  return pg::InTransaction<DoctorPage>(
      *pool_, [&](pqxx::transaction_base& txn) -> absl::StatusOr<DoctorPage> {
        AddTypoAlternatives(txn, "d", q.text);
        const std::string all = ToTsQueryAll(q.text);
        const std::string any = ToTsQueryAny(q.text);
        const bool has_text = !all.empty();

        SqlParams p;
        const std::string where = DoctorFilter(p, q, all);
        const std::string rank =
            has_text ? absl::StrCat("ts_rank_cd('{0.1, 0.2, 0.4, 1.0}', d.document, to_tsquery('fr', ",
                                    p.Text(all), "))::float8")
                     : "NULL::float8";
        std::string km = "NULL::float8";
        double proximity_km = 0;
        if (q.origin.has_value()) {
          km = absl::StrCat("(SELECT min(haversine_km(", p.Double(q.origin->latitude), ", ",
                            p.Double(q.origin->longitude),
                            ", pl.latitude, pl.longitude)) FROM doctor_places pl "
                            "WHERE pl.profile_id = d.profile_id AND pl.latitude IS NOT NULL)");
          proximity_km = q.radius_km > 0 ? q.radius_km : kDefaultProximityKm;
        }
        const std::string matched =
            has_text ? absl::StrCat(
                           "LEFT JOIN LATERAL (SELECT string_agg(dc.label, E'\\x1f' ORDER BY "
                           "dc.ordinal) AS labels, sum(dc.endorsement_count)::int AS n "
                           "FROM doctor_competences dc WHERE dc.profile_id = m.profile_id AND "
                           "dc.document @@ to_tsquery('fr', ", p.Text(any), ")) e ON true")
                     : "LEFT JOIN LATERAL (SELECT NULL::text AS labels, NULL::int AS n) e ON true";
        const std::string endorsements =
            has_text ? "coalesce(e.n, 0)" : "m.endorsement_total";
        const bool by_distance = q.order == DoctorOrder::kDistance && q.origin.has_value();
        const std::string sort_value =
            by_distance ? absl::StrCat("coalesce(km, ", kUnknownDistance, ")") : "score";
        std::string keyset = "true";
        if (q.after.has_value()) {
          const std::string v = p.Double(q.after->sort_value);
          const std::string id = p.Uuid(q.after->id);
          keyset = by_distance ? absl::StrCat("(", sort_value, " > ", v, " OR (", sort_value,
                                              " = ", v, " AND profile_id > ", id, "))")
                               : absl::StrCat("(score < ", v, " OR (score = ", v,
                                              " AND profile_id > ", id, "))");
        }
        const std::string order = by_distance ? absl::StrCat(sort_value, ", profile_id")
                                              : "score DESC, profile_id";
        // Which competences a doctor matched (and so the endorsements in its score) costs an
        // index probe per doctor: for a word matched by thousands, that was most of the query
        // (bench/README.md). By relevance, the score is bounded above by the same formula with
        // all the doctor's endorsements, so only the best doctor_candidates bounds are
        // probed; the page is exact when its row after the last (limit + 1) scores above
        // every bound left out, otherwise it is read again with every match probed.
        // Parameters are numbered as they are added: every one is added before either
        // statement, and each is used by both.
        const std::string proximity = p.Double(proximity_km);
        const std::string page_rows = p.Int(q.limit + 1);
        const std::string bound =
            absl::StrCat("doctor_score(m.text_rank, m.endorsement_total, m.km, ", proximity, ")");
        const std::string candidates = absl::StrCat(
            "c AS MATERIALIZED (SELECT m.*, ", bound, " AS bound FROM m ORDER BY bound DESC, "
            "profile_id LIMIT ", options_.doctor_candidates + 1, "), ");
        const auto statement = [&](bool bounded) {
          const std::string from = bounded ? "c" : "m";
          return absl::StrCat(
              "WITH m AS (SELECT d.profile_id, d.display_name, d.specialty_code, "
              "d.specialty_label, d.headline, array_to_string(d.languages, E'\\x1f') AS "
              "languages, d.accepting_referrals, d.endorsement_total, ", rank, " AS text_rank, ",
              km, " AS km FROM doctors d WHERE ", where, "), ", bounded ? candidates : "",
              "r AS (SELECT m.*, e.labels, ", endorsements, " AS endorsements, "
              "doctor_score(m.text_rank, ", endorsements, ", m.km, ", proximity,
              ") AS score FROM ", from, " m ", matched, ") "
              "SELECT top.*, (SELECT string_agg(DISTINCT pl.commune, E'\\x1f') FROM doctor_places "
              "pl WHERE pl.profile_id = top.profile_id AND pl.commune <> '') AS communes, ",
              bounded ? absl::StrCat("(SELECT CASE WHEN count(*) > ", options_.doctor_candidates,
                                     " THEN min(bound) END FROM c)")
                      : "NULL::float8",
              " AS outside_bound FROM (SELECT r.*, ", sort_value, " AS sort_value FROM r WHERE ",
              keyset, " ORDER BY ", order, " LIMIT ", page_rows, ") top ORDER BY ", order);
        };
        const bool bounded = has_text && !by_distance && options_.doctor_candidates > 0;
        pqxx::result rows = p.Exec(txn, statement(bounded));
        if (bounded && !rows.empty() && !rows[0]["outside_bound"].is_null()) {
          const double outside = rows[0]["outside_bound"].as<double>();
          const bool exact = static_cast<int>(rows.size()) == q.limit + 1 &&
                             rows[q.limit]["score"].as<double>() > outside;
          if (!exact) rows = p.Exec(txn, statement(false));
        } else if (bounded && rows.empty() && q.after.has_value()) {
          // Past the candidates: the next page comes from every match.
          rows = p.Exec(txn, statement(false));
        }

        DoctorPage page;
        for (const pqxx::row& r : rows) {
          if (static_cast<int>(page.hits.size()) == q.limit) {
            const pqxx::row& last = rows[q.limit - 1];
            page.next = Cursor{last["sort_value"].as<double>(),
                               last["profile_id"].as<std::string>()};
            break;
          }
          v1::DoctorHit& h = page.hits.emplace_back();
          h.set_profile_id(r["profile_id"].as<std::string>());
          h.set_display_name(r["display_name"].as<std::string>());
          h.set_specialty_code(r["specialty_code"].as<std::string>());
          h.set_specialty_label(r["specialty_label"].as<std::string>());
          h.set_headline(r["headline"].as<std::string>());
          for (std::string& l : SplitField(r["labels"])) h.add_matched_competences(std::move(l));
          for (std::string& l : SplitField(r["languages"])) h.add_languages(std::move(l));
          h.set_accepting_referrals(r["accepting_referrals"].as<bool>());
          for (std::string& c : SplitField(r["communes"])) h.add_communes(std::move(c));
          if (!r["km"].is_null()) h.set_distance_km(r["km"].as<double>());
          h.set_score(r["score"].as<double>());
          h.set_endorsement_count(r["endorsements"].is_null() ? 0 : r["endorsements"].as<int>());
        }
        if (q.include_facets && !q.after.has_value()) ReadFacets(txn, q, all, page);
        return page;
      });
}

// How many of the newest cases to rank when ranking every match of a query would visit more
// rows than ranking its matches among the newest cases: ranking reads each match's document
// from the heap, which dominates (a common word's ranked query over 1 million cases took
// seconds). The window holds ~1.5 x `ranked_candidates` expected matches; it is used only
// when it is smaller than the expected matches (so at most sqrt(1.5 x 500 x N) rows are
// visited either way). nullopt: rank every match. (LookUpTerms computes the same in SQL.)
std::optional<int64_t> RecentWindowSize(int64_t estimate, int64_t total_cases,
                                        double ranked_candidates) {
  if (estimate <= 0) return std::nullopt;
  const double cases = static_cast<double>(total_cases);
  const double window = 1.5 * ranked_candidates * cases / static_cast<double>(estimate);
  if (window >= static_cast<double>(estimate) || window >= cases) return std::nullopt;
  return static_cast<int64_t>(window);
}

// Where a window of `size` newest cases starts (micros); nullopt: no case there.
std::optional<int64_t> RecentWindowStart(pqxx::transaction_base& txn, int64_t size) {
  SqlParams p;
  const pqxx::result r = p.Exec(
      txn, absl::StrCat("SELECT (extract(epoch FROM create_time) * 1000000)::int8 FROM cases "
                        "WHERE NOT deleted AND NOT hidden ORDER BY create_time DESC, case_id "
                        "OFFSET ", p.Int(size), " LIMIT 1"));
  if (r.empty() || r[0][0].is_null()) return std::nullopt;
  return r[0][0].as<int64_t>();
}

absl::StatusOr<CasePage> PgSearchStore::SearchCases(CaseQuery q) {
  // Without a transaction (each statement its own): the look-up only sizes the window, and
  // the ranked page is one statement; BEGIN, SET LOCAL and COMMIT were three round trips of
  // the five to seven a query took (bench/README.md, search_bench). The settings are the
  // session's, set once per pooled connection.
  return pg::ReadOneStatement<CasePage>(
      *pool_, [&](pqxx::transaction_base& txn) -> absl::StatusOr<CasePage> {
        int64_t window_start = -1;  // micros; -1: no window
        if (!q.text.empty()) {
          const WindowGuess guess{options_.ranked_candidates};
          const bool by_relevance = q.order == CaseOrder::kRelevance;
          TermsLookup lookup = LookUpTerms(txn, "c", q.text, by_relevance ? &guess : nullptr);
          if (!lookup.session_configured) {
            // A new connection: the look-up ran at the default trigram threshold (and JIT).
            txn.exec(kSearchSettings);
            for (QueryTerm& t : q.text.terms) {
              t.alternatives.clear();
              t.estimated_documents = -1;
            }
            lookup = LookUpTerms(txn, "c", q.text, by_relevance ? &guess : nullptr);
          }
          const std::optional<int64_t> size =
              by_relevance ? RecentWindowSize(lookup.estimate, lookup.cases,
                                              options_.ranked_candidates)
                           : std::nullopt;
          if (size.has_value()) {
            // The statement's guess holds unless typo alternatives changed the estimate.
            const std::optional<int64_t> start = *size == lookup.guessed_window
                                                     ? lookup.guessed_window_start
                                                     : RecentWindowStart(txn, *size);
            window_start = start.value_or(-1);
          }
        } else {
          // No look-up to carry the check: the page's statement still wants JIT off.
          txn.exec(kSearchSettings);
        }
        const std::string all = ToTsQueryAll(q.text);
        const bool has_text = !all.empty();
        // A page that the window cannot fill (selective filters, or the window's end) is read
        // again over every case, after the same cursor: pages then go on past the window
        // (never repeating a case; matches outside the window ranked above the cursor are
        // not shown).
        for (;;) {
          SqlParams p;
          const std::string tsq = has_text ? absl::StrCat("to_tsquery('fr', ", p.Text(all), ")") : "";
          std::vector<std::string> where = {
              "NOT c.deleted", "NOT c.hidden",
              // A private group's cases are read by its current members only.
              absl::StrCat("(NOT c.private_group OR EXISTS (SELECT 1 FROM space_members sm "
                           "WHERE sm.space_id = c.space_id AND sm.member AND sm.account_id = ",
                           p.Uuid(q.caller_account_id), "))")};
          if (has_text) where.push_back(absl::StrCat("c.document @@ ", tsq));
          if (!q.space_ids.empty()) {
            where.push_back(absl::StrCat("c.space_id = ANY(", p.TextArray(q.space_ids), "::uuid[])"));
          }
          if (!q.tags.empty()) where.push_back(absl::StrCat("c.tags @> ", p.TextArray(q.tags)));
          if (q.resolved.has_value()) {
            where.push_back(absl::StrCat("c.resolved = ", p.Bool(*q.resolved)));
          }
          if (q.start_time.has_value()) {
            where.push_back(absl::StrCat("c.create_time >= to_timestamp(",
                                         p.Double(absl::ToDoubleSeconds(*q.start_time - absl::UnixEpoch())), ")"));
          }
          if (q.end_time.has_value()) {
            where.push_back(absl::StrCat("c.create_time < to_timestamp(",
                                         p.Double(absl::ToDoubleSeconds(*q.end_time - absl::UnixEpoch())), ")"));
          }
          if (window_start >= 0) {
            where.push_back(absl::StrCat("c.create_time >= to_timestamp(",
                                         p.Double(window_start / 1e6), ")"));
          }
          const bool by_relevance = q.order == CaseOrder::kRelevance && has_text;
          const std::string score =
              has_text ? absl::StrCat("ts_rank_cd(c.document, ", tsq, ")::float8") : "0::float8";
          const std::string sort_value =
              by_relevance
                  ? "score"
                  : "coalesce((extract(epoch FROM create_time) * 1000000)::int8, 0)::float8";
          std::string keyset = "true";
          if (q.after.has_value()) {
            const std::string v = p.Double(q.after->sort_value);
            const std::string id = p.Uuid(q.after->id);
            keyset = absl::StrCat("(", sort_value, " < ", v, " OR (", sort_value, " = ", v,
                                  " AND case_id > ", id, "))");
          }
          const std::string order = absl::StrCat(sort_value, " DESC, case_id");
          std::string snippet = "left(c.body, 240)";
          if (has_text) {
            snippet = absl::StrCat(
                "ts_headline('fr', c.title || E'\\n' || c.body || E'\\n' || c.replies_text, ",
                tsq, ", ",
                p.Text("StartSel=\"\x01\", StopSel=\"\x02\", MaxFragments=2, MaxWords=18, "
                       "MinWords=6, FragmentDelimiter=\" … \""),
                ")");
          }
          // Every match is scored with the fewest columns (id, time, score); only the page's
          // rows are read again for what they show and their snippet. OFFSET 0 keeps the
          // scoring subquery apart: flattened, `score` was computed twice per match (once
          // more as sort_value), and every match carried the page's columns.
          const std::string sql = absl::StrCat(
              "SELECT top.case_id, c.space_id, c.title, array_to_string(c.tags, E'\\x1f') AS tags, "
              "c.resolved, c.reply_count, "
              "(extract(epoch FROM c.create_time) * 1000000)::int8 AS create_micros, "
              "(extract(epoch FROM c.last_activity_time) * 1000000)::int8 AS activity_micros, "
              "top.score, top.sort_value, ", snippet, " AS snippet FROM ("
              "SELECT x.*, ", sort_value, " AS sort_value FROM ("
              "SELECT c.case_id, c.create_time, ", score, " AS score FROM cases c WHERE ",
              absl::StrJoin(where, " AND "), " OFFSET 0) x WHERE ", keyset, " ORDER BY ", order,
              " LIMIT ", p.Int(q.limit + 1), ") top JOIN cases c ON c.case_id = top.case_id "
              "ORDER BY top.sort_value DESC, top.case_id");
          const pqxx::result rows = p.Exec(txn, sql);
          CasePage page;
          for (const pqxx::row& r : rows) {
            if (static_cast<int>(page.hits.size()) == q.limit) {
              const pqxx::row& last = rows[q.limit - 1];
              page.next = Cursor{last["sort_value"].as<double>(), last["case_id"].as<std::string>()};
              break;
            }
            v1::CaseHit& h = page.hits.emplace_back();
            h.set_case_id(r["case_id"].as<std::string>());
            if (!r["space_id"].is_null()) h.set_space_id(r["space_id"].as<std::string>());
            h.set_title(r["title"].as<std::string>());
            const Snippet s = ParseMarkedSnippet(r["snippet"].is_null() ? "" : r["snippet"].as<std::string>());
            h.set_snippet(s.text);
            for (const auto& [start, end] : s.highlights) {
              v1::Highlight* hl = h.add_highlights();
              hl->set_start(start);
              hl->set_end(end);
            }
            for (std::string& t : SplitField(r["tags"])) h.add_tags(std::move(t));
            h.set_resolved(r["resolved"].as<bool>());
            h.set_reply_count(r["reply_count"].as<int>());
            *h.mutable_create_time() = MicrosToTimestamp(r["create_micros"]);
            *h.mutable_last_activity_time() = MicrosToTimestamp(r["activity_micros"]);
            h.set_score(r["score"].as<double>());
          }
          if (window_start >= 0 && static_cast<int>(rows.size()) <= q.limit) {
            window_start = -1;
            continue;
          }
          return page;
        }
      });
}

absl::StatusOr<std::vector<v1::Suggestion>> PgSearchStore::Suggest(
    const std::string& key, int limit, const std::vector<std::string>& kinds) {
  return pg::InTransaction<std::vector<v1::Suggestion>>(
      *pool_, [&](pqxx::transaction_base& txn) -> absl::StatusOr<std::vector<v1::Suggestion>> {
        static const std::vector<std::string> kAllKinds = {"specialty", "competence", "commune",
                                                           "doctor"};
        SqlParams p;
        const std::string k = p.Text(key);
        const std::string n = p.Int(limit);
        std::vector<std::string> branches;
        for (const std::string& kind : kinds.empty() ? kAllKinds : kinds) {
          const std::string kd = p.Text(kind);
          // Entries starting with what was typed, in key order (an index range scan).
          branches.push_back(absl::StrCat(
              "(SELECT kind, key, label, value, detail, 0 AS rank FROM suggestions WHERE kind = ",
              kd, " AND key ~>=~ ", k, " AND key ~<~ (", k, " || '{') ORDER BY kind, key LIMIT ",
              n, ")"));
          // Then entries with a later word starting with it (trigram index; 3+ characters).
          if (key.size() >= 3) {
            branches.push_back(absl::StrCat(
                "(SELECT kind, key, label, value, detail, 1 AS rank FROM suggestions WHERE kind = ",
                kd, " AND key LIKE ('% ' || ", k, " || '%') LIMIT ", n, ")"));
          }
        }
        const pqxx::result rows = p.Exec(
            txn, absl::StrCat(
                     "SELECT DISTINCT ON (rank, kord, length(key), label, value) kind, label, "
                     "value, detail FROM (SELECT u.*, CASE kind WHEN 'specialty' THEN 0 WHEN "
                     "'competence' THEN 1 WHEN 'commune' THEN 2 ELSE 3 END AS kord FROM (",
                     absl::StrJoin(branches, " UNION ALL "), ") u) v "
                     "ORDER BY rank, kord, length(key), label, value LIMIT ", n));
        std::vector<v1::Suggestion> out;
        for (const pqxx::row& r : rows) {
          v1::Suggestion& s = out.emplace_back();
          const std::string kind = r[0].as<std::string>();
          s.set_kind(kind == "specialty"    ? v1::SUGGESTION_KIND_SPECIALTY
                     : kind == "competence" ? v1::SUGGESTION_KIND_COMPETENCE
                     : kind == "commune"    ? v1::SUGGESTION_KIND_COMMUNE
                                            : v1::SUGGESTION_KIND_DOCTOR);
          s.set_text(r[1].as<std::string>());
          s.set_value(r[2].as<std::string>());
          s.set_detail(r[3].as<std::string>());
        }
        return out;
      });
}

}  // namespace meltingdoc::search
