// Maps libpqxx exceptions to absl::Status at the store boundary; no exception leaves a store.
//   unique_violation            -> ALREADY_EXISTS
//   foreign_key_violation       -> FAILED_PRECONDITION
//   check_violation, not_null_violation, data_exception (bad text, out of range)
//                               -> INVALID_ARGUMENT
//   serialization_failure, deadlock_detected -> ABORTED (retry the transaction)
//   broken_connection, in_doubt_error, cannot connect -> UNAVAILABLE
//   query_canceled (statement_timeout) -> DEADLINE_EXCEEDED
//   insufficient_privilege      -> PERMISSION_DENIED
//   anything else               -> INTERNAL
// Messages carry the SQLSTATE and the server's message, never the statement's parameters.
#pragma once

#include <exception>

#include "absl/status/status.h"

namespace meltingdoc::pg {

absl::Status StatusFromException(const std::exception& e);

}  // namespace meltingdoc::pg
