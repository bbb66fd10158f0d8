// The identity service: accounts, RPPS verification, sessions (schema identity).
//   meltingdoc-identity [flags]                          serve
//   meltingdoc-identity import-register <file> [flags]   load a register extract, print the report
#include <cstring>
#include <map>
#include <thread>

#include "absl/flags/flag.h"
#include "absl/strings/str_cat.h"
#include "libs/auth/base64url.h"
#include "libs/auth/key_file.h"
#include "libs/auth/token_format.h"
#include "libs/common/json_log.h"
#include "libs/common/status_macros.h"
#include "libs/outbox/background_loop.h"
#include "libs/outbox/outbox_migrations.h"
#include "libs/runtime/service_runtime.h"
#include "libs/server/server_flags.h"
#include "services/identity/identity_service.h"
#include "services/identity/operator_command.h"
#include "services/identity/pg_identity_store.h"
#include "services/identity/register_command.h"

ABSL_FLAG(std::string, signing_key_file, "",
          "Ed25519 signing key written by meltingdoc-keygen. Without it, Login, Refresh and "
          "VerifySecondFactor answer FAILED_PRECONDITION. Its public key must be in --public_keys_file.");
ABSL_FLAG(absl::Duration, access_token_ttl, absl::Minutes(15), "Access token lifetime (at most 15m).");
ABSL_FLAG(absl::Duration, refresh_token_ttl, absl::Hours(24 * 30),
          "A session ends when it has not been refreshed for this long.");
ABSL_FLAG(int, hash_threads, 0,
          "Threads hashing passwords (argon2id, 19 MiB each while hashing); 0 = number of cores.");
ABSL_FLAG(int, hash_queue, 64, "Password-hashing calls that may wait; more are RESOURCE_EXHAUSTED.");
ABSL_FLAG(int, argon2_t, 2, "argon2id passes (at least 2).");
ABSL_FLAG(int, argon2_m_mib, 19, "argon2id memory in MiB (at least 19).");
ABSL_FLAG(std::string, common_passwords_file, "/usr/share/john/password.lst",
          "Passwords refused at registration (Debian package john-data).");
ABSL_FLAG(std::string, mail_transport, "file", "file (write .eml files in --mail_dir) or smtp.");
ABSL_FLAG(std::string, mail_dir, "/tmp/meltingdoc-mail", "Directory of .eml files (transport file).");
ABSL_FLAG(std::string, mail_from, "MeltingDoc <no-reply@meltingdoc.local>", "Sender address.");
ABSL_FLAG(std::string, smtp_url, "", "smtp://host:587 or smtps://host:465 (transport smtp).");
ABSL_FLAG(std::string, smtp_user, "", "SMTP user; empty for none.");
ABSL_FLAG(std::string, smtp_password, "",
          "SMTP password: set it with MELTINGDOC_IDENTITY_SMTP_PASSWORD, not on the command line.");
ABSL_FLAG(bool, require_second_factor, false,
          "Verified doctors without a TOTP second factor get unverified rights until they enroll one.");
ABSL_FLAG(bool, trust_forwarded_for, true,
          "Take the client IP from x-forwarded-for (set by the gateway). Turn off when clients can "
          "reach identity directly.");
ABSL_FLAG(int, login_max_checks_per_hour, 100, "Password checks allowed per address per hour.");

// Generated from migrations/*.sql (cmake/embed_migrations.cmake).
const std::vector<meltingdoc::pg::Migration>& IdentityMigrations();

