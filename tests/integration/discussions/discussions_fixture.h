// One meltingdoc-discussions process per test suite, on its own scratch database, with
// helpers to call it as a given account and to look into its schema as the superuser.
#pragma once

#include <memory>
#include <string>

#include <gtest/gtest.h>

#include "absl/strings/str_cat.h"
#include "google/rpc/error_details.pb.h"
#include "google/rpc/status.pb.h"
#include "libs/common/uuid.h"
#include "meltingdoc/discussions/v1/discussions_service.grpc.pb.h"
#include "tests/integration/system/call_helpers.h"
#include "tests/support/local_postgres.h"
#include "tests/support/service_process.h"
#include "tests/support/test_env.h"
#include "tests/support/test_tokens.h"

namespace meltingdoc::testing {

namespace dv1 = ::meltingdoc::discussions::v1;

inline constexpr char kGeneralSpace[] = "00000000-0000-4000-8000-000000000001";
inline constexpr char kGynecologySpace[] = "00000000-0000-4000-8001-000000000020";  // SM20

class DiscussionsFixture : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    if (SharedPostgresPort() == 0 || SharedRedisPort() == 0) return;
    auto db = ScratchDatabase::Create(SharedPostgresPort());
    ASSERT_TRUE(db.ok()) << db.status();
    db_ = std::move(db).value().release();
    tokens_ = new TestTokens();
    // A stream of identity events of this suite's own, so that no other test's service
    // consumes what this suite publishes.
    identity_stream_ = "meltingdoc.identity.test-" + NewUuid();
    auto sp = ServiceProcess::Start({.service = "discussions",
                                     .pg_url = db_->Url("discussions"),
                                     .redis_port = SharedRedisPort(),
                                     .public_keys_file = tokens_->public_keys_file(),
                                     // No profiles service in these suites: no names
                                     // (author_names_test runs one).
                                     .extra_env = {{"MELTINGDOC_DISCUSSIONS_IDENTITY_STREAM", identity_stream_},
                                                   {"MELTINGDOC_DISCUSSIONS_PROFILES_ADDR", ""}}});
    ASSERT_TRUE(sp.ok()) << sp.status();
    service_ = std::move(sp).value().release();
    absl::Status s = service_->WaitForHealth(true);
    ASSERT_TRUE(s.ok()) << s << service_->ReadLog();
    stub_ = dv1::DiscussionsService::NewStub(service_->channel()).release();
  }
  static void TearDownTestSuite() {
    delete stub_;
    stub_ = nullptr;
    delete service_;
    service_ = nullptr;
    delete tokens_;
    tokens_ = nullptr;
    delete db_;
    db_ = nullptr;
  }
  void SetUp() override { REQUIRE_SHARED_SERVERS(); }

  static std::string Doctor(const std::string& id) { return tokens_->VerifiedDoctor(id); }

  // SQL as the superuser; the output of psql (-A -t: unaligned, tuples only).
  static std::string Sql(const std::string& sql) {
    absl::StatusOr<std::string> out = db_->SuperuserSql(sql);
    EXPECT_TRUE(out.ok()) << out.status();
    std::string s = out.ok() ? *out : "";
    while (!s.empty() && (s.back() == '\n' || s.back() == ' ')) s.pop_back();
    return s;
  }

  static dv1::Case NewCaseMessage(const std::string& space_id, const std::string& title) {
    dv1::Case c;
    c.set_space_id(space_id);
    c.set_title(title);
    c.mutable_body()->set_context("Patiente de 54 ans, maladie de Crohn iléale sous adalimumab.");
    c.mutable_body()->set_examination("Abdomen souple, pas de masse.");
    c.mutable_body()->set_investigations("CRP 45 mg/L, calprotectine 800 µg/g.");
    c.mutable_body()->set_question("Faut-il intensifier le traitement ?");
    c.add_specialty_codes("SM24");
    c.add_competence_tags("mici");
    return c;
  }

  static grpc::Status Create(const std::string& account, const dv1::Case& c, dv1::Case* out,
                             const std::string& request_id = "") {
    dv1::CreateCaseRequest req;
    *req.mutable_case_() = c;
    req.set_request_id(request_id);
    dv1::CreateCaseResponse resp;
    grpc::Status s = stub_->CreateCase(CallAs(Doctor(account)).get(), req, &resp);
    if (out != nullptr) *out = resp.case_();
    return s;
  }

  // The PatientDataFindings detail of a refused write.
  static dv1::PatientDataFindings FindingsDetail(const grpc::Status& status) {
    google::rpc::Status rich;
    dv1::PatientDataFindings findings;
    if (!rich.ParseFromString(status.error_details())) return findings;
    for (const auto& any : rich.details()) {
      if (any.UnpackTo(&findings)) return findings;
    }
    return findings;
  }

  static inline std::string identity_stream_;
  static ScratchDatabase* db_;
  static TestTokens* tokens_;
  static ServiceProcess* service_;
  static dv1::DiscussionsService::Stub* stub_;
};

inline ScratchDatabase* DiscussionsFixture::db_ = nullptr;
inline TestTokens* DiscussionsFixture::tokens_ = nullptr;
inline ServiceProcess* DiscussionsFixture::service_ = nullptr;
inline dv1::DiscussionsService::Stub* DiscussionsFixture::stub_ = nullptr;

}  // namespace meltingdoc::testing
