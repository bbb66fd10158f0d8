#include "tests/chaos/chaos_harness.h"

#include <cstdio>
#include <map>
#include <set>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "absl/time/clock.h"
#include "libs/auth/principal.h"
#include "libs/common/uuid.h"
#include "tests/support/http_client.h"
#include "tests/support/mail_dir.h"
#include "tests/support/test_env.h"

namespace meltingdoc::testing {
namespace {

std::string JsonString(const std::string& body, const std::string& name) {
  const std::string key = absl::StrCat("\"", name, "\":\"");
  const size_t at = body.find(key);
  if (at == std::string::npos) return "";
  const size_t from = at + key.size();
  const size_t to = body.find('"', from);
  return to == std::string::npos ? "" : body.substr(from, to - from);
}

absl::StatusOr<HttpResult> PostJson(int port, const std::string& target, const std::string& body,
                                    const std::string& token = "") {
  HttpCall call;
  call.method = "POST";
  call.target = target;
  call.body = body;
  call.headers = {{"Content-Type", "application/json"}};
  if (!token.empty()) call.headers.push_back({"Authorization", "Bearer " + token});
  return HttpRequest(port, call);
}

}  // namespace

std::string SqlValue(SuiteStack& stack, const std::string& sql) {
  auto r = stack.db().SuperuserSql(sql);
  return r.ok() ? std::string(absl::StripAsciiWhitespace(*r)) : "";
}

absl::StatusOr<LoginResult> LoginThroughGateway(int port, const std::string& email, const std::string& password) {
  auto r = PostJson(port, "/v1/sessions:login",
                    absl::StrCat(R"({"email":")", email, R"(","password":")", password, R"("})"));
  if (!r.ok()) return r.status();
  if (r->status != 200) return absl::UnavailableError(absl::StrCat("login: HTTP ", r->status, " ", r->body));
  LoginResult out;
  out.access_token = JsonString(r->body, "accessToken");
  out.session_id = JsonString(r->body, "sessionId");
  if (out.access_token.empty()) return absl::InternalError(absl::StrCat("login: no token in ", r->body));
  return out;
}

absl::StatusOr<std::vector<LoadDoctor>> SignUpDoctors(SuiteStack& stack, int n, std::vector<std::string>* emails) {
  const int port = stack.gateway_port();
  std::vector<LoadDoctor> doctors;
  for (int i = 0; i < n; ++i) {
    const std::string email = absl::StrCat("dr.chaos", i, ".", NewUuid().substr(0, 8), "@chu-nantes.fr");
    auto reg = PostJson(port, "/v1/accounts:register",
                        absl::StrCat(R"({"email":")", email, R"(","password":")", kDoctorPassword,
                                     R"(","civility":"Dr","givenName":"Claire","familyName":"Martin"})"));
    if (!reg.ok()) return reg.status();
    if (reg->status != 200) return absl::InternalError(absl::StrCat("register: HTTP ", reg->status, " ", reg->body));
    absl::StatusOr<std::string> code = ConfirmationCodeIn(stack.mail_dir(), email);
    if (!code.ok()) return code.status();
    auto confirm = PostJson(port, "/v1/accounts:confirmEmail",
                            absl::StrCat(R"({"email":")", email, R"(","code":")", *code, R"("})"));
    if (!confirm.ok()) return confirm.status();
    if (confirm->status != 200) return absl::InternalError(absl::StrCat("confirm: HTTP ", confirm->status, " ", confirm->body));
    auto verified = stack.db().SuperuserSql(
        absl::StrCat("UPDATE identity.accounts SET status = 'verified' WHERE email = '", email, "' RETURNING account_id"));
    if (!verified.ok()) return verified.status();
    auto login = LoginThroughGateway(port, email, kDoctorPassword);
    if (!login.ok()) return login.status();
    doctors.push_back({std::string(absl::StripAsciiWhitespace(*verified)), login->access_token});
    if (emails != nullptr) emails->push_back(email);
  }
  return doctors;
}