namespace meltingdoc::identity {
namespace {

// Everything the handlers use, built once the runtime is ready, owned here and kept alive
// until the drain ends (base-from-member: constructed before the service, destroyed after).
struct IdentityParts {
  std::unique_ptr<PgIdentityStore> store;
  std::unique_ptr<auth::TokenSigner> signer;
  std::unique_ptr<server::BoundedExecutor> hash_executor;
  std::unique_ptr<PasswordHasher> hasher;
  std::unique_ptr<CommonPasswords> common_passwords;
  std::unique_ptr<MailSender> mail;
  std::unique_ptr<RedisThrottleStore> redis_throttle;
  std::unique_ptr<FallbackThrottleStore> throttle_store;
  std::unique_ptr<LoginThrottle> throttle;
  std::unique_ptr<RevocationMirror> revocations;
  std::unique_ptr<outbox::BackgroundLoop> resync;
  AccountsDeps deps;
};

absl::StatusOr<std::unique_ptr<IdentityParts>> BuildParts(runtime::ServiceRuntime& rt) {
  auto parts = std::make_unique<IdentityParts>();
  AccountsDeps& deps = parts->deps;
  parts->store = std::make_unique<PgIdentityStore>(&rt.pool());
  deps.accounts = parts->store.get();

  const absl::Duration access_ttl = absl::GetFlag(FLAGS_access_token_ttl);
  if (access_ttl <= absl::ZeroDuration() || access_ttl > absl::Minutes(15)) {
    return absl::InvalidArgumentError("--access_token_ttl must be between 1s and 15m");
  }
  deps.access_ttl = access_ttl;
  deps.refresh_ttl = absl::GetFlag(FLAGS_refresh_token_ttl);
  if (deps.refresh_ttl < absl::Minutes(30)) return absl::InvalidArgumentError("--refresh_token_ttl must be at least 30m");

  // Published keys: every key of --public_keys_file (old ones stay during a rotation).
  const std::string public_keys_file = absl::GetFlag(FLAGS_public_keys_file);
  std::map<std::string, std::string> public_keys;
  if (!public_keys_file.empty()) {
    ASSIGN_OR_RETURN(const std::string text, auth::ReadKeyFile(public_keys_file));
    ASSIGN_OR_RETURN(const std::vector<auth::KeyLine> lines, auth::ParseKeyLines(text, public_keys_file, 32));
    for (const auth::KeyLine& line : lines) {
      public_keys[line.kid] = line.key;
      v1::SigningKey key;
      key.set_kid(line.kid);
      key.set_algorithm(auth::kTokenAlgorithm);
      key.set_public_key(auth::Base64UrlEncode(line.key));
      deps.published_keys.push_back(key);
    }
  }
  const std::string signing_key_file = absl::GetFlag(FLAGS_signing_key_file);
  if (!signing_key_file.empty()) {
    ASSIGN_OR_RETURN(auth::SigningKey key, auth::LoadSigningKey(signing_key_file));
    parts->signer = std::make_unique<auth::TokenSigner>(key.kid, key.secret_key, &Clock::Real());
    auto it = public_keys.find(key.kid);
    if (it == public_keys.end() || it->second != parts->signer->PublicKey()) {
      // Tokens we sign would be refused by every service, us included.
      return absl::FailedPreconditionError(absl::StrCat(
          "the public key of signing key ", key.kid, " is not in --public_keys_file ", public_keys_file));
    }
    deps.signer = parts->signer.get();
  } else {
    LogJson({{"msg", "no --signing_key_file: Login, Refresh and VerifySecondFactor are refused"}});
  }

  Argon2Params params;
  params.opslimit = static_cast<unsigned long long>(absl::GetFlag(FLAGS_argon2_t));
  params.memlimit = static_cast<size_t>(absl::GetFlag(FLAGS_argon2_m_mib)) * 1024 * 1024;
  ASSIGN_OR_RETURN(PasswordHasher hasher, PasswordHasher::Create(params));
  parts->hasher = std::make_unique<PasswordHasher>(std::move(hasher));
  deps.hasher = parts->hasher.get();
  int hash_threads = absl::GetFlag(FLAGS_hash_threads);
  if (hash_threads <= 0) hash_threads = std::max(1u, std::thread::hardware_concurrency());
  parts->hash_executor = std::make_unique<server::BoundedExecutor>(
      hash_threads, static_cast<size_t>(std::max(1, absl::GetFlag(FLAGS_hash_queue))));
  deps.hash_executor = parts->hash_executor.get();

  ASSIGN_OR_RETURN(CommonPasswords common, CommonPasswords::LoadFromFile(absl::GetFlag(FLAGS_common_passwords_file)));
  parts->common_passwords = std::make_unique<CommonPasswords>(std::move(common));
  deps.common_passwords = parts->common_passwords.get();

  const std::string transport = absl::GetFlag(FLAGS_mail_transport);
  if (transport == "file") {
    ASSIGN_OR_RETURN(std::unique_ptr<FileMailSender> files,
                     FileMailSender::Create(absl::GetFlag(FLAGS_mail_dir), absl::GetFlag(FLAGS_mail_from)));
    parts->mail = std::move(files);
  } else if (transport == "smtp") {
    SmtpOptions smtp;
    smtp.url = absl::GetFlag(FLAGS_smtp_url);
    smtp.username = absl::GetFlag(FLAGS_smtp_user);
    smtp.password = absl::GetFlag(FLAGS_smtp_password);
    smtp.from = absl::GetFlag(FLAGS_mail_from);
    if (smtp.url.empty()) return absl::InvalidArgumentError("--mail_transport=smtp needs --smtp_url");
    parts->mail = std::make_unique<SmtpMailSender>(std::move(smtp));
  } else {
    return absl::InvalidArgumentError("--mail_transport must be file or smtp");
  }
  deps.mail = parts->mail.get();

  ThrottlePolicy policy;
  policy.max_checks_per_hour = absl::GetFlag(FLAGS_login_max_checks_per_hour);
  parts->redis_throttle = std::make_unique<RedisThrottleStore>(&rt.redis());
  parts->throttle_store = std::make_unique<FallbackThrottleStore>(parts->redis_throttle.get(), parts->store.get());
  parts->throttle = std::make_unique<LoginThrottle>(parts->throttle_store.get(), policy, &Clock::Real());
  deps.throttle = parts->throttle.get();

  // A revoked session stays in the mirror as long as one of its access tokens can be valid.
  parts->revocations = std::make_unique<RevocationMirror>(
      &rt.redis(), deps.access_ttl + auth::kTokenClockSkew + absl::Seconds(30), &Clock::Real());
  deps.revocations = parts->revocations.get();
  PgIdentityStore* store = parts->store.get();
  RevocationMirror* mirror = parts->revocations.get();
  parts->resync = std::make_unique<outbox::BackgroundLoop>([store, mirror, last_purge = absl::InfinitePast()]() mutable {
    const absl::Status s = mirror->Resync([store](absl::Time since) { return store->RevokedSince(since); });
    if (absl::Now() - last_purge > absl::Hours(1)) {
      // Rows older than a day can no longer matter (access tokens live 15 minutes).
      if (store->PurgeRevokedBefore(absl::Now() - absl::Hours(24)).ok()) last_purge = absl::Now();
    }
    return s.ok() ? absl::Seconds(1) : absl::Milliseconds(500);
  });
  parts->resync->Start();

  deps.require_second_factor = absl::GetFlag(FLAGS_require_second_factor);
  deps.trust_forwarded_for = absl::GetFlag(FLAGS_trust_forwarded_for);
  return parts;
}

class OwnedIdentityService : private std::unique_ptr<IdentityParts>, public IdentityServiceImpl {
 public:
  OwnedIdentityService(std::unique_ptr<IdentityParts> parts, runtime::ServiceRuntime& rt)
      : std::unique_ptr<IdentityParts>(std::move(parts)),
        IdentityServiceImpl(get()->store.get(), &rt.verifier(), &rt.server().executor(), get()->deps) {}
  ~OwnedIdentityService() override {
    // Finish queued hashing calls while the handlers and their dependencies still exist.
    get()->hash_executor->Stop();
    get()->resync->Stop();
  }
};

}  // namespace
}  // namespace meltingdoc::identity

