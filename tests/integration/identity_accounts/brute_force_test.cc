// Brute force: growing delays per address and per client IP (never a permanent lockout), at
// most 100 password checks per address per hour, and no difference between an unknown
// address and a wrong password, in the answer or in its timing.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <thread>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "tests/integration/identity_accounts/identity_client.h"
#include "tests/support/grpc_details.h"

namespace meltingdoc::testing {
namespace {

using ::testing::HasSubstr;

constexpr char kPassword[] = "Un mot de passe très long 42";

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
  EXPECT_EQ(RetryInfoSeconds(s), 1);
  std::this_thread::sleep_for(std::chrono::milliseconds(1100));
  EXPECT_EQ(id().Login(email, "wrong again", "203.0.113.51", &resp).error_code(), grpc::StatusCode::UNAUTHENTICATED);
  s = id().Login(email, kPassword, "203.0.113.52", &resp);
  ASSERT_EQ(s.error_code(), grpc::StatusCode::RESOURCE_EXHAUSTED);
  EXPECT_EQ(RetryInfoSeconds(s), 2) << "the delay doubles";
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
  EXPECT_GE(RetryInfoSeconds(s), 1);
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

// A login whose deadline the hashing queue cannot meet is refused at once (429 with
// Retry-After at the gateway) instead of waiting out its deadline, and it is no password
// check: it does not count among the address's failures.
TEST_F(BruteForceTest, ALoginTheHashingQueueCannotServeInTimeIsRefusedAtOnceAndIsNoCheck) {
  const std::string email = UniqueEmail("queued");
  ASSERT_TRUE(id().CreateVerifiedAccount(email, kPassword).ok());
  idv1::LoginResponse resp;
  const absl::Time first = absl::Now();
  ASSERT_TRUE(id().Login(email, kPassword, "198.19.0.1", &resp).ok()) << "measures one hash";
  // The probe's deadline: a few logins' time (its steps before the hash must fit in it on a
  // loaded machine too), far less than the ~30 hashes queued ahead of it.
  const absl::Duration login = absl::Now() - first;
  // (A floor of 300 ms: on a quiet machine a hash takes ~20 ms and the flood's whole queue
  // drains in ~600 ms, so a longer floor let the probe be admitted.)
  const absl::Duration deadline = std::clamp(6 * login, absl::Milliseconds(300), absl::Seconds(3));
  // 60 logins at once (unknown addresses, each from its own IP) fill identity's hashing
  // threads (as many as cores: 2 here) and queue (64): ~30 hashes ahead of the next login per
  // thread, over a second even at 30 ms a hash.
  std::vector<std::thread> flood;
  std::atomic<int> flood_done{0};
  for (int i = 0; i < 60; ++i) {
    flood.emplace_back([i, &flood_done] {
      idv1::LoginRequest req;
      req.set_email(UniqueEmail("flood"));
      req.set_password("Some password 1234");
      idv1::LoginResponse r;
      (void)id().stub->Login(Ctx("", absl::StrCat("198.19.1.", i), std::chrono::seconds(60)).get(), req, &r);
      ++flood_done;
    });
  }
  // Long enough for the flood's calls to be queued, short enough that most of it still is.
  std::this_thread::sleep_for(std::chrono::milliseconds(150));
  // A wrong password with `deadline` left: the queue needs longer.
  idv1::LoginRequest req;
  req.set_email(email);
  req.set_password("wrong password");
  const absl::Time start = absl::Now();
  const grpc::Status s = id().stub->Login(Ctx("", "198.19.0.2", absl::ToChronoMilliseconds(deadline)).get(), req, &resp);
  const absl::Duration took = absl::Now() - start;
  const int flood_done_then = flood_done.load();
  for (std::thread& t : flood) t.join();
  ASSERT_LT(flood_done_then, 45) << "the flood was over before the probe: nothing queued to test";
  ASSERT_EQ(s.error_code(), grpc::StatusCode::RESOURCE_EXHAUSTED)
      << "not waited out to DEADLINE_EXCEEDED: " << s.error_code() << " " << s.error_message();
  EXPECT_EQ(ErrorInfoReason(s), "deadline-too-short-for-queue");
  EXPECT_GE(RetryInfoSeconds(s), 1);
  EXPECT_LT(took, deadline) << "refused before the deadline, not waited out";
  // It checked no password: the address still has its 5 free failures, then the delay.
  for (int i = 0; i < 5; ++i) {
    const grpc::Status w = id().Login(email, "wrong password", absl::StrCat("198.19.2.", i), &resp);
    ASSERT_EQ(w.error_code(), grpc::StatusCode::UNAUTHENTICATED) << i << " " << w.error_message();
  }
  EXPECT_EQ(id().Login(email, kPassword, "198.19.3.1", &resp).error_code(), grpc::StatusCode::RESOURCE_EXHAUSTED);
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
    EXPECT_GT(RetryInfoSeconds(s), 0);
    EXPECT_LE(RetryInfoSeconds(s), 3600);
    return;
  }
  FAIL() << "crossed an hour boundary twice";
}

}  // namespace
}  // namespace meltingdoc::testing
