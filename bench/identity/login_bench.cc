// Login throughput against a real identity process, with the production argon2id parameters
// (m = 19 MiB, t = 2), against the ceiling `cores / time of one hash` measured in the same
// run; then the throughput of a read (GetMe by default, as issue #3 asks; --read_rpc=GetAccount
// for the lighter one) alone and during a login flood (the hashing executor must not starve the
// other calls).
//
// One command starts everything (private PostgreSQL cluster, Redis, keys, meltingdoc-identity):
//   build/bench/identity/login_bench --seconds=10
//
// Closed loop: each client thread keeps one call outstanding. Logins rotate over enough
// accounts that the per-address limit (100 checks per hour) is never reached.
//
// Besides the ceiling (cores / one hash timed alone) it measures the throughput of
// `cores` threads hashing at once in this process (the machine's real hashing capacity: two
// argon2id runs share the caches and memory bandwidth, and on a shared machine the CPU), and,
// for each phase, the CPU time per login of identity's hashing threads, its other threads,
// PostgreSQL's backends, Redis and this process (the clients), read from /proc: where the
// time between the ceiling and the logins goes.
#include <dirent.h>
#include <stdlib.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cstdio>
#include <fstream>
#include <functional>
#include <sstream>
#include <thread>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/clock.h"
#include "grpcpp/create_channel.h"
#include "meltingdoc/identity/v1/identity_service.grpc.pb.h"
#include "services/identity/password_hasher.h"
#include "tests/support/local_postgres.h"
#include "tests/support/local_redis.h"
#include "tests/support/service_process.h"
#include "tests/support/subprocess.h"
#include "tests/support/test_env.h"
#include "tests/tools/register_gen/register_generator.h"

ABSL_FLAG(double, seconds, 10, "Measured duration of each phase.");
ABSL_FLAG(double, warmup_seconds, 2, "Load before each measured phase (not counted).");
ABSL_FLAG(int, login_clients, 8, "Concurrent login clients.");
ABSL_FLAG(int, read_clients, 8, "Concurrent read clients.");
ABSL_FLAG(std::string, read_rpc, "GetMe",
          "The read measured alone and during the login flood: GetMe (account, latest verification and "
          "register entry: 3-4 statements) or GetAccount (one statement).");
ABSL_FLAG(int, accounts, 96, "Accounts the logins rotate over.");
ABSL_FLAG(int, hash_samples, 20, "argon2id verifications timed for the ceiling.");

