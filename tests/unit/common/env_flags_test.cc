#include "libs/common/env_flags.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstdlib>
#include <string>

#include "absl/flags/flag.h"
#include "absl/time/time.h"

ABSL_FLAG(int, envtest_port, 7, "a port, for env_flags_test");
ABSL_FLAG(std::string, envtest_name, "default", "a name, for env_flags_test");
ABSL_FLAG(bool, envtest_enabled, false, "a switch, for env_flags_test");
ABSL_FLAG(absl::Duration, envtest_timeout, absl::Seconds(1), "a duration, for env_flags_test");

namespace meltingdoc {
namespace {

using ::testing::HasSubstr;

// Sets an environment variable for the duration of a test.
class ScopedEnv {
 public:
  ScopedEnv(std::string name, const std::string& value) : name_(std::move(name)) {
    ::setenv(name_.c_str(), value.c_str(), 1);
  }
  ~ScopedEnv() { ::unsetenv(name_.c_str()); }

 private:
  std::string name_;
};

class EnvFlagsTest : public ::testing::Test {
 protected:
  void SetUp() override { Reset(); }
  void TearDown() override { Reset(); }
  static void Reset() {
    absl::SetFlag(&FLAGS_envtest_port, 7);
    absl::SetFlag(&FLAGS_envtest_name, "default");
    absl::SetFlag(&FLAGS_envtest_enabled, false);
    absl::SetFlag(&FLAGS_envtest_timeout, absl::Seconds(1));
  }
};

TEST(EnvVarForFlagTest, UpperCasePrefixedByServiceAndSeparatorsBecomeUnderscores) {
  EXPECT_EQ(EnvVarForFlag("identity", "grpc_port"), "MELTINGDOC_IDENTITY_GRPC_PORT");
  EXPECT_EQ(EnvVarForFlag("discussions", "pg_pool_size"), "MELTINGDOC_DISCUSSIONS_PG_POOL_SIZE");
  EXPECT_EQ(EnvVarForFlag("search", "public_keys_file"), "MELTINGDOC_SEARCH_PUBLIC_KEYS_FILE");
  EXPECT_EQ(EnvVarForFlag("my-svc", "a.b-c"), "MELTINGDOC_MY_SVC_A_B_C");
}

TEST_F(EnvFlagsTest, SetsFlagsOfEveryTypeFromTheEnvironment) {
  ScopedEnv port("MELTINGDOC_ENVSVC_ENVTEST_PORT", "1234");
  ScopedEnv name("MELTINGDOC_ENVSVC_ENVTEST_NAME", "hello world");
  ScopedEnv enabled("MELTINGDOC_ENVSVC_ENVTEST_ENABLED", "true");
  ScopedEnv timeout("MELTINGDOC_ENVSVC_ENVTEST_TIMEOUT", "250ms");
  ASSERT_TRUE(ApplyFlagEnvironment("envsvc").ok());
  EXPECT_EQ(absl::GetFlag(FLAGS_envtest_port), 1234);
  EXPECT_EQ(absl::GetFlag(FLAGS_envtest_name), "hello world");
  EXPECT_TRUE(absl::GetFlag(FLAGS_envtest_enabled));
  EXPECT_EQ(absl::GetFlag(FLAGS_envtest_timeout), absl::Milliseconds(250));
}

TEST_F(EnvFlagsTest, ServiceNameIsCaseInsensitiveInTheVariable) {
  ScopedEnv port("MELTINGDOC_ENVSVC_ENVTEST_PORT", "99");
  ASSERT_TRUE(ApplyFlagEnvironment("EnvSvc").ok());
  EXPECT_EQ(absl::GetFlag(FLAGS_envtest_port), 99);
}

TEST_F(EnvFlagsTest, AbsentVariablesAndOtherServicesLeaveFlagsAlone) {
  ScopedEnv other("MELTINGDOC_OTHERSVC_ENVTEST_PORT", "4321");
  ASSERT_TRUE(ApplyFlagEnvironment("envsvc").ok());
  EXPECT_EQ(absl::GetFlag(FLAGS_envtest_port), 7);
  EXPECT_EQ(absl::GetFlag(FLAGS_envtest_name), "default");
}

TEST_F(EnvFlagsTest, EmptyStringValueSetsAnEmptyString) {
  ScopedEnv name("MELTINGDOC_ENVSVC_ENVTEST_NAME", "");
  ASSERT_TRUE(ApplyFlagEnvironment("envsvc").ok());
  EXPECT_EQ(absl::GetFlag(FLAGS_envtest_name), "");
}

TEST_F(EnvFlagsTest, BadValueIsInvalidArgumentNamingTheVariable) {
  for (const auto& [var, value] : std::vector<std::pair<std::string, std::string>>{
           {"MELTINGDOC_ENVSVC_ENVTEST_PORT", "not-a-number"},
           {"MELTINGDOC_ENVSVC_ENVTEST_PORT", "99999999999999"},
           {"MELTINGDOC_ENVSVC_ENVTEST_ENABLED", "maybe"},
           {"MELTINGDOC_ENVSVC_ENVTEST_TIMEOUT", "10 parsecs"}}) {
    ScopedEnv env(var, value);
    const absl::Status s = ApplyFlagEnvironment("envsvc");
    EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument) << var << "=" << value;
    EXPECT_THAT(std::string(s.message()), HasSubstr(var));
  }
  EXPECT_EQ(absl::GetFlag(FLAGS_envtest_port), 7);
  EXPECT_FALSE(absl::GetFlag(FLAGS_envtest_enabled));
}

TEST_F(EnvFlagsTest, CommandLineWinsOverEnvironment) {
  ScopedEnv port("MELTINGDOC_ENVSVC_ENVTEST_PORT", "1111");
  ScopedEnv name("MELTINGDOC_ENVSVC_ENVTEST_NAME", "from-env");
  std::string prog = "prog", arg = "--envtest_port=2222";
  char* argv[] = {prog.data(), arg.data(), nullptr};
  std::vector<char*> rest = ParseFlagsWithEnvironment("envsvc", 2, argv);
  EXPECT_EQ(absl::GetFlag(FLAGS_envtest_port), 2222);
  EXPECT_EQ(absl::GetFlag(FLAGS_envtest_name), "from-env");
  EXPECT_EQ(rest.size(), 1u);  // only the program name is left
}

}  // namespace
}  // namespace meltingdoc
