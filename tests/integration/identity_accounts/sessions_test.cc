// ListSessions, RevokeSession and ChangePassword (which revokes the other sessions).
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "libs/common/uuid.h"
#include "tests/integration/identity_accounts/identity_client.h"
#include "tests/integration/system/call_helpers.h"

namespace meltingdoc::testing {
namespace {

constexpr char kPassword[] = "Un mot de passe très long 42";

class SessionsTest : public SharedIdentityTest {};

TEST_F(SessionsTest, ListAndRevokeOwnSessions) {
  const std::string email = UniqueEmail("devices");
  ASSERT_TRUE(id().CreateVerifiedAccount(email, kPassword).ok());
  std::vector<idv1::SessionTokens> sessions;
  for (int i = 0; i < 3; ++i) {
    idv1::LoginResponse resp;
    ASSERT_TRUE(id().Login(email, kPassword, "198.51.100.30", &resp).ok());
    sessions.push_back(resp.tokens());
  }
  const std::string account_id = SubjectOf(sessions[0].access_token());
  const std::string& me = sessions[2].access_token();
  idv1::ListSessionsRequest list;
  list.set_page_size(2);
  idv1::ListSessionsResponse page1, page2;
  grpc::Status s = id().stub->ListSessions(Ctx(me).get(), list, &page1);
  ASSERT_TRUE(s.ok()) << s.error_message();
  ASSERT_EQ(page1.sessions_size(), 2);
  EXPECT_EQ(page1.sessions(0).session_id(), sessions[2].session_id());  // newest first
  EXPECT_TRUE(page1.sessions(0).current());
  EXPECT_FALSE(page1.sessions(1).current());
  EXPECT_EQ(page1.sessions(0).client_ip(), RunScopedIp("198.51.100.30"));
  ASSERT_FALSE(page1.next_page_token().empty());
  list.set_page_token(page1.next_page_token());
  ASSERT_TRUE(id().stub->ListSessions(Ctx(me).get(), list, &page2).ok());
  ASSERT_EQ(page2.sessions_size(), 1);
  EXPECT_EQ(page2.sessions(0).session_id(), sessions[0].session_id());
  EXPECT_TRUE(page2.next_page_token().empty());

  idv1::RevokeSessionRequest revoke;
  revoke.set_session_id(sessions[0].session_id());
  idv1::RevokeSessionResponse revoked;
  ASSERT_TRUE(id().stub->RevokeSession(Ctx(me).get(), revoke, &revoked).ok());
  EXPECT_EQ(id().GetOwnAccount(sessions[0].access_token(), account_id).error_code(), grpc::StatusCode::UNAUTHENTICATED);
  EXPECT_TRUE(id().GetOwnAccount(me, account_id).ok());
  EXPECT_EQ(id().stub->RevokeSession(Ctx(me).get(), revoke, &revoked).error_code(), grpc::StatusCode::NOT_FOUND);
  list.clear_page_token();
  list.set_page_size(0);
  idv1::ListSessionsResponse all;
  ASSERT_TRUE(id().stub->ListSessions(Ctx(me).get(), list, &all).ok());
  EXPECT_EQ(all.sessions_size(), 2);

  // Another account cannot see or revoke these sessions.
  const std::string other = UniqueEmail("other");
  ASSERT_TRUE(id().CreateVerifiedAccount(other, kPassword).ok());
  idv1::LoginResponse theirs;
  ASSERT_TRUE(id().Login(other, kPassword, "198.51.100.31", &theirs).ok());
  revoke.set_session_id(sessions[1].session_id());
  EXPECT_EQ(id().stub->RevokeSession(Ctx(theirs.tokens().access_token()).get(), revoke, &revoked).error_code(),
            grpc::StatusCode::NOT_FOUND);
  EXPECT_TRUE(id().GetOwnAccount(sessions[1].access_token(), account_id).ok());

  // Bad input names the field.
  revoke.set_session_id("not-a-uuid");
  s = id().stub->RevokeSession(Ctx(me).get(), revoke, &revoked);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(ViolatedFields(s), "session_id");
  list.set_page_size(101);
  s = id().stub->ListSessions(Ctx(me).get(), list, &all);
  EXPECT_EQ(ViolatedFields(s), "page_size");
  list.set_page_size(10);
  list.set_page_token("garbage");
  s = id().stub->ListSessions(Ctx(me).get(), list, &all);
  EXPECT_EQ(ViolatedFields(s), "page_token");
}

TEST_F(SessionsTest, ChangePasswordRevokesTheOtherSessions) {
  const std::string email = UniqueEmail("changer");
  ASSERT_TRUE(id().CreateVerifiedAccount(email, kPassword).ok());
  idv1::LoginResponse laptop, phone;
  ASSERT_TRUE(id().Login(email, kPassword, "198.51.100.32", &laptop).ok());
  ASSERT_TRUE(id().Login(email, kPassword, "198.51.100.32", &phone).ok());
  const std::string account_id = SubjectOf(phone.tokens().access_token());
  idv1::ChangePasswordRequest req;
  idv1::ChangePasswordResponse resp;
  req.set_current_password("not my password!");
  req.set_new_password("A brand new passphrase 2026");
  grpc::Status s = id().stub->ChangePassword(Ctx(phone.tokens().access_token()).get(), req, &resp);
  EXPECT_EQ(ViolatedFields(s), "current_password");
  req.set_current_password(kPassword);
  req.set_new_password("winniethepooh");
  s = id().stub->ChangePassword(Ctx(phone.tokens().access_token()).get(), req, &resp);
  EXPECT_EQ(ViolatedFields(s), "new_password");
  req.set_new_password("A brand new passphrase 2026");
  s = id().stub->ChangePassword(Ctx(phone.tokens().access_token()).get(), req, &resp);
  ASSERT_TRUE(s.ok()) << s.error_message();
  EXPECT_EQ(resp.revoked_sessions(), 1);
  EXPECT_EQ(id().GetOwnAccount(laptop.tokens().access_token(), account_id).error_code(),
            grpc::StatusCode::UNAUTHENTICATED);
  EXPECT_TRUE(id().GetOwnAccount(phone.tokens().access_token(), account_id).ok());
  idv1::LoginResponse again;
  EXPECT_EQ(id().Login(email, kPassword, "198.51.100.33", &again).error_code(), grpc::StatusCode::UNAUTHENTICATED);
  EXPECT_TRUE(id().Login(email, "A brand new passphrase 2026", "198.51.100.33", &again).ok());
}

}  // namespace
}  // namespace meltingdoc::testing
