// The register import and the verification flow against a real PostgreSQL, through
// PgIdentityStore and the same import code path as the RPC and the CLI.
#include <atomic>
#include <memory>
#include <thread>

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <pqxx/pqxx>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/synchronization/notification.h"
#include "libs/common/uuid.h"
#include "libs/outbox/outbox_migrations.h"
#include "libs/pg/migrations.h"
#include "meltingdoc/events/v1/event.pb.h"
#include "services/identity/pg_identity_store.h"
#include "services/identity/register_import.h"
#include "tests/integration/identity_register/register_fixture.h"
#include "tests/support/local_postgres.h"
#include "tests/support/subprocess.h"
#include "tests/support/test_env.h"

const std::vector<meltingdoc::pg::Migration>& IdentityMigrations();

namespace meltingdoc::identity {
namespace {

using ::meltingdoc::testing::Person;
using ::meltingdoc::testing::RegisterRecord;
using ::meltingdoc::testing::ScratchDatabase;
using ::meltingdoc::testing::TestRpps;
using ::meltingdoc::testing::WriteRegisterFile;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

class RegisterStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    REQUIRE_SHARED_SERVERS();
    auto db = ScratchDatabase::Create(testing::SharedPostgresPort());
    ASSERT_TRUE(db.ok()) << db.status();
    db_ = *std::move(db);
    pool_ = MakePool(4);
    auto applied = pg::ApplyMigrations(*pool_, "identity",
                                       {{"service", &IdentityMigrations()}, {"outbox", &OutboxMigrations()}});
    ASSERT_TRUE(applied.ok()) << applied.status();
    store_ = std::make_unique<PgIdentityStore>(pool_.get());
    char tmpl[] = "/tmp/register-it-XXXXXX";
    dir_ = ::mkdtemp(tmpl);
  }
  void TearDown() override {
    if (!dir_.empty()) testing::RunCommand("rm -rf " + dir_);
  }

  std::unique_ptr<pg::Pool> MakePool(int size) {
    pg::PoolOptions options;
    options.url = db_->Url("identity");
    options.schema = "identity";
    options.size = size;
    return pg::Pool::Create(std::move(options));
  }

  std::string Sql(const std::string& sql) {
    auto out = db_->SuperuserSql(sql);
    EXPECT_TRUE(out.ok()) << out.status();
    return out.ok() ? std::string(absl::StripAsciiWhitespace(*out)) : "";
  }

  std::string NewAccount(const std::string& given, const std::string& family,
                         const std::string& status = "pending_verification") {
    const std::string id = NewUuid();
    Sql(absl::StrCat("INSERT INTO identity.accounts (account_id, email, civility, given_name, family_name,"
                     " status) VALUES ('", id, "', '", id.substr(0, 8), "@chu.example', 'Dr', '", given,
                     "', '", family, "', '", status, "')"));
    return id;
  }

  absl::StatusOr<v1::RegisterImport> Import(const std::vector<RegisterRecord>& records, int64_t filler = 0,
                                            testing::RegisterVariant variant = testing::RegisterVariant::kCurrent) {
    const std::string path = absl::StrCat(dir_, "/PS_LibreAcces_Personne_activite_", ++files_, ".txt");
    WriteRegisterFile(path, records, filler, variant);
    return ImportRegisterFile(path, *store_, RegisterImportOptions{});
  }

  std::unique_ptr<ScratchDatabase> db_;
  std::unique_ptr<pg::Pool> pool_;
  std::unique_ptr<PgIdentityStore> store_;
  std::string dir_;
  int files_ = 0;
};

RegisterRecord Gynecologist(const std::string& rpps, const std::string& family, const std::string& given,
                            const std::string& postcode, const std::string& city, bool urgences) {
  RegisterRecord r = Person(rpps, family, given);
  r.savoir_faire_code = urgences ? "CEX01" : "SM20";
  r.savoir_faire_type = urgences ? "CEX" : "S";
  r.savoir_faire_label = urgences ? "Médecine d'urgence" : "Gynécologie-obstétrique";
  r.postcode = postcode;
  r.city = city;
  return r;
}

