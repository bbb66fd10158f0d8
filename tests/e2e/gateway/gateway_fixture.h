// One stack for the gateway e2e tests: a scratch database, the four services, Redis (the
// shared test server), test keys, a web root, and the gateway in front of them.
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
#include "tests/support/test_tokens.h"

namespace meltingdoc::testing {

class GatewayStack : public ::testing::Test {
 protected:
  static void SetUpTestSuite();
  static void TearDownTestSuite();
  void SetUp() override;

  static int port() { return gateway_->port(); }
  static ServiceProcess& Service(const std::string& name) { return *services_.at(name); }
  static std::map<std::string, std::string> BackendAddresses();
  // The public keys of both TestTokens and identity's signing key.
  static std::string PublicKeysFile() { return keys_dir_ + "/all_public_keys"; }

  // Parses a JSON body (fails the test when it is not JSON).
  static google::protobuf::Struct Json(const std::string& body);
  // The `errors[].field` values of a problem body, joined by ",".
  static std::string ProblemFields(const std::string& body);

  // Identity signs real tokens (its own key, also in the key file every process reads beside
  // the TestTokens key) and writes its mails as .eml files here.
  static std::string identity_mail_dir_;
  // identity's --register_dir: register extracts a test writes and imports (ImportRegister).
  static std::string register_dir_;
  static std::string keys_dir_;
  static ScratchDatabase* db_;
  static TestTokens* tokens_;
  static std::map<std::string, ServiceProcess*> services_;
  static GatewayProcess* gateway_;
  static std::string web_root_;
};

}  // namespace meltingdoc::testing
