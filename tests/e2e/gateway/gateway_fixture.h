// One stack for the gateway e2e tests (tests/support/suite_stack.h): a scratch database, the
// four services, Redis (the shared test server), test keys, a web root, and the gateway.
#pragma once

#include <map>
#include <memory>
#include <string>

#include <gtest/gtest.h>

#include "google/protobuf/struct.pb.h"
#include "tests/support/gateway_process.h"
#include "tests/support/http_client.h"
#include "tests/support/local_postgres.h"
#include "tests/support/service_process.h"
#include "tests/support/suite_stack.h"
#include "tests/support/test_tokens.h"

namespace meltingdoc::testing {

class GatewayStack : public ::testing::Test {
 protected:
  static void SetUpTestSuite();
  static void TearDownTestSuite();
  void SetUp() override;

  static int port() { return gateway_->port(); }
  static ServiceProcess& Service(const std::string& name) { return stack_->service(name); }
  static std::map<std::string, std::string> BackendAddresses() { return stack_->BackendAddresses(); }
  // The key file every process reads: identity signs real tokens with the TestTokens key.
  static std::string PublicKeysFile() { return tokens_->public_keys_file(); }

  // Parses a JSON body (fails the test when it is not JSON).
  static google::protobuf::Struct Json(const std::string& body);
  // The `errors[].field` values of a problem body, joined by ",".
  static std::string ProblemFields(const std::string& body);

  static SuiteStack* stack_;
  // Parts of stack_, for brevity in the tests. Identity writes its mails as .eml files in
  // identity_mail_dir_.
  static std::string identity_mail_dir_;
  // identity's --register_dir: register extracts a test writes and imports (ImportRegister).
  static std::string register_dir_;
  static ScratchDatabase* db_;
  static const TestTokens* tokens_;
  static GatewayProcess* gateway_;
  static std::string web_root_;
};

}  // namespace meltingdoc::testing
