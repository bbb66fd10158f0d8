#include "gateway/problem.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "google/protobuf/struct.pb.h"
#include "google/protobuf/util/json_util.h"
#include "google/rpc/error_details.pb.h"
#include "gateway/static_files.h"
#include "libs/server/field_errors.h"
#include "libs/server/grpc_status.h"

namespace meltingdoc::gateway {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

google::protobuf::Struct ParseJson(const std::string& json) {
  google::protobuf::Struct s;
  EXPECT_TRUE(google::protobuf::util::JsonStringToMessage(json, &s).ok()) << json;
  return s;
}

TEST(StatusMappingTest, TheEnvoyGrpcGatewayTable) {
  using C = absl::StatusCode;
  const std::vector<std::pair<C, int>> table = {
      {C::kOk, 200},           {C::kCancelled, 499},         {C::kUnknown, 500},
      {C::kInvalidArgument, 400}, {C::kDeadlineExceeded, 504}, {C::kNotFound, 404},
      {C::kAlreadyExists, 409}, {C::kPermissionDenied, 403},  {C::kResourceExhausted, 429},
      {C::kFailedPrecondition, 400}, {C::kAborted, 409},      {C::kOutOfRange, 400},
      {C::kUnimplemented, 501}, {C::kInternal, 500},          {C::kUnavailable, 503},
      {C::kDataLoss, 500},      {C::kUnauthenticated, 401}};
  for (const auto& [code, http] : table) EXPECT_EQ(HttpStatusForCode(code), http) << absl::StatusCodeToString(code);
}

TEST(ProblemTest, RetryInfoOfA429BecomesRetryAfterSeconds) {
  absl::Status s = absl::ResourceExhaustedError("server busy");
  google::rpc::RetryInfo retry;
  retry.mutable_retry_delay()->set_seconds(3);
  retry.mutable_retry_delay()->set_nanos(1);
  server::AttachDetail(s, retry);
  s = server::FromGrpcStatus(server::ToGrpcStatus(s));
  Problem p = ProblemFromStatus(s, "r");
  EXPECT_EQ(p.status, 429);
  EXPECT_EQ(p.retry_after_seconds, 4) << "rounded up to whole seconds";
  retry.mutable_retry_delay()->set_seconds(0);
  retry.mutable_retry_delay()->set_nanos(0);
  absl::Status zero = absl::ResourceExhaustedError("busy");
  server::AttachDetail(zero, retry);
  EXPECT_EQ(ProblemFromStatus(zero, "r").retry_after_seconds, 1) << "at least 1";
  EXPECT_EQ(ProblemFromStatus(absl::ResourceExhaustedError("busy"), "r").retry_after_seconds, 0) << "none given";
}

TEST(ProblemTest, BadRequestBecomesErrors) {
  absl::Status s = server::InvalidArgument({{"body.question", "contains a patient name at 12-24"},
                                            {"title", "at most 200 characters"}});
  // As it arrives from a service: through grpc-status-details-bin and back.
  s = server::FromGrpcStatus(server::ToGrpcStatus(s));
  Problem p = ProblemFromStatus(s, "req-1");
  EXPECT_EQ(p.status, 400);
  EXPECT_EQ(p.type, "urn:meltingdoc:problem:invalid-argument");
  EXPECT_EQ(p.title, "Bad Request");
  EXPECT_EQ(p.instance, "req-1");
  EXPECT_EQ(p.code, "INVALID_ARGUMENT");
  ASSERT_EQ(p.errors.size(), 2u);
  EXPECT_EQ(p.errors[0].field, "body.question");
  EXPECT_EQ(p.errors[0].description, "contains a patient name at 12-24");

  google::protobuf::Struct json = ParseJson(ProblemJson(p));
  EXPECT_EQ(json.fields().at("status").number_value(), 400);
  EXPECT_EQ(json.fields().at("instance").string_value(), "req-1");
  EXPECT_EQ(json.fields().at("detail").string_value(), s.message());
  const auto& errors = json.fields().at("errors").list_value();
  ASSERT_EQ(errors.values_size(), 2);
  EXPECT_EQ(errors.values(1).struct_value().fields().at("field").string_value(), "title");
}

TEST(ProblemTest, ErrorInfoReasonIsKept) {
  absl::Status s = absl::FailedPreconditionError("email not confirmed");
  google::rpc::ErrorInfo info;
  info.set_reason("EMAIL_NOT_CONFIRMED");
  info.set_domain("identity.meltingdoc");
  server::AttachDetail(s, info);
  Problem p = ProblemFromStatus(s, "r");
  EXPECT_EQ(p.status, 400);
  EXPECT_EQ(p.reason, "EMAIL_NOT_CONFIRMED");
  EXPECT_THAT(ProblemJson(p), HasSubstr("\"reason\":\"EMAIL_NOT_CONFIRMED\""));
}

TEST(ProblemTest, ServerSideFailuresNeverLeakTheBackendMessage) {
  for (const absl::Status& s :
       {absl::UnavailableError("failed to connect to all addresses; last error: ipv4:10.0.3.7:50052"),
        absl::InternalError("ERROR: relation \"identity.accounts\" does not exist (SQLSTATE 42P01)"),
        absl::DeadlineExceededError("Deadline Exceeded at 10.0.3.7"), absl::UnknownError("std::bad_alloc")}) {
    const std::string json = ProblemJson(ProblemFromStatus(s, "r"));
    EXPECT_THAT(json, Not(HasSubstr("10.0.3.7")));
    EXPECT_THAT(json, Not(HasSubstr("SQLSTATE")));
    EXPECT_THAT(json, Not(HasSubstr("bad_alloc")));
    ParseJson(json);
  }
  EXPECT_EQ(ProblemFromStatus(absl::UnavailableError("x"), "r").status, 503);
  EXPECT_EQ(ProblemFromStatus(absl::DeadlineExceededError("x"), "r").status, 504);
}

TEST(ProblemTest, GatewayProblemsAndEscaping) {
  Problem p = GatewayProblem(415, "unsupported-media-type", "say \"json\"\n", "id");
  const std::string json = ProblemJson(p);
  google::protobuf::Struct parsed = ParseJson(json);
  EXPECT_EQ(parsed.fields().at("type").string_value(), "urn:meltingdoc:problem:unsupported-media-type");
  EXPECT_EQ(parsed.fields().at("title").string_value(), "Unsupported Media Type");
  EXPECT_EQ(parsed.fields().at("detail").string_value(), "say \"json\"\n");
  EXPECT_EQ(parsed.fields().at("errors").list_value().values_size(), 0);
}

TEST(CacheControlTest, HashedAssetsAreImmutableEverythingElseRevalidates) {
  EXPECT_EQ(CacheControlForFile("index-BQ7Xp3dK.js"), "public, max-age=31536000, immutable");
  EXPECT_EQ(CacheControlForFile("app.4f3a9c2b.css"), "public, max-age=31536000, immutable");
  EXPECT_EQ(CacheControlForFile("index.html"), "no-cache");
  EXPECT_EQ(CacheControlForFile("favicon-original.png"), "no-cache");
  EXPECT_EQ(CacheControlForFile("app.js"), "no-cache");
}

}  // namespace
}  // namespace meltingdoc::gateway
