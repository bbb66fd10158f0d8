// A started identity process with its own signing key and mail directory, and the calls the
// account and session tests make against it.
#pragma once

#include <chrono>
#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "grpcpp/client_context.h"
#include "meltingdoc/identity/v1/identity_service.grpc.pb.h"
#include "tests/support/local_postgres.h"
#include "tests/support/service_process.h"
#include "tests/support/test_env.h"

#include <gtest/gtest.h>

namespace meltingdoc::testing {

namespace idv1 = ::meltingdoc::identity::v1;

struct IdentityUnderTest {
  std::unique_ptr<ScratchDatabase> db;
  std::string keys_dir;
  std::string mail_dir;
  std::unique_ptr<ServiceProcess> process;
  std::unique_ptr<idv1::IdentityService::Stub> stub;

  // Scratch database on `pg_port`, fresh keys, identity on `redis_port`.
  static absl::StatusOr<std::unique_ptr<IdentityUnderTest>> Start(int pg_port, int redis_port);

  // The code of the newest confirmation mail sent to `email`, read from the .eml files.
  absl::StatusOr<std::string> ConfirmationCode(const std::string& email) const;
  // Number of .eml files addressed to `email`.
  int MailCount(const std::string& email) const;

  // Register, confirm with the mailed code, and mark verified (the RPPS verification is
  // another part of identity; the test stands in for it with SQL).
  absl::Status CreateVerifiedAccount(const std::string& email, const std::string& password);

  grpc::Status Login(const std::string& email, const std::string& password, const std::string& ip,
                     idv1::LoginResponse* response);
  // GetAccount of the token's own account: OK while the session lives.
  grpc::Status GetOwnAccount(const std::string& access_token, const std::string& account_id);
};

// One identity process per test suite, on the shared PostgreSQL and Redis.
class SharedIdentityTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite();
  static void TearDownTestSuite();
  void SetUp() override {
    REQUIRE_SHARED_SERVERS();
    ASSERT_NE(identity_, nullptr);
  }
  static IdentityUnderTest& id() { return *identity_; }
  static IdentityUnderTest* identity_;
};

// A context with an optional bearer token and a client IP (as the gateway sets it; the IPv4
// address is mapped into an IPv6 prefix unique to this test process, see RunScopedIp).
std::unique_ptr<grpc::ClientContext> Ctx(const std::string& token = "", const std::string& ip = "198.51.100.1",
                                         std::chrono::milliseconds timeout = std::chrono::seconds(20));

std::string RunScopedIp(const std::string& ipv4);

// The `sub` claim of an access token (no verification: the service verifies).
std::string SubjectOf(const std::string& access_token);
// The verification status claim (`verification`) of an access token, e.g. "pending_verification".
std::string VerificationOf(const std::string& access_token);

// A unique address for one test.
std::string UniqueEmail(const std::string& who);

}  // namespace meltingdoc::testing
