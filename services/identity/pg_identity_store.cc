#include "services/identity/pg_identity_store.h"

#include <pqxx/pqxx>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "google/protobuf/util/time_util.h"
#include "libs/common/status_macros.h"
#include "libs/outbox/outbox_store.h"
#include "services/identity/secrets.h"

namespace meltingdoc::identity {
namespace {

using google::protobuf::util::TimeUtil;

v1::Role RoleFromText(const std::string& s) {
  if (s == "doctor") return v1::ROLE_DOCTOR;
  if (s == "moderator") return v1::ROLE_MODERATOR;
  if (s == "admin") return v1::ROLE_ADMIN;
  return v1::ROLE_UNSPECIFIED;
}

// With the latest suspension while the account is suspended (empty columns otherwise).
constexpr const char* kSelectAccount =
    "SELECT a.account_id::text, a.email, a.civility, a.given_name, a.family_name, a.status, a.role, "
    "       (extract(epoch FROM a.created_at) * 1000000)::int8, "
    "       (extract(epoch FROM a.updated_at) * 1000000)::int8, "
    "       coalesce((extract(epoch FROM s.at) * 1000000)::int8, 0), coalesce(s.actor_account_id::text, ''), "
    "       coalesce(s.reason, '') "
    "FROM accounts a LEFT JOIN LATERAL (SELECT x.at, x.actor_account_id, x.reason FROM account_suspensions x "
    "  WHERE x.account_id = a.account_id AND x.action = 'suspended' ORDER BY x.suspension_id DESC LIMIT 1) s "
    "  ON a.status = 'suspended' "
    "WHERE a.account_id = $1::uuid";

}  // namespace

v1::AccountStatus StatusFromText(const std::string& s) {
  if (s == "pending_email") return v1::ACCOUNT_STATUS_PENDING_EMAIL;
  if (s == "pending_verification") return v1::ACCOUNT_STATUS_PENDING_VERIFICATION;
  if (s == "verified") return v1::ACCOUNT_STATUS_VERIFIED;
  if (s == "rejected") return v1::ACCOUNT_STATUS_REJECTED;
  if (s == "suspended") return v1::ACCOUNT_STATUS_SUSPENDED;
  return v1::ACCOUNT_STATUS_UNSPECIFIED;
}

absl::StatusOr<v1::Account> ReadAccount(pqxx::transaction_base& txn, const std::string& account_id,
                                        bool for_update) {
  const pqxx::result rows =
      txn.exec_params(for_update ? std::string(kSelectAccount) + " FOR UPDATE OF a" : kSelectAccount, account_id);
  if (rows.empty()) return absl::NotFoundError("account not found");
  const pqxx::row& r = rows[0];
  v1::Account a;
  a.set_account_id(r[0].as<std::string>());
  a.set_email(r[1].as<std::string>());
  a.set_civility(r[2].as<std::string>());
  a.set_given_name(r[3].as<std::string>());
  a.set_family_name(r[4].as<std::string>());
  a.set_status(StatusFromText(r[5].as<std::string>()));
  a.set_role(RoleFromText(r[6].as<std::string>()));
  *a.mutable_create_time() = TimeUtil::MicrosecondsToTimestamp(r[7].as<int64_t>());
  *a.mutable_update_time() = TimeUtil::MicrosecondsToTimestamp(r[8].as<int64_t>());
  if (a.status() == v1::ACCOUNT_STATUS_SUSPENDED && r[9].as<int64_t>() != 0) {
    v1::Suspension* suspension = a.mutable_suspension();
    *suspension->mutable_suspend_time() = TimeUtil::MicrosecondsToTimestamp(r[9].as<int64_t>());
    suspension->set_suspended_by_account_id(r[10].as<std::string>());
    suspension->set_reason(r[11].as<std::string>());
  }
  return a;
}

absl::StatusOr<v1::Account> PgIdentityStore::GetAccount(const std::string& account_id) {
  return pg::ReadOneStatement<v1::Account>(
      *pool_, [&](pqxx::transaction_base& txn) { return ReadAccount(txn, account_id, false); });
}

namespace {

// Times cross the boundary as Unix microseconds: exact both ways, and the service's clock (not
// the database's) decides expiry, so tests can move it.
int64_t Us(absl::Time t) { return absl::ToUnixMicros(t); }
absl::Time FromUs(int64_t us) { return absl::FromUnixMicros(us); }
// SQL for "parameter $n as a timestamptz" and "column as Unix microseconds".
std::string Ts(int n) { return absl::StrCat("('epoch'::timestamptz + $", n, "::int8 * interval '1 microsecond')"); }
std::string UsOf(const std::string& column) {
  return absl::StrCat("(extract(epoch FROM ", column, ") * 1000000)::int8");
}
// bytea parameters travel as hex text (decode($n, 'hex')).
std::string Hex(const std::string& bytes) { return absl::BytesToHexString(bytes); }

void RevokeSessionsInTxn(pqxx::transaction_base& txn, const std::vector<std::string>& ids,
                         const std::string& reason, absl::Time now, std::vector<RevokedSession>* out) {
  for (const std::string& id : ids) {
    txn.exec_params(absl::StrCat("UPDATE sessions SET revoked_at = ", Ts(2), ", revoke_reason = $3 "
                                 "WHERE session_id = $1::uuid AND revoked_at IS NULL"),
                    id, Us(now), reason);
    txn.exec_params(absl::StrCat("INSERT INTO revoked_sessions (session_id, revoked_at) VALUES ($1::uuid, ",
                                 Ts(2), ") ON CONFLICT (session_id) DO NOTHING"),
                    id, Us(now));
    out->push_back({id, now});
  }
}

AccountClaims ClaimsFromRow(const pqxx::row& r) {
  AccountClaims c;
  c.account_id = r[0].as<std::string>();
  c.status = r[1].as<std::string>();
  c.role = r[2].as<std::string>();
  c.second_factor = r[3].as<bool>();
  return c;
}

const char kClaimsSelect[] =
    "SELECT a.account_id::text, a.status, a.role, "
    "       EXISTS (SELECT 1 FROM totp_secrets t WHERE t.account_id = a.account_id "
    "               AND t.confirmed_at IS NOT NULL) "
    "FROM accounts a WHERE a.account_id = $1::uuid";

}  // namespace

absl::StatusOr<bool> PgIdentityStore::CreateAccount(const NewAccount& a) {
  return pg::InTransaction<bool>(*pool_, [&](pqxx::transaction_base& txn) -> absl::StatusOr<bool> {
    const pqxx::result inserted = txn.exec_params(
        absl::StrCat("INSERT INTO accounts (account_id, email, civility, given_name, family_name, "
                     "status, created_at, updated_at) VALUES ($1::uuid, $2, $3, $4, $5, "
                     "'pending_email', ", Ts(6), ", ", Ts(6), ") "
                     "ON CONFLICT ((lower(email))) DO NOTHING RETURNING 1"),
        a.account_id, a.email, a.civility, a.given_name, a.family_name, Us(a.now));
    if (inserted.empty()) return false;
    txn.exec_params(absl::StrCat("INSERT INTO credentials (account_id, password_hash, changed_at) "
                                 "VALUES ($1::uuid, $2, ", Ts(3), ")"),
                    a.account_id, a.password_hash, Us(a.now));
    txn.exec_params(absl::StrCat("INSERT INTO email_confirmations (account_id, code_hash, expires_at, "
                                 "attempts_left, sent_at) VALUES ($1::uuid, decode($2, 'hex'), ",
                                 Ts(3), ", $4, ", Ts(5), ")"),
                    a.account_id, Hex(a.code_hash), Us(a.code_expires), a.code_attempts, Us(a.now));
    return true;
  });
}

absl::StatusOr<CodeOutcome> PgIdentityStore::ConfirmEmail(const std::string& email,
                                                          absl::string_view code, absl::Time now) {
  const std::string code_text(code);
  return pg::InTransaction<CodeOutcome>(
      *pool_, [&](pqxx::transaction_base& txn) -> absl::StatusOr<CodeOutcome> {
        const pqxx::result rows = txn.exec_params(
            absl::StrCat("SELECT a.account_id::text, encode(c.code_hash, 'hex'), ",
                         UsOf("c.expires_at"), ", c.attempts_left "
                         "FROM accounts a JOIN email_confirmations c USING (account_id) "
                         "WHERE lower(a.email) = $1 AND a.status = 'pending_email' "
                         "FOR UPDATE OF c"),
            email);
        if (rows.empty()) return CodeOutcome::kNoPendingCode;
        const std::string account_id = rows[0][0].as<std::string>();
        const std::string stored = absl::HexStringToBytes(rows[0][1].as<std::string>());
        if (FromUs(rows[0][2].as<int64_t>()) <= now || rows[0][3].as<int>() <= 0) {
          return CodeOutcome::kExpiredOrUsedUp;
        }
        const std::string given = SecretHash("email-code", absl::StrCat(account_id, ":", code_text));
        if (!ConstantTimeEquals(given, stored)) {
          txn.exec_params("UPDATE email_confirmations SET attempts_left = attempts_left - 1 "
                          "WHERE account_id = $1::uuid",
                          account_id);
          return CodeOutcome::kWrong;
        }
        txn.exec_params("DELETE FROM email_confirmations WHERE account_id = $1::uuid", account_id);
        txn.exec_params(absl::StrCat("UPDATE accounts SET status = 'pending_verification', updated_at = ",
                                     Ts(2), " WHERE account_id = $1::uuid"),
                        account_id, Us(now));
        return CodeOutcome::kConfirmed;
      });
}

absl::StatusOr<std::optional<std::string>> PgIdentityStore::ReplaceEmailCode(
    const std::string& email, const std::function<std::string(const std::string&)>& code_hash_for,
    absl::Time now, absl::Time expires, absl::Time resend_after, int attempts) {
  using Result = std::optional<std::string>;
  return pg::InTransaction<Result>(*pool_, [&](pqxx::transaction_base& txn) -> absl::StatusOr<Result> {
    const pqxx::result rows = txn.exec_params(
        absl::StrCat("SELECT a.account_id::text, COALESCE(", UsOf("c.sent_at"), ", 0) "
                     "FROM accounts a LEFT JOIN email_confirmations c USING (account_id) "
                     "WHERE lower(a.email) = $1 AND a.status = 'pending_email' FOR UPDATE OF a"),
        email);
    if (rows.empty()) return Result();
    const std::string account_id = rows[0][0].as<std::string>();
    if (FromUs(rows[0][1].as<int64_t>()) > resend_after) return Result();
    txn.exec_params(absl::StrCat("INSERT INTO email_confirmations (account_id, code_hash, expires_at, "
                                 "attempts_left, sent_at) VALUES ($1::uuid, decode($2, 'hex'), ",
                                 Ts(3), ", $4, ", Ts(5), ") ON CONFLICT (account_id) DO UPDATE SET "
                                 "code_hash = excluded.code_hash, expires_at = excluded.expires_at, "
                                 "attempts_left = excluded.attempts_left, sent_at = excluded.sent_at"),
                    account_id, Hex(code_hash_for(account_id)), Us(expires), attempts, Us(now));
    return Result(account_id);
  });
}

namespace {

const char kLoginSelect[] =
    "SELECT a.account_id::text, a.email, COALESCE(c.password_hash, ''), a.status, a.role, "
    "       EXISTS (SELECT 1 FROM totp_secrets t WHERE t.account_id = a.account_id "
    "               AND t.confirmed_at IS NOT NULL) "
    "FROM accounts a LEFT JOIN credentials c USING (account_id) ";

LoginAccount LoginFromRow(const pqxx::row& r) {
  LoginAccount a;
  a.account_id = r[0].as<std::string>();
  a.email = r[1].as<std::string>();
  a.password_hash = r[2].as<std::string>();
  a.status = r[3].as<std::string>();
  a.role = r[4].as<std::string>();
  a.second_factor = r[5].as<bool>();
  return a;
}

}  // namespace

absl::StatusOr<std::optional<LoginAccount>> PgIdentityStore::FindLoginAccount(const std::string& email) {
  using Result = std::optional<LoginAccount>;
  // One statement: no BEGIN/COMMIT round trips on every login.
  return pg::ReadOneStatement<Result>(*pool_, [&](pqxx::transaction_base& txn) -> absl::StatusOr<Result> {
    const pqxx::result rows = txn.exec_params(absl::StrCat(kLoginSelect, "WHERE lower(a.email) = $1"), email);
    if (rows.empty()) return Result();
    return Result(LoginFromRow(rows[0]));
  });
}

absl::StatusOr<LoginAccount> PgIdentityStore::GetLoginAccountById(const std::string& account_id) {
  return pg::InTransaction<LoginAccount>(
      *pool_, [&](pqxx::transaction_base& txn) -> absl::StatusOr<LoginAccount> {
        const pqxx::result rows =
            txn.exec_params(absl::StrCat(kLoginSelect, "WHERE a.account_id = $1::uuid"), account_id);
        if (rows.empty()) return absl::NotFoundError("account not found");
        return LoginFromRow(rows[0]);
      });
}

absl::Status PgIdentityStore::SetPasswordHash(const std::string& account_id, const std::string& hash,
                                              absl::Time now) {
  return pool_->InTransaction([&](pqxx::transaction_base& txn) -> absl::Status {
    txn.exec_params(absl::StrCat("UPDATE credentials SET password_hash = $2, changed_at = ", Ts(3),
                                 " WHERE account_id = $1::uuid"),
                    account_id, hash, Us(now));
    return absl::OkStatus();
  });
}

absl::StatusOr<AccountClaims> PgIdentityStore::CreateSession(const NewSession& s) {
  // One statement (one round trip, autocommit, atomic): the session, its first refresh token
  // and the claims. Each login does this; as BEGIN, SELECT, INSERT, INSERT, COMMIT it was
  // most of PostgreSQL's time per login (bench/README.md, login_bench).
  static const std::string kSql = absl::StrCat(
      "WITH s AS (INSERT INTO sessions (session_id, account_id, created_at, refreshed_at, expires_at, "
      "client_ip, user_agent) SELECT $2::uuid, a.account_id, ", Ts(3), ", ", Ts(3), ", ", Ts(4),
      ", $5, $6 FROM accounts a WHERE a.account_id = $1::uuid RETURNING session_id), "
      "r AS (INSERT INTO refresh_tokens (token_hash, session_id, issued_at) "
      "SELECT decode($7, 'hex'), s.session_id, ", Ts(3), " FROM s) ",
      kClaimsSelect);  // its $1 is the account
  return pg::WriteOneStatement<AccountClaims>(
      *pool_, [&](pqxx::transaction_base& txn) -> absl::StatusOr<AccountClaims> {
        const pqxx::result claims = txn.exec_params(kSql, s.account_id, s.session_id, Us(s.now), Us(s.expires),
                                                    s.client_ip, s.user_agent, Hex(s.refresh_hash));
        if (claims.empty()) return absl::NotFoundError("account not found");
        return ClaimsFromRow(claims[0]);
      });
}

absl::StatusOr<RefreshResult> PgIdentityStore::RotateRefreshToken(const std::string& old_hash,
                                                                 const std::string& new_hash,
                                                                 absl::Time now, absl::Time new_expires,
                                                                 const std::string& client_ip) {
  return pg::InTransaction<RefreshResult>(
      *pool_, [&](pqxx::transaction_base& txn) -> absl::StatusOr<RefreshResult> {
        RefreshResult result;
        // Locking the session row serializes concurrent refreshes of one session: of two
        // presentations of the same token, exactly one rotates it and the other is a reuse.
        const pqxx::result rows = txn.exec_params(
            absl::StrCat("SELECT s.session_id::text, s.account_id::text, s.revoked_at IS NOT NULL, ",
                         UsOf("s.expires_at"), ", r.rotated_at IS NOT NULL "
                         "FROM refresh_tokens r JOIN sessions s USING (session_id) "
                         "WHERE r.token_hash = decode($1, 'hex') FOR UPDATE OF s, r"),
            Hex(old_hash));
        if (rows.empty()) return result;  // kUnknown
        result.session_id = rows[0][0].as<std::string>();
        const std::string account_id = rows[0][1].as<std::string>();
        const bool revoked = rows[0][2].as<bool>();
        const bool expired = FromUs(rows[0][3].as<int64_t>()) <= now;
        const bool rotated = rows[0][4].as<bool>();
        if (revoked || expired) {
          result.outcome = RefreshOutcome::kInactive;
          return result;
        }
        if (rotated) {
          std::vector<RevokedSession> revoked_now;
          RevokeSessionsInTxn(txn, {result.session_id}, "refresh_reuse", now, &revoked_now);
          result.outcome = RefreshOutcome::kReused;
          result.revoked_at = now;
          return result;
        }
        txn.exec_params(absl::StrCat("UPDATE refresh_tokens SET rotated_at = ", Ts(2),
                                     " WHERE token_hash = decode($1, 'hex')"),
                        Hex(old_hash), Us(now));
        txn.exec_params(absl::StrCat("INSERT INTO refresh_tokens (token_hash, session_id, issued_at) "
                                     "VALUES (decode($1, 'hex'), $2::uuid, ", Ts(3), ")"),
                        Hex(new_hash), result.session_id, Us(now));
        txn.exec_params(absl::StrCat("UPDATE sessions SET refreshed_at = ", Ts(2), ", expires_at = ", Ts(3),
                                     ", client_ip = $4 WHERE session_id = $1::uuid"),
                        result.session_id, Us(now), Us(new_expires), client_ip);
        const pqxx::result claims = txn.exec_params(kClaimsSelect, account_id);
        if (claims.empty()) return absl::NotFoundError("account not found");
        result.claims = ClaimsFromRow(claims[0]);
        result.outcome = RefreshOutcome::kRotated;
        return result;
      });
}

absl::StatusOr<std::optional<RevokedSession>> PgIdentityStore::RevokeSession(
    const std::string& account_id, const std::string& session_id, const std::string& reason,
    absl::Time now) {
  using Result = std::optional<RevokedSession>;
  return pg::InTransaction<Result>(*pool_, [&](pqxx::transaction_base& txn) -> absl::StatusOr<Result> {
    const pqxx::result rows = txn.exec_params(
        "SELECT 1 FROM sessions WHERE session_id = $1::uuid AND account_id = $2::uuid "
        "AND revoked_at IS NULL FOR UPDATE",
        session_id, account_id);
    if (rows.empty()) return Result();
    std::vector<RevokedSession> revoked;
    RevokeSessionsInTxn(txn, {session_id}, reason, now, &revoked);
    return Result(revoked.front());
  });
}

absl::StatusOr<std::vector<RevokedSession>> PgIdentityStore::ChangePassword(
    const std::string& account_id, const std::string& keep_session_id, const std::string& new_hash,
    absl::Time now) {
  using Result = std::vector<RevokedSession>;
  return pg::InTransaction<Result>(*pool_, [&](pqxx::transaction_base& txn) -> absl::StatusOr<Result> {
    const pqxx::result updated = txn.exec_params(
        absl::StrCat("UPDATE credentials SET password_hash = $2, changed_at = ", Ts(3),
                     " WHERE account_id = $1::uuid RETURNING 1"),
        account_id, new_hash, Us(now));
    if (updated.empty()) return absl::NotFoundError("account not found");
    std::vector<std::string> ids;
    for (const auto& row : txn.exec_params(
             "SELECT session_id::text FROM sessions WHERE account_id = $1::uuid "
             "AND revoked_at IS NULL AND session_id <> $2::uuid FOR UPDATE",
             account_id, keep_session_id)) {
      ids.push_back(row[0].as<std::string>());
    }
    Result revoked;
    RevokeSessionsInTxn(txn, ids, "password_changed", now, &revoked);
    return revoked;
  });
}

absl::StatusOr<std::vector<SessionRow>> PgIdentityStore::ListSessions(
    const std::string& account_id, const std::optional<std::pair<int64_t, std::string>>& after,
    int limit, absl::Time now) {
  using Result = std::vector<SessionRow>;
  return pg::InTransaction<Result>(*pool_, [&](pqxx::transaction_base& txn) -> absl::StatusOr<Result> {
    const std::string select = absl::StrCat(
        "SELECT session_id::text, ", UsOf("created_at"), ", ", UsOf("refreshed_at"), ", ",
        UsOf("expires_at"), ", client_ip, user_agent FROM sessions "
        "WHERE account_id = $1::uuid AND revoked_at IS NULL AND expires_at > ", Ts(2));
    pqxx::result rows;
    if (after) {
      rows = txn.exec_params(
          absl::StrCat(select, " AND (created_at, session_id) < (", Ts(4), ", $5::uuid) "
                       "ORDER BY created_at DESC, session_id DESC LIMIT $3"),
          account_id, Us(now), limit, after->first, after->second);
    } else {
      rows = txn.exec_params(absl::StrCat(select, " ORDER BY created_at DESC, session_id DESC LIMIT $3"),
                             account_id, Us(now), limit);
    }
    Result out;
    for (const auto& r : rows) {
      out.push_back({r[0].as<std::string>(), FromUs(r[1].as<int64_t>()), FromUs(r[2].as<int64_t>()),
                     FromUs(r[3].as<int64_t>()), r[4].as<std::string>(), r[5].as<std::string>()});
    }
    return out;
  });
}

absl::StatusOr<bool> PgIdentityStore::IsSessionRevoked(const std::string& session_id) {
  return pg::InTransaction<bool>(*pool_, [&](pqxx::transaction_base& txn) -> absl::StatusOr<bool> {
    return !txn.exec_params("SELECT 1 FROM revoked_sessions WHERE session_id = $1::uuid", session_id).empty();
  });
}

absl::StatusOr<std::vector<RevokedSession>> PgIdentityStore::RevokedSince(absl::Time since) {
  using Result = std::vector<RevokedSession>;
  return pg::InTransaction<Result>(*pool_, [&](pqxx::transaction_base& txn) -> absl::StatusOr<Result> {
    Result out;
    for (const auto& r : txn.exec_params(absl::StrCat("SELECT session_id::text, ", UsOf("revoked_at"),
                                                      " FROM revoked_sessions WHERE revoked_at > ", Ts(1)),
                                         Us(since))) {
      out.push_back({r[0].as<std::string>(), FromUs(r[1].as<int64_t>())});
    }
    return out;
  });
}

absl::Status PgIdentityStore::PurgeRevokedBefore(absl::Time before) {
  return pool_->InTransaction([&](pqxx::transaction_base& txn) -> absl::Status {
    txn.exec_params(absl::StrCat("DELETE FROM revoked_sessions WHERE revoked_at < ", Ts(1)), Us(before));
    return absl::OkStatus();
  });
}

absl::StatusOr<std::optional<TotpState>> PgIdentityStore::GetTotp(const std::string& account_id) {
  using Result = std::optional<TotpState>;
  return pg::InTransaction<Result>(*pool_, [&](pqxx::transaction_base& txn) -> absl::StatusOr<Result> {
    const pqxx::result rows = txn.exec_params(
        "SELECT encode(secret, 'hex'), confirmed_at IS NOT NULL, last_used_step FROM totp_secrets "
        "WHERE account_id = $1::uuid",
        account_id);
    if (rows.empty()) return Result();
    TotpState t;
    t.secret = absl::HexStringToBytes(rows[0][0].as<std::string>());
    t.confirmed = rows[0][1].as<bool>();
    t.last_used_step = rows[0][2].as<int64_t>();
    return Result(std::move(t));
  });
}

absl::Status PgIdentityStore::StartTotpEnrollment(const std::string& account_id, const std::string& secret,
                                                  absl::Time now) {
  return pool_->InTransaction([&](pqxx::transaction_base& txn) -> absl::Status {
    const pqxx::result rows = txn.exec_params(
        absl::StrCat("INSERT INTO totp_secrets (account_id, secret, created_at) VALUES ($1::uuid, "
                     "decode($2, 'hex'), ", Ts(3), ") ON CONFLICT (account_id) DO UPDATE SET "
                     "secret = excluded.secret, created_at = excluded.created_at, last_used_step = -1 "
                     "WHERE totp_secrets.confirmed_at IS NULL RETURNING 1"),
        account_id, Hex(secret), Us(now));
    if (rows.empty()) return absl::FailedPreconditionError("a second factor is already active");
    return absl::OkStatus();
  });
}

absl::StatusOr<bool> PgIdentityStore::ConfirmTotp(const std::string& account_id, int64_t step,
                                                  const std::vector<std::string>& recovery_hashes,
                                                  absl::Time now) {
  return pg::InTransaction<bool>(*pool_, [&](pqxx::transaction_base& txn) -> absl::StatusOr<bool> {
    const pqxx::result rows = txn.exec_params(
        absl::StrCat("UPDATE totp_secrets SET confirmed_at = ", Ts(3), ", last_used_step = $2 "
                     "WHERE account_id = $1::uuid AND confirmed_at IS NULL AND last_used_step < $2 RETURNING 1"),
        account_id, step, Us(now));
    if (rows.empty()) return false;
    txn.exec_params("DELETE FROM recovery_codes WHERE account_id = $1::uuid", account_id);
    for (const std::string& h : recovery_hashes) {
      txn.exec_params("INSERT INTO recovery_codes (account_id, code_hash) VALUES ($1::uuid, decode($2, 'hex'))",
                      account_id, Hex(h));
    }
    return true;
  });
}

absl::StatusOr<bool> PgIdentityStore::UseTotpStep(const std::string& account_id, int64_t step) {
  return pg::InTransaction<bool>(*pool_, [&](pqxx::transaction_base& txn) -> absl::StatusOr<bool> {
    return !txn.exec_params(
                   "UPDATE totp_secrets SET last_used_step = $2 WHERE account_id = $1::uuid "
                   "AND confirmed_at IS NOT NULL AND last_used_step < $2 RETURNING 1",
                   account_id, step)
                .empty();
  });
}

absl::StatusOr<bool> PgIdentityStore::UseRecoveryCode(const std::string& account_id, const std::string& hash,
                                                      absl::Time now) {
  return pg::InTransaction<bool>(*pool_, [&](pqxx::transaction_base& txn) -> absl::StatusOr<bool> {
    return !txn.exec_params(absl::StrCat("UPDATE recovery_codes SET used_at = ", Ts(3),
                                         " WHERE account_id = $1::uuid AND code_hash = decode($2, 'hex') "
                                         "AND used_at IS NULL RETURNING 1"),
                            account_id, Hex(hash), Us(now))
                .empty();
  });
}

absl::Status PgIdentityStore::RecordSecondFactorEvent(const std::string& account_id, const std::string& kind,
                                                      const std::string& client_ip, absl::Time now) {
  return pool_->InTransaction([&](pqxx::transaction_base& txn) -> absl::Status {
    txn.exec_params(absl::StrCat("INSERT INTO second_factor_events (account_id, kind, at, client_ip) "
                                 "VALUES ($1::uuid, $2, ", Ts(3), ", $4)"),
                    account_id, kind, Us(now), client_ip);
    return absl::OkStatus();
  });
}

absl::Status PgIdentityStore::CreateChallenge(const std::string& hash, const Challenge& c,
                                              absl::Time expires, int attempts) {
  return pool_->InTransaction([&](pqxx::transaction_base& txn) -> absl::Status {
    // Expired challenges of the account go at the same time (they are never used again).
    txn.exec_params(absl::StrCat("DELETE FROM login_challenges WHERE account_id = $1::uuid AND expires_at < ",
                                 Ts(2)),
                    c.account_id, Us(expires - absl::Minutes(10)));
    txn.exec_params(absl::StrCat("INSERT INTO login_challenges (challenge_hash, account_id, expires_at, "
                                 "attempts_left, client_ip, user_agent) VALUES (decode($1, 'hex'), "
                                 "$2::uuid, ", Ts(3), ", $4, $5, $6)"),
                    Hex(hash), c.account_id, Us(expires), attempts, c.client_ip, c.user_agent);
    return absl::OkStatus();
  });
}

absl::StatusOr<std::optional<Challenge>> PgIdentityStore::TakeChallengeAttempt(const std::string& hash,
                                                                               absl::Time now) {
  using Result = std::optional<Challenge>;
  return pg::InTransaction<Result>(*pool_, [&](pqxx::transaction_base& txn) -> absl::StatusOr<Result> {
    const pqxx::result rows = txn.exec_params(
        absl::StrCat("UPDATE login_challenges SET attempts_left = attempts_left - 1 "
                     "WHERE challenge_hash = decode($1, 'hex') AND attempts_left > 0 AND expires_at > ",
                     Ts(2), " RETURNING account_id::text, client_ip, user_agent"),
        Hex(hash), Us(now));
    if (rows.empty()) return Result();
    return Result(Challenge{rows[0][0].as<std::string>(), rows[0][1].as<std::string>(),
                            rows[0][2].as<std::string>()});
  });
}

absl::Status PgIdentityStore::DeleteChallenge(const std::string& hash) {
  return pool_->InTransaction([&](pqxx::transaction_base& txn) -> absl::Status {
    txn.exec_params("DELETE FROM login_challenges WHERE challenge_hash = decode($1, 'hex')", Hex(hash));
    return absl::OkStatus();
  });
}

absl::StatusOr<std::vector<RevokedSession>> PgIdentityStore::DeleteAccount(const std::string& account_id,
                                                                           const events::v1::Event& event,
                                                                           absl::Time now) {
  using Result = std::vector<RevokedSession>;
  return pg::InTransaction<Result>(*pool_, [&](pqxx::transaction_base& txn) -> absl::StatusOr<Result> {
    // Lock the account row first (outbox ordering, see outbox::AppendEvent).
    if (txn.exec_params("SELECT 1 FROM accounts WHERE account_id = $1::uuid FOR UPDATE", account_id).empty()) {
      return absl::NotFoundError("account not found");
    }
    std::vector<std::string> ids;
    for (const auto& row :
         txn.exec_params("SELECT session_id::text FROM sessions WHERE account_id = $1::uuid AND revoked_at IS NULL",
                         account_id)) {
      ids.push_back(row[0].as<std::string>());
    }
    Result revoked;
    RevokeSessionsInTxn(txn, ids, "account_deleted", now, &revoked);
    // Credentials, sessions, refresh tokens, codes and second factor go with the row (ON DELETE
    // CASCADE); revoked_sessions stays, so that the deleted account's access tokens are refused.
    txn.exec_params("DELETE FROM accounts WHERE account_id = $1::uuid", account_id);
    const absl::Status appended = outbox::AppendEvent(txn, event);
    if (!appended.ok()) return appended;
    return revoked;
  });
}

absl::StatusOr<FailureState> PgIdentityStore::GetFailures(const std::string& key, absl::Time now) {
  return pg::InTransaction<FailureState>(
      *pool_, [&](pqxx::transaction_base& txn) -> absl::StatusOr<FailureState> {
        const pqxx::result rows = txn.exec_params(
            absl::StrCat("SELECT failures, ", UsOf("last_failure_at"),
                         " FROM login_failures WHERE throttle_key = $1 AND forget_at > ", Ts(2)),
            key, Us(now));
        FailureState state;
        if (!rows.empty()) {
          state.failures = rows[0][0].as<int64_t>();
          state.last_failure = FromUs(rows[0][1].as<int64_t>());
        }
        return state;
      });
}

absl::StatusOr<int64_t> PgIdentityStore::RecordFailure(const std::string& key, absl::Time now,
                                                       absl::Time forget_at) {
  return pg::InTransaction<int64_t>(*pool_, [&](pqxx::transaction_base& txn) -> absl::StatusOr<int64_t> {
    const pqxx::result rows = txn.exec_params(
        absl::StrCat("INSERT INTO login_failures (throttle_key, failures, last_failure_at, forget_at) "
                     "VALUES ($1, 1, ", Ts(2), ", ", Ts(3), ") ON CONFLICT (throttle_key) DO UPDATE SET "
                     "failures = CASE WHEN login_failures.forget_at > ", Ts(2),
                     " THEN login_failures.failures + 1 ELSE 1 END, "
                     "last_failure_at = excluded.last_failure_at, forget_at = excluded.forget_at "
                     "RETURNING failures"),
        key, Us(now), Us(forget_at));
    return rows[0][0].as<int64_t>();
  });
}

absl::Status PgIdentityStore::ClearFailures(const std::string& key) {
  return pool_->InTransaction([&](pqxx::transaction_base& txn) -> absl::Status {
    txn.exec_params("DELETE FROM login_failures WHERE throttle_key = $1", key);
    return absl::OkStatus();
  });
}

absl::StatusOr<int64_t> PgIdentityStore::CountCheck(const std::string& key, int64_t window) {
  return pg::InTransaction<int64_t>(*pool_, [&](pqxx::transaction_base& txn) -> absl::StatusOr<int64_t> {
    txn.exec_params("DELETE FROM login_checks WHERE throttle_key = $1 AND hour_window < $2", key, window);
    const pqxx::result rows = txn.exec_params(
        "INSERT INTO login_checks (throttle_key, hour_window, checks) VALUES ($1, $2, 1) "
        "ON CONFLICT (throttle_key, hour_window) DO UPDATE SET checks = login_checks.checks + 1 "
        "RETURNING checks",
        key, window);
    return rows[0][0].as<int64_t>();
  });
}

namespace {

int RoleRank(const std::string& role) { return role == "admin" ? 2 : role == "moderator" ? 1 : 0; }

}  // namespace

absl::StatusOr<RoleChange> PgIdentityStore::SetAccountRole(const std::string& account_id, const std::string& role,
                                                           const OperatorActor& actor, const std::string& reason,
                                                           absl::Time now) {
  return pg::InTransaction<RoleChange>(*pool_, [&](pqxx::transaction_base& txn) -> absl::StatusOr<RoleChange> {
    const pqxx::result rows = txn.exec_params(
        "SELECT role, status FROM accounts WHERE account_id = $1::uuid FOR UPDATE", account_id);
    if (rows.empty()) return absl::NotFoundError("account not found");
    const std::string old_role = rows[0][0].as<std::string>();
    const std::string status = rows[0][1].as<std::string>();
    RoleChange change;
    if (role != "doctor" && status != "pending_verification" && status != "verified") {
      return absl::FailedPreconditionError(absl::StrCat(
          "the moderator and admin roles need an account whose email is confirmed and that is not rejected or "
          "suspended; this one is ",
          status));
    }
    if (role != old_role) {
      txn.exec_params("UPDATE accounts SET role = $2, updated_at = now() WHERE account_id = $1::uuid", account_id,
                      role);
      if (RoleRank(role) < RoleRank(old_role)) {
        // Its access tokens carry the old role: end its sessions rather than let them run out.
        std::vector<std::string> ids;
        for (const auto& row : txn.exec_params(
                 "SELECT session_id::text FROM sessions WHERE account_id = $1::uuid AND revoked_at IS NULL FOR UPDATE",
                 account_id)) {
          ids.push_back(row[0].as<std::string>());
        }
        RevokeSessionsInTxn(txn, ids, "role_changed", now, &change.revoked);
      }
      txn.exec_params(
          "INSERT INTO role_changes (account_id, old_role, new_role, actor_account_id, actor_label, reason, "
          "sessions_revoked) VALUES ($1::uuid, $2, $3, nullif($4, '')::uuid, nullif($5, ''), $6, $7)",
          account_id, old_role, role, actor.account_id, actor.label, reason, static_cast<int>(change.revoked.size()));
    }
    ASSIGN_OR_RETURN(change.account, ReadAccount(txn, account_id, /*for_update=*/false));
    return change;
  });
}

absl::StatusOr<SuspensionChange> PgIdentityStore::SetSuspended(const std::string& account_id, bool suspend,
                                                               const OperatorActor& actor,
                                                               const std::string& actor_role,
                                                               const std::string& reason, absl::Time now) {
  return pg::InTransaction<SuspensionChange>(*pool_, [&](pqxx::transaction_base& txn) -> absl::StatusOr<SuspensionChange> {
    const pqxx::result rows = txn.exec_params(
        "SELECT role, status FROM accounts WHERE account_id = $1::uuid FOR UPDATE", account_id);
    if (rows.empty()) return absl::NotFoundError("account not found");
    const std::string role = rows[0][0].as<std::string>();
    const std::string status = rows[0][1].as<std::string>();
    if (actor_role == "moderator" && role != "doctor") {
      return absl::PermissionDeniedError("a moderator may suspend doctors only: ask an admin");
    }
    SuspensionChange change;
    std::string next;
    if (suspend) {
      if (status == "suspended") return absl::FailedPreconditionError("this account is already suspended");
      next = "suspended";
      std::vector<std::string> ids;
      for (const auto& row : txn.exec_params(
               "SELECT session_id::text FROM sessions WHERE account_id = $1::uuid AND revoked_at IS NULL FOR UPDATE",
               account_id)) {
        ids.push_back(row[0].as<std::string>());
      }
      RevokeSessionsInTxn(txn, ids, "suspended", now, &change.revoked);
      // A password accepted before the suspension must not become a session by its code.
      txn.exec_params("DELETE FROM login_challenges WHERE account_id = $1::uuid", account_id);
    } else {
      if (status != "suspended") {
        return absl::FailedPreconditionError(absl::StrCat("this account is not suspended (it is ", status, ")"));
      }
      const pqxx::result before = txn.exec_params(
          "SELECT previous_status FROM account_suspensions WHERE account_id = $1::uuid AND action = 'suspended' "
          "ORDER BY suspension_id DESC LIMIT 1",
          account_id);
      // An account suspended before suspensions were recorded goes back to the start of verification.
      next = before.empty() ? "pending_verification" : before[0][0].as<std::string>();
    }
    txn.exec_params("UPDATE accounts SET status = $2, updated_at = now() WHERE account_id = $1::uuid", account_id,
                    next);
    txn.exec_params(
        "INSERT INTO account_suspensions (account_id, action, previous_status, actor_account_id, actor_label, reason, "
        "sessions_revoked) VALUES ($1::uuid, $2, $3, nullif($4, '')::uuid, nullif($5, ''), $6, $7)",
        account_id, suspend ? "suspended" : "unsuspended", status, actor.account_id, actor.label, reason,
        static_cast<int>(change.revoked.size()));
    ASSIGN_OR_RETURN(change.account, ReadAccount(txn, account_id, /*for_update=*/false));
    return change;
  });
}

}  // namespace meltingdoc::identity
