// The RevocationChecker's memory and its fallback, with Redis unreachable (a closed port) so
// that every question not answered from memory goes to the probe (identity, faked here).
#include "libs/sessions/revocation_check.h"

#include <gtest/gtest.h>

#include <atomic>
#include <future>

#include "libs/common/uuid.h"

namespace meltingdoc::sessions {
namespace {

class RevocationCheckTest : public ::testing::Test {
 protected:
  RevocationCheckTest() {
    redis_.host = "127.0.0.1";
    redis_.port = 1;  // nothing listens there: the mirror cannot answer
    redis_.connect_timeout = absl::Milliseconds(50);
    options_.live_cache = absl::Seconds(1);
    options_.remember_revoked = absl::Minutes(20);
  }
  std::unique_ptr<RevocationChecker> Make() {
    return std::make_unique<RevocationChecker>(
        options_, redis_,
        [this](const std::string&, const std::string&, std::function<void(SessionState)> done) {
          ++probes_;
          done(answer_.load());
        },
        &clock_);
  }
  static SessionState Ask(RevocationChecker& c, const auth::Principal& p) {
    std::promise<SessionState> result;
    c.Check(p, "token", [&](SessionState s) { result.set_value(s); });
    return result.get_future().get();
  }
  static auth::Principal Session() {
    auth::Principal p;
    p.account_id = NewUuid();
    p.session_id = NewUuid();
    return p;
  }

  FakeClock clock_{absl::FromUnixSeconds(1'800'000'000)};
  redis::RedisOptions redis_;
  RevocationChecker::Options options_;
  std::atomic<int> probes_{0};
  std::atomic<SessionState> answer_{SessionState::kLive};
};

TEST_F(RevocationCheckTest, WithoutTheMirrorTheProbeDecidesAndLiveAnswersAreCachedBriefly) {
  auto checker = Make();
  const auth::Principal p = Session();
  EXPECT_EQ(Ask(*checker, p), SessionState::kLive);
  EXPECT_EQ(probes_, 1);
  EXPECT_EQ(Ask(*checker, p), SessionState::kLive);  // from memory
  EXPECT_EQ(probes_, 1);
  answer_ = SessionState::kRevoked;  // revoked elsewhere
  clock_.Advance(absl::Milliseconds(1001));
  EXPECT_EQ(Ask(*checker, p), SessionState::kRevoked);  // noticed once the cache expired
  EXPECT_EQ(probes_, 2);
  answer_ = SessionState::kLive;
  clock_.Advance(absl::Minutes(5));
  EXPECT_EQ(Ask(*checker, p), SessionState::kRevoked);  // a revocation is remembered
  EXPECT_EQ(probes_, 2);
}

TEST_F(RevocationCheckTest, ASessionEndedThroughThisGatewayIsRefusedAtOnce) {
  auto checker = Make();
  const auth::Principal p = Session();
  EXPECT_EQ(Ask(*checker, p), SessionState::kLive);
  checker->MarkRevoked(p.session_id);  // inside the live cache time
  EXPECT_EQ(Ask(*checker, p), SessionState::kRevoked);
  EXPECT_EQ(Ask(*checker, Session()), SessionState::kLive);  // other sessions are not affected
}

TEST_F(RevocationCheckTest, UnknownIsNeverCached) {
  auto checker = Make();
  const auth::Principal p = Session();
  answer_ = SessionState::kUnknown;
  EXPECT_EQ(Ask(*checker, p), SessionState::kUnknown);
  answer_ = SessionState::kLive;
  EXPECT_EQ(Ask(*checker, p), SessionState::kLive);
  EXPECT_EQ(probes_, 2);
}

// The services' side: runtime::Authenticate turns the verdict into a status.
TEST_F(RevocationCheckTest, SessionGuardRefusesEndedSessionsAndFailsClosedWhenNobodyCanSay) {
  auto checker = Make();
  SessionGuard guard(checker.get());
  const auth::Principal p = Session();
  EXPECT_TRUE(guard.CheckLive(p, "token").ok());
  EXPECT_EQ(checker->CheckNow(p, "token"), SessionState::kLive);
  checker->MarkRevoked(p.session_id);
  EXPECT_EQ(guard.CheckLive(p, "token").code(), absl::StatusCode::kUnauthenticated);
  answer_ = SessionState::kUnknown;  // Redis and identity both unreachable
  EXPECT_EQ(guard.CheckLive(Session(), "token").code(), absl::StatusCode::kUnavailable);
  answer_ = SessionState::kRevoked;
  EXPECT_EQ(guard.CheckLive(Session(), "token").code(), absl::StatusCode::kUnauthenticated);
}

TEST(SessionStateOfIdentityAnswerTest, OnlyUnauthenticatedMeansRevoked) {
  EXPECT_EQ(SessionStateOfIdentityAnswer(grpc::StatusCode::OK), SessionState::kLive);
  EXPECT_EQ(SessionStateOfIdentityAnswer(grpc::StatusCode::PERMISSION_DENIED), SessionState::kLive);
  EXPECT_EQ(SessionStateOfIdentityAnswer(grpc::StatusCode::NOT_FOUND), SessionState::kLive);
  EXPECT_EQ(SessionStateOfIdentityAnswer(grpc::StatusCode::UNAUTHENTICATED), SessionState::kRevoked);
  EXPECT_EQ(SessionStateOfIdentityAnswer(grpc::StatusCode::UNAVAILABLE), SessionState::kUnknown);
  EXPECT_EQ(SessionStateOfIdentityAnswer(grpc::StatusCode::DEADLINE_EXCEEDED), SessionState::kUnknown);
}

}  // namespace
}  // namespace meltingdoc::sessions
