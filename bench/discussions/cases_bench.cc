// CreateCase calls/s and ListCases latency at 1 million cases, against the same calls on a
// small table and against ListSpaces (a trivial indexed read through the same stack), all
// measured in one command; then EXPLAIN ANALYZE of ListCases' own statement for each
// scenario at 1 million rows, to show which index it walks.
//
// One command starts everything (private PostgreSQL cluster, Redis, keys,
// meltingdoc-discussions) and seeds the cases with one INSERT ... SELECT FROM
// generate_series per phase (no RPC per row):
//   build/bench/discussions/cases_bench --seconds=10
//
// Closed loop: each client thread keeps one call outstanding; calls that start during the
// warm-up or end after the stop are not counted.
#include <stdlib.h>

#include <algorithm>
#include <atomic>
#include <cstdio>
#include <functional>
#include <thread>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "absl/strings/str_split.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/clock.h"
#include "grpcpp/create_channel.h"
#include "libs/common/uuid.h"
#include "meltingdoc/discussions/v1/discussions_service.grpc.pb.h"
#include "services/discussions/pg_store_internal.h"
#include "tests/support/local_postgres.h"
#include "tests/support/local_redis.h"
#include "tests/support/service_process.h"
#include "tests/support/test_env.h"
#include "tests/support/test_tokens.h"

ABSL_FLAG(double, seconds, 5, "Measured duration of each scenario.");
ABSL_FLAG(double, warmup_seconds, 1, "Load before each measured scenario (not counted).");
ABSL_FLAG(int, clients, 8, "Concurrent clients.");
ABSL_FLAG(int, small_cases, 10000, "Cases of the small table (the baseline).");
ABSL_FLAG(int, cases, 1000000, "Cases of the large table.");
ABSL_FLAG(bool, explain, true, "Print EXPLAIN ANALYZE of ListCases' statement at the large size.");

namespace meltingdoc::bench {
namespace {

namespace dv1 = discussions::v1;

constexpr char kGeneral[] = "00000000-0000-4000-8000-000000000001";
constexpr char kGynecology[] = "00000000-0000-4000-8001-000000000020";
constexpr int kAuthors = 10000;
constexpr int kGroups = 100;

struct Result {
  std::vector<int64_t> us;
  int64_t errors = 0;
  std::string first_error;
  double seconds = 0;
  double rate() const { return us.size() / seconds; }
};

int64_t Pct(std::vector<int64_t> v, double p) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  return v[std::min(v.size() - 1, static_cast<size_t>(p * (v.size() - 1) + 0.5))];
}

std::unique_ptr<grpc::ClientContext> Ctx(const std::string& token) {
  auto ctx = std::make_unique<grpc::ClientContext>();
  ctx->AddMetadata("authorization", "Bearer " + token);
  ctx->set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(30));
  return ctx;
}

// One call by client `client`, its i-th; returns its status.
using Call = std::function<grpc::Status(dv1::DiscussionsService::Stub&, int client, int64_t i)>;

Result Run(const std::shared_ptr<grpc::Channel>& channel, const Call& call) {
  const int clients = absl::GetFlag(FLAGS_clients);
  const absl::Time measure_from = absl::Now() + absl::Seconds(absl::GetFlag(FLAGS_warmup_seconds));
  const absl::Time stop = measure_from + absl::Seconds(absl::GetFlag(FLAGS_seconds));
  absl::Mutex mu;
  Result result;
  result.seconds = absl::GetFlag(FLAGS_seconds);
  std::vector<std::thread> threads;
  for (int c = 0; c < clients; ++c) {
    threads.emplace_back([&, c] {
      auto stub = dv1::DiscussionsService::NewStub(channel);
      std::vector<int64_t> mine;
      int64_t errors = 0;
      std::string first_error;
      for (int64_t i = 0; absl::Now() < stop; ++i) {
        const absl::Time t0 = absl::Now();
        grpc::Status s = call(*stub, c, i);
        const absl::Time t1 = absl::Now();
        if (t0 < measure_from || t1 > stop) continue;
        if (s.ok()) {
          mine.push_back(absl::ToInt64Microseconds(t1 - t0));
        } else {
          if (errors++ == 0) first_error = absl::StrCat(s.error_code(), " ", s.error_message());
        }
      }
      absl::MutexLock lock(&mu);
      result.us.insert(result.us.end(), mine.begin(), mine.end());
      result.errors += errors;
      if (result.first_error.empty()) result.first_error = first_error;
    });
  }
  for (auto& t : threads) t.join();
  return result;
}