std::string CheckWritesExactlyOnce(SuiteStack& stack, const WriteLoad& load, const std::string& token) {
  std::vector<std::string> problems;
  const std::vector<WriteRecord> cases = load.Cases();
  const std::vector<WriteRecord> replies = load.Replies();
  std::set<std::string> authors;
  for (const auto& w : cases) authors.insert(w.author_id);
  for (const auto& w : replies) authors.insert(w.author_id);
  if (authors.empty()) return "the load made no write";
  const std::string author_list = absl::StrCat("'", absl::StrJoin(authors, "','"), "'");

  struct Row {
    std::string id;
    std::string case_id;
    int copies = 0;
  };
  // (author, request_id) -> rows; the unique index allows one, count anyway.
  auto load_rows = [&](const std::string& sql, std::map<std::string, Row>* rows) {
    auto out = stack.db().SuperuserSql(sql);
    if (!out.ok()) {
      problems.push_back(absl::StrCat("query failed: ", out.status().ToString()));
      return;
    }
    for (absl::string_view line : absl::StrSplit(*out, '\n', absl::SkipEmpty())) {
      std::vector<std::string> f = absl::StrSplit(line, '|');
      if (f.size() != 4) continue;
      Row& row = (*rows)[f[0] + "/" + f[1]];
      row.id = f[2];
      row.case_id = f[3];
      ++row.copies;
    }
  };
  std::map<std::string, Row> case_rows, reply_rows;
  load_rows(absl::StrCat("SELECT author_id, request_id, case_id, case_id FROM discussions.cases WHERE author_id IN (",
                         author_list, ")"),
            &case_rows);
  load_rows(absl::StrCat("SELECT author_id, request_id, reply_id, case_id FROM discussions.replies WHERE author_id IN (",
                         author_list, ")"),
            &reply_rows);

  auto check = [&](const char* kind, const std::vector<WriteRecord>& writes, std::map<std::string, Row>& rows) {
    int acked = 0, unacked_present = 0, unacked_absent = 0;
    std::set<std::string> issued;
    for (const WriteRecord& w : writes) {
      const std::string key = w.author_id + "/" + w.request_id;
      issued.insert(key);
      auto it = rows.find(key);
      if (w.acknowledged) {
        ++acked;
        const std::string id = std::string(kind) == "case" ? w.case_id : w.reply_id;
        if (it == rows.end()) {
          problems.push_back(absl::StrCat("acknowledged ", kind, " ", id, " (request ", w.request_id, ") is missing"));
        } else if (it->second.id != id) {
          problems.push_back(absl::StrCat("acknowledged ", kind, " ", id, " is stored as ", it->second.id));
        }
      } else {
        (it == rows.end() ? unacked_absent : unacked_present) += 1;
      }
      if (it != rows.end() && it->second.copies != 1) {
        problems.push_back(absl::StrCat(kind, " request ", w.request_id, " stored ", it->second.copies, " times"));
      }
    }
    for (const auto& [key, row] : rows) {
      if (issued.count(key) == 0) problems.push_back(absl::StrCat(kind, " ", row.id, " was never requested (", key, ")"));
    }
    std::printf("CHAOS check %s: issued=%zu acknowledged=%d unacknowledged_stored=%d unacknowledged_absent=%d\n", kind,
                writes.size(), acked, unacked_present, unacked_absent);
  };
  check("case", cases, case_rows);
  check("reply", replies, reply_rows);

  const std::string wrong_counts = SqlValue(
      stack, absl::StrCat("SELECT count(*) FROM discussions.cases c WHERE c.author_id IN (", author_list,
                          ") AND c.reply_count <> (SELECT count(*) FROM discussions.replies r WHERE r.case_id = c.case_id)"));
  if (wrong_counts != "0") problems.push_back(absl::StrCat(wrong_counts, " cases whose reply_count is not their number of replies"));

  // Through the API, as a doctor would look for them.
  int api_missing = 0;
  for (const WriteRecord& w : cases) {
    if (!w.acknowledged) continue;
    auto r = HttpGetAs(stack.gateway_port(), "/v1/cases/" + w.case_id, token);
    if (!r.ok() || r->status != 200) ++api_missing;
  }
  if (api_missing > 0) problems.push_back(absl::StrCat(api_missing, " acknowledged cases not readable through the gateway"));
  return absl::StrJoin(problems, "\n");
}

absl::Status WaitForOutboxDrained(SuiteStack& stack, absl::Duration timeout) {
  const absl::Time deadline = absl::Now() + timeout;
  std::string last;
  while (absl::Now() < deadline) {
    last = SqlValue(stack, "SELECT count(*) FROM discussions.outbox WHERE published_at IS NULL");
    if (last == "0") return absl::OkStatus();
    absl::SleepFor(absl::Milliseconds(200));
  }
  return absl::DeadlineExceededError(absl::StrCat("discussions outbox still has ", last, " unpublished events"));
}

