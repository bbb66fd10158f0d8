// StatusFromException: each libpqxx failure maps to the code callers branch on, and no
// message ever carries the statement or the values in it (they may be patient text).
#include "libs/pg/errors.h"

#include <pqxx/pqxx>

#include <stdexcept>
#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace meltingdoc::pg {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

constexpr char kQuery[] = "INSERT INTO notes (body) VALUES ('SECRET diagnosis')";

TEST(StatusFromException, UniqueViolationIsAlreadyExistsWithoutQueryOrDetail) {
  pqxx::unique_violation e(
      "ERROR:  duplicate key value violates unique constraint \"users_email_key\"\n"
      "DETAIL:  Key (email)=(SECRET@example.org) already exists.\n",
      kQuery, "23505");
  absl::Status s = StatusFromException(e);
  EXPECT_EQ(s.code(), absl::StatusCode::kAlreadyExists);
  EXPECT_EQ(s.message(),
            "database: 23505 duplicate key value violates unique constraint \"users_email_key\"");
  EXPECT_THAT(std::string(s.message()), Not(HasSubstr("SECRET")));
}

TEST(StatusFromException, ForeignKeyViolationIsFailedPrecondition) {
  pqxx::foreign_key_violation e("ERROR:  insert violates foreign key constraint \"fk\"", kQuery,
                                "23503");
  absl::Status s = StatusFromException(e);
  EXPECT_EQ(s.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(std::string(s.message()), HasSubstr("23503"));
  EXPECT_THAT(std::string(s.message()), Not(HasSubstr("SECRET")));
}

TEST(StatusFromException, ConstraintAndDataErrorsAreInvalidArgument) {
  pqxx::check_violation check("ERROR:  violates check constraint \"c\"", kQuery, "23514");
  pqxx::not_null_violation not_null("ERROR:  null value in column \"body\"", kQuery, "23502");
  pqxx::data_exception data("ERROR:  value too long for type character varying(3)", kQuery,
                            "22001");
  for (const pqxx::sql_error* e :
       std::initializer_list<const pqxx::sql_error*>{&check, &not_null, &data}) {
    absl::Status s = StatusFromException(*e);
    EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument) << e->what();
    EXPECT_THAT(std::string(s.message()), Not(HasSubstr("SECRET")));
  }
}

TEST(StatusFromException, DataExceptionDropsTheEchoedInput) {
  pqxx::data_exception e("ERROR:  invalid input syntax for type uuid: \"SECRET text\"", kQuery,
                         "22P02");
  absl::Status s = StatusFromException(e);
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(s.message(), "database: 22P02 invalid input syntax for type uuid");
}

TEST(StatusFromException, RetryableRollbacksAreAborted) {
  EXPECT_EQ(StatusFromException(pqxx::serialization_failure("could not serialize access")).code(),
            absl::StatusCode::kAborted);
  EXPECT_EQ(StatusFromException(pqxx::deadlock_detected("deadlock detected")).code(),
            absl::StatusCode::kAborted);
  EXPECT_THAT(
      std::string(StatusFromException(pqxx::deadlock_detected("deadlock detected")).message()),
      HasSubstr("40P01"));
}

TEST(StatusFromException, ConnectionTroubleIsUnavailable) {
  EXPECT_EQ(StatusFromException(pqxx::broken_connection("server closed the connection")).code(),
            absl::StatusCode::kUnavailable);
  EXPECT_EQ(StatusFromException(pqxx::in_doubt_error("commit outcome unknown")).code(),
            absl::StatusCode::kUnavailable);
  EXPECT_EQ(StatusFromException(pqxx::sql_error("ERROR:  terminating connection due to "
                                                "administrator command",
                                                kQuery, "57P01"))
                .code(),
            absl::StatusCode::kUnavailable);
}

TEST(StatusFromException, StatementTimeoutIsDeadlineExceeded) {
  pqxx::sql_error e("ERROR:  canceling statement due to statement timeout", kQuery, "57014");
  absl::Status s = StatusFromException(e);
  EXPECT_EQ(s.code(), absl::StatusCode::kDeadlineExceeded);
  EXPECT_THAT(std::string(s.message()), Not(HasSubstr("SECRET")));
}

TEST(StatusFromException, InsufficientPrivilegeIsPermissionDenied) {
  pqxx::insufficient_privilege e("ERROR:  permission denied for schema identity\n"
                                 "LINE 1: SELECT * FROM identity.users WHERE note = 'SECRET'\n",
                                 kQuery, "42501");
  absl::Status s = StatusFromException(e);
  EXPECT_EQ(s.code(), absl::StatusCode::kPermissionDenied);
  EXPECT_EQ(s.message(), "database: 42501 permission denied for schema identity");
}

TEST(StatusFromException, OtherSqlErrorsAreInternalWithSqlstate) {
  pqxx::syntax_error e("ERROR:  syntax error at or near \"SELEC\"", kQuery, "42601");
  absl::Status s = StatusFromException(e);
  EXPECT_EQ(s.code(), absl::StatusCode::kInternal);
  EXPECT_THAT(std::string(s.message()), HasSubstr("42601"));
  EXPECT_THAT(std::string(s.message()), Not(HasSubstr("SECRET")));
}

TEST(StatusFromException, ConversionErrorWithholdsTheValue) {
  pqxx::conversion_error e("Could not convert string to integer: 'SECRET'");
  absl::Status s = StatusFromException(e);
  EXPECT_EQ(s.code(), absl::StatusCode::kInternal);
  EXPECT_THAT(std::string(s.message()), Not(HasSubstr("SECRET")));
}

TEST(StatusFromException, ForeignExceptionsAreInternalWithoutText) {
  absl::Status s = StatusFromException(std::runtime_error("SECRET"));
  EXPECT_EQ(s.code(), absl::StatusCode::kInternal);
  EXPECT_THAT(std::string(s.message()), Not(HasSubstr("SECRET")));
}

}  // namespace
}  // namespace meltingdoc::pg
