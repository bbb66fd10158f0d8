// GetProfile and BatchGetProfiles(50) through gRPC, cached and uncached, side by side with a
// trivial gRPC echo server on the same machine in the same run (issue #4, Tests). The figure
// to record is the ratio to the echo: it says what profiles costs above gRPC itself, and it
// drifts much less than calls/s when the shared machine is busy.
//
// One command starts everything: a private PostgreSQL cluster and Redis, two profiles
// processes on the same database — one with its Redis cache (default TTL), one with
// --profile_cache_ttl=0 — and an echo server (this binary re-run with --serve_echo: a
// callback generic service that sends back the bytes it receives, no protobuf parsing). It
// seeds --profiles verified doctors through identity's stream (AccountVerified, as in
// production) and fills every profile by UpdateProfile (headline, bio, 7 competences, 2 places,
// education, languages, links, contact), so that a read parses what a real profile holds.
// The echo calls carry as many bytes as the profile calls' responses (one profile; 50).
// Scenarios are interleaved at each concurrency so that drift hits all of them alike.
//
//   build/bench/profiles_bench --seconds=5 --concurrency=1,16,64
#include <signal.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cstdio>
#include <fstream>
#include <map>
#include <memory>
#include <string>
#include <thread>
#include <tuple>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "bench/support/closed_loop.h"
#include "grpcpp/create_channel.h"
#include "grpcpp/generic/async_generic_service.h"
#include "grpcpp/generic/generic_stub.h"
#include "grpcpp/security/credentials.h"
#include "grpcpp/security/server_credentials.h"
#include "grpcpp/server.h"
#include "grpcpp/server_builder.h"
#include "grpcpp/support/byte_buffer.h"
#include "libs/common/uuid.h"
#include "libs/redis/redis_client.h"
#include "meltingdoc/events/v1/event.pb.h"
#include "meltingdoc/profiles/v1/profiles_service.grpc.pb.h"
#include "tests/support/identity_events.h"
#include "tests/support/local_postgres.h"
#include "tests/support/local_redis.h"
#include "tests/support/service_process.h"
#include "tests/support/subprocess.h"
#include "tests/support/test_env.h"
#include "tests/support/test_tokens.h"

ABSL_FLAG(std::vector<std::string>, concurrency, std::vector<std::string>({"1", "16", "64"}),
          "Outstanding calls per measurement (comma-separated list).");
ABSL_FLAG(double, seconds, 5, "Measured duration of each scenario at each concurrency.");
ABSL_FLAG(double, warmup_seconds, 1, "Load before measuring (not counted) at each step.");
ABSL_FLAG(int, profiles, 200, "Profiles seeded (read in turn; a batch takes 50 consecutive ones).");
ABSL_FLAG(int, serve_echo, 0, "Internal: run only the echo server on this port.");
ABSL_FLAG(int, session_tokens, 4000,
          "Session check rows: GetProfile with this many sessions in turn (each one's \"live\" answer is "
          "older than --session_cache when it comes back, so nearly every call asks Redis), on a profiles "
          "process with the session check and on one with --session_check=false; 0 skips those rows.");

namespace meltingdoc::bench {
namespace {

namespace pv1 = profiles::v1;
using testing::ServiceProcess;

constexpr int kBatch = 50;
constexpr char kEchoMethod[] = "/meltingdoc.bench.Echo/Echo";

// --- the echo server (child process) ---

class EchoReactor : public grpc::ServerGenericBidiReactor {
 public:
  EchoReactor() { StartRead(&buffer_); }
  void OnReadDone(bool ok) override {
    if (!ok) {
      Finish(grpc::Status::OK);
      return;
    }
    StartWriteAndFinish(&buffer_, grpc::WriteOptions(), grpc::Status::OK);
  }
  void OnDone() override { delete this; }

