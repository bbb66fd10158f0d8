#include "libs/common/status_macros.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <memory>
#include <string>

#include "absl/strings/cord.h"

namespace meltingdoc {
namespace {

absl::Status Fails() { return absl::NotFoundError("no such thing"); }
absl::Status Succeeds() { return absl::OkStatus(); }

absl::Status TwoSteps(absl::Status first, bool* reached_second) {
  RETURN_IF_ERROR(first);
  *reached_second = true;
  return absl::AbortedError("second step");
}

TEST(StatusMacrosTest, ReturnIfErrorPropagatesTheFirstErrorUnchanged) {
  bool reached = false;
  const absl::Status s = TwoSteps(Fails(), &reached);
  EXPECT_EQ(s.code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(s.message(), "no such thing");
  EXPECT_FALSE(reached);
}

TEST(StatusMacrosTest, ReturnIfErrorContinuesOnOk) {
  bool reached = false;
  const absl::Status s = TwoSteps(Succeeds(), &reached);
  EXPECT_TRUE(reached);
  EXPECT_EQ(s.code(), absl::StatusCode::kAborted);
}

TEST(StatusMacrosTest, ReturnIfErrorKeepsPayloads) {
  absl::Status with_payload = absl::InvalidArgumentError("bad");
  with_payload.SetPayload("type.googleapis.com/x", absl::Cord("detail"));
  bool reached = false;
  const absl::Status s = TwoSteps(with_payload, &reached);
  ASSERT_TRUE(s.GetPayload("type.googleapis.com/x").has_value());
  EXPECT_EQ(std::string(*s.GetPayload("type.googleapis.com/x")), "detail");
}

absl::StatusOr<int> Number(bool ok) {
  if (!ok) return absl::UnavailableError("down");
  return 42;
}

absl::StatusOr<std::unique_ptr<std::string>> MoveOnly(bool ok) {
  if (!ok) return absl::PermissionDeniedError("nope");
  return std::make_unique<std::string>("moved");
}

absl::StatusOr<int> AddOne(bool ok) {
  ASSIGN_OR_RETURN(const int n, Number(ok));
  return n + 1;
}

absl::Status AssignExisting(bool ok, int& out) {
  ASSIGN_OR_RETURN(out, Number(ok));
  return absl::OkStatus();
}

absl::StatusOr<std::string> TwoAssignments(bool first_ok, bool second_ok) {
  ASSIGN_OR_RETURN(const int n, Number(first_ok));
  ASSIGN_OR_RETURN(std::unique_ptr<std::string> p, MoveOnly(second_ok));
  return *p + std::to_string(n);
}

TEST(StatusMacrosTest, AssignOrReturnAssignsTheValue) {
  absl::StatusOr<int> r = AddOne(true);
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(*r, 43);
}

TEST(StatusMacrosTest, AssignOrReturnPropagatesTheError) {
  absl::StatusOr<int> r = AddOne(false);
  EXPECT_EQ(r.status().code(), absl::StatusCode::kUnavailable);
  EXPECT_EQ(r.status().message(), "down");
}

TEST(StatusMacrosTest, AssignOrReturnIntoAnExistingVariable) {
  int out = -1;
  EXPECT_TRUE(AssignExisting(true, out).ok());
  EXPECT_EQ(out, 42);
  out = -1;
  EXPECT_EQ(AssignExisting(false, out).code(), absl::StatusCode::kUnavailable);
  EXPECT_EQ(out, -1) << "a failed assignment must leave the target untouched";
}

TEST(StatusMacrosTest, AssignOrReturnWorksTwiceInOneFunctionAndWithMoveOnlyTypes) {
  EXPECT_EQ(TwoAssignments(true, true).value(), "moved42");
  EXPECT_EQ(TwoAssignments(false, true).status().code(), absl::StatusCode::kUnavailable);
  EXPECT_EQ(TwoAssignments(true, false).status().code(), absl::StatusCode::kPermissionDenied);
}

}  // namespace
}  // namespace meltingdoc
