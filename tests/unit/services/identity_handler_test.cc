#include <cctype>
#include <string>

#include "services/identity/identity_service.h"
#include "tests/unit/services/handler_fixture.h"

namespace meltingdoc::identity {
namespace {

using auth::Role;
using auth::VerificationStatus;
using testing::CallContext;
using testing::ExpectBadRequestNaming;

class FakeIdentityStore : public IdentityStore {
 public:
  absl::StatusOr<v1::Account> GetAccount(const std::string& account_id) override {
    ++calls;
    last_account_id = account_id;
    if (!result.ok()) return result.status();
    v1::Account a = *result;
    a.set_account_id(account_id);
    return a;
  }
  // The register and verification methods are exercised against PostgreSQL
  // (tests/integration/identity_register); the handlers tested here do not call them.
  absl::Status ReplaceRegister(const RegisterSnapshot&, const v1::RegisterImport&, const std::string&) override {
    return absl::UnimplementedError("not used here");
  }
  absl::StatusOr<std::optional<v1::RegisterEntry>> LookupRegister(const std::string&) override {
    return absl::UnimplementedError("not used here");
  }
  absl::StatusOr<v1::Verification> StartVerification(const std::string&, const std::string&,
                                                     v1::IdentifierType) override {
    return absl::UnimplementedError("not used here");
  }
  absl::StatusOr<MeView> GetMe(const std::string&) override { return absl::UnimplementedError("not used here"); }
  absl::StatusOr<VerificationPage> ListPendingVerifications(int, const std::optional<VerificationCursor>&) override {
    return absl::UnimplementedError("not used here");
  }
  absl::StatusOr<v1::Verification> DecideVerification(const std::string&, const std::string&, bool,
                                                      const std::string&) override {
    return absl::UnimplementedError("not used here");
  }
  // The operator RPCs' authorization and validation are tested here; what they change, against
  // PostgreSQL (tests/integration/identity_register).
  absl::StatusOr<v1::Verification> ReopenVerification(const std::string& verification_id, const OperatorActor& actor,
                                                      const std::string& reason) override {
    ++calls;
    last_account_id = actor.account_id;
    last_reason = reason;
    v1::Verification v;
    v.set_verification_id(verification_id);
    v.set_state(v1::VERIFICATION_STATE_NEEDS_REVIEW);
    return v;
  }
  absl::StatusOr<RoleChange> SetAccountRole(const std::string& account_id, const std::string& role,
                                            const OperatorActor& actor, const std::string& reason,
                                            absl::Time) override {
    ++calls;
    last_account_id = actor.account_id;
    last_role = role;
    last_reason = reason;
    RoleChange change;
    change.account.set_account_id(account_id);
    return change;
  }
  absl::StatusOr<SuspensionChange> SetSuspended(const std::string& account_id, bool suspend,
                                                const OperatorActor& actor, const std::string& actor_role,
                                                const std::string& reason, absl::Time) override {
    ++calls;
    last_account_id = actor.account_id;
    last_role = actor_role;
    last_reason = reason;
    last_suspend = suspend;
    SuspensionChange change;
    change.account.set_account_id(account_id);
    return change;
  }
  std::string last_role, last_reason;
  bool last_suspend = false;
  int calls = 0;
  std::string last_account_id;
  absl::StatusOr<v1::Account> result = [] {
    v1::Account a;
    a.set_email("ada@example.fr");
    a.set_given_name("Ada");
    a.set_family_name("Lovelace");
    a.set_status(v1::ACCOUNT_STATUS_VERIFIED);
    a.set_role(v1::ROLE_DOCTOR);
    return a;
  }();
};

class IdentityHandlerTest : public testing::HandlerTest {
 protected:
  absl::Status Get(const CallContext& ctx, const std::string& account_id) {
    v1::GetAccountRequest req;
    req.set_account_id(account_id);
    response_.Clear();
    return service_.DoGetAccount(ctx.get(), req, response_);
  }