 private:
  grpc::ByteBuffer buffer_;
};

class EchoService : public grpc::CallbackGenericService {
  grpc::ServerGenericBidiReactor* CreateReactor(grpc::GenericCallbackServerContext*) override {
    return new EchoReactor();
  }
};

int ServeEcho(int port) {
  EchoService service;
  grpc::ServerBuilder builder;
  builder.AddListeningPort(absl::StrCat("127.0.0.1:", port), grpc::InsecureServerCredentials());
  builder.RegisterCallbackGenericService(&service);
  std::unique_ptr<grpc::Server> server = builder.BuildAndStart();
  if (server == nullptr) return std::fprintf(stderr, "echo: cannot listen on %d\n", port), 1;
  server->Wait();  // until the bench kills it
  return 0;
}

// --- the client side ---

std::unique_ptr<grpc::ClientContext> Ctx(const std::string& token) {
  auto ctx = std::make_unique<grpc::ClientContext>();
  ctx->AddMetadata("authorization", "Bearer " + token);
  ctx->set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(30));
  return ctx;
}

class Load {
 public:
  Load(std::vector<std::string> tokens, std::vector<std::string> ids) : tokens_(std::move(tokens)), ids_(std::move(ids)) {}

  Scenario Echo(const std::string& name, std::shared_ptr<grpc::Channel> channel, size_t bytes) {
    auto stub = std::make_shared<grpc::GenericStub>(channel);
    const std::string payload(bytes, 'x');
    return {name, absl::StrCat("echo server, ", bytes, " bytes each way"), grpc::StatusCode::OK,
            [stub, payload](int, grpc::ClientContext& context, std::function<void(grpc::Status)> done) {
              auto call = std::make_shared<std::pair<grpc::ByteBuffer, grpc::ByteBuffer>>();
              grpc::Slice slice(payload);
              call->first = grpc::ByteBuffer(&slice, 1);
              stub->UnaryCall(&context, kEchoMethod, grpc::StubOptions(), &call->first, &call->second,
                              [call, done = std::move(done)](grpc::Status s) { done(s); });
            }};
  }

  Scenario GetProfile(const std::string& name, std::shared_ptr<grpc::Channel> channel) {
    auto stub = std::shared_ptr<pv1::ProfilesService::Stub>(pv1::ProfilesService::NewStub(channel));
    return {name, absl::StrCat("ProfilesService/GetProfile, the seeded profiles in turn, ", tokens_.size(),
                               tokens_.size() == 1 ? " session" : " sessions in turn"),
            grpc::StatusCode::OK,
            [this, stub](int, grpc::ClientContext& context, std::function<void(grpc::Status)> done) {
              auto call = std::make_shared<std::pair<pv1::GetProfileRequest, pv1::GetProfileResponse>>();
              const size_t n = next_++;
              context.AddMetadata("authorization", "Bearer " + tokens_[n % tokens_.size()]);
              call->first.set_profile_id(ids_[n % ids_.size()]);
              stub->async()->GetProfile(&context, &call->first, &call->second,
                                        [call, done = std::move(done)](grpc::Status s) { done(s); });
            }};
  }

  Scenario BatchGet(const std::string& name, std::shared_ptr<grpc::Channel> channel) {
    auto stub = std::shared_ptr<pv1::ProfilesService::Stub>(pv1::ProfilesService::NewStub(channel));
    return {name, "ProfilesService/BatchGetProfiles, 50 consecutive seeded profiles", grpc::StatusCode::OK,
            [this, stub](int, grpc::ClientContext& context, std::function<void(grpc::Status)> done) {
              auto call =
                  std::make_shared<std::pair<pv1::BatchGetProfilesRequest, pv1::BatchGetProfilesResponse>>();
              context.AddMetadata("authorization", "Bearer " + tokens_[0]);
              const size_t start = next_++ % ids_.size();
              for (size_t k = 0; k < kBatch; ++k) call->first.add_profile_ids(ids_[(start + k) % ids_.size()]);
              stub->async()->BatchGetProfiles(
                  &context, &call->first, &call->second, [call, done = std::move(done)](grpc::Status s) {
                    // A batch that lost profiles would measure less work: count it as an error.
                    done(s.ok() && call->second.profiles_size() != kBatch
                             ? grpc::Status(grpc::StatusCode::DATA_LOSS, "short batch")
                             : s);
                  });
            }};
  }