// Cases i in [from, to] of a deterministic population: a third in the general space, 5 % in
// 100 private groups, the rest over the spaces of SM01..SM61; 10,000 authors; one
// specialty code and one of 200 competence tags each ("rare-tag" on one case in 5,000);
// 20 % resolved; 0.5 % deleted, 0.2 % hidden; one case every 90 s going back from now, with
// activity up to a day later.
std::string SeedSql(int64_t from, int64_t to, int64_t total) {
  return absl::StrReplaceAll(
      R"sql(
SET search_path = discussions;
INSERT INTO cases (case_id, space_id, author_id, title, context, examination, investigations, question,
                   specialty_codes, competence_tags, status, reply_count, version, created_at, updated_at,
                   last_activity_at, deleted_at, hidden_at)
SELECT md5('case' || i)::uuid,
       CASE WHEN i % 20 = 7 THEN md5('group' || (i % $GROUPS))::uuid
            WHEN i % 3 = 0 THEN '$GENERAL'::uuid
            ELSE ('00000000-0000-4000-8001-0000000000' || sm)::uuid END,
       md5('author' || (i % $AUTHORS))::uuid,
       'Cas clinique ' || i || ' : douleur thoracique atypique et troponine limite',
       repeat('Patiente de 54 ans, antécédents de maladie de Crohn, traitée par adalimumab. ', 4),
       'Abdomen souple, pas de masse palpable, TA 130/80, FC 88.',
       'CRP 45 mg/L, calprotectine 800 µg/g, entéro-IRM : atteinte iléale de 15 cm.',
       'Faut-il intensifier le traitement ou proposer une résection ?',
       ARRAY['SM' || sm],
       CASE WHEN i % 5000 = 0 THEN ARRAY['rare-tag'] ELSE ARRAY['tag-' || (i % 200)] END,
       CASE WHEN i % 5 = 0 THEN 'resolved' ELSE 'open' END,
       i % 7, 1, t, t, t + (i % 1440) * interval '1 minute',
       CASE WHEN i % 200 = 3 THEN t END,
       CASE WHEN i % 500 = 11 THEN t END
FROM generate_series($FROM::int8, $TO::int8) AS i,
     LATERAL (SELECT now() - ($TOTAL - i) * interval '90 seconds' AS t) AS tt,
     -- SM01..SM61, general practice (SM26, SM53) as its canonical SM54.
     LATERAL (SELECT lpad((CASE WHEN 1 + i % 61 IN (26, 53) THEN 54 ELSE 1 + i % 61 END)::text, 2, '0') AS sm) AS ss;
-- What CreateCase writes beside the case (migrations/0009_case_tags.sql).
INSERT INTO case_tags (case_id, tag, created_at)
SELECT c.case_id, t.tag, c.created_at
FROM generate_series($FROM::int8, $TO::int8) AS i
JOIN cases c ON c.case_id = md5('case' || i)::uuid,
     unnest(c.specialty_codes || c.competence_tags) AS t (tag)
WHERE c.deleted_at IS NULL;
ANALYZE cases;
ANALYZE case_tags;
)sql",
      {{"$GROUPS", absl::StrCat(kGroups)},
       {"$AUTHORS", absl::StrCat(kAuthors)},
       {"$GENERAL", kGeneral},
       {"$FROM", absl::StrCat(from)},
       {"$TO", absl::StrCat(to)},
       {"$TOTAL", absl::StrCat(total)}});
}