TEST_F(RegisterStoreTest, ImportCollapsesRowsAndReportsRejections) {
  const std::string rpps = TestRpps(1);
  std::vector<RegisterRecord> rows = {
      Gynecologist(rpps, "LE GOFF", "Marie-Hélène", "29200", "Brest", false),
      Gynecologist(rpps, "LE GOFF", "Marie-Hélène", "29200", "Brest", true),
      Gynecologist(rpps, "LE GOFF", "Marie-Hélène", "56100", "Lorient", false),
      Gynecologist(rpps, "LE GOFF", "Marie-Hélène", "56100", "Lorient", true),
      Person(TestRpps(2), "PETIT", "Paul", "21", "Pharmacien"),
  };
  RegisterRecord bad = Person(TestRpps(3), "MARTIN", "Claire");
  bad.identifier.back() = bad.identifier.back() == '9' ? '0' : bad.identifier.back() + 1;
  rows.push_back(bad);
  absl::StatusOr<v1::RegisterImport> report = Import(rows, /*filler=*/2000);
  ASSERT_TRUE(report.ok()) << report.status();
  EXPECT_EQ(report->rows_read(), 2006);
  EXPECT_EQ(report->rows_rejected(), 1);
  EXPECT_EQ(report->rows_kept_physician() + report->rows_kept_other(), 2005);
  ASSERT_EQ(report->rejections_size(), 1);
  EXPECT_EQ(report->rejections(0).reason(), "invalid_rpps");
  EXPECT_THAT(report->rejections(0).sample_lines(), ElementsAre(2007));  // header is line 1
  EXPECT_FALSE(report->import_id().empty());

  auto entry = store_->LookupRegister(rpps);
  ASSERT_TRUE(entry.ok()) << entry.status();
  ASSERT_TRUE(entry->has_value());
  const v1::RegisterEntry& e = **entry;
  EXPECT_EQ(e.family_name(), "LE GOFF");
  EXPECT_EQ(e.given_name(), "Marie-Hélène");
  EXPECT_EQ(e.identifier_type(), v1::IDENTIFIER_TYPE_RPPS);
  EXPECT_EQ(e.profession_code(), "10");
  EXPECT_EQ(e.specialty().code(), "SM20");
  EXPECT_EQ(e.specialty().label(), "Gynécologie-obstétrique");
  ASSERT_EQ(e.savoir_faire_size(), 2);  // four rows, two savoir-faire
  EXPECT_EQ(e.savoir_faire(0).code(), "SM20");
  EXPECT_EQ(e.savoir_faire(1).code(), "CEX01");
  ASSERT_EQ(e.practice_places_size(), 2);
  EXPECT_EQ(e.practice_places(0).city(), "Brest");
  EXPECT_EQ(e.practice_places(1).city(), "Lorient");

  auto pharmacist = store_->LookupRegister(TestRpps(2));
  ASSERT_TRUE(pharmacist.ok() && pharmacist->has_value());
  EXPECT_EQ((*pharmacist)->profession_code(), "21");
  EXPECT_EQ((*pharmacist)->savoir_faire_size(), 0);
  auto rejected = store_->LookupRegister(TestRpps(3));
  ASSERT_TRUE(rejected.ok());
  EXPECT_FALSE(rejected->has_value());

  EXPECT_EQ(Sql("SELECT count(*) || ' ' || max(rows_read) || ' ' || max(rows_rejected) FROM identity.register_imports"),
            "1 2006 1");
}

