// Starts the whole stack (scratch database, a private Redis, the four services with identity's
// own signing key, a mail directory and a two-doctor register extract, the gateway serving
// gateway/web/dist) and runs journey.mjs, which
// drives chromium through the doctors' journey, saving screenshots and checking each page
// with axe-core. Artifacts: <build>/tests/browser/artifacts (or $MELTINGDOC_BROWSER_ARTIFACTS).
#include <stdlib.h>
#include <sys/stat.h>

#include <fstream>
#include <iostream>
#include <map>
#include <memory>
#include <string>

#include <gtest/gtest.h>

#include "absl/strings/str_cat.h"
#include "tests/support/gateway_process.h"
#include "tests/support/local_postgres.h"
#include "tests/support/local_redis.h"
#include "tests/support/service_process.h"
#include "tests/support/subprocess.h"
#include "tests/support/test_env.h"
#include "tests/tools/register_gen/register_generator.h"

namespace meltingdoc::testing {
namespace {

bool Exists(const std::string& path) {
  struct stat st;
  return ::stat(path.c_str(), &st) == 0;
}

std::string Quote(const std::string& s) {
  std::string out = "'";
  for (char c : s) {
    if (c == '\'') out += "'\\''";
    else out += c;
  }
  return out + "'";
}

class BrowserJourney : public ::testing::Test {
 protected:
  void SetUp() override {
    REQUIRE_SHARED_SERVERS();
    web_root_ = SourceDir() + "/gateway/web/dist";
    ASSERT_TRUE(Exists(web_root_ + "/index.html"))
        << web_root_ << " is missing: tests/run.sh builds it (web_build in deploy/local/lib.sh)";
    chromium_ = EnvOr("MELTINGDOC_CHROMIUM", "/usr/bin/chromium");
    ASSERT_TRUE(Exists(chromium_)) << chromium_ << " is missing: apt-get install chromium";
    ASSERT_TRUE(Exists(SourceDir() + "/tests/node_modules/playwright-core"))
        << "playwright-core is missing: npm ci in tests/";

    auto db = ScratchDatabase::Create(SharedPostgresPort());
    ASSERT_TRUE(db.ok()) << db.status();
    db_ = std::move(db).value();
    char dir[] = "/tmp/meltingdoc-browser-XXXXXX";
    ASSERT_NE(::mkdtemp(dir), nullptr);
    tmp_ = dir;
    keys_dir_ = tmp_ + "/keys";
    mail_dir_ = tmp_ + "/mail";
    ASSERT_EQ(::mkdir(keys_dir_.c_str(), 0700), 0);
    ASSERT_EQ(::mkdir(mail_dir_.c_str(), 0700), 0);
    CommandResult gen = RunCommand(absl::StrCat(BinaryDir(), "/libs/auth/meltingdoc-keygen --kid=browser-1 --out_dir=", keys_dir_));
    ASSERT_EQ(gen.exit_code, 0) << gen.output;
    // A private Redis: the services' event streams (meltingdoc.<service>) must not mix with
    // those of the tests running beside this one on the shared Redis.
    auto redis = LocalRedis::Create();
    ASSERT_TRUE(redis.ok()) << redis.status();
    redis_ = std::move(redis).value();

    // The register extract: doctor A as registered; doctor B under another family name (a
    // usage name), so that B's request goes to the moderators.
    rpps_a_ = RppsFromBase(1000012345);
    rpps_b_ = RppsFromBase(1000067890);
    RegisterRecord a;
    a.identifier = rpps_a_;
    a.family_name = "MARTIN";
    a.given_name = "Claire";
    a.savoir_faire_code = "SM20";
    a.savoir_faire_label = "Gynécologie-obstétrique";
    a.postcode = "69003";
    a.city = "Lyon";
    RegisterRecord b = a;
    b.identifier = rpps_b_;
    b.family_name = "BERNARD-DUVAL";
    b.given_name = "Paul";
    b.savoir_faire_code = "SM54";
    b.savoir_faire_label = "Médecine générale";
    b.postcode = "69100";
    b.city = "Villeurbanne";
    const std::string extract = tmp_ + "/PS_LibreAcces_Personne_activite_202611300000.txt";
    {
      std::ofstream out(extract, std::ios::binary);
      out << RegisterHeader(RegisterVariant::kCurrent) << "\n"
          << RegisterLine(RegisterVariant::kCurrent, a) << "\n"
          << RegisterLine(RegisterVariant::kCurrent, b) << "\n";
    }
    CommandResult imported = RunCommand(absl::StrCat("env MELTINGDOC_IDENTITY_PG_URL=", Quote(db_->Url("identity")), " ",
                                                     BinaryDir(), "/services/identity/meltingdoc-identity import-register ",
                                                     Quote(extract)));
    ASSERT_EQ(imported.exit_code, 0) << imported.output;

    std::map<std::string, std::string> backends;
    for (const char* name : {"identity", "profiles", "discussions", "search"}) {
      std::map<std::string, std::string> env;
      if (std::string(name) == "identity") {
        env = {{"MELTINGDOC_IDENTITY_SIGNING_KEY_FILE", keys_dir_ + "/signing_key"},
               {"MELTINGDOC_IDENTITY_MAIL_DIR", mail_dir_}};
      }
      auto sp = ServiceProcess::Start({.service = name,
                                       .pg_url = db_->Url(name),
                                       .redis_port = redis_->port(),
                                       .public_keys_file = keys_dir_ + "/public_keys",
                                       .extra_env = env});
      ASSERT_TRUE(sp.ok()) << sp.status();
      backends[name] = (*sp)->address();
      services_[name] = std::move(sp).value();
    }
    for (auto& [name, sp] : services_) {
      absl::Status s = sp->WaitForHealth(true);
      ASSERT_TRUE(s.ok()) << name << ": " << s << "\n" << sp->ReadLog();
    }
    auto gw = GatewayProcess::Start({.backends = backends,
                                     .public_keys_file = keys_dir_ + "/public_keys",
                                     .redis_port = redis_->port(),
                                     .web_root = web_root_,
                                     // The journey registers and signs in more often than the
                                     // strict per-IP limit allows one address.
                                     .extra_env = {{"MELTINGDOC_GATEWAY_RATE_DEFAULT_PER_IP", "100000/1m"},
                                                   {"MELTINGDOC_GATEWAY_RATE_STRICT_PER_IP", "100000/1m"},
                                                   {"MELTINGDOC_GATEWAY_RATE_STRICT_PER_ACCOUNT", "100000/1m"}}});
    ASSERT_TRUE(gw.ok()) << gw.status();
    gateway_ = std::move(gw).value();
    absl::Status ready = gateway_->WaitForReady(true);
    ASSERT_TRUE(ready.ok()) << ready << "\n" << gateway_->ReadLog();
  }

