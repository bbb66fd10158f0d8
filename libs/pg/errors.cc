#include "libs/pg/errors.h"

#include <pqxx/except>

#include <string>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "absl/strings/string_view.h"

namespace meltingdoc::pg {
namespace {

// The server's primary message only. libpqxx's what() is "ERROR:  <message>\nDETAIL: ...";
// DETAIL lines quote row values ("Key (email)=(...) already exists") and "LINE 1:" lines quote
// the statement, so everything after the first line is dropped.
std::string FirstLine(absl::string_view text) {
  text = text.substr(0, text.find('\n'));
  for (absl::string_view prefix : {"ERROR:", "FATAL:", "PANIC:"}) {
    if (absl::ConsumePrefix(&text, prefix)) break;
  }
  return std::string(absl::StripAsciiWhitespace(text));
}

// Data exceptions (SQLSTATE class 22) echo the offending input in their primary message, e.g.
// `invalid input syntax for type uuid: "<what the user typed>"`; that input may be patient
// text, so the quoted part is cut.
std::string RedactInput(const std::string& sqlstate, std::string message) {
  if (!absl::StartsWith(sqlstate, "22")) return message;
  if (size_t quoted = message.find(": \""); quoted != std::string::npos) message.resize(quoted);
  return message;
}

std::string Message(const std::string& sqlstate, const std::exception& e) {
  const std::string state = sqlstate.empty() ? "?????" : sqlstate;
  return absl::StrCat("database: ", state, " ", RedactInput(state, FirstLine(e.what())));
}

// Never e.query(): it may hold the statement with inlined patient text.
std::string SqlMessage(const pqxx::sql_error& e) { return Message(e.sqlstate(), e); }

absl::Status FromSqlError(const pqxx::sql_error& e) {
  const std::string message = SqlMessage(e);
  if (dynamic_cast<const pqxx::unique_violation*>(&e) != nullptr) {
    return absl::AlreadyExistsError(message);
  }
  if (dynamic_cast<const pqxx::foreign_key_violation*>(&e) != nullptr) {
    return absl::FailedPreconditionError(message);
  }
  if (dynamic_cast<const pqxx::check_violation*>(&e) != nullptr ||
      dynamic_cast<const pqxx::not_null_violation*>(&e) != nullptr ||
      dynamic_cast<const pqxx::data_exception*>(&e) != nullptr) {
    return absl::InvalidArgumentError(message);
  }
  if (dynamic_cast<const pqxx::insufficient_privilege*>(&e) != nullptr) {
    return absl::PermissionDeniedError(message);
  }
  // libpqxx 6 has no class of its own for these; it throws a plain sql_error.
  const std::string& state = e.sqlstate();
  if (state == "57014") return absl::DeadlineExceededError(message);  // query_canceled
  if (state == "40001" || state == "40P01") return absl::AbortedError(message);
  // Class 08 (connection exception) and 57P01..03 (server shutting down / restarting).
  if (absl::StartsWith(state, "08") || absl::StartsWith(state, "57P")) {
    return absl::UnavailableError(message);
  }
  return absl::InternalError(message);
}

// For failures outside SQL the text comes from libpq or libpqxx; connection messages carry no
// data, but conversion errors quote the field value, so only safe categories keep their text.
std::string ClientMessage(absl::string_view category, const std::exception& e) {
  return absl::StrCat("database: ", category, ": ", FirstLine(e.what()));
}

}  // namespace

absl::Status StatusFromException(const std::exception& e) {
  if (const auto* sql = dynamic_cast<const pqxx::sql_error*>(&e)) return FromSqlError(*sql);
  // too_many_connections derives from broken_connection: also UNAVAILABLE.
  if (dynamic_cast<const pqxx::broken_connection*>(&e) != nullptr) {
    return absl::UnavailableError(ClientMessage("connection", e));
  }
  // The commit may or may not have happened; the caller must not assume either.
  if (dynamic_cast<const pqxx::in_doubt_error*>(&e) != nullptr) {
    return absl::UnavailableError(ClientMessage("outcome unknown", e));
  }
  // libpqxx 6 throws class-40 errors as transaction_rollback subclasses, which are not
  // sql_errors and carry no SQLSTATE, so it is restored from the class.
  if (dynamic_cast<const pqxx::statement_completion_unknown*>(&e) != nullptr) {
    return absl::UnavailableError(Message("40003", e));
  }
  if (dynamic_cast<const pqxx::serialization_failure*>(&e) != nullptr) {
    return absl::AbortedError(Message("40001", e));
  }
  if (dynamic_cast<const pqxx::deadlock_detected*>(&e) != nullptr) {
    return absl::AbortedError(Message("40P01", e));
  }
  if (dynamic_cast<const pqxx::transaction_rollback*>(&e) != nullptr) {
    return absl::AbortedError(Message("40000", e));
  }
  if (dynamic_cast<const pqxx::conversion_error*>(&e) != nullptr) {
    return absl::InternalError("database: conversion error (value withheld)");
  }
  if (dynamic_cast<const pqxx::usage_error*>(&e) != nullptr ||
      dynamic_cast<const pqxx::internal_error*>(&e) != nullptr ||
      dynamic_cast<const pqxx::range_error*>(&e) != nullptr) {
    return absl::InternalError(ClientMessage("client error", e));
  }
  // Unknown exception types might carry anything, so their text is withheld.
  return absl::InternalError("database: unexpected exception");
}

}  // namespace meltingdoc::pg