// The private groups, the bench caller a member of the first ten.
std::string GroupsSql(const std::string& caller) {
  return absl::StrReplaceAll(
      R"sql(
SET search_path = discussions;
INSERT INTO spaces (space_id, kind, title, owner_id)
SELECT md5('group' || g)::uuid, 'private_group', 'Groupe ' || g, md5('author' || g)::uuid
FROM generate_series(0, $GROUPS - 1) AS g;
INSERT INTO space_members (space_id, account_id, role)
SELECT md5('group' || g)::uuid, md5('author' || (g + k * 100))::uuid, CASE WHEN k = 0 THEN 'owner' ELSE 'member' END
FROM generate_series(0, $GROUPS - 1) AS g, generate_series(0, 19) AS k;
INSERT INTO space_members (space_id, account_id, role)
SELECT md5('group' || g)::uuid, '$CALLER'::uuid, 'member' FROM generate_series(0, 9) AS g;
)sql",
      {{"$GROUPS", absl::StrCat(kGroups)}, {"$CALLER", caller}});
}

struct Scenario {
  std::string name;
  dv1::ListCasesRequest request;
};

std::vector<Scenario> Scenarios(const std::string& author) {
  std::vector<Scenario> out;
  auto add = [&](const std::string& name, const std::function<void(dv1::ListCasesRequest&)>& f) {
    Scenario s{name, {}};
    f(s.request);
    out.push_back(std::move(s));
  };
  add("newest", [](auto&) {});
  add("most-active", [](auto& r) { r.set_order_by(dv1::CASE_ORDER_MOST_ACTIVE); });
  add("space", [](auto& r) { r.set_space_id(kGynecology); });
  add("space+active", [](auto& r) {
    r.set_space_id(kGynecology);
    r.set_order_by(dv1::CASE_ORDER_MOST_ACTIVE);
  });
  add("tag", [](auto& r) { r.set_tag("tag-7"); });
  add("rare-tag", [](auto& r) { r.set_tag("rare-tag"); });
  add("specialty-tag", [](auto& r) { r.set_tag("SM20"); });
  add("author", [&](auto& r) { r.set_author_id(author); });
  add("resolved", [](auto& r) { r.set_status(dv1::CASE_STATUS_RESOLVED); });
  add("space+resolved", [](auto& r) {
    r.set_space_id(kGynecology);
    r.set_status(dv1::CASE_STATUS_RESOLVED);
  });
  return out;
}

// The SQL parameters of a scenario (NULL for an absent filter), for EXPLAIN.
std::string ExplainArgs(const std::string& reader, const dv1::ListCasesRequest& r, int limit) {
  auto text = [](const std::string& s) { return s.empty() ? std::string("NULL") : absl::StrCat("'", s, "'"); };
  std::string status = "NULL";
  if (r.status() == dv1::CASE_STATUS_RESOLVED) status = "'resolved'";
  return absl::StrCat("'", reader, "', ", text(r.space_id()), ", ", text(r.tag()), ", ", text(r.author_id()), ", ",
                      status, ", NULL, NULL, ", limit);
}

struct PhaseFigures {
  Result spaces;
  std::vector<Result> lists;
  Result create;
};