  void TearDown() override {
    gateway_.reset();
    services_.clear();
    redis_.reset();
    db_.reset();
    if (!tmp_.empty()) RunCommand("rm -rf " + Quote(tmp_));
  }

  std::string web_root_, chromium_, tmp_, keys_dir_, mail_dir_, rpps_a_, rpps_b_;
  std::unique_ptr<LocalRedis> redis_;
  std::unique_ptr<ScratchDatabase> db_;
  std::map<std::string, std::unique_ptr<ServiceProcess>> services_;
  std::unique_ptr<GatewayProcess> gateway_;
};

TEST_F(BrowserJourney, DoctorsJourneyInChromium) {
  const std::string artifacts = EnvOr("MELTINGDOC_BROWSER_ARTIFACTS", BinaryDir() + "/tests/browser/artifacts");
  RunCommand("rm -rf " + Quote(artifacts) + " && mkdir -p " + Quote(artifacts));
  const std::string cmd = absl::StrCat(
      "env MELTINGDOC_BASE_URL=http://127.0.0.1:", gateway_->port(),
      " MELTINGDOC_MAIL_DIR=", Quote(mail_dir_),
      " MELTINGDOC_RPPS_A=", rpps_a_, " MELTINGDOC_RPPS_B=", rpps_b_,
      " MELTINGDOC_ARTIFACTS=", Quote(artifacts),
      " MELTINGDOC_CHROMIUM=", Quote(chromium_),
      " MELTINGDOC_PSQL=", Quote(absl::StrCat(PostgresBinDir(), "/psql -X -q -v ON_ERROR_STOP=1 -h 127.0.0.1 -p ",
                                              db_->port(), " -U postgres -d ", db_->name())),
      " node ", Quote(SourceDir() + "/tests/browser/journey.mjs"));
  CommandResult r = RunCommand(cmd);
  std::cout << r.output << std::endl;
  EXPECT_EQ(r.exit_code, 0) << "journey.mjs failed (screenshots in " << artifacts << ")\n--- gateway log tail ---\n"
                            << gateway_->ReadLog().substr(gateway_->ReadLog().size() > 4000 ? gateway_->ReadLog().size() - 4000 : 0);
}

}  // namespace
}  // namespace meltingdoc::testing