absl::Status WaitForSearchIndexToMatch(SuiteStack& stack, const WriteLoad& load, absl::Duration timeout) {
  std::set<std::string> authors;
  for (const auto& w : load.Cases()) authors.insert(w.author_id);
  const std::string in = absl::StrCat("('", absl::StrJoin(authors, "','"), "')");
  const std::string sql = absl::StrCat(
      "SELECT (SELECT count(*) FROM discussions.cases d LEFT JOIN search.cases s USING (case_id) "
      "        WHERE d.author_id IN ", in, " AND (s.case_id IS NULL OR s.version <> d.version"
      "        OR s.reply_count <> d.reply_count OR s.deleted <> (d.deleted_at IS NOT NULL) OR s.hidden <> (d.hidden_at IS NOT NULL))) || ' ' ||"
      " (SELECT count(*) FROM discussions.replies r JOIN discussions.cases d USING (case_id)"
      "        LEFT JOIN search.replies s USING (reply_id)"
      "        WHERE d.author_id IN ", in, " AND (s.reply_id IS NULL OR s.version <> r.version)) || ' ' ||"
      " (SELECT count(*) FROM search.cases s WHERE NOT EXISTS"
      "        (SELECT 1 FROM discussions.cases d WHERE d.case_id = s.case_id))");
  const absl::Time deadline = absl::Now() + timeout;
  std::string last;
  while (absl::Now() < deadline) {
    last = SqlValue(stack, sql);
    if (last == "0 0 0") return absl::OkStatus();
    absl::SleepFor(absl::Milliseconds(250));
  }
  return absl::DeadlineExceededError(absl::StrCat(
      "search index differs from discussions (cases missing or stale, replies missing or stale, "
      "cases indexed that do not exist): ", last.empty() ? "(query failed)" : last));
}

void ChaosTest::SetUp() {
  REQUIRE_SHARED_SERVERS();
  if (pg_port_ == 0) pg_port_ = SharedPostgresPort();
  auto redis = LocalRedis::Create(LocalRedis::Persistence::kAppendOnly);
  ASSERT_TRUE(redis.ok()) << redis.status();
  redis_ = std::move(redis).value();
  auto stack = SuiteStack::Start({.pg_port = pg_port_,
                                  .redis_port = redis_->port(),
                                  .gateway = true,
                                  .web_root = "",
                                  .gateway_env = {{"MELTINGDOC_GATEWAY_DEADLINE", "1s"},
                                                  {"MELTINGDOC_GATEWAY_RATE_DEFAULT_PER_IP", "1000000/1m"},
                                                  {"MELTINGDOC_GATEWAY_RATE_DEFAULT_PER_ACCOUNT", "1000000/1m"},
                                                  {"MELTINGDOC_GATEWAY_RATE_STRICT_PER_IP", "1000000/1m"},
                                                  {"MELTINGDOC_GATEWAY_RATE_STRICT_PER_ACCOUNT", "1000000/1m"}},
                                  .service_env = {}});
  ASSERT_TRUE(stack.ok()) << stack.status();
  stack_ = std::move(stack).value();
  auto doctors = SignUpDoctors(*stack_, 4, &emails_);
  ASSERT_TRUE(doctors.ok()) << doctors.status();
  doctors_ = *std::move(doctors);
}

void ChaosTest::TearDown() {
  load_.reset();
  stack_.reset();
  redis_.reset();
}

void ChaosTest::StartLoad(double rate, int workers) {
  load_ = std::make_unique<WriteLoad>(LoadOptions{.gateway_port = stack_->gateway_port(),
                                                  .requests_per_second = rate,
                                                  .workers = workers,
                                                  .doctors = doctors_});
  load_->Start();
}

void ChaosTest::StopLoadAndCheck() {
  load_->Stop();
  std::printf("CHAOS %s load: requests=%d failed=%d\n",
              ::testing::UnitTest::GetInstance()->current_test_info()->name(), load_->TotalRequests(),
              load_->TotalFailed());
  int unacknowledged = 0;
  for (const auto& w : load_->Cases()) unacknowledged += w.acknowledged ? 0 : 1;
  for (const auto& w : load_->Replies()) unacknowledged += w.acknowledged ? 0 : 1;
  EXPECT_EQ(unacknowledged, 0) << "writes still refused once the stack was whole again";
  EXPECT_EQ(CheckWritesExactlyOnce(*stack_, *load_, doctors_[0].access_token), "");
  absl::Status drained = WaitForOutboxDrained(*stack_, absl::Seconds(20));
  EXPECT_TRUE(drained.ok()) << drained;
  const absl::Time before = absl::Now();
  absl::Status indexed = WaitForSearchIndexToMatch(*stack_, *load_, absl::Seconds(30));
  EXPECT_TRUE(indexed.ok()) << indexed;
  std::printf("CHAOS %s search index matches discussions %lld ms after the load stopped\n",
              ::testing::UnitTest::GetInstance()->current_test_info()->name(),
              static_cast<long long>(absl::ToInt64Milliseconds(absl::Now() - before)));
}

void ChaosTest::Report(const std::string& what, const FaultFigures& f) {
  std::printf("CHAOS %s %s %s\n", ::testing::UnitTest::GetInstance()->current_test_info()->name(), what.c_str(),
              f.ToString().c_str());
  std::fflush(stdout);
}

}  // namespace meltingdoc::testing
