// Brute force: growing delays per address and per client IP (never a permanent lockout), at
// most 100 password checks per address per hour, and no difference between an unknown
// address and a wrong password, in the answer or in its timing.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <thread>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "google/rpc/error_details.pb.h"
#include "google/rpc/status.pb.h"
#include "tests/integration/identity_accounts/identity_client.h"

namespace meltingdoc::testing {
namespace {

using ::testing::HasSubstr;

constexpr char kPassword[] = "Un mot de passe très long 42";

// The RetryInfo delay of a RESOURCE_EXHAUSTED answer, in seconds (-1 when absent).
int64_t RetryDelaySeconds(const grpc::Status& status) {
  google::rpc::Status rich;
  if (!rich.ParseFromString(status.error_details())) return -1;
  for (const auto& any : rich.details()) {
    google::rpc::RetryInfo retry;
    if (any.UnpackTo(&retry)) return retry.retry_delay().seconds();
  }
  return -1;
}

class BruteForceTest : public SharedIdentityTest {};

TEST_F(BruteForceTest, GrowingDelaysPerAddressThenTheRightPasswordWorks) {
  const std::string email = UniqueEmail("target");
  ASSERT_TRUE(id().CreateVerifiedAccount(email, kPassword).ok());
  idv1::LoginResponse resp;
  for (int i = 0; i < 5; ++i) {
    // From different IPs: the per-address limit does not depend on where guesses come from.
    grpc::Status s = id().Login(email, "wrong password " + std::to_string(i), absl::StrCat("203.0.113.", i), &resp);
    ASSERT_EQ(s.error_code(), grpc::StatusCode::UNAUTHENTICATED) << i << " " << s.error_message();
  }
  // Sixth attempt within the delay: refused before any password check, even the right one.
  grpc::Status s = id().Login(email, kPassword, "203.0.113.50", &resp);
  ASSERT_EQ(s.error_code(), grpc::StatusCode::RESOURCE_EXHAUSTED) << s.error_message();
  EXPECT_EQ(RetryDelaySeconds(s), 1);
  std::this_thread::sleep_for(std::chrono::milliseconds(1100));
  EXPECT_EQ(id().Login(email, "wrong again", "203.0.113.51", &resp).error_code(), grpc::StatusCode::UNAUTHENTICATED);
  s = id().Login(email, kPassword, "203.0.113.52", &resp);
  ASSERT_EQ(s.error_code(), grpc::StatusCode::RESOURCE_EXHAUSTED);
  EXPECT_EQ(RetryDelaySeconds(s), 2) << "the delay doubles";
  std::this_thread::sleep_for(std::chrono::milliseconds(2100));
  s = id().Login(email, kPassword, "203.0.113.53", &resp);
  ASSERT_TRUE(s.ok()) << "a delay, not a lockout: " << s.error_message();
  ASSERT_TRUE(resp.has_tokens());
  // Success cleared the address's failures.
  EXPECT_EQ(id().Login(email, "wrong once", "203.0.113.54", &resp).error_code(), grpc::StatusCode::UNAUTHENTICATED);
  EXPECT_TRUE(id().Login(email, kPassword, "203.0.113.55", &resp).ok());
}

TEST_F(BruteForceTest, PerIpDelaysAcrossAddresses) {
  const std::string ip = "192.0.2.77";
  idv1::LoginResponse resp;
  for (int i = 0; i < 20; ++i) {
    grpc::Status s = id().Login(UniqueEmail("spray"), "Password spraying 2024", ip, &resp);
    ASSERT_EQ(s.error_code(), grpc::StatusCode::UNAUTHENTICATED) << i << " " << s.error_message();
  }
  grpc::Status s = id().Login(UniqueEmail("spray"), "Password spraying 2024", ip, &resp);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::RESOURCE_EXHAUSTED) << s.error_message();
  EXPECT_GE(RetryDelaySeconds(s), 1);
  // Another client is not affected.
  const std::string email = UniqueEmail("bystander");
  ASSERT_TRUE(id().CreateVerifiedAccount(email, kPassword).ok());
  EXPECT_TRUE(id().Login(email, kPassword, "192.0.2.78", &resp).ok());
}

TEST_F(BruteForceTest, UnknownAddressAndWrongPasswordLookTheSame) {
  // 12 interleaved samples each (three known addresses, each kept under its 5 free failures):
  // medians of 4 samples swung past the bounds on a loaded machine.
  std::vector<std::string> known;
  for (int a = 0; a < 3; ++a) {
    known.push_back(UniqueEmail("known"));
    ASSERT_TRUE(id().CreateVerifiedAccount(known.back(), kPassword).ok());
  }
  std::vector<double> unknown_ms, wrong_ms;
  std::string unknown_message, wrong_message;
  idv1::LoginResponse resp;
  for (int i = 0; i < 12; ++i) {
    absl::Time start = absl::Now();
    grpc::Status s = id().Login(UniqueEmail("ghost"), "Some password 1234", absl::StrCat("198.18.0.", i), &resp);
    unknown_ms.push_back(absl::ToDoubleMilliseconds(absl::Now() - start));
    ASSERT_EQ(s.error_code(), grpc::StatusCode::UNAUTHENTICATED);
    unknown_message = s.error_message();
    start = absl::Now();
    s = id().Login(known[i % 3], "Some password 1234", absl::StrCat("198.18.1.", i), &resp);
    wrong_ms.push_back(absl::ToDoubleMilliseconds(absl::Now() - start));
    ASSERT_EQ(s.error_code(), grpc::StatusCode::UNAUTHENTICATED);
    wrong_message = s.error_message();
  }
  EXPECT_EQ(unknown_message, wrong_message);
  std::sort(unknown_ms.begin(), unknown_ms.end());
  std::sort(wrong_ms.begin(), wrong_ms.end());
  const double u = (unknown_ms[5] + unknown_ms[6]) / 2, w = (wrong_ms[5] + wrong_ms[6]) / 2;
  // Both run one argon2id verification (the unknown address a dummy one): same order of time,
  // far from the ~1 ms an early return would take.
  EXPECT_GT(u, 0.6 * w) << "unknown " << u << " ms, wrong " << w << " ms";
  EXPECT_LT(u, 1.6 * w) << "unknown " << u << " ms, wrong " << w << " ms";
  EXPECT_GT(u, 15.0);
}

TEST_F(BruteForceTest, AtMost100PasswordChecksPerAddressPerHour) {
  for (int attempt = 0; attempt < 2; ++attempt) {
    const std::string email = UniqueEmail("busy");
    ASSERT_TRUE(id().CreateVerifiedAccount(email, kPassword).ok());
    const int64_t hour = absl::ToUnixSeconds(absl::Now()) / 3600;
    idv1::LoginResponse resp;
    for (int i = 0; i < 100; ++i) {
      grpc::Status s = id().Login(email, kPassword, absl::StrCat("100.64.", i / 200, ".", i % 200), &resp);
      ASSERT_TRUE(s.ok()) << i << " " << s.error_message();
    }
    grpc::Status s = id().Login(email, kPassword, "100.64.9.9", &resp);
    if (absl::ToUnixSeconds(absl::Now()) / 3600 != hour) continue;  // crossed an hour: counts restarted
    ASSERT_EQ(s.error_code(), grpc::StatusCode::RESOURCE_EXHAUSTED) << s.error_message();
    EXPECT_THAT(s.error_message(), HasSubstr("this hour"));
    EXPECT_GT(RetryDelaySeconds(s), 0);
    EXPECT_LE(RetryDelaySeconds(s), 3600);
    return;
  }
  FAIL() << "crossed an hour boundary twice";
}

}  // namespace
}  // namespace meltingdoc::testing