 private:
  std::vector<std::string> tokens_;
  std::vector<std::string> ids_;
  std::atomic<size_t> next_{0};
};

// --- seeding ---

events::v1::Event Verified(const std::string& id, int n) {
  events::v1::Event e = testing::AccountVerifiedEvent(id, absl::StrFormat("1%010d", n), absl::StrCat("Claire", n),
                                                      absl::StrCat("Martin", n), "SM20");
  auto* sf = e.mutable_account_verified()->add_savoir_faire();
  sf->set_type_code("S");
  sf->set_code("SM20");
  sf->set_label("Gynécologie-obstétrique");
  return e;
}

pv1::Profile Filled(int n, const std::vector<std::string>& competence_codes) {
  pv1::Profile p;
  p.set_headline("Gynécologue-obstétricienne, fertilité et échographie obstétricale");
  std::string bio;
  while (bio.size() < 600) {
    bio += "Praticienne hospitalière, consultations de fertilité, échographies de dépistage et suivi "
           "des grossesses à risque. ";
  }
  p.set_bio(bio);
  for (size_t k = 0; k < competence_codes.size() && k < 6; ++k) p.add_competences()->set_code(competence_codes[k]);
  p.add_competences()->set_label(absl::StrCat("Hystéroscopie opératoire ", n % 7));
  const char* const postcodes[] = {"69003", "69008", "75014", "13005", "33000", "31000"};
  for (int k = 0; k < 2; ++k) {
    auto* pl = p.add_practice_places();
    pl->set_name(k == 0 ? "Hôpital Femme Mère Enfant" : "Cabinet de gynécologie");
    pl->set_kind(k == 0 ? pv1::PLACE_KIND_HOSPITAL : pv1::PLACE_KIND_PRIVATE_PRACTICE);
    pl->set_address(absl::StrCat(10 + n % 90, " avenue Rockefeller"));
    pl->set_postcode(postcodes[(n + k) % 6]);
    pl->set_accepts_referrals(true);
  }
  auto* faculty = p.add_education();
  faculty->set_kind(pv1::EDUCATION_KIND_FACULTY);
  faculty->set_title("Études de médecine");
  faculty->set_institution("Faculté de médecine Lyon Est");
  faculty->set_start_year(1995 + n % 10);
  faculty->set_end_year(2004 + n % 10);
  auto* des = p.add_education();
  des->set_kind(pv1::EDUCATION_KIND_DES);
  des->set_title("DES de gynécologie-obstétrique");
  des->set_institution("Hospices Civils de Lyon");
  des->set_start_year(2004 + n % 10);
  des->set_end_year(2009 + n % 10);
  for (const char* l : {"fr", "en", "es"}) p.add_languages(l);
  auto* link = p.add_links();
  link->set_title("Publications");
  link->set_url("https://pubmed.ncbi.nlm.nih.gov/?term=martin");
  p.set_accepting_referrals(true);
  p.mutable_contact()->set_phone("04 72 00 00 00");
  p.mutable_contact()->set_email(absl::StrCat("claire.martin", n, "@chu-lyon.fr"));
  return p;
}

// Publishes the doctors on identity's stream, waits for their profiles, then fills them.
absl::Status Seed(redis::RedisClient& redis, pv1::ProfilesService::Stub& stub, const testing::TestTokens& tokens,
                  const std::vector<std::string>& ids) {
  for (size_t n = 0; n < ids.size(); ++n) {
    if (absl::Status s = testing::PublishIdentityEvent(redis, Verified(ids[n], static_cast<int>(n))); !s.ok()) {
      return s;
    }
  }
  pv1::ListCompetencesRequest lreq;
  lreq.set_specialty_code("SM20");
  pv1::ListCompetencesResponse lresp;
  grpc::Status ls = stub.ListCompetences(Ctx(tokens.VerifiedDoctor(ids[0])).get(), lreq, &lresp);
  if (!ls.ok()) return absl::InternalError(absl::StrCat("ListCompetences: ", ls.error_message()));
  std::vector<std::string> codes;
  for (const auto& c : lresp.competences()) codes.push_back(c.code());
  for (size_t n = 0; n < ids.size(); ++n) {
    const absl::Time give_up = absl::Now() + absl::Seconds(60);
    while (true) {
      pv1::UpdateProfileRequest req;
      *req.mutable_profile() = Filled(static_cast<int>(n), codes);
      req.mutable_profile()->set_profile_id(ids[n]);
      for (const char* path : {"headline", "bio", "competences", "practice_places", "education", "languages",
                               "links", "accepting_referrals", "contact"}) {
        req.mutable_update_mask()->add_paths(path);
      }
      pv1::UpdateProfileResponse resp;
      grpc::Status s = stub.UpdateProfile(Ctx(tokens.VerifiedDoctor(ids[n])).get(), req, &resp);
      if (s.ok()) break;
      if (s.error_code() != grpc::StatusCode::NOT_FOUND || absl::Now() > give_up) {
        return absl::InternalError(absl::StrCat("UpdateProfile: ", s.error_message()));
      }
      absl::SleepFor(absl::Milliseconds(20));  // the consumer has not created it yet
    }
  }
  return absl::OkStatus();
}

std::string CpuModel() {
  std::ifstream in("/proc/cpuinfo");
  for (std::string line; std::getline(in, line);) {
    if (line.rfind("model name", 0) == 0) return line.substr(line.find(':') + 2);
  }
  return "unknown CPU";
}

int Main() {
  const absl::Duration duration = absl::Seconds(absl::GetFlag(FLAGS_seconds));
  const absl::Duration warmup = absl::Seconds(absl::GetFlag(FLAGS_warmup_seconds));
  std::vector<int> levels;
  for (const std::string& c : absl::GetFlag(FLAGS_concurrency)) {
    int n = 0;
    if (!absl::SimpleAtoi(c, &n) || n < 1) return std::fprintf(stderr, "bad --concurrency value: %s\n", c.c_str()), 2;
    levels.push_back(n);
  }
  const int profile_count = std::max(kBatch, absl::GetFlag(FLAGS_profiles));

  std::printf("profiles_bench: %s\nmachine: %ld cores, %s\n", Uptime().c_str(), ::sysconf(_SC_NPROCESSORS_ONLN),
              CpuModel().c_str());
  auto pg = testing::LocalPostgres::Create();
  if (!pg.ok()) return std::fprintf(stderr, "PostgreSQL: %s\n", pg.status().ToString().c_str()), 1;
  auto db = testing::ScratchDatabase::Create((*pg)->port());
  if (!db.ok()) return std::fprintf(stderr, "database: %s\n", db.status().ToString().c_str()), 1;
  auto redis_server = testing::LocalRedis::Create();
  if (!redis_server.ok()) return std::fprintf(stderr, "Redis: %s\n", redis_server.status().ToString().c_str()), 1;
  testing::TestTokens tokens;
  auto start_profiles = [&](std::map<std::string, std::string> env) -> absl::StatusOr<std::unique_ptr<ServiceProcess>> {
    auto sp = ServiceProcess::Start({.service = "profiles",
                                     .pg_url = (*db)->Url("profiles"),
                                     .redis_port = (*redis_server)->port(),
                                     .public_keys_file = tokens.public_keys_file(),
                                     .extra_env = std::move(env)});
    if (!sp.ok()) return sp.status();
    if (absl::Status s = (*sp)->WaitForHealth(true, absl::Seconds(60)); !s.ok()) return s;
    return sp;
  };
  auto cached = start_profiles({});
  if (!cached.ok()) return std::fprintf(stderr, "profiles: %s\n", cached.status().ToString().c_str()), 1;
  auto uncached = start_profiles({{"MELTINGDOC_PROFILES_PROFILE_CACHE_TTL", "0s"}});
  if (!uncached.ok()) return std::fprintf(stderr, "profiles (no cache): %s\n", uncached.status().ToString().c_str()), 1;
  // The same as `cached` without the revoked-session check (libs/sessions): its cost is the
  // difference (ServiceProcess marked identity's mirror ready in this Redis: nothing revoked).
  const int session_tokens = absl::GetFlag(FLAGS_session_tokens);
  absl::StatusOr<std::unique_ptr<ServiceProcess>> unchecked = absl::FailedPreconditionError("not started");
  if (session_tokens > 0) {
    unchecked = start_profiles({{"MELTINGDOC_PROFILES_SESSION_CHECK", "false"}});
    if (!unchecked.ok()) return std::fprintf(stderr, "profiles (no session check): %s\n", unchecked.status().ToString().c_str()), 1;
  }

  const int echo_port = testing::FreeTcpPort();
  char self[4096] = {};
  const ssize_t self_len = ::readlink("/proc/self/exe", self, sizeof(self) - 1);
  if (self_len <= 0) return std::fprintf(stderr, "cannot find this binary\n"), 1;
  auto echo = testing::Subprocess::Start({std::string(self, self_len), absl::StrCat("--serve_echo=", echo_port)});
  if (!echo.ok()) return std::fprintf(stderr, "echo: %s\n", echo.status().ToString().c_str()), 1;
  auto echo_channel = grpc::CreateChannel(absl::StrCat("127.0.0.1:", echo_port), grpc::InsecureChannelCredentials());
  if (!echo_channel->WaitForConnected(std::chrono::system_clock::now() + std::chrono::seconds(10))) {
    return std::fprintf(stderr, "echo server did not start\n"), 1;
  }

  std::vector<std::string> ids;
  for (int n = 0; n < profile_count; ++n) ids.push_back(NewUuid());
  redis::RedisOptions redis_options;
  redis_options.port = (*redis_server)->port();
  redis::RedisClient redis(redis_options);
  auto seed_stub = pv1::ProfilesService::NewStub((*uncached)->channel());
  const absl::Time seed_start = absl::Now();
  if (absl::Status s = Seed(redis, *seed_stub, tokens, ids); !s.ok()) {
    return std::fprintf(stderr, "seed: %s\n%s\n", s.ToString().c_str(), (*uncached)->ReadLog().c_str()), 1;
  }
  std::printf("seeded %d profiles in %.1f s\n", profile_count, absl::ToDoubleSeconds(absl::Now() - seed_start));

  // The caller: a verified doctor without a profile (a colleague reading others' profiles).
  const std::string token = tokens.VerifiedDoctor(NewUuid());
  // Response sizes, for the echo payloads.
  pv1::GetProfileRequest one_req;
  one_req.set_profile_id(ids[0]);
  pv1::GetProfileResponse one;
  pv1::BatchGetProfilesRequest batch_req;
  for (int k = 0; k < kBatch; ++k) batch_req.add_profile_ids(ids[k]);
  pv1::BatchGetProfilesResponse batch;
  if (!seed_stub->GetProfile(Ctx(token).get(), one_req, &one).ok() ||
      !seed_stub->BatchGetProfiles(Ctx(token).get(), batch_req, &batch).ok() || batch.profiles_size() != kBatch) {
    return std::fprintf(stderr, "reading the seeded profiles failed\n"), 1;
  }
  const size_t one_bytes = one.ByteSizeLong(), batch_bytes = batch.ByteSizeLong();

  Load load({token}, ids);
  std::vector<std::string> session_tokens_list;
  for (int n = 0; n < session_tokens; ++n) session_tokens_list.push_back(tokens.VerifiedDoctor(NewUuid()));
  Load many(session_tokens_list, ids);
  struct Measured {
    Scenario scenario;
    CpuMeter meter;
  };
  const std::string database = (*db)->name();
  std::vector<Measured> scenarios = {
      {load.Echo("Echo 1", echo_channel, one_bytes), CpuMeter((*echo)->pid(), "")},
      {load.GetProfile("Get cached", (*cached)->channel()), CpuMeter((*cached)->process().pid(), database)},
      {load.GetProfile("Get uncached", (*uncached)->channel()), CpuMeter((*uncached)->process().pid(), database)},
      {load.Echo("Echo 50", echo_channel, batch_bytes), CpuMeter((*echo)->pid(), "")},
      {load.BatchGet("Batch50 cached", (*cached)->channel()), CpuMeter((*cached)->process().pid(), database)},
      {load.BatchGet("Batch50 uncached", (*uncached)->channel()), CpuMeter((*uncached)->process().pid(), database)},
  };
  if (session_tokens > 0) {
    scenarios.push_back({load.GetProfile("Get 1s nocheck", (*unchecked)->channel()),
                         CpuMeter((*unchecked)->process().pid(), database)});
    scenarios.push_back({many.GetProfile("Get Ns check", (*cached)->channel()), CpuMeter((*cached)->process().pid(), database)});
    scenarios.push_back({many.GetProfile("Get Ns nocheck", (*unchecked)->channel()),
                         CpuMeter((*unchecked)->process().pid(), database)});
  }
  for (const Measured& m : scenarios) {
    Result r = RunClosedLoop(m.scenario, 1, 1, absl::ZeroDuration(), absl::Milliseconds(300));
    if (r.expected_calls == 0) {
      return std::fprintf(stderr, "%s does not answer (%s)\n", m.scenario.name.c_str(), ErrorsText(r).c_str()), 1;
    }
  }
  std::printf("profiles: default executor, pool, cache TTL 30 min (cached) / 0 (uncached); %d profiles of "
              "%zu bytes each (GetProfileResponse), a batch of 50 is %zu bytes; warm-up %.1f s, measured %.1f s "
              "per row\n",
              profile_count, one_bytes, batch_bytes, absl::ToDoubleSeconds(warmup), absl::ToDoubleSeconds(duration));
  for (const Measured& m : scenarios) std::printf("  %-16s %s\n", m.scenario.name.c_str(), m.scenario.what.c_str());
  std::printf("\n");
  PrintHeader();
  std::map<std::string, std::map<int, Result>> results;
  std::map<std::string, std::map<int, double>> mgets_per_call;  // Redis MGETs (the mirror's reads) per call
  auto mget_calls = [&redis]() -> int64_t {
    absl::StatusOr<redis::RedisReply> info = redis.Command({"INFO", "commandstats"});
    if (!info.ok()) return 0;
    const size_t at = info->str.find("cmdstat_mget:calls=");
    return at == std::string::npos ? 0 : std::atoll(info->str.c_str() + at + 19);
  };
  for (int c : levels) {
    for (const Measured& m : scenarios) {
      const int64_t mgets_before = mget_calls();
      Result r = RunClosedLoop(m.scenario, c, 1, warmup, duration, &m.meter);
      const int64_t mgets = mget_calls() - mgets_before;
      PrintRow(r);
      const int64_t calls = AllCalls(r);
      mgets_per_call[m.scenario.name][c] = calls > 0 ? static_cast<double>(mgets) / static_cast<double>(calls) : 0;
      results[m.scenario.name][c] = std::move(r);
    }
  }
  auto ratio = [](double a, double b) { return b > 0 ? a / b : 0.0; };
  std::printf("\nRatios to the echo of the same bytes (same run): calls/s (higher is better, 1 = as fast as "
              "gRPC alone) and p99 (echo p99 / profiles p99):\n");
  std::printf("| %5s | %-16s | %8s | %8s |\n", "conc", "scenario", "calls/s", "p99");
  std::printf("|------:|------------------|---------:|---------:|\n");
  for (int c : levels) {
    for (const auto& [name, echo_name] : std::vector<std::pair<std::string, std::string>>{
             {"Get cached", "Echo 1"}, {"Get uncached", "Echo 1"},
             {"Batch50 cached", "Echo 50"}, {"Batch50 uncached", "Echo 50"}}) {
      const Result& r = results[name][c];
      const Result& e = results[echo_name][c];
      std::printf("| %5d | %-16s | %8.3f | %8.3f |\n", c, name.c_str(), ratio(r.calls_per_s(), e.calls_per_s()),
                  ratio(static_cast<double>(Percentile(e.expected_us, 0.99)),
                        static_cast<double>(Percentile(r.expected_us, 0.99))));
    }
  }
  if (session_tokens > 0) {
    std::printf("\nThe revoked-session check (libs/sessions), same run: GetProfile (cached) with the check (on) / "
                "without it (off, --session_check=false); 1 session (a \"live\" answer in memory) and %d sessions in "
                "turn (nearly every call reads the Redis mirror). CPU: the profiles process per call (PostgreSQL "
                "apart). MGET/call: Redis MGETs (the mirror's reads, and the profile cache's) per call, warm-up "
                "included.\n",
                session_tokens);
    std::printf("| %5s | %-8s | %13s | %13s | %7s | %7s | %11s |\n", "conc", "sessions", "p50 ms on/off",
                "CPU us on/off", "p50", "CPU", "MGET on/off");
    std::printf("|------:|----------|--------------:|--------------:|--------:|--------:|------------:|\n");
    for (int c : levels) {
      for (const auto& [label, on, off] : std::vector<std::tuple<std::string, std::string, std::string>>{
               {"1", "Get cached", "Get 1s nocheck"}, {absl::StrCat(session_tokens), "Get Ns check", "Get Ns nocheck"}}) {
        const Result& a = results[on][c];
        const Result& b = results[off][c];
        const double p50a = Percentile(a.expected_us, 0.5) / 1000.0, p50b = Percentile(b.expected_us, 0.5) / 1000.0;
        const auto per_call = [](const Result& r) {
          const int64_t calls = AllCalls(r);
          return calls > 0 ? static_cast<double>(r.cpu.service) * 1e6 / static_cast<double>(::sysconf(_SC_CLK_TCK)) /
                                 static_cast<double>(calls)
                           : 0.0;
        };
        const double cpua = per_call(a), cpub = per_call(b);
        std::printf("| %5d | %-8s | %6.2f/%-6.2f | %6.0f/%-6.0f | %7.3f | %7.3f | %5.2f/%-5.2f |\n", c, label.c_str(),
                    p50a, p50b, cpua, cpub, ratio(p50a, p50b), ratio(cpua, cpub), mgets_per_call[on][c],
                    mgets_per_call[off][c]);
      }
    }
  }
  std::printf("\nprofiles_bench done: %s\n", Uptime().c_str());
  std::fflush(stdout);
  (*echo)->Signal(SIGTERM);
  (void)(*echo)->Wait(absl::Seconds(5));
  return 0;
}

}  // namespace
}  // namespace meltingdoc::bench

int main(int argc, char** argv) {
  absl::ParseCommandLine(argc, argv);
  if (const int port = absl::GetFlag(FLAGS_serve_echo); port > 0) return meltingdoc::bench::ServeEcho(port);
  ::setenv("MELTINGDOC_BINARY_DIR", MELTINGDOC_DEFAULT_BINARY_DIR, /*overwrite=*/0);
  ::setenv("MELTINGDOC_SOURCE_DIR", MELTINGDOC_DEFAULT_SOURCE_DIR, /*overwrite=*/0);
  return meltingdoc::bench::Main();
}
