#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "libs/auth/principal.h"

namespace meltingdoc::auth {
namespace {

using ::testing::HasSubstr;

Principal With(Role role, VerificationStatus status) {
  Principal p;
  p.account_id = "00000000-0000-4000-8000-000000000001";
  p.session_id = "00000000-0000-4000-8000-000000000002";
  p.role = role;
  p.status = status;
  return p;
}

TEST(PrincipalTest, DefaultGrantsNothing) {
  Principal p;
  EXPECT_FALSE(p.IsVerified());
  EXPECT_FALSE(p.HasRole(Role::kModerator));
  EXPECT_FALSE(p.HasRole(Role::kAdmin));
}

TEST(PrincipalTest, OnlyVerifiedPassesRequireVerified) {
  EXPECT_TRUE(RequireVerified(With(Role::kDoctor, VerificationStatus::kVerified)).ok());
  for (VerificationStatus s :
       {VerificationStatus::kPendingEmail, VerificationStatus::kPendingVerification,
        VerificationStatus::kRejected, VerificationStatus::kSuspended}) {
    absl::Status st = RequireVerified(With(Role::kDoctor, s));
    EXPECT_EQ(st.code(), absl::StatusCode::kPermissionDenied) << VerificationStatusName(s);
    EXPECT_EQ(st.message(), "this action needs a verified doctor account");
  }
  // A staff role does not stand in for verification.
  EXPECT_FALSE(RequireVerified(With(Role::kAdmin, VerificationStatus::kSuspended)).ok());
}

TEST(PrincipalTest, AdminImpliesModeratorButNotTheReverse) {
  const Principal doctor = With(Role::kDoctor, VerificationStatus::kVerified);
  const Principal moderator = With(Role::kModerator, VerificationStatus::kVerified);
  const Principal admin = With(Role::kAdmin, VerificationStatus::kVerified);

  EXPECT_TRUE(RequireRole(moderator, Role::kModerator).ok());
  EXPECT_TRUE(RequireRole(admin, Role::kModerator).ok());
  EXPECT_TRUE(RequireRole(admin, Role::kAdmin).ok());

  absl::Status s = RequireRole(doctor, Role::kModerator);
  EXPECT_EQ(s.code(), absl::StatusCode::kPermissionDenied);
  EXPECT_THAT(s.message(), HasSubstr("moderator"));
  s = RequireRole(moderator, Role::kAdmin);
  EXPECT_EQ(s.code(), absl::StatusCode::kPermissionDenied);
  EXPECT_THAT(s.message(), HasSubstr("admin"));
  EXPECT_FALSE(RequireRole(doctor, Role::kAdmin).ok());
}

TEST(PrincipalTest, NamesRoundTrip) {
  for (Role r : {Role::kDoctor, Role::kModerator, Role::kAdmin}) {
    EXPECT_EQ(ParseRole(RoleName(r)), r);
  }
  for (VerificationStatus s :
       {VerificationStatus::kPendingEmail, VerificationStatus::kPendingVerification,
        VerificationStatus::kVerified, VerificationStatus::kRejected,
        VerificationStatus::kSuspended}) {
    EXPECT_EQ(ParseVerificationStatus(VerificationStatusName(s)), s);
  }
  EXPECT_EQ(ParseRole("Admin"), std::nullopt);
  EXPECT_EQ(ParseRole(""), std::nullopt);
  EXPECT_EQ(ParseVerificationStatus("VERIFIED"), std::nullopt);
  EXPECT_EQ(RoleName(Role::kAdmin), "admin");
  EXPECT_EQ(VerificationStatusName(VerificationStatus::kPendingVerification),
            "pending_verification");
}

}  // namespace
}  // namespace meltingdoc::auth