TEST_F(RegisterStoreTest, OlderHeaderVariantImportsTheSame) {
  const std::string rpps = TestRpps(10);
  auto report = Import({Gynecologist(rpps, "DUBOIS", "Anne", "69003", "Lyon", false)}, 500,
                       testing::RegisterVariant::k2019);
  ASSERT_TRUE(report.ok()) << report.status();
  EXPECT_EQ(report->rows_rejected(), 0);
  auto entry = store_->LookupRegister(rpps);
  ASSERT_TRUE(entry.ok() && entry->has_value());
  EXPECT_EQ((*entry)->family_name(), "DUBOIS");
  EXPECT_EQ((*entry)->civility(), "Docteur");
  EXPECT_EQ((*entry)->specialty().code(), "SM20");
}

TEST_F(RegisterStoreTest, ReimportSwapsAtomicallyWhileReadsContinue) {
  const std::string rpps = TestRpps(20);
  ASSERT_TRUE(Import({Gynecologist(rpps, "ANCIEN", "Anne", "69003", "Lyon", false)}, 1000).ok());

  // Readers on their own pool look the doctor up without pause during the next import. Each
  // read must see the old entry or the new one, whole: never a mix, never missing, no error.
  auto reader_pool = MakePool(2);
  PgIdentityStore reader(reader_pool.get());
  std::atomic<bool> stop{false};
  std::atomic<int> old_reads{0}, new_reads{0}, bad_reads{0};
  std::string first_bad;
  std::vector<std::thread> readers;
  for (int t = 0; t < 2; ++t) {
    readers.emplace_back([&] {
      while (!stop.load()) {
        auto entry = reader.LookupRegister(rpps);
        if (!entry.ok() || !entry->has_value()) {
          if (bad_reads++ == 0) first_bad = entry.ok() ? "missing" : entry.status().ToString();
          continue;
        }
        const v1::RegisterEntry& e = **entry;
        if (e.family_name() == "ANCIEN" && e.specialty().code() == "SM20" && e.practice_places_size() == 1 &&
            e.practice_places(0).city() == "Lyon") {
          ++old_reads;
        } else if (e.family_name() == "NOUVEAU" && e.specialty().code() == "SM39" &&
                   e.practice_places_size() == 2) {
          ++new_reads;
        } else {
          if (bad_reads++ == 0) first_bad = e.DebugString();
        }
      }
    });
  }
  RegisterRecord a = Person(rpps, "NOUVEAU", "Anne");
  a.savoir_faire_code = "SM39";
  a.savoir_faire_label = "Psychiatrie";
  a.postcode = "33000";
  a.city = "Bordeaux";
  RegisterRecord b = a;
  b.postcode = "75013";
  b.city = "Paris";
  while (old_reads.load() < 20) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  const int old_before = old_reads.load();
  auto report = Import({a, b}, 60000);  // large enough to take a while
  const int old_during = old_reads.load() - old_before;
  ASSERT_TRUE(report.ok()) << report.status();
  while (new_reads.load() < 20) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  stop = true;
  for (auto& t : readers) t.join();
  EXPECT_EQ(bad_reads.load(), 0) << first_bad;
  EXPECT_GT(old_during, 20) << "reads kept being served from the old register during the load";
  EXPECT_GT(new_reads.load(), 0);

  // A refused file (Latin-1) changes nothing.
  const std::string latin1 = dir_ + "/old_latin1.txt";
  {
    std::ofstream f(latin1, std::ios::binary);
    f << testing::RegisterHeader(testing::RegisterVariant::kCurrent) << "\n"
      << "8|" << TestRpps(21) << "|8" << TestRpps(21) << "|DR|Docteur|M|Monsieur|GU\xC9RIN|H\xE9l\xE8ne|\n";
  }
  auto refused = ImportRegisterFile(latin1, *store_, RegisterImportOptions{});
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(refused.status().message(), HasSubstr("line 2 is not valid UTF-8"));
  auto still = store_->LookupRegister(rpps);
  ASSERT_TRUE(still.ok() && still->has_value());
  EXPECT_EQ((*still)->family_name(), "NOUVEAU");
  EXPECT_EQ(Sql("SELECT count(*) FROM identity.register_imports"), "2");
}