namespace meltingdoc::bench {
namespace {

namespace idv1 = identity::v1;
constexpr char kPassword[] = "Benchmark passphrase 2026!";


int64_t Pct(std::vector<int64_t> v, double p) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  return v[std::min(v.size() - 1, static_cast<size_t>(p * (v.size() - 1) + 0.5))];
}

// CPU seconds (user + system) used so far, by the parts of the bench that serve a login.
struct Cpu {
  double hash = 0;      // identity's threads at nice > 0: the hashing executor
  double identity = 0;  // identity's other threads (gRPC, main executor, relays)
  double postgres = 0;  // backends connected to the bench database
  double redis = 0;
  double bench = 0;     // this process: the clients
  Cpu operator-(const Cpu& o) const {
    return {hash - o.hash, identity - o.identity, postgres - o.postgres, redis - o.redis, bench - o.bench};
  }
};

struct Phase {
  std::vector<int64_t> login_us, read_us;
  int64_t login_errors = 0, read_errors = 0;
  double seconds = 0;
  Cpu cpu;  // used during the measured window
};

std::string ReadText(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// utime + stime (seconds) and nice of a /proc/.../stat file; false if it is gone.
bool StatOf(const std::string& path, double* seconds, int* nice) {
  const std::string stat = ReadText(path);
  const size_t paren = stat.rfind(')');
  if (paren == std::string::npos) return false;
  // Fields after the command: state is field 3, utime 14, stime 15, nice 19.
  std::vector<std::string> f = absl::StrSplit(stat.substr(paren + 2), ' ');
  if (f.size() < 17) return false;
  const double tick = static_cast<double>(::sysconf(_SC_CLK_TCK));
  *seconds = (std::stod(f[11]) + std::stod(f[12])) / tick;
  *nice = std::stoi(f[16]);
  return true;
}

std::vector<std::string> Entries(const std::string& dir) {
  std::vector<std::string> out;
  if (DIR* d = ::opendir(dir.c_str())) {
    while (dirent* e = ::readdir(d)) {
      if (e->d_name[0] >= '0' && e->d_name[0] <= '9') out.emplace_back(e->d_name);
    }
    ::closedir(d);
  }
  return out;
}

Cpu ReadCpu(pid_t identity, const std::string& database, int redis_port) {
  Cpu cpu;
  double s = 0;
  int nice = 0;
  for (const std::string& tid : Entries(absl::StrCat("/proc/", identity, "/task"))) {
    if (StatOf(absl::StrCat("/proc/", identity, "/task/", tid, "/stat"), &s, &nice)) {
      (nice > 0 ? cpu.hash : cpu.identity) += s;
    }
  }
  if (StatOf("/proc/self/stat", &s, &nice)) cpu.bench = s;
  const std::string redis_address = absl::StrCat(":", redis_port);
  for (const std::string& pid : Entries("/proc")) {
    std::string cmdline = ReadText(absl::StrCat("/proc/", pid, "/cmdline"));
    std::replace(cmdline.begin(), cmdline.end(), '\0', ' ');
    const bool pg = absl::StartsWith(cmdline, "postgres: ") && absl::StrContains(cmdline, database);
    const bool redis = absl::StrContains(cmdline, "redis-server") && absl::StrContains(cmdline, redis_address);
    if ((pg || redis) && StatOf(absl::StrCat("/proc/", pid, "/stat"), &s, &nice)) (pg ? cpu.postgres : cpu.redis) += s;
  }
  return cpu;
}

void PrintCpuPerLogin(const Cpu& used, size_t logins, double seconds) {
  if (logins == 0) return;
  const double ms = 1000.0 / static_cast<double>(logins);
  const double total = used.hash + used.identity + used.postgres + used.redis + used.bench;
  std::printf("  CPU per login: hashing threads %.1f ms, identity other %.2f ms, PostgreSQL %.2f ms, Redis %.2f ms, "
              "clients %.2f ms; total %.1f ms = %.2f of %u cores busy\n",
              used.hash * ms, used.identity * ms, used.postgres * ms, used.redis * ms, used.bench * ms, total * ms,
              total / seconds, std::thread::hardware_concurrency());
}

// Hashes per second with `threads` threads verifying at once for about `seconds`.
double ParallelHashRate(const identity::PasswordHasher& hasher, const std::string& hash, int threads, double seconds) {
  std::atomic<int64_t> done{0};
  const absl::Time stop = absl::Now() + absl::Seconds(seconds);
  const absl::Time start = absl::Now();
  std::vector<std::thread> pool;
  for (int i = 0; i < threads; ++i) {
    pool.emplace_back([&] {
      while (absl::Now() < stop) {
        if (hasher.Verify(hash, kPassword)) ++done;
      }
    });
  }
  for (auto& t : pool) t.join();
  return done.load() / absl::ToDoubleSeconds(absl::Now() - start);
}

std::unique_ptr<grpc::ClientContext> Ctx(const std::string& token = "") {
  auto ctx = std::make_unique<grpc::ClientContext>();
  if (!token.empty()) ctx->AddMetadata("authorization", "Bearer " + token);
  ctx->set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(30));
  return ctx;
}

// Runs login and/or read clients for warm-up + duration; only calls that start after the
// warm-up and end before the stop are counted.
Phase Run(const std::string& address, int login_clients, int read_clients, const std::vector<std::string>& emails,
          const std::string& read_token, const std::string& read_account, const std::function<Cpu()>& read_cpu) {
  auto login_channel = grpc::CreateChannel(address, grpc::InsecureChannelCredentials());
  auto read_channel = grpc::CreateChannel(address, grpc::InsecureChannelCredentials());
  const absl::Time start = absl::Now();
  const absl::Time measure_from = start + absl::Seconds(absl::GetFlag(FLAGS_warmup_seconds));
  const absl::Time stop = measure_from + absl::Seconds(absl::GetFlag(FLAGS_seconds));
  absl::Mutex mu;
  Phase phase;
  phase.seconds = absl::GetFlag(FLAGS_seconds);
  std::atomic<size_t> next_account{0};
  std::vector<std::thread> threads;
  threads.emplace_back([&] {
    absl::SleepFor(measure_from - absl::Now());
    const Cpu before = read_cpu();
    absl::SleepFor(stop - absl::Now());
    const Cpu used = read_cpu() - before;
    absl::MutexLock lock(&mu);
    phase.cpu = used;
  });
  for (int i = 0; i < login_clients; ++i) {
    threads.emplace_back([&] {
      auto stub = idv1::IdentityService::NewStub(login_channel);
      std::vector<int64_t> mine;
      int64_t errors = 0;
      while (absl::Now() < stop) {
        idv1::LoginRequest req;
        req.set_email(emails[next_account++ % emails.size()]);
        req.set_password(kPassword);
        idv1::LoginResponse resp;
        const absl::Time t0 = absl::Now();
        grpc::Status s = stub->Login(Ctx().get(), req, &resp);
        const absl::Time t1 = absl::Now();
        if (t0 < measure_from || t1 > stop) continue;
        if (s.ok() && resp.has_tokens()) mine.push_back(absl::ToInt64Microseconds(t1 - t0)); else ++errors;
      }
      absl::MutexLock lock(&mu);
      phase.login_us.insert(phase.login_us.end(), mine.begin(), mine.end());
      phase.login_errors += errors;
    });
  }
  for (int i = 0; i < read_clients; ++i) {
    threads.emplace_back([&] {
      auto stub = idv1::IdentityService::NewStub(read_channel);
      std::vector<int64_t> mine;
      int64_t errors = 0;
      const bool get_me = absl::GetFlag(FLAGS_read_rpc) == "GetMe";
      while (absl::Now() < stop) {
        const absl::Time t0 = absl::Now();
        grpc::Status s;
        if (get_me) {
          idv1::GetMeResponse resp;
          s = stub->GetMe(Ctx(read_token).get(), idv1::GetMeRequest(), &resp);
        } else {
          idv1::GetAccountRequest req;
          req.set_account_id(read_account);
          idv1::GetAccountResponse resp;
          s = stub->GetAccount(Ctx(read_token).get(), req, &resp);
        }
        const absl::Time t1 = absl::Now();
        if (t0 < measure_from || t1 > stop) continue;
        if (s.ok()) mine.push_back(absl::ToInt64Microseconds(t1 - t0)); else ++errors;
      }
      absl::MutexLock lock(&mu);
      phase.read_us.insert(phase.read_us.end(), mine.begin(), mine.end());
      phase.read_errors += errors;
    });
  }
  for (auto& t : threads) t.join();
  return phase;
}

int Main() {
  using testing::RunCommand;
  if (absl::GetFlag(FLAGS_read_rpc) != "GetMe" && absl::GetFlag(FLAGS_read_rpc) != "GetAccount") {
    return std::fprintf(stderr, "--read_rpc must be GetMe or GetAccount\n"), 2;
  }
  auto pg = testing::LocalPostgres::Create();
  if (!pg.ok()) return std::fprintf(stderr, "PostgreSQL: %s\n", pg.status().ToString().c_str()), 1;
  auto db = testing::ScratchDatabase::Create((*pg)->port());
  if (!db.ok()) return std::fprintf(stderr, "database: %s\n", db.status().ToString().c_str()), 1;
  auto redis = testing::LocalRedis::Create();
  if (!redis.ok()) return std::fprintf(stderr, "Redis: %s\n", redis.status().ToString().c_str()), 1;
  char dir[] = "/tmp/meltingdoc-login-bench-XXXXXX";
  if (::mkdtemp(dir) == nullptr) return 1;
  const std::string keys = absl::StrCat(dir, "/keys"), mail = absl::StrCat(dir, "/mail");
  testing::CommandResult gen = RunCommand(
      absl::StrCat(testing::BinaryDir(), "/libs/auth/meltingdoc-keygen --kid=bench --out_dir=", keys));
  if (gen.exit_code != 0) return std::fprintf(stderr, "keygen: %s\n", gen.output.c_str()), 1;
  auto sp = testing::ServiceProcess::Start({.service = "identity",
                                            .pg_url = (*db)->Url("identity"),
                                            .redis_port = (*redis)->port(),
                                            .public_keys_file = keys + "/public_keys",
                                            .extra_env = {{"MELTINGDOC_IDENTITY_SIGNING_KEY_FILE", keys + "/signing_key"},
                                                          {"MELTINGDOC_IDENTITY_MAIL_DIR", mail}}});
  if (!sp.ok()) return std::fprintf(stderr, "identity: %s\n", sp.status().ToString().c_str()), 1;
  if (absl::Status s = (*sp)->WaitForHealth(true); !s.ok()) return std::fprintf(stderr, "%s\n", s.ToString().c_str()), 1;
  auto stub = idv1::IdentityService::NewStub((*sp)->channel());

  // Accounts, through the real registration (one argon2id hash each), then verified by SQL.
  std::vector<std::string> emails;
  for (int i = 0; i < absl::GetFlag(FLAGS_accounts); ++i) {
    idv1::RegisterAccountRequest reg;
    reg.set_email(absl::StrCat("doctor", i, "@bench.meltingdoc.fr"));
    reg.set_password(kPassword);
    reg.set_given_name("Bench");
    reg.set_family_name(absl::StrCat("Doctor", i));
    idv1::RegisterAccountResponse resp;
    grpc::Status s = stub->RegisterAccount(Ctx().get(), reg, &resp);
    if (!s.ok()) return std::fprintf(stderr, "register: %s\n", s.error_message().c_str()), 1;
    emails.push_back(reg.email());
  }
  // The reading account (doctor0) is verified the real way, so that GetMe also reads its
  // register entry: a one-doctor register loaded by the import-register command, then
  // StartVerification. The others are verified by SQL (only their logins are measured).
  if (!(*db)->SuperuserSql("UPDATE identity.accounts SET status = CASE WHEN email LIKE 'doctor0@%' "
                           "THEN 'pending_verification' ELSE 'verified' END").ok()) {
    return 1;
  }
  testing::RegisterRecord doctor0;
  doctor0.identifier = testing::RppsFromBase(9100000000ULL);
  doctor0.family_name = "DOCTOR0";
  doctor0.given_name = "Bench";
  const std::string register_file = absl::StrCat(dir, "/PS_LibreAcces_Personne_activite_202611300000.txt");
  if (std::FILE* out = std::fopen(register_file.c_str(), "wb")) {
    const std::string text = absl::StrCat(testing::RegisterHeader(testing::RegisterVariant::kCurrent), "\n",
                                          testing::RegisterLine(testing::RegisterVariant::kCurrent, doctor0), "\n");
    std::fwrite(text.data(), 1, text.size(), out);
    std::fclose(out);
  }
  testing::CommandResult imported =
      RunCommand(absl::StrCat(testing::BinaryDir(), "/services/identity/meltingdoc-identity import-register ",
                              register_file, " --pg_url=", (*db)->Url("identity")));
  if (imported.exit_code != 0) return std::fprintf(stderr, "import-register: %s\n", imported.output.c_str()), 1;
  idv1::LoginRequest login;
  login.set_email(emails[0]);
  login.set_password(kPassword);
  idv1::LoginResponse login_resp;
  if (!stub->Login(Ctx().get(), login, &login_resp).ok()) return std::fprintf(stderr, "login failed\n"), 1;
  const std::string token = login_resp.tokens().access_token();
  idv1::StartVerificationRequest verify;
  verify.set_rpps(doctor0.identifier);
  idv1::StartVerificationResponse verified;
  grpc::Status vs = stub->StartVerification(Ctx(token).get(), verify, &verified);
  if (!vs.ok() || verified.verification().state() != idv1::VERIFICATION_STATE_VERIFIED) {
    return std::fprintf(stderr, "verification: %s\n", vs.error_message().c_str()), 1;
  }
  const std::string account_id = [&] {
    auto out = (*db)->SuperuserSql(absl::StrCat("SELECT account_id FROM identity.accounts WHERE email = '", emails[0], "'"));
    std::string id = out.ok() ? *out : "";
    id.erase(std::remove(id.begin(), id.end(), '\n'), id.end());
    return id;
  }();

  // The ceiling: one argon2id verification with the same parameters, timed here, idle machine.
  absl::StatusOr<identity::PasswordHasher> hasher = identity::PasswordHasher::Create({});
  if (!hasher.ok()) return 1;
  const std::string hash = *hasher->Hash(kPassword);
  std::vector<int64_t> hash_us;
  for (int i = 0; i < absl::GetFlag(FLAGS_hash_samples); ++i) {
    const absl::Time t0 = absl::Now();
    if (!hasher->Verify(hash, kPassword)) return 1;
    hash_us.push_back(absl::ToInt64Microseconds(absl::Now() - t0));
  }
  const int cores = static_cast<int>(std::thread::hardware_concurrency());
  const double hash_ms = Pct(hash_us, 0.5) / 1000.0;
  const double ceiling = cores * 1000.0 / hash_ms;
  std::printf("argon2id verify (m=19 MiB, t=2): median %.1f ms, min %.1f ms over %zu; cores %d; "
              "ceiling %.1f logins/s\n",
              hash_ms, Pct(hash_us, 0.0) / 1000.0, hash_us.size(), cores, ceiling);

  const double parallel = ParallelHashRate(*hasher, hash, cores, 3.0);
  std::printf("argon2id verify, %d threads at once in this process: %.1f/s (%.2f x ceiling)\n", cores, parallel,
              parallel / ceiling);

  const std::string address = (*sp)->address();
  const int login_clients = absl::GetFlag(FLAGS_login_clients);
  const int read_clients = absl::GetFlag(FLAGS_read_clients);
  const pid_t identity_pid = (*sp)->process().pid();
  const std::string database = (*db)->name();
  const int redis_port = (*redis)->port();
  const std::function<Cpu()> read_cpu = [&] { return ReadCpu(identity_pid, database, redis_port); };
  Phase logins = Run(address, login_clients, 0, emails, token, account_id, read_cpu);
  const double lps = logins.login_us.size() / logins.seconds;
  std::printf("Login, %d clients: %.1f logins/s (%.2f x ceiling, %.2f x %d threads hashing), p50 %.1f ms, "
              "p99 %.1f ms, errors %lld\n",
              login_clients, lps, lps / ceiling, lps / parallel, cores, Pct(logins.login_us, 0.5) / 1000.0,
              Pct(logins.login_us, 0.99) / 1000.0, static_cast<long long>(logins.login_errors));
  PrintCpuPerLogin(logins.cpu, logins.login_us.size(), logins.seconds);
  Phase reads = Run(address, 0, read_clients, emails, token, account_id, read_cpu);
  const double rps = reads.read_us.size() / reads.seconds;
  const std::string read_rpc = absl::GetFlag(FLAGS_read_rpc);
  std::printf("%s alone, %d clients: %.0f calls/s, p50 %.2f ms, p99 %.2f ms, errors %lld\n", read_rpc.c_str(),
              read_clients, rps,
              Pct(reads.read_us, 0.5) / 1000.0, Pct(reads.read_us, 0.99) / 1000.0,
              static_cast<long long>(reads.read_errors));
  Phase both = Run(address, login_clients, read_clients, emails, token, account_id, read_cpu);
  const double rps_flood = both.read_us.size() / both.seconds;
  const double lps_flood = both.login_us.size() / both.seconds;
  std::printf("%s during a login flood (%d + %d clients): %.0f calls/s (%.2f x alone), p50 %.2f ms, "
              "p99 %.2f ms, errors %lld; logins meanwhile %.1f/s, p99 %.1f ms\n",
              read_rpc.c_str(), read_clients, login_clients, rps_flood, rps_flood / rps, Pct(both.read_us, 0.5) / 1000.0,
              Pct(both.read_us, 0.99) / 1000.0, static_cast<long long>(both.read_errors), lps_flood,
              Pct(both.login_us, 0.99) / 1000.0);
  RunCommand(absl::StrCat("rm -rf ", dir));
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