PhaseFigures Measure(const std::shared_ptr<grpc::Channel>& channel, const testing::TestTokens& tokens,
                     const std::string& reader, const std::vector<Scenario>& scenarios, const char* label) {
  // Minted now: tokens live 5 minutes, and seeding the large table takes longer.
  const std::string reader_token = tokens.VerifiedDoctor(reader);
  PhaseFigures f;
  f.spaces = Run(channel, [&](dv1::DiscussionsService::Stub& stub, int, int64_t) {
    dv1::ListSpacesRequest req;
    dv1::ListSpacesResponse resp;
    return stub.ListSpaces(Ctx(reader_token).get(), req, &resp);
  });
  std::printf("[%s] ListSpaces (baseline): %.0f calls/s, p50 %.2f ms, p99 %.2f ms, errors %lld\n", label,
              f.spaces.rate(), Pct(f.spaces.us, 0.5) / 1e3, Pct(f.spaces.us, 0.99) / 1e3,
              static_cast<long long>(f.spaces.errors));
  for (const Scenario& s : scenarios) {
    Result r = Run(channel, [&](dv1::DiscussionsService::Stub& stub, int, int64_t) {
      dv1::ListCasesResponse resp;
      grpc::Status st = stub.ListCases(Ctx(reader_token).get(), s.request, &resp);
      if (st.ok() && resp.cases().empty()) return grpc::Status(grpc::StatusCode::NOT_FOUND, "empty page");
      return st;
    });
    std::printf("[%s] ListCases %-15s %6.0f calls/s, p50 %6.2f ms, p99 %6.2f ms (%.2f x ListSpaces p99), errors %lld %s\n",
                label, s.name.c_str(), r.rate(), Pct(r.us, 0.5) / 1e3, Pct(r.us, 0.99) / 1e3,
                static_cast<double>(Pct(r.us, 0.99)) / std::max<int64_t>(1, Pct(f.spaces.us, 0.99)),
                static_cast<long long>(r.errors), r.first_error.c_str());
    f.lists.push_back(std::move(r));
  }
  // Each client writes as its own doctor.
  std::vector<std::string> writers;
  for (int c = 0; c < absl::GetFlag(FLAGS_clients); ++c) writers.push_back(tokens.VerifiedDoctor(NewUuid()));
  f.create = Run(channel, [&](dv1::DiscussionsService::Stub& stub, int c, int64_t i) {
    dv1::CreateCaseRequest req;
    dv1::Case* k = req.mutable_case_();
    k->set_space_id(i % 3 == 0 ? kGeneral : kGynecology);
    k->set_title(absl::StrCat("Cas de mesure ", c, "-", i, " : fièvre prolongée"));
    k->mutable_body()->set_context(
        "Patient de 67 ans, fièvre à 38,5 °C depuis trois semaines, amaigrissement de 4 kg, "
        "antécédent de valvulopathie aortique. Hémocultures négatives sous antibiotiques.");
    k->mutable_body()->set_examination("Souffle systolique 3/6 au foyer aortique, splénomégalie discrète.");
    k->mutable_body()->set_investigations("CRP 120 mg/L, ETT sans végétation visible, ETO prévue.");
    k->mutable_body()->set_question("Faut-il traiter comme une endocardite à hémocultures négatives ?");
    k->add_specialty_codes("SM58");
    k->add_competence_tags("endocardite");
    dv1::CreateCaseResponse resp;
    return stub.CreateCase(Ctx(writers[c]).get(), req, &resp);
  });
  std::printf("[%s] CreateCase: %.0f calls/s (%.3f x ListSpaces calls/s), p50 %.2f ms, p99 %.2f ms, errors %lld %s\n",
              label, f.create.rate(), f.create.rate() / std::max(1.0, f.spaces.rate()), Pct(f.create.us, 0.5) / 1e3,
              Pct(f.create.us, 0.99) / 1e3, static_cast<long long>(f.create.errors), f.create.first_error.c_str());
  std::fflush(stdout);
  return f;
}

std::string Trim(std::string s) {
  while (!s.empty() && (s.back() == '\n' || s.back() == ' ')) s.pop_back();
  return s;
}