  const std::string me_ = NewUuid();
  const std::string other_ = NewUuid();
  FakeIdentityStore store_;
  IdentityServiceImpl service_{&store_, &verifier_, &executor_};
  v1::GetAccountResponse response_;
};

TEST_F(IdentityHandlerTest, DoctorReadsOwnAccount) {
  const absl::Status s = Get(*CallContext::Bearer(tokens_.VerifiedDoctor(me_)), me_);
  ASSERT_TRUE(s.ok()) << s;
  EXPECT_EQ(response_.account().account_id(), me_);
  EXPECT_EQ(response_.account().email(), "ada@example.fr");
  EXPECT_EQ(store_.calls, 1);
  EXPECT_EQ(store_.last_account_id, me_);
}

TEST_F(IdentityHandlerTest, PendingAccountReadsOwnAccount) {
  EXPECT_TRUE(Get(*CallContext::Bearer(tokens_.Pending(me_)), me_).ok());
}

TEST_F(IdentityHandlerTest, OwnAccountInUpperCaseIsStillOwn) {
  // IsValidUuid accepts either case, so the same account must be recognised in either case.
  std::string upper = me_;
  for (char& c : upper) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  const absl::Status s = Get(*CallContext::Bearer(tokens_.VerifiedDoctor(me_)), upper);
  EXPECT_TRUE(s.ok()) << s;
}

TEST_F(IdentityHandlerTest, DoctorCannotReadAnotherAccount) {
  const absl::Status s = Get(*CallContext::Bearer(tokens_.VerifiedDoctor(me_)), other_);
  EXPECT_EQ(s.code(), absl::StatusCode::kPermissionDenied) << s;
  EXPECT_EQ(store_.calls, 0);
  EXPECT_FALSE(response_.has_account());
}

TEST_F(IdentityHandlerTest, PendingAccountCannotReadAnotherAccount) {
  EXPECT_EQ(Get(*CallContext::Bearer(tokens_.Pending(me_)), other_).code(),
            absl::StatusCode::kPermissionDenied);
  EXPECT_EQ(store_.calls, 0);
}

TEST_F(IdentityHandlerTest, ModeratorAndAdminReadAnyAccount) {
  for (Role role : {Role::kModerator, Role::kAdmin}) {
    const absl::Status s = Get(*CallContext::Bearer(tokens_.WithRole(me_, role)), other_);
    ASSERT_TRUE(s.ok()) << auth::RoleName(role) << ": " << s;
    EXPECT_EQ(response_.account().account_id(), other_);
    EXPECT_EQ(store_.last_account_id, other_);
  }
  EXPECT_EQ(store_.calls, 2);
}

TEST_F(IdentityHandlerTest, MissingOrBadTokenIsUnauthenticated) {
  testing::TestTokens strangers;  // a key pair this service does not trust
  auth::Principal expired_principal;
  expired_principal.account_id = me_;
  expired_principal.session_id = NewUuid();
  expired_principal.status = VerificationStatus::kVerified;
  for (const std::string& authorization :
       {std::string(""), std::string("Bearer "), std::string("Bearer not.a.token"),
        "Basic " + tokens_.VerifiedDoctor(me_), tokens_.VerifiedDoctor(me_),
        "Bearer " + strangers.VerifiedDoctor(me_),
        "Bearer " + tokens_.Token(expired_principal, absl::Minutes(-30))}) {
    const absl::Status s = Get(CallContext(authorization), me_);
    EXPECT_EQ(s.code(), absl::StatusCode::kUnauthenticated) << authorization << " -> " << s;
  }
  EXPECT_EQ(store_.calls, 0);
}

TEST_F(IdentityHandlerTest, AuthenticationComesBeforeValidation) {
  // An anonymous caller learns nothing about what a valid request looks like.
  EXPECT_EQ(Get(CallContext(""), "not-a-uuid").code(), absl::StatusCode::kUnauthenticated);
}

TEST_F(IdentityHandlerTest, InvalidUuidIsInvalidArgumentNamingAccountIdAndNeverReachesTheStore) {
  // Even a moderator, who may read any account, is refused before the store is asked.
  const auto ctx = CallContext::Bearer(tokens_.WithRole(me_, Role::kModerator));
  for (const std::string& bad :
       {std::string(""), std::string("123"), std::string("../../etc/passwd"), me_ + " ",
        me_.substr(0, 35) + "g", std::string("'; DROP TABLE accounts; --")}) {
    ExpectBadRequestNaming(Get(*ctx, bad), "account_id");
  }
  EXPECT_EQ(store_.calls, 0);
}

TEST_F(IdentityHandlerTest, StoreErrorsPropagate) {
  store_.result = absl::NotFoundError("no such account");
  absl::Status s = Get(*CallContext::Bearer(tokens_.VerifiedDoctor(me_)), me_);
  EXPECT_EQ(s.code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(s.message(), "no such account");

  store_.result = absl::UnavailableError("database unavailable");
  s = Get(*CallContext::Bearer(tokens_.WithRole(me_, Role::kAdmin)), other_);
  EXPECT_EQ(s.code(), absl::StatusCode::kUnavailable);
}

// ---- Operators: SetAccountRole and ReopenVerification (admins only) ----

class OperatorHandlerTest : public IdentityHandlerTest {
 protected:
  absl::Status SetRole(const std::string& token, const std::string& account_id, v1::Role role,
                       const std::string& reason = "Nommée modératrice par le bureau") {
    v1::SetAccountRoleRequest req;
    req.set_account_id(account_id);
    req.set_role(role);
    req.set_reason(reason);
    v1::SetAccountRoleResponse resp;
    return service_.DoSetAccountRole(CallContext::Bearer(token)->get(), req, resp);
  }
  absl::Status Reopen(const std::string& token, const std::string& verification_id,
                      const std::string& reason = "Pièce nouvelle : inscription à l'Ordre") {
    v1::ReopenVerificationRequest req;
    req.set_verification_id(verification_id);
    req.set_reason(reason);
    v1::ReopenVerificationResponse resp;
    return service_.DoReopenVerification(CallContext::Bearer(token)->get(), req, resp);
  }
};

TEST_F(OperatorHandlerTest, OnlyAdminsAndNeverOnTheirOwnAccount) {
  for (const std::string& token : {tokens_.VerifiedDoctor(me_), tokens_.Pending(me_), tokens_.WithRole(me_, Role::kModerator)}) {
    EXPECT_EQ(SetRole(token, other_, v1::ROLE_MODERATOR).code(), absl::StatusCode::kPermissionDenied);
    EXPECT_EQ(Reopen(token, NewUuid()).code(), absl::StatusCode::kPermissionDenied);
  }
  EXPECT_EQ(SetRole("", other_, v1::ROLE_MODERATOR).code(), absl::StatusCode::kUnauthenticated);
  EXPECT_EQ(store_.calls, 0);
  // An admin may not raise or lower their own role (another admin must).
  const std::string admin = tokens_.WithRole(me_, Role::kAdmin);
  EXPECT_EQ(SetRole(admin, me_, v1::ROLE_DOCTOR).code(), absl::StatusCode::kPermissionDenied);
  EXPECT_EQ(store_.calls, 0);

  ASSERT_TRUE(SetRole(admin, other_, v1::ROLE_MODERATOR).ok());
  EXPECT_EQ(store_.last_role, "moderator");
  EXPECT_EQ(store_.last_account_id, me_) << "the admin is recorded as the actor";
  EXPECT_EQ(store_.last_reason, "Nommée modératrice par le bureau");
  ASSERT_TRUE(Reopen(admin, NewUuid()).ok());
  EXPECT_EQ(store_.calls, 2);
}

TEST_F(OperatorHandlerTest, BadInputNamesTheFieldAndNeverReachesTheStore) {
  const std::string admin = tokens_.WithRole(me_, Role::kAdmin);
  ExpectBadRequestNaming(SetRole(admin, "nope", v1::ROLE_ADMIN), "account_id");
  ExpectBadRequestNaming(SetRole(admin, other_, v1::ROLE_UNSPECIFIED), "role");
  ExpectBadRequestNaming(SetRole(admin, other_, static_cast<v1::Role>(42)), "role");
  ExpectBadRequestNaming(SetRole(admin, other_, v1::ROLE_ADMIN, "  ok "), "reason");
  ExpectBadRequestNaming(SetRole(admin, other_, v1::ROLE_ADMIN, std::string(1001, 'x')), "reason");
  ExpectBadRequestNaming(SetRole(admin, other_, v1::ROLE_ADMIN, "line\nbreak"), "reason");
  ExpectBadRequestNaming(SetRole(admin, other_, v1::ROLE_ADMIN, "Nomm\xe9" "e par le bureau"), "reason");  // Latin-1, not UTF-8
  ExpectBadRequestNaming(Reopen(admin, NewUuid(), "x"), "reason");
  ExpectBadRequestNaming(Reopen(admin, "../x"), "verification_id");
  ExpectBadRequestNaming(Reopen(admin, NewUuid(), ""), "reason");
  EXPECT_EQ(store_.calls, 0);
}

// ---- SuspendAccount / UnsuspendAccount (moderators and admins) ----

class SuspensionHandlerTest : public IdentityHandlerTest {
 protected:
  absl::Status Suspend(const std::string& token, const std::string& account_id,
                       const std::string& reason = "Faux médecin : RPPS usurpé, signalé par l'Ordre") {
    v1::SuspendAccountRequest req;
    req.set_account_id(account_id);
    req.set_reason(reason);
    v1::SuspendAccountResponse resp;
    return service_.DoSuspendAccount(CallContext::Bearer(token)->get(), req, resp);
  }
  absl::Status Unsuspend(const std::string& token, const std::string& account_id,
                         const std::string& reason = "Identité confirmée par l'Ordre") {
    v1::UnsuspendAccountRequest req;
    req.set_account_id(account_id);
    req.set_reason(reason);
    v1::UnsuspendAccountResponse resp;
    return service_.DoUnsuspendAccount(CallContext::Bearer(token)->get(), req, resp);
  }
};

TEST_F(SuspensionHandlerTest, ModeratorsAndAdminsOnlyNeverOnTheirOwnAccount) {
  for (const std::string& token : {tokens_.VerifiedDoctor(me_), tokens_.Pending(me_)}) {
    EXPECT_EQ(Suspend(token, other_).code(), absl::StatusCode::kPermissionDenied);
    EXPECT_EQ(Unsuspend(token, other_).code(), absl::StatusCode::kPermissionDenied);
  }
  EXPECT_EQ(Suspend("", other_).code(), absl::StatusCode::kUnauthenticated);
  const std::string moderator = tokens_.WithRole(me_, Role::kModerator);
  const std::string admin = tokens_.WithRole(me_, Role::kAdmin);
  EXPECT_EQ(Suspend(moderator, me_).code(), absl::StatusCode::kPermissionDenied);
  EXPECT_EQ(Unsuspend(admin, me_).code(), absl::StatusCode::kPermissionDenied);
  EXPECT_EQ(store_.calls, 0);

  ASSERT_TRUE(Suspend(moderator, other_).ok());
  EXPECT_TRUE(store_.last_suspend);
  EXPECT_EQ(store_.last_role, "moderator") << "the store limits a moderator to doctors' accounts";
  EXPECT_EQ(store_.last_account_id, me_) << "the moderator is recorded as the actor";
  EXPECT_EQ(store_.last_reason, "Faux médecin : RPPS usurpé, signalé par l'Ordre");
  ASSERT_TRUE(Unsuspend(admin, other_).ok());
  EXPECT_FALSE(store_.last_suspend);
  EXPECT_EQ(store_.last_role, "admin");
  EXPECT_EQ(store_.calls, 2);
}

TEST_F(SuspensionHandlerTest, BadInputNamesTheFieldAndNeverReachesTheStore) {
  const std::string moderator = tokens_.WithRole(me_, Role::kModerator);
  ExpectBadRequestNaming(Suspend(moderator, "nope"), "account_id");
  ExpectBadRequestNaming(Suspend(moderator, other_, ""), "reason");
  ExpectBadRequestNaming(Suspend(moderator, other_, " x "), "reason");
  ExpectBadRequestNaming(Suspend(moderator, other_, std::string(1001, 'x')), "reason");
  ExpectBadRequestNaming(Suspend(moderator, other_, "retir\xC3 du registre"), "reason");
  ExpectBadRequestNaming(Unsuspend(moderator, other_, "line\nbreak"), "reason");
  EXPECT_EQ(store_.calls, 0);
}

}  // namespace
}  // namespace meltingdoc::identity