int main(int argc, char** argv) {
  const meltingdoc::runtime::ServiceSpec spec{
      .name = "identity",
      .health_name = meltingdoc::identity::v1::IdentityService::service_full_name(),
      .default_grpc_port = 50051,
      .default_metrics_port = 9101,
      .migrations = {{"service", &IdentityMigrations()}, {"outbox", &OutboxMigrations()}},
      .publishes_events = true,
      .checks_sessions = false,  // AuthenticateLive: its own mirror, then PostgreSQL
  };
  if (argc >= 2 && std::strcmp(argv[1], "import-register") == 0) {
    return meltingdoc::identity::RunImportRegisterCommand(spec.migrations, argc, argv);
  }
  if (argc >= 2 && (std::strcmp(argv[1], "set-role") == 0 || std::strcmp(argv[1], "reopen-verification") == 0 ||
                    std::strcmp(argv[1], "suspend-account") == 0 || std::strcmp(argv[1], "unsuspend-account") == 0)) {
    return meltingdoc::identity::RunOperatorCommand(spec.migrations, argc, argv);
  }
  return meltingdoc::runtime::RunService(
      spec, argc, argv,
      [](meltingdoc::runtime::ServiceRuntime& rt)
          -> absl::StatusOr<std::vector<std::unique_ptr<grpc::Service>>> {
        ASSIGN_OR_RETURN(auto parts, meltingdoc::identity::BuildParts(rt));
        std::vector<std::unique_ptr<grpc::Service>> services;
        services.push_back(std::make_unique<meltingdoc::identity::OwnedIdentityService>(std::move(parts), rt));
        return services;
      });
}
