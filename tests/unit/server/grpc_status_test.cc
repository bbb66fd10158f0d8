#include "libs/server/grpc_status.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>

#include "absl/strings/cord.h"
#include "google/rpc/error_details.pb.h"
#include "google/rpc/status.pb.h"
#include "libs/server/field_errors.h"

namespace meltingdoc::server {
namespace {

using ::testing::HasSubstr;

constexpr char kBadRequestUrl[] = "type.googleapis.com/google.rpc.BadRequest";
constexpr char kErrorInfoUrl[] = "type.googleapis.com/google.rpc.ErrorInfo";

google::rpc::BadRequest OneViolation(const std::string& field, const std::string& description) {
  google::rpc::BadRequest br;
  auto* v = br.add_field_violations();
  v->set_field(field);
  v->set_description(description);
  return br;
}

// The google.rpc.Status a client finds in grpc-status-details-bin.
google::rpc::Status RichOf(const grpc::Status& status) {
  google::rpc::Status rich;
  EXPECT_TRUE(rich.ParseFromString(status.error_details()));
  return rich;
}

TEST(GrpcStatusTest, BadRequestTravelsInErrorDetails) {
  absl::Status s = absl::InvalidArgumentError("account_id: must be a UUID");
  AttachDetail(s, OneViolation("account_id", "must be a UUID"));
  const grpc::Status g = ToGrpcStatus(s);
  EXPECT_EQ(g.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(g.error_message(), "account_id: must be a UUID");
  ASSERT_FALSE(g.error_details().empty());

  const google::rpc::Status rich = RichOf(g);
  EXPECT_EQ(rich.code(), static_cast<int>(grpc::StatusCode::INVALID_ARGUMENT));
  EXPECT_EQ(rich.message(), "account_id: must be a UUID");
  ASSERT_EQ(rich.details_size(), 1);
  EXPECT_EQ(rich.details(0).type_url(), kBadRequestUrl);
  google::rpc::BadRequest br;
  ASSERT_TRUE(rich.details(0).UnpackTo(&br));
  ASSERT_EQ(br.field_violations_size(), 1);
  EXPECT_EQ(br.field_violations(0).field(), "account_id");
  EXPECT_EQ(br.field_violations(0).description(), "must be a UUID");
}

TEST(GrpcStatusTest, SeveralDetailsAreAllKept) {
  absl::Status s = absl::FailedPreconditionError("cannot");
  AttachDetail(s, OneViolation("a", "b"));
  google::rpc::ErrorInfo info;
  info.set_reason("ACCOUNT_NOT_VERIFIED");
  info.set_domain("meltingdoc.fr");
  AttachDetail(s, info);
  const google::rpc::Status rich = RichOf(ToGrpcStatus(s));
  ASSERT_EQ(rich.details_size(), 2);
  bool saw_info = false, saw_bad_request = false;
  for (const auto& any : rich.details()) {
    if (any.type_url() == kErrorInfoUrl) {
      google::rpc::ErrorInfo got;
      ASSERT_TRUE(any.UnpackTo(&got));
      EXPECT_EQ(got.reason(), "ACCOUNT_NOT_VERIFIED");
      saw_info = true;
    }
    if (any.type_url() == kBadRequestUrl) saw_bad_request = true;
  }
  EXPECT_TRUE(saw_info);
  EXPECT_TRUE(saw_bad_request);
}

TEST(GrpcStatusTest, EveryCodeMapsToTheSameGrpcCode) {
  for (int c = 1; c <= 16; ++c) {
    const absl::Status s(static_cast<absl::StatusCode>(c), "msg");
    const grpc::Status g = ToGrpcStatus(s);
    EXPECT_EQ(static_cast<int>(g.error_code()), c);
    EXPECT_EQ(g.error_message(), "msg");
    EXPECT_TRUE(g.error_details().empty()) << "no details attached, none sent";
  }
}

TEST(GrpcStatusTest, OkStaysOk) {
  EXPECT_TRUE(ToGrpcStatus(absl::OkStatus()).ok());
  EXPECT_TRUE(FromGrpcStatus(grpc::Status::OK).ok());
  absl::Status ok = absl::OkStatus();
  AttachDetail(ok, OneViolation("x", "y"));  // ignored on OK
  const grpc::Status g = ToGrpcStatus(ok);
  EXPECT_TRUE(g.ok());
  EXPECT_TRUE(g.error_details().empty());
}

TEST(GrpcStatusTest, FromGrpcStatusRoundTripsCodeMessageAndDetails) {
  absl::Status s = absl::NotFoundError("no account 1234");
  AttachDetail(s, OneViolation("account_id", "unknown"));
  const absl::Status back = FromGrpcStatus(ToGrpcStatus(s));
  EXPECT_EQ(back.code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(back.message(), "no account 1234");
  auto payload = back.GetPayload(kBadRequestUrl);
  ASSERT_TRUE(payload.has_value());
  google::rpc::BadRequest br;
  ASSERT_TRUE(br.ParseFromString(std::string(*payload)));
  EXPECT_EQ(br.field_violations(0).field(), "account_id");
  EXPECT_EQ(back, s);
}

TEST(GrpcStatusTest, FromGrpcStatusWithoutOrWithGarbageDetailsKeepsCodeAndMessage) {
  const absl::Status plain = FromGrpcStatus(grpc::Status(grpc::StatusCode::UNAVAILABLE, "down"));
  EXPECT_EQ(plain, absl::UnavailableError("down"));
  const absl::Status garbage =
      FromGrpcStatus(grpc::Status(grpc::StatusCode::INTERNAL, "oops", "\xff\xff\xff not proto"));
  EXPECT_EQ(garbage.code(), absl::StatusCode::kInternal);
  EXPECT_EQ(garbage.message(), "oops");
}

TEST(FieldErrorsTest, InvalidFieldNamesTheFieldInMessageAndBadRequest) {
  const absl::Status s = InvalidField("page_size", "must be between 0 and 100");
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(s.message(), "page_size: must be between 0 and 100");
  const google::rpc::Status rich = RichOf(ToGrpcStatus(s));
  ASSERT_EQ(rich.details_size(), 1);
  google::rpc::BadRequest br;
  ASSERT_TRUE(rich.details(0).UnpackTo(&br));
  ASSERT_EQ(br.field_violations_size(), 1);
  EXPECT_EQ(br.field_violations(0).field(), "page_size");
  EXPECT_EQ(br.field_violations(0).description(), "must be between 0 and 100");
}

TEST(FieldErrorsTest, InvalidArgumentListsEveryViolation) {
  const absl::Status s = InvalidArgument({{"body.question", "at most 200 characters"},
                                          {"space_id", "must be a UUID"},
                                          {"tags[2]", "unknown tag"}});
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
  for (const char* part : {"body.question: at most 200 characters", "space_id: must be a UUID",
                           "tags[2]: unknown tag"}) {
    EXPECT_THAT(std::string(s.message()), HasSubstr(part));
  }
  auto payload = s.GetPayload(kBadRequestUrl);
  ASSERT_TRUE(payload.has_value());
  google::rpc::BadRequest br;
  ASSERT_TRUE(br.ParseFromString(std::string(*payload)));
  ASSERT_EQ(br.field_violations_size(), 3);
  EXPECT_EQ(br.field_violations(0).field(), "body.question");
  EXPECT_EQ(br.field_violations(1).field(), "space_id");
  EXPECT_EQ(br.field_violations(2).field(), "tags[2]");
  EXPECT_EQ(br.field_violations(2).description(), "unknown tag");
}

}  // namespace
}  // namespace meltingdoc::server