TEST_F(RegisterStoreTest, TooManyRejectedRowsOrNoPhysicianChangesNothing) {
  ASSERT_TRUE(Import({Person(TestRpps(30), "MARTIN", "Claire")}).ok());
  // Half the rows rejected.
  RegisterRecord bad = Person(TestRpps(31), "DURAND", "Paul");
  bad.identifier = "123";
  auto report = Import({Person(TestRpps(32), "DURAND", "Paul"), bad});
  ASSERT_FALSE(report.ok());
  EXPECT_EQ(report.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(report.status().message(), HasSubstr("invalid_rpps: 1 (first at line 3)"));
  // Only nurses.
  report = Import({Person(TestRpps(33), "PETIT", "Paul", "60", "Infirmier")});
  ASSERT_FALSE(report.ok());
  EXPECT_THAT(report.status().message(), HasSubstr("no physician"));
  auto entry = store_->LookupRegister(TestRpps(30));
  ASSERT_TRUE(entry.ok() && entry->has_value());
  EXPECT_FALSE(store_->LookupRegister(TestRpps(32))->has_value());
}

TEST_F(RegisterStoreTest, ConcurrentImportIsRefused) {
  // Another process's import holds the lock.
  pqxx::connection other(db_->Url("identity"));
  pqxx::work txn(other);
  txn.exec("SELECT pg_advisory_xact_lock(hashtext('meltingdoc.register_import:identity'))");
  auto report = Import({Person(TestRpps(40), "MARTIN", "Claire")});
  ASSERT_FALSE(report.ok());
  EXPECT_EQ(report.status().code(), absl::StatusCode::kAborted);
  txn.abort();
  EXPECT_TRUE(Import({Person(TestRpps(40), "MARTIN", "Claire")}).ok());
}

// --- Verification ---

class VerificationStoreTest : public RegisterStoreTest {
 protected:
  void SetUp() override {
    RegisterStoreTest::SetUp();
    if (IsSkipped() || HasFatalFailure()) return;
    std::vector<RegisterRecord> rows = {
        Gynecologist(TestRpps(100), "LE GOFF", "Marie-Hélène", "29200", "Brest", false),
        Gynecologist(TestRpps(100), "LE GOFF", "Marie-Hélène", "29200", "Brest", true),
        Person(TestRpps(101), "DUBOIS", "Claire"),                       // maiden name case
        Person(TestRpps(102), "PETIT", "Paul", "21", "Pharmacien"),      // not a physician
        Person(TestRpps(103), "DE VILLEPIN", "Jean-Pierre"),
    };
    RegisterRecord adeli = Person("691234567", "ROUX", "Anne");
    adeli.identifier_type = "0";
    rows.push_back(adeli);
    ASSERT_TRUE(Import(rows).ok());
  }

  std::string State(const std::string& account_id) {
    return Sql("SELECT status FROM identity.accounts WHERE account_id = '" + account_id + "'");
  }
};

TEST_F(VerificationStoreTest, MatchingPhysicianIsVerifiedWithEventAndAudit) {
  const std::string me = NewAccount("Marie Hélène", "Le Goff");
  auto v = store_->StartVerification(me, TestRpps(100), v1::IDENTIFIER_TYPE_RPPS);
  ASSERT_TRUE(v.ok()) << v.status();
  EXPECT_EQ(v->state(), v1::VERIFICATION_STATE_VERIFIED);
  EXPECT_EQ(v->reasons_size(), 0);
  EXPECT_EQ(v->register_entry().specialty().code(), "SM20");
  EXPECT_EQ(State(me), "verified");
  EXPECT_EQ(Sql("SELECT version FROM identity.accounts WHERE account_id = '" + me + "'"), "2");
  EXPECT_EQ(Sql("SELECT account_id FROM identity.account_identifiers WHERE identifier = '" + TestRpps(100) + "'"), me);
  EXPECT_EQ(Sql("SELECT action || '|' || coalesce(actor_account_id::text, 'auto') FROM identity.verification_audit"
                " WHERE account_id = '" + me + "'"),
            "verified|auto");

  // AccountVerified is in the outbox, committed with the change.
  const std::string hex = Sql("SELECT encode(payload, 'hex') FROM identity.outbox WHERE aggregate_id = '" + me +
                              "' AND event_type = 'account_verified'");
  ASSERT_FALSE(hex.empty()) << Sql("SELECT string_agg(event_type, ',') FROM identity.outbox");
  std::string bytes;
  for (size_t i = 0; i + 1 < hex.size(); i += 2) bytes.push_back(static_cast<char>(std::stoi(hex.substr(i, 2), nullptr, 16)));
  events::v1::Event event;
  ASSERT_TRUE(event.ParseFromString(bytes));
  EXPECT_EQ(event.aggregate_version(), 2);
  const events::v1::AccountVerified& av = event.account_verified();
  EXPECT_EQ(av.account_id(), me);
  EXPECT_EQ(av.rpps(), TestRpps(100));
  EXPECT_EQ(av.specialty_code(), "SM20");
  EXPECT_EQ(av.method(), "automatic");
  ASSERT_EQ(av.savoir_faire_size(), 2);
  EXPECT_EQ(av.savoir_faire(1).code(), "CEX01");
  ASSERT_EQ(av.practice_places_size(), 1);
  EXPECT_EQ(av.practice_places(0).city(), "Brest");

  // GetMe shows the register's view once verified.
  auto my = store_->GetMe(me);
  ASSERT_TRUE(my.ok()) << my.status();
  EXPECT_EQ(my->account.status(), v1::ACCOUNT_STATUS_VERIFIED);
  ASSERT_TRUE(my->register_entry.has_value());
  EXPECT_EQ(my->register_entry->specialty().label(), "Gynécologie-obstétrique");
  EXPECT_EQ(my->register_entry->savoir_faire_size(), 2);

  // Verified is final: asking again is refused.
  auto again = store_->StartVerification(me, TestRpps(100), v1::IDENTIFIER_TYPE_RPPS);
  EXPECT_EQ(again.status().code(), absl::StatusCode::kFailedPrecondition);
}

TEST_F(VerificationStoreTest, EmailNotConfirmedIsRefused) {
  const std::string me = NewAccount("Claire", "Dubois", "pending_email");
  auto v = store_->StartVerification(me, TestRpps(101), v1::IDENTIFIER_TYPE_RPPS);
  EXPECT_EQ(v.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(v.status().message(), HasSubstr("confirm your email"));
  EXPECT_EQ(Sql("SELECT count(*) FROM identity.verification_requests"), "0");
}

TEST_F(VerificationStoreTest, SecondAccountWithTheSameRppsGoesToReview) {
  const std::string first = NewAccount("Jean-Pierre", "de Villepin");
  const std::string second = NewAccount("Jean Pierre", "Villepin");
  auto v1_ = store_->StartVerification(first, TestRpps(103), v1::IDENTIFIER_TYPE_RPPS);
  ASSERT_TRUE(v1_.ok()) << v1_.status();
  EXPECT_EQ(v1_->state(), v1::VERIFICATION_STATE_VERIFIED);
  auto v2_ = store_->StartVerification(second, TestRpps(103), v1::IDENTIFIER_TYPE_RPPS);
  ASSERT_TRUE(v2_.ok()) << v2_.status();
  EXPECT_EQ(v2_->state(), v1::VERIFICATION_STATE_NEEDS_REVIEW);
  EXPECT_THAT(v2_->reasons(), ElementsAre(v1::VERIFICATION_REASON_ALREADY_CLAIMED));
  EXPECT_EQ(State(second), "pending_verification");

  // A moderator cannot approve it while the first account holds the number: nothing written.
  const std::string moderator = NewAccount("Mod", "Erateur");
  auto approved = store_->DecideVerification(v2_->verification_id(), moderator, true, "same person, new email");
  ASSERT_FALSE(approved.ok());
  EXPECT_EQ(approved.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(State(second), "pending_verification");
  EXPECT_EQ(Sql("SELECT state FROM identity.verification_requests WHERE verification_id = '" +
                v2_->verification_id() + "'"),
            "needs_review");
  EXPECT_EQ(Sql("SELECT count(*) FROM identity.verification_audit WHERE actor_account_id IS NOT NULL"), "0");
}

TEST_F(VerificationStoreTest, TwoAccountsRacingForOneNumberNeverBothVerified) {
  for (int round = 0; round < 5; ++round) {
    Sql("DELETE FROM identity.account_identifiers");
    const std::string a = NewAccount("Claire", "Dubois");
    const std::string b = NewAccount("Claire", "Dubois");
    absl::StatusOr<v1::Verification> ra, rb;
    std::thread ta([&] { ra = store_->StartVerification(a, TestRpps(101), v1::IDENTIFIER_TYPE_RPPS); });
    std::thread tb([&] { rb = store_->StartVerification(b, TestRpps(101), v1::IDENTIFIER_TYPE_RPPS); });
    ta.join();
    tb.join();
    ASSERT_TRUE(ra.ok() && rb.ok()) << ra.status() << rb.status();
    const int verified = (ra->state() == v1::VERIFICATION_STATE_VERIFIED) + (rb->state() == v1::VERIFICATION_STATE_VERIFIED);
    EXPECT_EQ(verified, 1) << "round " << round;
  }
}

TEST_F(VerificationStoreTest, ReviewCasesAndRejection) {
  // Maiden name in the register, married name on the account.
  const std::string married = NewAccount("Claire", "Martin");
  auto v = store_->StartVerification(married, TestRpps(101), v1::IDENTIFIER_TYPE_RPPS);
  ASSERT_TRUE(v.ok()) << v.status();
  EXPECT_EQ(v->state(), v1::VERIFICATION_STATE_NEEDS_REVIEW);
  EXPECT_THAT(v->reasons(), ElementsAre(v1::VERIFICATION_REASON_FAMILY_NAME_DIFFERS));
  EXPECT_EQ(v->register_entry().family_name(), "DUBOIS");  // what the moderator compares

  const std::string unknown = NewAccount("Zoé", "Inconnue");
  v = store_->StartVerification(unknown, TestRpps(999), v1::IDENTIFIER_TYPE_RPPS);
  ASSERT_TRUE(v.ok());
  EXPECT_THAT(v->reasons(), ElementsAre(v1::VERIFICATION_REASON_NOT_IN_REGISTER));

  const std::string adeli = NewAccount("Anne", "Roux");
  v = store_->StartVerification(adeli, "691234567", v1::IDENTIFIER_TYPE_ADELI);
  ASSERT_TRUE(v.ok());
  EXPECT_EQ(v->state(), v1::VERIFICATION_STATE_NEEDS_REVIEW);
  EXPECT_THAT(v->reasons(), ElementsAre(v1::VERIFICATION_REASON_ADELI_ONLY));

  const std::string pharmacist = NewAccount("Paul", "Petit");
  v = store_->StartVerification(pharmacist, TestRpps(102), v1::IDENTIFIER_TYPE_RPPS);
  ASSERT_TRUE(v.ok());
  EXPECT_EQ(v->state(), v1::VERIFICATION_STATE_REJECTED);
  EXPECT_THAT(v->reasons(), ElementsAre(v1::VERIFICATION_REASON_NOT_A_PHYSICIAN));
  EXPECT_EQ(State(pharmacist), "rejected");
  EXPECT_EQ(Sql("SELECT count(*) FROM identity.outbox"), "0");  // nobody verified
}

TEST_F(VerificationStoreTest, ModeratorDecisionsAreRecordedWithWhoWhenWhy) {
  const std::string married = NewAccount("Claire", "Martin");
  const std::string unknown = NewAccount("Zoé", "Inconnue");
  const std::string moderator = NewAccount("Mod", "Erateur");
  auto a = store_->StartVerification(married, TestRpps(101), v1::IDENTIFIER_TYPE_RPPS);
  auto b = store_->StartVerification(unknown, TestRpps(998), v1::IDENTIFIER_TYPE_RPPS);
  ASSERT_TRUE(a.ok() && b.ok());

  // Deciding on one's own request is refused.
  auto own = store_->DecideVerification(a->verification_id(), married, true, "it is me");
  EXPECT_EQ(own.status().code(), absl::StatusCode::kPermissionDenied);

  auto approved = store_->DecideVerification(a->verification_id(), moderator, true,
                                             "marriage certificate checked: born Dubois");
  ASSERT_TRUE(approved.ok()) << approved.status();
  EXPECT_EQ(approved->state(), v1::VERIFICATION_STATE_APPROVED);
  EXPECT_EQ(approved->decider_account_id(), moderator);
  EXPECT_EQ(approved->decision_reason(), "marriage certificate checked: born Dubois");
  EXPECT_GT(approved->decide_time().seconds(), 0);
  EXPECT_EQ(State(married), "verified");
  EXPECT_EQ(Sql("SELECT count(*) FROM identity.outbox WHERE aggregate_id = '" + married + "'"), "1");

  auto denied = store_->DecideVerification(b->verification_id(), moderator, false, "no such doctor");
  ASSERT_TRUE(denied.ok()) << denied.status();
  EXPECT_EQ(denied->state(), v1::VERIFICATION_STATE_DENIED);
  EXPECT_EQ(State(unknown), "rejected");
  EXPECT_EQ(Sql("SELECT count(*) FROM identity.outbox WHERE aggregate_id = '" + unknown + "'"), "0");

  // Decided once: a second decision is refused.
  auto twice = store_->DecideVerification(b->verification_id(), moderator, true, "changed my mind");
  EXPECT_EQ(twice.status().code(), absl::StatusCode::kFailedPrecondition);
  auto missing = store_->DecideVerification(NewUuid(), moderator, true, "whatever");
  EXPECT_EQ(missing.status().code(), absl::StatusCode::kNotFound);

  EXPECT_EQ(Sql("SELECT string_agg(action || ':' || coalesce(actor_account_id::text, 'auto') || ':' || reason,"
                " ' / ' ORDER BY audit_id) FROM identity.verification_audit WHERE actor_account_id IS NOT NULL"),
            absl::StrCat("approved:", moderator, ":marriage certificate checked: born Dubois / denied:", moderator,
                         ":no such doctor"));
}

TEST_F(VerificationStoreTest, PendingQueuePagesByKeysetAndNewRequestWithdrawsOld) {
  std::vector<std::string> accounts;
  for (int i = 0; i < 5; ++i) {
    accounts.push_back(NewAccount("Zoé", absl::StrCat("Inconnue", i)));
    ASSERT_TRUE(store_->StartVerification(accounts.back(), TestRpps(900 + i), v1::IDENTIFIER_TYPE_RPPS).ok());
  }
  // The third account corrects its number: its first request leaves the queue.
  auto corrected = store_->StartVerification(accounts[2], TestRpps(950), v1::IDENTIFIER_TYPE_RPPS);
  ASSERT_TRUE(corrected.ok());
  EXPECT_EQ(Sql("SELECT count(*) FROM identity.verification_requests WHERE state = 'withdrawn'"), "1");

  std::vector<std::string> seen;
  std::optional<VerificationCursor> cursor;
  int pages = 0;
  do {
    auto page = store_->ListPendingVerifications(2, cursor);
    ASSERT_TRUE(page.ok()) << page.status();
    for (const auto& v : page->verifications) seen.push_back(v.identifier());
    cursor = page->next;
    ASSERT_LT(++pages, 10);
  } while (cursor.has_value());
  EXPECT_THAT(seen, ElementsAre(TestRpps(900), TestRpps(901), TestRpps(903), TestRpps(904), TestRpps(950)));
  EXPECT_EQ(pages, 3);
}

}  // namespace
}  // namespace meltingdoc::identity