int Main() {
  auto pg = testing::LocalPostgres::Create();
  if (!pg.ok()) return std::fprintf(stderr, "PostgreSQL: %s\n", pg.status().ToString().c_str()), 1;
  auto db = testing::ScratchDatabase::Create((*pg)->port());
  if (!db.ok()) return std::fprintf(stderr, "database: %s\n", db.status().ToString().c_str()), 1;
  auto redis = testing::LocalRedis::Create();
  if (!redis.ok()) return std::fprintf(stderr, "Redis: %s\n", redis.status().ToString().c_str()), 1;
  testing::TestTokens tokens;
  auto sp = testing::ServiceProcess::Start({.service = "discussions",
                                            .pg_url = (*db)->Url("discussions"),
                                            .redis_port = (*redis)->port(),
                                            .public_keys_file = tokens.public_keys_file(),
                                            // No profiles here: authors' names are left out
                                            // (they come from a cache, measured apart).
                                            .extra_env = {{"MELTINGDOC_DISCUSSIONS_IDENTITY_STREAM",
                                                           "meltingdoc.identity.bench-" + NewUuid()},
                                                          {"MELTINGDOC_DISCUSSIONS_PROFILES_ADDR", ""}}});
  if (!sp.ok()) return std::fprintf(stderr, "discussions: %s\n", sp.status().ToString().c_str()), 1;
  if (absl::Status s = (*sp)->WaitForHealth(true); !s.ok()) return std::fprintf(stderr, "%s\n", s.ToString().c_str()), 1;
  // A failed statement is reported and ends the run through `return 1` (so that the
  // destructors stop the servers this run started).
  bool failed = false;
  auto sql = [&](const std::string& text) -> std::string {
    absl::StatusOr<std::string> out = (*db)->SuperuserSql(text);
    if (!out.ok()) {
      std::fprintf(stderr, "SQL failed: %s\n", out.status().ToString().c_str());
      failed = true;
      return "";
    }
    return Trim(*out);
  };

  const int64_t small = absl::GetFlag(FLAGS_small_cases), large = absl::GetFlag(FLAGS_cases);
  const std::string reader = NewUuid();
  const std::string author = sql("SELECT md5('author42')::uuid");
  const std::vector<Scenario> scenarios = Scenarios(author);
  sql(GroupsSql(reader));
  if (failed) return 1;
  absl::Time t0 = absl::Now();
  sql(SeedSql(1, small, large));
  if (failed) return 1;
  std::printf("seeded %lld cases in %.1f s\n", static_cast<long long>(small), absl::ToDoubleSeconds(absl::Now() - t0));
  const auto channel = grpc::CreateChannel((*sp)->address(), grpc::InsecureChannelCredentials());
  const std::string small_label = absl::StrCat(small / 1000, "k");
  PhaseFigures a = Measure(channel, tokens, reader, scenarios, small_label.c_str());

  t0 = absl::Now();
  sql(SeedSql(small + 1, large, large));
  if (failed) return 1;
  std::printf("seeded %lld more cases in %.1f s (INSERT ... SELECT FROM generate_series, then ANALYZE); "
              "cases table with indexes: %s\n",
              static_cast<long long>(large - small), absl::ToDoubleSeconds(absl::Now() - t0),
              sql("SELECT pg_size_pretty(pg_total_relation_size('discussions.cases'))").c_str());
  const std::string large_label = absl::StrCat(large / 1000000.0, "M");
  PhaseFigures b = Measure(channel, tokens, reader, scenarios, large_label.c_str());

  std::printf("\nRatios %s / %s (1.00 = no slower with more cases):\n", large_label.c_str(), small_label.c_str());
  std::printf("  ListSpaces p99 %.2f (the machine's drift between the phases)\n",
              static_cast<double>(Pct(b.spaces.us, 0.99)) / std::max<int64_t>(1, Pct(a.spaces.us, 0.99)));
  for (size_t i = 0; i < scenarios.size(); ++i) {
    std::printf("  ListCases %-15s p99 %.2f, p50 %.2f\n", scenarios[i].name.c_str(),
                static_cast<double>(Pct(b.lists[i].us, 0.99)) / std::max<int64_t>(1, Pct(a.lists[i].us, 0.99)),
                static_cast<double>(Pct(b.lists[i].us, 0.5)) / std::max<int64_t>(1, Pct(a.lists[i].us, 0.5)));
  }
  std::printf("  CreateCase calls/s %.2f\n", b.create.rate() / std::max(1.0, a.create.rate()));

  if (absl::GetFlag(FLAGS_explain)) {
    for (const Scenario& s : scenarios) {
      const std::string statement =
          discussions::pgstore::ListCasesSql(s.request.order_by(), !s.request.tag().empty());
      const std::string plan = sql(absl::StrCat("SET search_path = discussions; PREPARE lc AS ", statement,
                                                "; EXPLAIN (ANALYZE, BUFFERS, COSTS OFF) EXECUTE lc(",
                                                ExplainArgs(reader, s.request, 51), ");"));
      std::printf("\nEXPLAIN ANALYZE ListCases %s at %s:\n%s\n", s.name.c_str(), large_label.c_str(), plan.c_str());
    }
  }
  return 0;
}

}  // namespace
}  // namespace meltingdoc::bench

int main(int argc, char** argv) {
  absl::ParseCommandLine(argc, argv);
  ::setenv("MELTINGDOC_BINARY_DIR", MELTINGDOC_DEFAULT_BINARY_DIR, /*overwrite=*/0);
  ::setenv("MELTINGDOC_SOURCE_DIR", MELTINGDOC_DEFAULT_SOURCE_DIR, /*overwrite=*/0);
  return meltingdoc::bench::Main();
}
