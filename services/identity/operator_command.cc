#include "services/identity/operator_command.h"

#include <pwd.h>
#include <stdlib.h>
#include <unistd.h>

#include <iostream>
#include <string>

#include "absl/flags/flag.h"
#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "google/protobuf/util/json_util.h"
#include "libs/auth/principal.h"
#include "libs/auth/token_format.h"
#include "libs/common/env_flags.h"
#include "libs/common/uuid.h"
#include "libs/common/clock.h"
#include "libs/pg/pool.h"
#include "libs/redis/redis_client.h"
#include "libs/server/server_flags.h"
#include "libs/text/utf8.h"
#include "services/identity/account_input.h"
#include "services/identity/identity_service.h"
#include "services/identity/pg_identity_store.h"
#include "services/identity/register_command.h"
#include "services/identity/revocation.h"

ABSL_FLAG(std::string, reason, "",
          "set-role, reopen-verification, suspend-account, unsuspend-account: why (3 to 1000 characters), recorded.");
ABSL_FLAG(std::string, operator_name, "",
          "set-role, reopen-verification, suspend-account, unsuspend-account: who runs the command, recorded "
          "(default: the OS user).");

namespace meltingdoc::identity {
namespace {

constexpr char kUsage[] =
    "usage: meltingdoc-identity set-role <account uuid | email> <doctor|moderator|admin> --reason=\"...\"\n"
    "       meltingdoc-identity reopen-verification <verification uuid> --reason=\"...\"\n"
    "       meltingdoc-identity suspend-account <account uuid | email> --reason=\"...\"\n"
    "       meltingdoc-identity unsuspend-account <account uuid | email> --reason=\"...\"\n"
    "       [--operator_name=...] [--pg_url=...]\n";

// "cli:<who>@<host>": who ran it, as far as this process can tell.
std::string OperatorLabel() {
  std::string who = absl::GetFlag(FLAGS_operator_name);
  if (who.empty()) {
    if (const char* sudo = ::getenv("SUDO_USER"); sudo != nullptr && *sudo != '\0') {
      who = sudo;
    } else if (const passwd* pw = ::getpwuid(::geteuid()); pw != nullptr) {
      who = pw->pw_name;
    } else {
      who = absl::StrCat("uid ", ::geteuid());
    }
  }
  char host[256] = {};
  if (::gethostname(host, sizeof host - 1) != 0) host[0] = '\0';
  // Cut at a code point, never inside one: a user name cut mid-character is invalid UTF-8,
  // which PostgreSQL refuses in the audit row (the whole command then fails).
  return absl::StrCat("cli:", text::CleanLabel(who, 100), "@", text::CleanLabel(host, 90));
}

int Fail(const absl::Status& s, const char* command) {
  std::cerr << command << ": " << s.message() << "\n";
  return 1;
}

void MirrorFromCommandLine(const std::vector<RevokedSession>& revoked, const std::string& command);

template <typename Message>
void PrintJson(const Message& m) {
  std::string json;
  google::protobuf::util::JsonPrintOptions print;
  print.add_whitespace = true;
  (void)google::protobuf::util::MessageToJsonString(m, &json, print);
  std::cout << json;
}

}  // namespace

int RunOperatorCommand(const std::vector<pg::MigrationComponent>& migrations, int argc, char** argv) {
  const std::vector<char*> args = ParseFlagsWithEnvironment("identity", argc, argv);
  const std::string command = args.size() >= 2 ? args[1] : "";
  const bool set_role = command == "set-role" && args.size() == 4;
  const bool reopen = command == "reopen-verification" && args.size() == 3;
  const bool suspend = command == "suspend-account" && args.size() == 3;
  const bool unsuspend = command == "unsuspend-account" && args.size() == 3;
  if (!set_role && !reopen && !suspend && !unsuspend) {
    std::cerr << kUsage;
    return 2;
  }
  const std::string reason(absl::StripAsciiWhitespace(absl::GetFlag(FLAGS_reason)));
  if (absl::Status s = CheckText("reason", reason, static_cast<int>(kMinDecisionReasonChars),
                                 static_cast<int>(kMaxDecisionReasonChars));
      !s.ok()) {
    std::cerr << command << ": --" << s.message() << " (3 to 1000 characters saying why)\n" << kUsage;
    return 2;
  }
  std::string target = args[2];
  std::string role;
  if (set_role) {
    role = absl::AsciiStrToLower(args[3]);
    if (!auth::ParseRole(role).has_value()) {
      std::cerr << "set-role: the role must be doctor, moderator or admin\n" << kUsage;
      return 2;
    }
  } else if (reopen && !IsValidUuid(target)) {
    std::cerr << "reopen-verification: the verification id must be a UUID\n" << kUsage;
    return 2;
  }

  absl::StatusOr<std::unique_ptr<pg::Pool>> pool = OpenCommandPool(migrations);
  if (!pool.ok()) return Fail(pool.status(), command.c_str());
  PgIdentityStore store(pool->get());
  const OperatorActor actor{"", OperatorLabel()};
  if (reopen) {
    absl::StatusOr<v1::Verification> v = store.ReopenVerification(absl::AsciiStrToLower(target), actor, reason);
    if (!v.ok()) return Fail(v.status(), command.c_str());
    PrintJson(*v);
    return 0;
  }
  if (!IsValidUuid(target)) {
    // An email address: the account that has it.
    if (absl::Status s = CheckEmail("account", target); !s.ok()) {
      std::cerr << command << ": the account must be a UUID or an email address\n" << kUsage;
      return 2;
    }
    absl::StatusOr<std::optional<LoginAccount>> found = store.FindLoginAccount(NormalizeEmail(target));
    if (!found.ok()) return Fail(found.status(), command.c_str());
    if (!found->has_value()) return Fail(absl::NotFoundError("no account has this email address"), command.c_str());
    target = (*found)->account_id;
  }
  if (suspend || unsuspend) {
    absl::StatusOr<SuspensionChange> change =
        store.SetSuspended(absl::AsciiStrToLower(target), suspend, actor, /*actor_role=*/"", reason, absl::Now());
    if (!change.ok()) return Fail(change.status(), command.c_str());
    MirrorFromCommandLine(change->revoked, command);
    v1::SuspendAccountResponse out;
    *out.mutable_account() = change->account;
    out.set_sessions_revoked(static_cast<int32_t>(change->revoked.size()));
    PrintJson(out);
    return 0;
  }
  absl::StatusOr<RoleChange> change = store.SetAccountRole(absl::AsciiStrToLower(target), role, actor, reason, absl::Now());
  if (!change.ok()) return Fail(change.status(), command.c_str());
  MirrorFromCommandLine(change->revoked, command);
  v1::SetAccountRoleResponse out;
  *out.mutable_account() = change->account;
  out.set_sessions_revoked(static_cast<int32_t>(change->revoked.size()));
  PrintJson(out);
  return 0;
}

namespace {

void MirrorFromCommandLine(const std::vector<RevokedSession>& revoked, const std::string& command) {
  // Sessions revoked in PostgreSQL: every checker (identity, the gateway, the services) reads
  // the Redis mirror, which identity's processes do not reload while it is complete: write
  // them there, or else remove the mirror's marker so that every checker asks identity/PostgreSQL.
  if (!revoked.empty()) {
    absl::StatusOr<redis::RedisOptions> redis_options = redis::ParseRedisAddress(absl::GetFlag(FLAGS_redis));
    bool mirrored = false;
    if (redis_options.ok()) {
      redis::RedisClient redis(*redis_options);
      // Kept as long as the longest access token allowed (--access_token_ttl <= 15 min) may live.
      RevocationMirror mirror(&redis, absl::Minutes(15) + auth::kTokenClockSkew + absl::Seconds(30), &Clock::Real());
      mirrored = mirror.Add(revoked) || redis.Command({"DEL", kRevokedReadyKey}).ok();
    }
    if (!mirrored) {
      std::cerr << command << ": warning: Redis (--redis) could not be told; the revoked sessions are refused "
                   "once the checkers ask identity/PostgreSQL, and in any case when their access tokens expire "
                   "(at most 15 minutes)\n";
    }
  }
}

}  // namespace

}  // namespace meltingdoc::identity
