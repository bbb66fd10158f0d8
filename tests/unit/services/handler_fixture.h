// What every handler unit test needs: a server context carrying an `authorization` header
// (the handlers' only input besides the request), real signed tokens and their verifier, and
// assertions on the BadRequest a client would receive.
#pragma once

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <memory>
#include <string>

#include "absl/status/status.h"
#include "google/rpc/error_details.pb.h"
#include "grpcpp/server_context.h"
#include "grpcpp/test/server_context_test_spouse.h"
#include "libs/auth/key_set.h"
#include "libs/auth/token_verifier.h"
#include "libs/common/clock.h"
#include "libs/common/uuid.h"
#include "libs/server/executor.h"
#include "tests/support/test_tokens.h"

namespace meltingdoc::testing {

// A grpc::ServerContext with the client metadata of one call.
class CallContext {
 public:
  // No `authorization` header when `authorization` is empty.
  explicit CallContext(const std::string& authorization) : spouse_(&context_) {
    if (!authorization.empty()) spouse_.AddClientMetadata("authorization", authorization);
  }
  static std::unique_ptr<CallContext> Bearer(const std::string& token) {
    return std::make_unique<CallContext>("Bearer " + token);
  }
  const grpc::ServerContextBase& get() const { return context_; }

 private:
  grpc::ServerContext context_;
  grpc::testing::ServerContextTestSpouse spouse_;
};

class HandlerTest : public ::testing::Test {
 protected:
  HandlerTest()
      : keys_(auth::KeySet::LoadFromFile(tokens_.public_keys_file()).value()),
        verifier_(&keys_, &Clock::Real()),
        executor_(1, 1) {}

  // A token of the given role and verification status.
  std::string TokenFor(const std::string& account_id, auth::Role role,
                       auth::VerificationStatus status) const {
    auth::Principal p;
    p.account_id = account_id;
    p.session_id = NewUuid();
    p.role = role;
    p.status = status;
    return tokens_.Token(p);
  }

  TestTokens tokens_;
  auth::KeySet keys_;
  auth::TokenVerifier verifier_;
  server::BoundedExecutor executor_;  // the handlers' constructor wants one; Do* never use it
};

// INVALID_ARGUMENT whose message and google.rpc.BadRequest both name `field`.
inline void ExpectBadRequestNaming(const absl::Status& s, const std::string& field) {
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument) << s;
  EXPECT_THAT(std::string(s.message()), ::testing::HasSubstr(field));
  auto payload = s.GetPayload("type.googleapis.com/google.rpc.BadRequest");
  ASSERT_TRUE(payload.has_value()) << "no BadRequest detail in " << s;
  google::rpc::BadRequest br;
  ASSERT_TRUE(br.ParseFromString(std::string(*payload)));
  ASSERT_EQ(br.field_violations_size(), 1);
  EXPECT_EQ(br.field_violations(0).field(), field);
  EXPECT_FALSE(br.field_violations(0).description().empty());
}

}  // namespace meltingdoc::testing
